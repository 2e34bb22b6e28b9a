"""Rule packs: the built-in packs' content and legal basis, and validation of users' pack files."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pbdocs.errors import RulePackError
from pbdocs.rules import CheckOptions, builtin_pack_names, check_path, list_rules, load_pack

PACKS = Path(__file__).parent / "data" / "check" / "packs"
CHARTERS = Path(__file__).parent / "data" / "check" / "charters"
BAD_PACKS = sorted(p for p in PACKS.glob("*.toml") if p.read_text(encoding="utf-8").startswith("# expect:"))


def test_builtin_packs():
    assert builtin_pack_names() == ["party", "statutory", "company"]
    party = load_pack("party")
    assert [r.id for r in party.rules] == ["party-clause", "core-values", "placement", "party-building-body"]
    clause = next(r for r in party.rules if r.id == "party-clause")
    assert [e.id for e in clause.elements] == ["basis", "organization", "activities", "conditions", "leadership"]
    assert clause.basis.doc_number == "民函〔2019〕54号"
    assert clause.alternative is not None and clause.alternative.replaces == ("organization", "basis")
    values = next(r for r in party.rules if r.id == "core-values")
    assert values.basis.doc_number == "民函〔2018〕78号"


@pytest.mark.parametrize("rule_id,org_type,doc_number,article", [
    ("social-group-contents", "社会团体", "国务院令第250号", "第十四条"),
    ("foundation-contents", "基金会", "国务院令第400号", "第十条"),
    ("social-service-contents", "社会服务机构", "国务院令第251号", "第十条"),
])
def test_statutory_pack_cites_each_regulation(rule_id, org_type, doc_number, article):
    rule = next(r for r in load_pack("statutory").rules if r.id == rule_id)
    assert rule.org_types == (org_type,)
    assert rule.basis.doc_number.startswith(doc_number)
    assert rule.basis.article == article
    assert all(e.article.startswith(article) for e in rule.elements)


def test_statutory_doc_numbers_match_the_regulation_texts():
    """The 国务院令 numbers in the pack are those printed in the regulations' own texts."""
    policies = Path(__file__).resolve().parents[2] / "shared" / "policies"
    assert policies.is_dir(), f"policy texts not found at {policies}"
    sources = {
        "social-group-contents": "社会团体登记管理条例_2016.txt",
        "foundation-contents": "基金会管理条例_2004.txt",
        "social-service-contents": "民办非企业单位登记管理暂行条例_1998.txt",
    }
    for rule in load_pack("statutory").rules:
        text = (policies / sources[rule.id]).read_text(encoding="utf-8")
        number = rule.basis.doc_number.split("（")[0].removeprefix("国务院令")
        assert f"国务院令{number}" in text, rule.id
        assert f"{rule.basis.article} " in text, rule.id


def test_list_rules_all_and_with_user_file():
    ids = [r.id for r in list_rules("all")]
    assert ids[:4] == ["party-clause", "core-values", "placement", "party-building-body"]
    assert "foundation-contents" in ids
    with_user = [r.id for r in list_rules("party", PACKS / "custom-ok.toml")]
    assert with_user[-1] == "volunteer-service"


def test_every_rule_has_a_legal_basis_and_dict_form():
    for rule in list_rules("all"):
        data = rule.as_dict()
        assert data["basis"]["title"]
        assert set(data["basis"]) == {"title", "doc_number", "date", "article"}
        assert data["id"] == rule.id


@pytest.mark.parametrize("path", BAD_PACKS, ids=[p.name for p in BAD_PACKS])
def test_bad_pack_is_refused_with_a_message_naming_the_file(path):
    expected = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").strip()
    with pytest.raises(RulePackError) as info:
        list_rules("party", path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert expected in message
    assert info.value.exit_code == 2


def test_unknown_pack_name_and_missing_or_undecodable_file(tmp_path):
    with pytest.raises(RulePackError, match="unknown rule pack 'partyy'"):
        load_pack("partyy")
    with pytest.raises(RulePackError, match="no such rule pack file"):
        load_pack(tmp_path / "absent.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes("[pack]\nname = \"caf\xe9\"\n".encode("latin-1"))
    with pytest.raises(RulePackError, match="not UTF-8"):
        load_pack(latin)


def test_user_pack_adds_its_rule_to_the_check():
    with_volunteers = check_path(CHARTERS / "liaison.txt", CheckOptions.build(rules_file=PACKS / "custom-ok.toml"))
    finding = with_volunteers.finding("volunteer-service")
    assert finding.status == "missing"
    assert finding.fix.text == "本会积极开展志愿服务活动。"
    # The user's rule is a gate: the otherwise compliant charter is now partial.
    assert with_volunteers.verdict == "partial"
    assert check_path(CHARTERS / "liaison.txt").verdict == "compliant"


@pytest.mark.parametrize("path", BAD_PACKS, ids=[p.name for p in BAD_PACKS])
def test_bad_pack_reads_in_chinese_only(path):
    from pbdocs.messages import catalogue

    with pytest.raises(RulePackError) as info:
        list_rules("party", path)
    text = catalogue().error_text(info.value)
    # Only the file's own words are left in Latin letters: TOML keys, ids and codes it names.
    words = set(re.findall(r"[A-Za-z_]+", text))
    own = set(re.findall(r"[A-Za-z_]+", path.read_text(encoding="utf-8").split("\n", 1)[1]))
    allowed = own | {"basis", "title", "doc_number", "date", "article", "elements", "rules", "pack", "TOML", "kind",
                     "clause", "contents", "placement", "mention", "severity", "target", "alternative", "fix",
                     "gate", "id", "org_types", "primary", "after", "missing", "purpose", "subject", "supervision"}
    assert words <= allowed, (text, words - allowed)
    assert re.search(r"[\u4e00-\u9fff]", text)
