"""Plain check of heldout3.jsonl: row format, labels against the corpus text, no reuse of pages or sites.

Runs without pbdocs (labels must not be shaped by the search code):
    python3 eval/real_questions/check_heldout3.py
"""
import sys

from labels import check, short_answers

# heldout3 and heldout4 were collected side by side: each must not repeat the other either.
EARLIER = ("questions.jsonl", "heldout.jsonl", "dev2.jsonl", "dev3.jsonl", "heldout2.jsonl", "dev4.jsonl",
           "dev5.jsonl", "dev6.jsonl", "dev7.jsonl", "dev8.jsonl", "heldout4.jsonl")

if __name__ == "__main__":
    sys.exit(check("heldout3.jsonl", "h3q", EARLIER, short_answers, max_per_site=4))
