"""The real-question sets' own checkers: row format, labels found in the corpus texts, no page reused.

They run without pbdocs on purpose (labels must not be shaped by the search code); running them here
keeps the labels true when the corpus changes.
"""
import subprocess
import sys
from pathlib import Path

import pytest

SETS = Path(__file__).resolve().parents[1] / "eval" / "real_questions"


@pytest.mark.parametrize("checker", ["check_dev3.py", "check_heldout2.py", "check_dev4.py", "check_dev5.py",
                                     "check_dev6.py", "check_dev7.py", "check_dev8.py", "check_heldout3.py",
                                     "check_heldout4.py", "check_heldout5.py", "check_dev9.py",
                                     "check_heldout6.py", "check_dev10.py", "check_dev11.py",
                                     "check_dev12.py", "check_dev13.py", "check_dev14.py",
                                     "check_dev15.py"])
def test_real_question_labels_hold_against_the_corpus(checker):
    done = subprocess.run([sys.executable, str(SETS / checker)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "answerable" in done.stdout
