"""Score what ingest reads off real copies of regulations (eval/real_statutes, labelled by reading).

    python benchmarks/real_statutes.py [--show-wrong]

For every page, the metadata ``pbdocs ingest`` would record (:func:`pbdocs.search.corpus.describe`
of the extracted text) against its label, field by field: title (as pbdocs compares titles:
中华人民共和国 and a parenthesized addition dropped, traditional folded), issuer, 文号, date, version
and 施行 date. A field the page does not tell is labelled null, and a value read there counts as
wrong. Prints one line per field and the total; ``--show-wrong`` lists each wrong field.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "eval" / "real_statutes"
FIELDS = ("title", "issuer", "doc_number", "date", "version", "effective")


def labels(directory: Path = SET) -> list[dict]:
    text = (directory / "labels.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def score(directory: Path = SET) -> dict:
    """Per field, how many pages pbdocs reads right, and each wrong reading."""
    sys.path.insert(0, str(ROOT))
    from pbdocs.extract import extract
    from pbdocs.legal import title_key
    from pbdocs.search.corpus import describe

    right = dict.fromkeys(FIELDS, 0)
    wrong: list[tuple[str, str, object, object]] = []
    rows = labels(directory)
    for row in rows:
        read = describe(extract(directory / row["file"]))
        for field in FIELDS:
            want, got = row[field], read.get(field)
            same = title_key(want) == title_key(got) if field == "title" and want and got else want == got
            right[field] += same
            if not same:
                wrong.append((row["file"], field, want, got))
    return {"pages": len(rows), "right": right, "wrong": wrong}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show-wrong", action="store_true")
    args = parser.parse_args(argv)
    figures = score()
    n = figures["pages"]
    for field in FIELDS:
        print(f"{field:<12} {figures['right'][field]}/{n}")
    print(f"{'all fields':<12} {sum(figures['right'].values())}/{n * len(FIELDS)}")
    if args.show_wrong:
        for name, field, want, got in figures["wrong"]:
            print(f"  {name} {field}: labelled {want!r}, read {got!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
