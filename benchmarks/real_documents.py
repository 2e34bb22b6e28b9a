"""Score `pbdocs check` on the real development set (eval/real_documents, labelled before any run).

    python benchmarks/real_documents.py [--show-wrong] [--json]

Counts, strictly: verdicts right (a charter's verdict equal to its label, a look-alike
``not_applicable``); look-alikes recognised (not applicable); charters wrongly called not applicable;
false compliant (``compliant`` where the label is anything else); and, for charters, party-clause
elements and organization types right. Prints one line per figure; ``--show-wrong`` lists each wrong file.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "eval" / "real_documents"


def labels(directory: Path = SET, subset: str | None = None) -> list[dict]:
    """The labels of ``directory``; ``subset`` ``dev`` or ``holdout`` keeps one part: the
    development documents (looked at while building) or those added and labelled afterwards."""
    text = (directory / "labels.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [r for r in rows if subset is None or r.get("set", "dev") == subset]


def score(directory: Path = SET, subset: str | None = None) -> dict:
    """The figures over the labelled files of ``directory`` (one ``subset``, or all), with the
    wrong ones named."""
    from pbdocs.rules import CheckOptions, check_path

    figures = {"documents": 0, "right": 0, "charters": 0, "charters_right": 0, "lookalikes": 0,
               "lookalikes_recognised": 0, "charters_not_applicable": 0, "false_compliant": 0,
               "elements": 0, "elements_right": 0, "org_types_right": 0, "wrong": []}
    for label in labels(directory, subset):
        result = check_path(directory / label["file"], CheckOptions())
        figures["documents"] += 1
        right = result.verdict == label["verdict"]
        figures["right"] += right
        if result.verdict == "compliant" and label["verdict"] != "compliant":
            figures["false_compliant"] += 1
        if label["applicable"]:
            figures["charters"] += 1
            figures["charters_right"] += right
            figures["charters_not_applicable"] += result.verdict == "not_applicable"
            figures["org_types_right"] += result.org_type == label["org_type"]
            clause = result.finding("party-clause") if result.verdict != "not_applicable" else None
            for element, expected in label["elements"].items():
                figures["elements"] += 1
                found = bool(clause and element in clause.elements and clause.elements[element].found)
                figures["elements_right"] += found == expected
        else:
            figures["lookalikes"] += 1
            figures["lookalikes_recognised"] += result.verdict == "not_applicable"
        if not right:
            figures["wrong"].append({"file": label["file"], "expected": label["verdict"], "got": result.verdict,
                                     "kind": result.kind, "expected_kind": label["kind"]})
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-wrong", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--set", choices=["dev", "holdout"], default=None,
                        help="only the development documents or only the held-out ones (default: all)")
    args = parser.parse_args(argv)
    figures = score(subset=args.set)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
        return 0
    print(f"verdicts right (strict):        {figures['right']}/{figures['documents']}")
    print(f"charters right:                 {figures['charters_right']}/{figures['charters']}")
    print(f"look-alikes not applicable:     {figures['lookalikes_recognised']}/{figures['lookalikes']}")
    print(f"charters called not applicable: {figures['charters_not_applicable']}")
    print(f"false compliant:                {figures['false_compliant']}")
    print(f"charter elements right:         {figures['elements_right']}/{figures['elements']}")
    print(f"charter organization types:     {figures['org_types_right']}/{figures['charters']}")
    if args.show_wrong:
        for row in figures["wrong"]:
            print(f"  {row['file']}: expected {row['expected']} ({row['expected_kind']}), "
                  f"got {row['got']} ({row['kind']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
