"""Quality gate of `pbdocs check`: every labelled charter right, as .txt, .docx and PDF.

Two sets: the shared development charters (``../shared/eval/charters`` beside the repository,
with ``labels.jsonl``) and this project's own phenomenon charters (``tests/data/check/charters``
with ``expected.jsonl``), one per trap or variant of CLAUSES.md.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pbdocs import extract
from pbdocs.rules import CheckOptions, check_document, check_path

from helpers import data_module

REPO = Path(__file__).resolve().parents[1]
SHARED_CHARTERS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "charters"
OWN = REPO / "tests" / "data" / "check"
OWN_CHARTERS = OWN / "charters"


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


DEV_LABELS = _jsonl(SHARED_CHARTERS / "labels.jsonl") if (SHARED_CHARTERS / "labels.jsonl").is_file() else []
OWN_EXPECTED = _jsonl(OWN / "expected.jsonl")
# Real documents as they arrive that are not social-organization charters, or not readable text.
REAL = OWN / "real"
REAL_EXPECTED = _jsonl(REAL / "expected.jsonl")
# Renderings of a spread of development charters: compliant, partial, missing, contradicted.
RENDERED = ["full-2019.txt", "only-2018.txt", "short-leadership.txt", "linebreaks.txt", "negated.txt",
            "member-units-only.txt", "weak-partial.txt", "small-org.txt", "clause-no-values.txt"]


render = data_module("check/render.py", "check_render")


def test_development_charters_are_available():
    assert SHARED_CHARTERS.is_dir(), (
        f"development charters not found at {SHARED_CHARTERS}: the shared data directory must sit "
        "beside the repository as ../shared")
    assert len(DEV_LABELS) >= 13, f"{SHARED_CHARTERS / 'labels.jsonl'} holds {len(DEV_LABELS)} labels"
    for label in DEV_LABELS:
        assert (SHARED_CHARTERS / label["file"]).is_file(), label["file"]


def _assert_matches_label(result, label: dict) -> None:
    name = label["file"]
    assert result.error is None, f"{name}: {result.error}"
    clause = result.finding("party-clause")
    row = result.row()
    found = {element_id: element.found for element_id, element in clause.elements.items()}
    assert row["party_clause"] == label["party_clause"], f"{name}: party clause {row['party_clause']}"
    assert found == label["elements"], f"{name}: elements {found}"
    assert row["core_values"] == label["core_values"], f"{name}: core values"
    assert result.verdict == label["verdict"], f"{name}: verdict {result.verdict}"
    if "org_type" in label:
        assert result.org_type == label["org_type"], f"{name}: org type {result.org_type}"
    assert row["missing_elements"] == [k for k, v in label["elements"].items() if not v]


def _assert_evidence_quotes_the_original(result, text: str) -> None:
    """Every piece of evidence is the original text at its offsets, and its match lies inside it."""
    for finding in result.findings:
        for element in finding.elements.values():
            evidence = element.evidence
            if not element.found:
                assert evidence is None
                continue
            assert text[evidence.start:evidence.end] == evidence.text
            assert text[evidence.match_start:evidence.match_end] == evidence.match
            assert evidence.start <= evidence.match_start < evidence.match_end <= evidence.end
            assert evidence.page >= 1
            assert 0 < element.confidence <= 1


# Python's None or a repr leaking into what people read (章程未分章，None的位置…).
_LEAKS = re.compile(r"\bNone\b|<[\w.]+ object at|\b[A-Z]\w+\(\w+=")


def _assert_readable(result) -> None:
    """No message, fix, note, reason or warning of ``result`` shows None or a Python repr."""
    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    data = result.as_dict()
    texts = [*strings(data["findings"]), *strings(data["warnings"]), data["reason"] or "", data["error"] or ""]
    leaks = [text for text in texts if _LEAKS.search(text)]
    assert not leaks, leaks


@pytest.mark.parametrize("label", DEV_LABELS, ids=[lb["file"] for lb in DEV_LABELS])
def test_development_charter_txt(label):
    result = check_path(SHARED_CHARTERS / label["file"])
    _assert_matches_label(result, label)
    _assert_readable(result)
    _assert_evidence_quotes_the_original(result, extract(SHARED_CHARTERS / label["file"]).text)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("check-rendered")
    made = {}
    for label in DEV_LABELS:
        if label["file"] not in RENDERED:
            continue
        text = (SHARED_CHARTERS / label["file"]).read_text(encoding="utf-8")
        stem = label["file"].removesuffix(".txt")
        made[(label["file"], "docx")] = render.render_docx(text, out / f"{stem}.docx")
        made[(label["file"], "pdf")] = render.render_pdf(text, out / f"{stem}.pdf", header=text.splitlines()[0])
    return made


RENDER_CASES = [(lb, fmt) for lb in DEV_LABELS if lb["file"] in RENDERED for fmt in ("docx", "pdf")]


@pytest.mark.parametrize("label,fmt", RENDER_CASES, ids=[f"{lb['file']}-{fmt}" for lb, fmt in RENDER_CASES])
def test_development_charter_rendered(rendered, label, fmt):
    path = rendered[(label["file"], fmt)]
    result = check_path(path)
    _assert_matches_label(result, label)
    _assert_evidence_quotes_the_original(result, extract(path).text)


def _rendered_page(pages: list[list[str]], match: str, after: str) -> int:
    """The page of the PDF rendering on which ``match`` begins (first time after ``after``)."""
    flat = "".join("".join(line.split()) for page in pages for line in page)
    starts, pos = [], 0
    for page in pages:
        starts.append(pos)
        pos += sum(len("".join(line.split())) for line in page)
    anchor = flat.index(after)
    at = flat.index("".join(match.split()), anchor)
    return max(i for i, s in enumerate(starts) if s <= at) + 1


@pytest.mark.parametrize("name", [n for n in RENDERED if n in {lb["file"] for lb in DEV_LABELS}])
def test_pdf_evidence_is_on_the_page_where_the_words_are(rendered, name):
    """The renderer breaks the page inside the clause: each element is reported on its own page."""
    if (name, "pdf") not in rendered:
        pytest.fail(f"{name} was not rendered")
    text = (SHARED_CHARTERS / name).read_text(encoding="utf-8")
    pages = render.pdf_pages(text)
    result = check_path(rendered[(name, "pdf")])
    evidenced = [e for f in result.findings for e in f.elements.values() if e.evidence]
    assert evidenced, "nothing found in a charter that has a core-values sentence or clause"
    for element in evidenced:
        evidence = element.evidence
        assert evidence.page == _rendered_page(pages, evidence.match, evidence.article or ""), element.id


@pytest.mark.parametrize("expected", OWN_EXPECTED, ids=[e["file"] for e in OWN_EXPECTED])
def test_own_phenomenon_charter(expected):
    path = OWN_CHARTERS / expected["file"]
    result = check_path(path)
    _assert_matches_label(result, expected)
    clause = result.finding("party-clause")
    assert clause.article == expected["article"]
    assert result.subject == expected["subject"]
    if "placement" in expected:
        assert result.finding("placement").status == expected["placement"]
    if "body" in expected:
        assert result.finding("party-building-body").status == expected["body"]
    for element_id, method in expected.get("methods", {}).items():
        assert clause.elements[element_id].method == method, element_id
    if "name" in expected:
        assert result.name == expected["name"]
    if "fix_where" in expected:
        assert clause.fix.where == expected["fix_where"]
    _assert_readable(result)
    for finding in result.findings:
        if finding.fix and "{subject}" in _fix_template(finding.rule):
            assert finding.fix.text.startswith(expected["subject"]), finding.fix.text
    if clause.status in ("partial", "missing", "contradicted"):
        assert clause.fix is not None and "坚持中国共产党的全面领导" in clause.fix.text
    else:
        assert clause.fix is None
    _assert_evidence_quotes_the_original(result, extract(path).text)
    if "statutory" in expected:
        both = check_path(path, CheckOptions(pack="all"))
        contents = next(f for f in both.findings if f.rule.endswith("-contents"))
        assert contents.status == expected["statutory"], contents.message
        assert both.verdict == expected["verdict_all"]


# Own charters whose phenomenon must survive a .docx or a paginated, wrapped PDF.
OWN_RENDERED = ["heading-same-line.txt", "arabic-article-numbers.txt", "list-numbered-small.txt", "article-jump.txt",
                "double-negative.txt", "may-not-set-up.txt", "split-three-articles.txt", "appendix-obligation.txt",
                "preamble-quote-2018-body.txt", "toc-article-title.txt", "member-guidance-only.txt",
                "hk-foundation-traditional.txt", "values-split-extra.txt", "pinyin-readings.txt",
                "private-school-bare-subject.txt", "kindergarten-missing.txt", "name-glued-english-bracket.txt"]
OWN_RENDER_CASES = [(e, fmt) for e in OWN_EXPECTED if e["file"] in OWN_RENDERED for fmt in ("docx", "pdf")]


@pytest.mark.parametrize("expected,fmt", OWN_RENDER_CASES,
                         ids=[f"{e['file']}-{fmt}" for e, fmt in OWN_RENDER_CASES])
def test_own_phenomenon_charter_rendered(tmp_path, expected, fmt):
    text = (OWN_CHARTERS / expected["file"]).read_text(encoding="utf-8")
    target = tmp_path / expected["file"].replace(".txt", f".{fmt}")
    if fmt == "docx":
        path = render.render_docx(text, target)
    else:
        path = render.render_pdf(text, target, header=text.splitlines()[0])
    result = check_path(path)
    _assert_matches_label(result, expected)
    assert result.finding("party-clause").article == expected["article"]
    _assert_evidence_quotes_the_original(result, extract(path).text)


@pytest.mark.parametrize("expected", REAL_EXPECTED, ids=[e["file"] for e in REAL_EXPECTED])
def test_real_arrival(expected):
    """Look-alike documents are not_applicable with their reason, garbled text is an error with
    its reason; neither is ever told to add the social-organization clause."""
    result = check_path(REAL / expected["file"])
    assert result.verdict == expected["verdict"], result.error or result.reason
    assert result.kind == expected.get("kind")
    if "name" in expected:
        assert result.name == expected["name"]
    assert {f.rule: f.status for f in result.findings} == expected["findings"]
    if "reason" in expected:
        assert expected["reason"] in result.reason
    if "error" in expected:
        assert expected["error"] in result.error and result.findings == []
    if "warning" in expected:
        assert expected["warning"] in [w.reason for w in result.warnings]
    if "fix" in expected:
        assert [f.fix.text for f in result.findings if f.fix] == [expected["fix"]]
    if result.verdict != "compliant":
        fixes = [f.fix.text for f in result.findings if f.fix]
        assert not any(text.startswith("本") for text in fixes), fixes
    _assert_readable(result)


def test_every_real_arrival_has_an_expectation():
    assert {e["file"] for e in REAL_EXPECTED} == {p.name for p in REAL.glob("*.txt")}


def test_forced_kind_checks_a_company_as_a_charter_and_a_charter_as_a_company():
    as_charter = check_path(REAL / "company-articles.txt", CheckOptions(kind="social_organization"))
    assert as_charter.kind == "social_organization" and as_charter.verdict == "partial"
    as_company = check_path(OWN_CHARTERS / "realistic-social-group.txt", CheckOptions(kind="company"))
    assert as_company.verdict == "not_applicable" and as_company.kind == "company"
    assert [f.rule for f in as_company.findings] == ["company-party-organization"]


def test_own_rendered_charters_exist():
    assert set(OWN_RENDERED) <= {e["file"] for e in OWN_EXPECTED}


def _fix_template(rule_id: str) -> str:
    from pbdocs.rules import list_rules

    rule = next(r for r in list_rules("all") if r.id == rule_id)
    return rule.fix_text or ""


def test_every_own_charter_has_an_expectation():
    listed = {e["file"] for e in OWN_EXPECTED}
    on_disk = {p.name for p in OWN_CHARTERS.glob("*.txt")}
    assert listed == on_disk


def test_misplaced_clause_fix_names_the_article_and_the_general_chapter():
    result = check_path(OWN_CHARTERS / "later-chapter.txt")
    placement = result.finding("placement")
    assert placement.severity == "warning"
    assert placement.chapter == "第三章 组织机构"
    # The fix is the clause to insert (charter text), the move and the deletion are in where.
    assert "第八条" in placement.fix.where and "第一章 总则" in placement.fix.where
    assert placement.fix.text.startswith(result.subject) and "移" not in placement.fix.text
    assert placement.fix.text in result.finding("party-clause").elements["organization"].evidence.text


def test_contradicted_clause_quotes_the_refusal():
    result = check_path(OWN_CHARTERS / "deferred.txt")
    organization = result.finding("party-clause").elements["organization"]
    assert organization.negated_evidence.match == "设立中国共产党的组织"
    assert "暂不设立" in organization.negated_evidence.text
    assert "第四条" in result.finding("party-clause").fix.where


def test_weak_leadership_is_reported_but_not_found():
    result = check_path(SHARED_CHARTERS / "weak-partial.txt")
    leadership = result.finding("party-clause").elements["leadership"]
    assert not leadership.found and leadership.evidence is None
    assert leadership.weak_evidence.match == "坚持党的领导"


def test_party_building_body_is_named():
    result = check_path(OWN_CHARTERS / "yuan-with-body.txt")
    body = result.finding("party-building-body")
    assert body.severity == "info"
    assert "中共明德市社会组织综合委员会" in body.message


# -- pages, running headers, unreadable input -------------------------------------------------------

def _paged_document(pages: list[str]):
    from pbdocs.models import Document, Page

    return Document(path="paged.pdf", format="pdf", pages=[Page(i + 1, t) for i, t in enumerate(pages)])


def test_clause_cut_by_page_break_header_and_footer_is_found_on_both_pages():
    header = "江州市软件行业协会章程（2024年修订）"
    page1 = (f"{header}\n第一章 总则\n第一条 本会的名称是江州市软件行业协会。\n"
             "第二条 本会是非营利性社会团体。\n第三条 本会的宗旨是：服务会员。本会遵守宪法、法律、法规和国家政策，"
             "践行社会主义核心价值观，遵守社会道德风尚。\n"
             "第四条 本会坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共产党\n- 1 -")
    page2 = f"{header}\n的组织，开展党的活动，为党组织的活动提供必要条件。\n第五条 本会的住所设在江州市。\n- 2 -"
    doc = _paged_document([page1, page2])
    result = check_document(doc)
    clause = result.finding("party-clause")
    assert result.verdict == "compliant", clause.message
    organization = clause.elements["organization"].evidence
    assert organization.match.replace("\n", "").startswith("设立中国共产党")
    assert organization.page == 1
    assert clause.elements["activities"].evidence.page == 2
    # The quote spans the page break as written, header and page number included.
    assert organization.match.endswith("的组织") and "- 1 -" in organization.match


@pytest.mark.parametrize("name,content", [
    ("empty.txt", b""),
    ("near-empty.txt", "章程\n".encode()),
    ("broken.pdf", b"%PDF-1.7\n%broken beyond repair\n"),
    ("broken.docx", b"PK\x03\x04 not really a zip"),
])
def test_unreadable_or_near_empty_file_is_error_never_missing(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    result = check_path(path)
    assert result.verdict == "error"
    assert result.error
    assert result.findings == []
    assert result.row()["error"] == result.error


def test_missing_file_is_error(tmp_path):
    result = check_path(tmp_path / "nowhere.txt")
    assert result.verdict == "error" and "no such file" in result.error


@pytest.mark.slow
def test_scanned_pdf_of_compliant_charter_is_compliant_with_evidence_on_the_right_page(tmp_path):
    text = (SHARED_CHARTERS / "full-2019.txt").read_text(encoding="utf-8")
    path = render.render_scanned_pdf(text, tmp_path / "scanned.pdf", header=text.splitlines()[0])
    result = check_path(path)
    assert result.verdict == "compliant"
    assert result.ocr_pages == [1, 2]
    pages = render.pdf_pages(text)
    clause = result.finding("party-clause")
    for element in clause.elements.values():
        evidence = element.evidence
        assert evidence.page == _rendered_page(pages, re.sub(r"\s", "", evidence.match), "第四条"), element.id
