"""The sentences of review opinions and amendment tables, by ``section.key``.

Kept in one table so that they move as a block into the project's string catalogue
(``pbdocs/messages.py``) when it lands; the keys are already the catalogue's ``section.key`` form.
"""
from __future__ import annotations

from typing import Any

__all__ = ["say"]

_TEXTS: dict[str, str] = {
    "opinion.title": "关于《{name}》的审查意见",
    "opinion.kind": "章程审查意见书",
    "opinion.addressee": "{name}：",
    "opinion.intro": "经审查，你单位报送的章程（{file}）审查结论为“{verdict}”，以下问题需要修改，"
                     "请按照本意见修改章程并履行修改程序。",
    "opinion.identity": "组织名称：{name}　　组织类型：{org_type}",
    "opinion.unknown_name": "（章程未写明名称）",
    "opinion.unknown_type": "（未能从章程识别，请核实）",
    "opinion.item": "{number}、{title}",
    "opinion.status": "问题：{message}",
    "opinion.missing_elements": "缺少要素：{elements}",
    "opinion.evidence": "原文（{place}）：“{text}”",
    "opinion.no_evidence": "原文：章程中未见相关表述。",
    "opinion.place": "位置：{place}",
    "opinion.basis": "依据：{basis}",
    "opinion.add": "修改意见：{where}：“{text}”",
    "opinion.replace": "修改意见：{where}，修改为：“{text}”",
    "opinion.instruction": "修改意见：{text}（{where}）",
    "opinion.route_heading": "修改程序",
    "opinion.route": "章程修改经{body}，{review}后，{approve}。",
    "opinion.closing": "特此函告。",
    "opinion.page": "第{page}页",
    "opinion.place_separator": "，",
    "opinion.date": "{year}年{month}月{day}日",
    "opinion.file": "{stem}-审查意见.docx",
    "table.title": "《{name}》修改对照表",
    "table.before": "原条款",
    "table.after": "修改后条款",
    "table.basis": "修改依据",
    "table.none": "（无）",
    "table.deleted": "（删除）",
    "table.renumbered": "{first}至{last}",
    "table.renumbered_after": "{first}至{last}（序号顺延）",
    "table.renumber_basis": "因增删条款，条款序号相应调整",
    "table.move_basis": "{basis}：党建内容载入章程总则",
    "amend.compliant": "{path}：章程已合规，未作修改",
    "amend.written": "{path}：已写入修订稿 {out}（{count}处修订）",
    "amend.table_written": "修改对照表：{out}",
}

# Verdict names as people read them; the catalogue holds the same labels under [verdicts].
VERDICT_LABELS = {
    "compliant": "合规", "partial": "部分缺失", "missing": "缺失", "contradicted": "明确拒绝",
    "error": "无法读取", "not_applicable": "不适用",
}


def say(key: str, **fields: Any) -> str:
    template = _TEXTS[key]
    return template.format(**fields) if fields else template
