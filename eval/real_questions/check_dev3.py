"""Plain check of dev3.jsonl: row format, labels against the corpus text, no reuse of pages.

Runs without pbdocs (labels must not be shaped by the search code):
    python3 eval/real_questions/check_dev3.py
"""
import sys

from labels import check, fold


def first_answer_length(answers):
    length = len(fold(answers[0]))
    return [] if 10 <= length <= 30 else [f"first answer is {length} characters"]


if __name__ == "__main__":
    sys.exit(check("dev3.jsonl", "d3q", ("questions.jsonl", "heldout.jsonl", "dev2.jsonl"), first_answer_length))
