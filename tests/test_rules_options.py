"""CheckOptions: built once, validated once, and the same check wherever it is unpickled."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from pbdocs.errors import InvalidOption, RulePackError
from pbdocs.extract import ExtractOptions
from pbdocs.rules import CheckOptions, check_path

PACKS = Path(__file__).parent / "data" / "check" / "packs"
CHARTERS = Path(__file__).parent / "data" / "check" / "charters"


def test_org_type_is_made_canonical_and_an_unknown_one_refused():
    assert CheckOptions(org_type="民办非企业单位").org_type == "社会服务机构"
    assert CheckOptions.build(org_type="foundation").org_type == "基金会"
    with pytest.raises(InvalidOption, match="unknown organization type '协会'"):
        CheckOptions(org_type="协会")


def test_build_carries_the_rules_file_as_text_and_checks_the_same_after_a_round_trip(tmp_path):
    options = CheckOptions.build(rules_file=PACKS / "custom-ok.toml", extract=ExtractOptions(ocr="never"))
    assert options.rules_name == str(PACKS / "custom-ok.toml")
    assert options.rules_text == (PACKS / "custom-ok.toml").read_text(encoding="utf-8")
    # A worker elsewhere has the text only: the file itself is gone by then.
    travelled = pickle.loads(pickle.dumps(options))
    assert travelled == options and travelled.extract.ocr == "never"
    finding = check_path(CHARTERS / "liaison.txt", travelled).finding("volunteer-service")
    assert finding is not None and finding.status == "missing"


@pytest.mark.parametrize("name, message", [
    ("bad-regex.toml", "bad regular expression"),
    ("clash.toml", "already defined by a built-in pack"),
    ("absent.toml", "no such rule pack file"),
])
def test_build_refuses_a_bad_rules_file_naming_it(name, message):
    with pytest.raises(RulePackError, match=message) as info:
        CheckOptions.build(rules_file=PACKS / name)
    assert str(info.value).startswith(str(PACKS / name))


def test_build_refuses_an_unknown_pack():
    with pytest.raises(RulePackError, match="unknown rule pack 'partyy'"):
        CheckOptions.build(pack="partyy")


def test_fingerprint_changes_with_anything_that_changes_the_results():
    base = CheckOptions().fingerprint()
    assert base == CheckOptions().fingerprint()
    others = [CheckOptions(pack="all"), CheckOptions(org_type="基金会"),
              CheckOptions(rules_name="r.toml", rules_text="[pack]"), CheckOptions(extract=ExtractOptions(ocr="never"))]
    assert all(other.fingerprint() != base for other in others)
