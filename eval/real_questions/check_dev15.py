"""Plain check of dev15.jsonl: row format, labels against the corpus text, no page or question reused.

Runs without pbdocs (labels must not be shaped by the search code):
    python3 eval/real_questions/check_dev15.py
"""
import sys

from labels import check_later_development_set

if __name__ == "__main__":
    sys.exit(check_later_development_set("dev15.jsonl", "d15q"))
