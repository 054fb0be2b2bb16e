"""What the output writers share: typed values out of records, and the reviewed total and grade.

Records are JSON-shaped (numbers as int/float, as ``jsonable`` wrote them) or fresh from
``extract_record`` (the same shapes); a writer never trusts a key to be present, because an error record
carries only the envelope and empty fields, and checks added later may carry any ``expected``/``stated``.

The reviewed total (复核总分) and grade (复核等级) are not recomputed here: they are read off the findings,
so that a new check that corrects the total or the grade shows up in both outputs without code here.

>>> rec = {"score": {"total": {"value": 97.7}, "grade": {"value": "优"}}, "findings": [
...     {"check": "A", "severity": "error", "stated": 97.7, "expected": 94.13},
...     {"check": "B", "severity": "error", "stated": 97.7, "expected": 85.93},
...     {"check": "C", "severity": "info", "stated": 97.7, "expected": 80},
...     {"check": "D", "severity": "error", "stated": "优", "expected": "良", "grade_changing": True}]}
>>> reviewed_total(rec), reviewed_grade(rec)
(Decimal('85.93'), '良')
>>> wan(6627700)
Decimal('662.77')
"""

from __future__ import annotations

import json
import math
from collections import Counter
from decimal import Decimal
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_ZH = {"ok": "正常", "partial": "部分读取", "error": "无法读取", "not_report": "非报告"}
KIND_ZH = {
    "self-report": "项目支出绩效自评报告",
    "self-table": "项目支出绩效自评表",
    "dept-overall": "部门整体支出绩效评价",
    "evaluation-report": "绩效评价报告",
    "unknown": "未识别",
}
# The budget facts in the order the 自评表 prints them, with their Chinese labels.
BUDGET_FIELDS = {
    "initial": "年初预算数",
    "full_year": "全年预算数",
    "received": "实际到位",
    "spent": "执行数",
    "execution_rate": "执行率",
    "balance": "结余",
}
MONEY_FIELDS = frozenset({"initial", "full_year", "received", "spent", "balance"})
_TEN_THOUSAND = Decimal(10000)
# Two printed scores agree when they differ by less than half a unit in the second decimal.
_SAME_SCORE = Decimal("0.005")


def to_decimal(x: Any) -> Decimal | None:
    """A JSON number as the Decimal it was written from (662.77 stays 662.77); anything else is None."""
    if isinstance(x, bool) or x is None:
        return None  # True is an int to Python, never a figure
    if isinstance(x, Decimal):
        return x if x.is_finite() else None
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, float):
        return Decimal(str(x)) if math.isfinite(x) else None
    return None


def wan(yuan: Any) -> Decimal | None:
    """Yuan as 万元, exact (the workbook shows money in 万元; the record keeps yuan)."""
    d = to_decimal(yuan)
    return None if d is None else d / _TEN_THOUSAND


def fact_value(fact: Any) -> Any:
    """The value of a Fact (or None when the fact is missing)."""
    return fact.get("value") if isinstance(fact, dict) else None


def fact_evidence(fact: Any) -> dict:
    ev = fact.get("evidence") if isinstance(fact, dict) else None
    return ev if isinstance(ev, dict) else {}


def section(record: dict, key: str) -> dict:
    """A dict-valued part of the record (meta, budget, score), empty when absent or null."""
    v = record.get(key)
    return v if isinstance(v, dict) else {}


def items(record: dict, key: str) -> list[dict]:
    v = record.get(key)
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def findings(record: dict) -> list[dict]:
    return items(record, "findings")


def error_of(record: dict) -> dict:
    e = record.get("error")
    return e if isinstance(e, dict) else {}


def severity_counts(record: dict) -> Counter:
    return Counter(f.get("severity") for f in findings(record))


def stated_total(record: dict) -> Decimal | None:
    return to_decimal(fact_value(section(record, "score").get("total")))


def stated_grade(record: dict) -> str | None:
    g = fact_value(section(record, "score").get("grade"))
    return g if isinstance(g, str) else None


def budget_amount(record: dict) -> Any:
    """The 预算数 a summary shows: the full-year (adjusted) budget, else the initial one."""
    b = section(record, "budget")
    v = fact_value(b.get("full_year"))
    return v if v is not None else fact_value(b.get("initial"))


def reviewed_total(record: dict) -> Decimal | None:
    """The total the findings say the report should have: the lowest corrected total, or None.

    A finding corrects the total when what it says the report stated is the report's total and it expects
    another number. Info findings are hints, not corrections. The lowest wins because a check may give a
    ceiling (the total can be at most this) and another a recomputation; the reviewed total obeys both.
    """
    total = stated_total(record)
    if total is None:
        return None
    candidates = []
    for f in findings(record):
        if f.get("severity") == "info":
            continue
        stated, expected = to_decimal(f.get("stated")), to_decimal(f.get("expected"))
        if stated is None or expected is None or abs(stated - total) >= _SAME_SCORE:
            continue
        if abs(expected - total) >= _SAME_SCORE:
            candidates.append(expected)
    return min(candidates) if candidates else None


def reviewed_grade(record: dict) -> str | None:
    """The grade the findings say the report should have, or None.

    A finding corrects the grade when it says the report stated the report's grade and expects another
    word; a grade-changing finding wins over one that is not.
    """
    grade = stated_grade(record)
    if grade is None:
        return None
    best: tuple[bool, str] | None = None
    for f in findings(record):
        stated, expected = f.get("stated"), f.get("expected")
        if stated != grade or not isinstance(expected, str) or not expected or expected == grade:
            continue
        changing = bool(f.get("grade_changing"))
        if best is None or (changing and not best[0]):
            best = (changing, expected)
    return best[1] if best else None


def as_text(x: Any) -> str | None:
    """A finding's expected/stated as text: numbers as printed, structures as JSON."""
    if x is None:
        return None
    if isinstance(x, str):
        return x
    if isinstance(x, bool):
        return "是" if x else "否"
    d = to_decimal(x)
    if d is not None:
        return format_number(d)
    return json.dumps(x, ensure_ascii=False, default=str)


def format_number(d: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 6627700, 88.7883, 85.3."""
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


def evidence_quotes(evidence: Any) -> list[str]:
    if not isinstance(evidence, list):
        return []
    return [e["quote"] for e in evidence if isinstance(e, dict) and isinstance(e.get("quote"), str) and e["quote"]]


def evidence_pages(evidence: Any) -> list[int]:
    """The distinct pages of a list of evidence, in order of first appearance."""
    if not isinstance(evidence, list):
        return []
    pages: list[int] = []
    for e in evidence:
        p = e.get("page") if isinstance(e, dict) else None
        if isinstance(p, int) and not isinstance(p, bool) and p not in pages:
            pages.append(p)
    return pages

