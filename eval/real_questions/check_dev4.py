"""Plain check of dev4.jsonl: row format, labels against the corpus text, no reuse of pages or sites.

Runs without pbdocs (labels must not be shaped by the search code):
    python3 eval/real_questions/check_dev4.py
"""
import sys

from labels import check, fold


def short_answers(answers):
    problems = ["more than 3 answers"] if len(answers) > 3 else []
    return problems + [f"answer {a!r} is not 15-40 characters" for a in answers if len(fold(a)) < 15 or len(a) > 40]


if __name__ == "__main__":
    sys.exit(check("dev4.jsonl", "d4q", ("questions.jsonl", "heldout.jsonl", "dev2.jsonl", "dev3.jsonl", "heldout2.jsonl"),
                   short_answers, max_per_site=4))
