"""Plain check of dev13.jsonl: row format, labels against the corpus text, no page or question reused.

Runs without pbdocs (labels must not be shaped by the search code):
    python3 eval/real_questions/check_dev13.py

The stored pages on sites no set has used are nearly mined out (dev10 found nine questions in an
hour), so this set may take further questions from sites of earlier development sets; never from a
site of a held-out set: those stay the measure on sites search was not tuned on.
"""
import sys

from labels import check, short_answers

HELDOUT = ("heldout.jsonl", "heldout2.jsonl", "heldout3.jsonl", "heldout4.jsonl", "heldout5.jsonl",
           "heldout6.jsonl")
DEVELOPMENT = ("questions.jsonl", "dev2.jsonl", "dev3.jsonl", "dev4.jsonl", "dev5.jsonl", "dev6.jsonl",
               "dev7.jsonl", "dev8.jsonl", "dev9.jsonl", "dev10.jsonl", "dev11.jsonl", "dev12.jsonl")

if __name__ == "__main__":
    sys.exit(check("dev13.jsonl", "d13q", DEVELOPMENT + HELDOUT, short_answers, max_per_site=4,
                   sites_of=HELDOUT))
