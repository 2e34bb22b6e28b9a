"""Plain check of dev10.jsonl: row format, labels against the corpus text, no reuse of pages or sites.

Runs without pbdocs (labels must not be shaped by the search code):
    python3 eval/real_questions/check_dev10.py
"""
import sys

from labels import check, short_answers

# dev10 must not repeat any earlier set, held-out or development.
EARLIER = ("questions.jsonl", "heldout.jsonl", "dev2.jsonl", "dev3.jsonl", "heldout2.jsonl", "dev4.jsonl",
           "dev5.jsonl", "dev6.jsonl", "dev7.jsonl", "dev8.jsonl", "heldout3.jsonl", "heldout4.jsonl",
           "heldout5.jsonl", "dev9.jsonl", "heldout6.jsonl")

if __name__ == "__main__":
    sys.exit(check("dev10.jsonl", "d10q", EARLIER, short_answers, max_per_site=4))
