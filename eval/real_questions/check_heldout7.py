"""Plain check of heldout7.jsonl: row format, labels against the corpus text, no reuse of pages or sites.

Runs without pbdocs (labels must not be shaped by the search code):
    python3 eval/real_questions/check_heldout7.py
"""
import sys

from labels import check, short_answers

# heldout7 must not repeat any earlier set, held-out or development (no page, no site, no question).
EARLIER = ("questions.jsonl", "dev2.jsonl", "dev3.jsonl", "dev4.jsonl", "dev5.jsonl", "dev6.jsonl",
           "dev7.jsonl", "dev8.jsonl", "dev9.jsonl", "dev10.jsonl", "dev11.jsonl", "dev12.jsonl",
           "dev13.jsonl", "dev14.jsonl", "dev15.jsonl",
           "heldout.jsonl", "heldout2.jsonl", "heldout3.jsonl", "heldout4.jsonl", "heldout5.jsonl",
           "heldout6.jsonl")

if __name__ == "__main__":
    sys.exit(check("heldout7.jsonl", "h7q", EARLIER, short_answers, max_per_site=4,
                   retrieved="2026-12-08"))
