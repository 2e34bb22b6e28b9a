"""What an office hands on after a check: review opinions and amended charters.

``opinion_docx``/``write_opinions`` write the review opinion (审查意见) on charters short of
compliant; ``amend_charter`` writes the amended charter (Word tracked changes, or plain text) and
the table of changes (章程修改对照表). Sits after :mod:`pbdocs.screen` in the import order.
"""
from __future__ import annotations

from .amend import AUTHOR, Amendment, amend_charter, amend_docx, table_docx, table_text
from .opinion import OpinionSettings, chinese_date, needs_opinion, opinion_docx, write_opinions
from .plan import Plan, TableRow, apply_plan, plan_amendment

__all__ = [
    "OpinionSettings", "opinion_docx", "write_opinions", "needs_opinion", "chinese_date",
    "AUTHOR", "Amendment", "amend_charter", "amend_docx", "table_docx", "table_text",
    "Plan", "TableRow", "apply_plan", "plan_amendment",
]
