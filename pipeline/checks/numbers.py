"""Figures as the report printed them: a value and the interval its printed decimals allow.

A stated 87.8% stands for [87.75, 87.85); 662.77万元 for 6627700 ± 50 yuan (statcheck's rule, and XBRL
Calculations 1.1 in Arelle). A computed ratio agrees with a stated rate when the ratio of the printed
operands falls in the stated interval; a miss by one unit in the last printed place is a last-digit
matter (a truncated rate), not a contradiction. Sums compare within the summed intervals of the parts.

>>> p = Printed.of_fact({"value": 87.8, "text": "得分率为87.8%"})
>>> p.value, p.half_ulp, p.contains(Decimal("87.825"))
(Decimal('87.8'), Decimal('0.05'), True)
>>> Printed.of_fact({"value": 6627700, "text": "年初预算数662.77万元"}).half_ulp
Decimal('50.000')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache

import regex

_NUMBER = regex.compile(r"\d+(?:\.\d+)?")
# how a stated value relates to the figure printed: as is, 万元/亿元 in yuan, 千, and a rate printed as a
# fraction of one ("0.1" for 10%)
_SCALES = (Decimal(1), Decimal(10000), Decimal(100000000), Decimal(1000), Decimal("0.0001"), Decimal(100))


def dec(x) -> Decimal:
    """A JSON number (or Decimal) as the Decimal it was written from."""
    return x if isinstance(x, Decimal) else Decimal(str(x))


@dataclass(frozen=True)
class Printed:
    value: Decimal
    half_ulp: Decimal  # half a unit in the last printed place, in the value's own unit
    whole: bool = False  # printed with no decimals ("2000万元"): often a round sum set exactly, not rounded

    @classmethod
    def exact(cls, value) -> Printed:
        return cls(dec(value), Decimal(0))

    @classmethod
    def of_fact(cls, fact: dict | None) -> Printed | None:
        """The value of a contract Fact with the precision its quoted figure was printed with."""
        if not fact or fact.get("value") is None or isinstance(fact.get("value"), str):
            return None
        text = fact.get("text") or (fact.get("evidence") or {}).get("quote") or ""
        # dec(value) is Decimal(str(value)) whatever the value's type: the string keeps its exponent
        return _printed(str(fact["value"]), text)

    @property
    def lo(self) -> Decimal:
        return self.value - self.half_ulp

    @property
    def hi(self) -> Decimal:
        return self.value + self.half_ulp

    def contains(self, x: Decimal) -> bool:
        """x lies in [value - half_ulp, value + half_ulp) (rounding half up)."""
        if self.half_ulp == 0:
            return x == self.value
        return self.lo <= x < self.hi


@lru_cache(maxsize=4096)
def _printed(value_text: str, text: str) -> Printed:
    """Printed.of_fact of a value (as its string) quoted by ``text``: the checks ask about the same facts
    many times over."""
    value = Decimal(value_text)
    for m in reversed(list(_NUMBER.finditer(text.replace(",", "")))):
        printed = Decimal(m.group(0))
        for scale in _SCALES:
            if printed * scale == value:
                exp = printed.as_tuple().exponent
                decimals = -exp if isinstance(exp, int) and exp < 0 else 0
                return Printed(value, Decimal("0.5") * Decimal(10) ** -decimals * scale, decimals == 0)
    return Printed(value, Decimal(0))  # Chinese numerals and the like: exact as written


def ratio_percent(num: Printed, den: Printed) -> tuple[Decimal, Decimal, Decimal] | None:
    """num/den × 100 as a point and the interval the operands' rounding allows."""
    if den.value <= 0 or den.lo <= 0:
        return None
    point = num.value / den.value * 100
    lo = max(num.lo, Decimal(0)) / den.hi * 100
    hi = num.hi / den.lo * 100
    return point, lo, hi


def rate_agreement(stated: Printed, num: Printed, den: Printed) -> str | None:
    """"agrees" when num/den (of the printed figures) lies in the stated rate's interval; "last-digit"
    when it misses by one unit in the last printed place (a truncated rather than rounded rate);
    "differs" otherwise; None when there is nothing to divide by."""
    r = ratio_percent(num, den)
    if r is None:
        return None
    point = r[0]
    if stated.contains(point) or (stated.half_ulp == 0 and abs(stated.value - point) < Decimal("0.005")):
        return "agrees"
    ulp = stated.half_ulp * 2 if stated.half_ulp else Decimal(1)
    # truncated rather than rounded (57.8985% printed as 57.89%); 95% for 96.34% is no truncation
    truncated = point.quantize(ulp.normalize(), rounding=ROUND_DOWN)
    if truncated == stated.value:
        return "last-digit"
    return "differs"


def sum_agrees(parts: list[Printed], total: Printed) -> tuple[bool, Decimal, Decimal]:
    """Whether Σparts matches the total within the summed rounding intervals; the sum and the slack."""
    s = sum((p.value for p in parts), Decimal(0))
    slack = sum((p.half_ulp for p in parts), Decimal(0)) + total.half_ulp
    return abs(s - total.value) <= slack, s, slack


def fmt(x: Decimal | None, places: int = 2) -> str:
    """A number for a message: at most ``places`` decimals, no trailing zeros."""
    if x is None:
        return "—"
    q = dec(x).quantize(Decimal(1).scaleb(-places))
    text = format(q, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def wan(yuan: Decimal | None) -> str:
    """Yuan shown in 万元, as reports print them."""
    return "—" if yuan is None else fmt(dec(yuan) / 10000, 4) + "万元"
