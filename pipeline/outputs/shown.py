"""A finding's 报告所述 / 复核计算 as an auditor reads them: in the workbook's units, never as Python data.

The record keeps money in yuan and structures as JSON; the workbook and the page show 万元 with two
decimals, percentages with %, scores with 分, lists joined by 、 and budget fields by their Chinese labels.
How a check's values are shown is data (``values`` in ``rules/citations.yaml``).

>>> shown([6627700, 166700, 166700], "field", {"field": "spent"})
'662.77万元、16.67万元、16.67万元'
>>> shown(88.7883, "percent"), shown(4.1265, "score"), shown("优", "score"), shown(3, "count")
('88.79%', '4.13分', '优', '3项')
>>> shown({"initial": 0, "full_year": 640000}, "money")
'年初预算数 0.00万元；全年预算数 64.00万元'
>>> shown({"title": 2023, "body": {"2022": 2}, "captions": []}, "plain")
'标题 2023；正文 2022（2处）'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pipeline.outputs.recompute import BUDGET_FIELDS, MONEY_FIELDS, format_number, to_decimal

_LABELS = {**BUDGET_FIELDS, "title": "标题", "body": "正文", "captions": "表格", "total": "总分", "grade": "等级"}
_CENT = Decimal("0.01")


def _unit_of(values: str, facts: Any) -> str:
    if values != "field":
        return values
    field = facts.get("field") if isinstance(facts, dict) else None
    if field in MONEY_FIELDS:
        return "money"
    return "percent" if field == "execution_rate" else "plain"


def shown(value: Any, values: str = "plain", facts: Any = None) -> str | None:
    """``value`` as text in the unit ``values`` names (see the module's examples)."""
    unit = _unit_of(values, facts)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        parts = [shown(v, unit) for v in value]
        return "、".join(p for p in parts if p)
    if isinstance(value, dict):
        return "；".join(_pair(k, v, unit) for k, v in value.items() if v not in (None, [], {}))
    d = to_decimal(value)
    if d is None:
        return str(value)
    if unit == "money":
        return f"{(d / 10000).quantize(_CENT, ROUND_HALF_UP)}万元"
    if unit == "percent":
        return f"{d.quantize(_CENT, ROUND_HALF_UP).normalize():f}%"
    if unit == "score":
        return f"{d.quantize(_CENT, ROUND_HALF_UP).normalize():f}分"
    if unit == "count":
        return f"{format_number(d)}项"
    return format_number(d)


def _pair(key: str, value: Any, unit: str) -> str:
    label = _LABELS.get(key, key)
    if isinstance(value, dict) and all(to_decimal(v) is not None for v in value.values()):
        # {"2022": 2}: a value and how many times it is printed
        return f"{label} " + "、".join(f"{k}（{format_number(to_decimal(n))}处）" for k, n in value.items())
    return f"{label} {shown(value, unit if key in MONEY_FIELDS or unit != 'money' else 'plain')}"
