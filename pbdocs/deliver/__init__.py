"""What an office hands on after a check: review opinions, amended charters, compared versions.

``opinion_docx``/``write_opinions`` write the review opinion (审查意见) on charters short of
compliant as a 公文 (GB/T 9704-2012); ``amend_charter`` writes the amended charter (Word tracked
changes, or plain text) and the table of changes (章程修改对照表); ``compare_charters`` aligns the
articles of two versions of a charter and checks both. Sits after :mod:`pbdocs.screen` in the
import order.
"""
from __future__ import annotations

from .amend import (
    Amendment,
    Charter,
    amend_charter,
    amend_docx,
    amendment_rows,
    default_author,
    read_charter,
    table_docx,
    table_text,
)
from .compare import ArticleChange, Comparison, compare_charters, compare_documents, comparison_table
from .opinion import OpinionSettings, chinese_date, needs_opinion, opinion_docx, opinion_text, write_opinions
from .plan import Plan, TableRow, apply_plan, plan_amendment

__all__ = [
    "OpinionSettings", "opinion_docx", "opinion_text", "write_opinions", "needs_opinion", "chinese_date",
    "Amendment", "Charter", "amend_charter", "amend_docx", "amendment_rows", "default_author", "read_charter",
    "table_docx", "table_text",
    "ArticleChange", "Comparison", "compare_charters", "compare_documents", "comparison_table",
    "Plan", "TableRow", "apply_plan", "plan_amendment",
]
