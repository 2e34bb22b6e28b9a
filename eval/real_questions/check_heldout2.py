"""Plain check of heldout2.jsonl: row format, labels against the corpus text, no reuse of pages or sites.

Runs without pbdocs (labels must not be shaped by the search code):
    python3 eval/real_questions/check_heldout2.py
"""
import sys

from labels import check, short_answers

EARLIER = ("questions.jsonl", "heldout.jsonl", "dev2.jsonl", "dev3.jsonl")

if __name__ == "__main__":
    sys.exit(check("heldout2.jsonl", "h2q", EARLIER, short_answers, max_per_site=4))
