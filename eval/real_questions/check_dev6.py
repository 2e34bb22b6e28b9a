"""Plain check of dev6.jsonl: row format, labels against the corpus text, no reuse of pages or sites.

Runs without pbdocs (labels must not be shaped by the search code):
    python3 eval/real_questions/check_dev6.py
"""
import sys

from labels import HERE, check, short_answers

EARLIER = ("questions.jsonl", "heldout.jsonl", "dev2.jsonl", "dev3.jsonl", "heldout2.jsonl", "dev4.jsonl")
if (HERE / "dev5.jsonl").exists():
    EARLIER += ("dev5.jsonl",)

if __name__ == "__main__":
    sys.exit(check("dev6.jsonl", "d6q", EARLIER, short_answers, max_per_site=4))
