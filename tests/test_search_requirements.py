"""The requirement documents of the corpus agree with the rule packs the checker runs."""
from __future__ import annotations

from pathlib import Path

from pbdocs.legal import article_number
from pbdocs.search.corpus import Corpus
from pbdocs.search.requirements import cited_bases, formula, requirement_documents

REPO = Path(__file__).resolve().parents[1]


def test_the_bundled_requirement_documents_are_what_the_rule_packs_generate():
    corpus = Corpus.load(REPO / "corpus")
    by_file = {e.file: e for e in corpus.entries}
    for doc in requirement_documents():
        entry = by_file[doc.file]
        assert (corpus.root / doc.file).read_text(encoding="utf-8") == doc.text, (
            f"{doc.file} is out of date: run python scripts/build_corpus.py")
        assert (entry.title, entry.issuer, entry.doc_number, entry.date) == (
            doc.title, doc.issuer, doc.doc_number, doc.date)


def test_every_legal_basis_the_checker_cites_is_a_corpus_document():
    corpus = Corpus.load(REPO / "corpus")
    for title, rules in cited_bases().items():
        basis = rules[0].basis
        docs = [e for e in corpus.entries if e.title and e.title.removeprefix("中华人民共和国") == title
                and e.is_in_force]
        assert docs, f"no corpus document for {title}"
        entry = docs[0]
        if basis.doc_number and entry.file.startswith("requirements/"):
            assert entry.doc_number == basis.doc_number and entry.date == basis.date
        text = corpus.read(entry).text
        number = article_number(basis.article or "")
        if entry.file.startswith("policies/") and number is not None:
            assert basis.article in text, f"{title} has no {basis.article}"
        if entry.file.startswith("policies/"):
            continue
        for rule in rules:
            assert rule.title in text
            wording = formula(rule, "本会（基金会、中心、院等）" if rule.id == "party-clause" else "")
            if wording:
                assert wording in text
            assert all((e.canonical or e.title) in text for e in rule.elements)


def test_the_2019_clause_wording_is_the_formula_the_checker_fixes_with():
    doc = next(d for d in requirement_documents() if d.doc_number == "民函〔2019〕54号")
    assert "“本会（基金会、中心、院等）坚持中国共产党的全面领导，根据中国共产党章程的规定，设立中国共产党的组织，" \
           "开展党的活动，为党组织的活动提供必要条件。”" in doc.text
    assert doc.issuer == "民政部" and doc.date == "2019-05-20"
