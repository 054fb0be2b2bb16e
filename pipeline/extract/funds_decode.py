"""The funds row of a 绩效自评表 decoded by its template and its arithmetic.

Real sites flatten the funds block until its headers no longer say which number is which: cells glued
together (``64.864.864.8100%``), headers damaged by OCR (``年初预匏数``), two of three amount columns
filled, the rate printed without its % sign. The national form and its regional variants fix the column
orders (``rules/tables.yaml`` ``funds.templates``), so a row's numbers are assigned by trying each order and
each way to cut glued digits, and keeping the assignment whose arithmetic holds: 执行率 = 执行数 ÷ 预算数
within the printed precision, 得分 = min(执行率, 1) × 分值, 得分 ≤ 分值. The relation that confirmed the
assignment goes into the evidence (the mention's rule). When the best assignments disagree about a value,
that value is not given.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import regex

from pipeline.extract.cells import Tok

# How each column's figure may be written when nothing separates it from its neighbours.
_PIECE = {
    # (forms in 元 group the digits by thousands: "598,550,100.00")
    "amount": r"(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,9})(?:\.\d{1,6})?",
    "weight": r"(?:[1-9]\d?|100)(?:\.0{1,2})?",
    "rate": r"(?:0|[1-9]\d{0,2})(?:\.\d{1,4})?%?",  # a fraction of one prints up to four decimals (0.9100)
    "score": r"(?:0|[1-9]\d?|100)(?:\.\d{1,2})?",
}
# what kind of figure each column holds
KIND = {"initial": "amount", "full_year": "amount", "received": "amount", "spent": "amount",
        "weight": "weight", "rate": "rate", "arrival": "rate", "score": "score"}
_EMPTY = regex.compile(r"^(?:—+|-+|/|／)$")


@dataclass(frozen=True)
class Piece:
    col: str
    tok: Tok
    a: int  # span inside the token's text
    b: int

    @property
    def text(self) -> str:
        return self.tok.key[self.a : self.b]

    @property
    def value(self) -> Decimal:
        return Decimal(self.text.rstrip("%").replace(",", ""))


FRACTION = "(以小数表示)"
HEADER_NAMED = "表头逐列列明(算式不成立)"
HEADER_NEAR = "表头逐列列明(执行率与算得相近,算式不成立)"
REPEATED = "各预算列同额(算式不成立)"


@dataclass
class Decoded:
    pieces: dict[str, Piece]
    template: str
    relations: list[str]
    score: float

    @property
    def fraction(self) -> bool:
        """The rate was printed as a fraction of one."""
        return any(FRACTION in r for r in self.relations)


def _decimals(text: str) -> int:
    t = text.rstrip("%")
    return len(t.split(".")[1]) if "." in t else 0


def _within(computed: Decimal, printed: str, slack_units: int = 0) -> bool:
    """Whether a computed figure rounds to the printed one (or misses it by `slack_units` in its last digit)."""
    unit = Decimal(1).scaleb(-_decimals(printed))
    value = Decimal(printed.rstrip("%"))
    return abs(computed - value) <= unit / 2 + unit * slack_units + Decimal("1e-9")


def _precise(printed: str) -> bool:
    """Whether a printed rate is precise enough to confirm a reading: its half unit in the last digit
    within 2% of its value ("54%", "8.5%", "0.91" are; "1%", "3%" are not)."""
    value = Decimal(printed.rstrip("%"))
    half = Decimal(1).scaleb(-_decimals(printed)) / 2
    return value > 0 and half <= value * Decimal("0.02")


@lru_cache(maxsize=4096)
def _cuts(key: str, cols: tuple[str, ...]) -> list[list[tuple[str, int, int]]]:
    """Every way to read one token as consecutive figures of the given columns (a dash is an empty cell)."""
    if _EMPTY.match(key):
        return [[(cols[0], 0, len(key))]] if cols else []
    out: list[list[tuple[str, int, int]]] = []

    def walk(pos: int, k: int, acc: list[tuple[str, int, int]]) -> None:
        if pos == len(key):
            out.append(list(acc))
            return
        if k == len(cols) or len(out) > 200:
            return
        rx = regex.compile(_PIECE[KIND[cols[k]]])
        for end in range(len(key), pos, -1):
            if rx.fullmatch(key, pos, end):  # only the rate's pattern takes a % sign
                acc.append((cols[k], pos, end))
                walk(end, k + 1, acc)
                acc.pop()

    walk(0, 0, [])
    # Cells glued together keep the form's formatting: the amounts of one row print the same decimals (or
    # none, a round amount), and a rate cut out of a longer token carries its % sign (else any digits
    # could be made a rate).
    kept = []
    for cut in out:
        if len(cut) > 1:
            amounts = {_decimals(key[a:b]) for c, a, b in cut if KIND[c] == "amount"} - {0}
            if len(amounts) > 1 or any(c == "rate" and not key[a:b].endswith("%") for c, a, b in cut):
                continue
        kept.append(cut)
    return kept


def _assignments(toks: list[Tok], template: tuple[str, ...]) -> list[dict[str, Piece]]:
    """Assign the tokens' figures to the template's columns, in order, all tokens used, all columns or a
    leading run of them filled."""
    results: list[dict[str, Piece]] = []

    def walk(i: int, k: int, acc: dict[str, Piece]) -> None:
        if i == len(toks):
            results.append(dict(acc))
            return
        if len(results) > 400:
            return
        for n in range(1, len(template) - k + 1):
            for cut in _cuts(toks[i].key, template[k : k + n]):
                if len(cut) != n:
                    continue
                added = []
                for col, a, b in cut:
                    acc[col] = Piece(col, toks[i], a, b)
                    added.append(col)
                walk(i + 1, k + n, acc)
                for col in added:
                    del acc[col]

    walk(0, 0, {})
    return results


def _may_relate(p: dict[str, Piece], header_cols: set[str]) -> bool:
    """Whether :func:`_judge` can find any relation in an assignment: every relation it knows needs a
    printed rate, except a header that names three or more of the row's figures. Amounts in prose
    ("年初预算数662.77万元") are cut into dozens of rate-less assignments; judging each one cost more than
    the rest of the decoder."""
    rate = p.get("rate")
    if rate is not None and not _EMPTY.match(rate.text):
        return True
    return bool(header_cols) and sum(1 for x in p.values() if not _EMPTY.match(x.text)) >= 3


def _judge(p: dict[str, Piece], header_cols: set[str], w: dict, weight: Decimal | None = None) -> tuple[float, list[str]] | None:
    """Arithmetic support for one assignment, or None when it is impossible. ``w`` weighs each kind of
    support (``rules/tables.yaml`` ``funds.decode.support``); ``weight`` is the 分值 the header states
    ("得分(20分*执行率)") when the row has no 分值 cell."""
    filled = {c: x for c, x in p.items() if not _EMPTY.match(x.text)}
    vals = {c: x.value for c, x in filled.items()}
    if weight is not None and "weight" not in vals:
        vals["weight"] = weight
    relations: list[str] = []
    score = 0.0
    rate = filled.get("rate")
    if rate is not None and not (Decimal(0) <= vals["rate"] <= Decimal(str(w["max_rate"]))):
        return None
    if "weight" in vals and vals["weight"] > w["max_weight"]:
        return None
    if "score" in vals and "weight" in vals and vals["score"] > vals["weight"]:
        return None
    spent = vals.get("spent")
    base_col = next((c for c in ("full_year", "initial", "received") if vals.get(c)), None)
    # a rate with no % sign and below 1.5 is printed as a fraction of one ("0.1" for 14.46%)
    fraction = rate is not None and not rate.text.endswith("%") and vals["rate"] <= Decimal(str(w["max_fraction"]))
    if fraction:
        vals["rate"] = vals["rate"] * 100
    # a printed rate of zero holds for any tiny spending: it confirms nothing
    if rate is not None and spent == 0 and vals["rate"] > 0 and base_col is not None:
        score -= w["rate_fails"]  # nothing spent cannot give a rate above zero
    elif (rate is not None and spent == 0 and vals["rate"] == 0 and vals.get(base_col or "")
          and all(x.a == 0 and x.b == len(x.tok.key) for x in (filled["spent"], rate))):
        # nothing spent and a rate of zero agree, whatever the budget: weak support, which the header's
        # words must settle when readings differ in which amount is the budget; and only from cells of
        # their own (glued digits with nothing spent could be cut anywhere: no arithmetic settles them)
        score += w["zero"]
        relations.append("执行数=0,执行率=0")
    elif rate is not None and spent and vals["rate"] > 0 and base_col is not None:
        computed = spent / vals[base_col] * (1 if fraction else 100)
        base = {"full_year": "全年预算数", "initial": "年初预算数", "received": "到位数"}[base_col]
        note = FRACTION if fraction else ""
        # a whole-number fraction ("1") would hold for anything from half the budget up: as a fraction it
        # confirms only spending that rounds to it at the hundredth
        printed = f"{vals['rate'] / 100:.2f}" if fraction and _decimals(rate.text) == 0 else rate.text
        if not _precise(printed):
            # "1%" (or "0.1") holds for anything within half its unit: alone it confirms nothing, but a
            # 得分 that is the 分值 times the rate the amounts give confirms both ("480 62 0.1 2.6": 20 × 0.129)
            if _within(computed, printed) and "score" in filled and "weight" in vals:
                share = min(computed / (1 if fraction else 100), Decimal(1))
                if _within(share * vals["weight"], filled["score"].text, slack_units=1):
                    score += w["rate"]
                    relations.append(f"执行率≈执行数÷{base}(印刷取整){note}")
                    vals["rate"] = share * 100
        elif _within(computed, printed):
            score += w["rate"]
            relations.append(f"执行率=执行数÷{base}{note}")
        elif _within(computed, printed, slack_units=1):
            score += w["rate_last_digit"]
            relations.append(f"执行率≈执行数÷{base}(末位){note}")
        else:
            score -= w["rate_fails"]
            # glued cells the header names one by one ("全年预算数全年执行数执行率" over "50万元47.6895.00%"):
            # the cut whose rate is near what the amounts give is the form's, its slip the checks' to report
            if (header_cols and set(filled) <= header_cols and len(filled) >= 3 and rate.text.endswith("%")
                    and abs(computed - vals["rate"]) <= Decimal(str(w["near_points"]))):
                score += w["header_named"]
                relations.append(HEADER_NEAR)
    # a zero 得分 beside a zero rate holds for any 分值: it confirms nothing
    if "score" in vals and "weight" in vals and rate is not None and "score" in filled and (vals["rate"] or vals["score"]):
        capped = min(vals["rate"], Decimal(100)) / 100 * vals["weight"]
        # (one unit off in the last digit is a truncated decimal, not a whole point: "0" is not 1)
        slack = 1 if _decimals(filled["score"].text) else 0
        if _within(capped, filled["score"].text, slack_units=slack):
            score += w["score"]
            relations.append("得分=min(执行率,1)×分值")
        else:
            score += w["under_scored"]  # under-scored with a reason is allowed: 得分 ≤ 分值 holds
    # A row whose own arithmetic fails (the report contradicts itself) still shows its form when its amounts
    # repeat one printed figure (and a row whose arithmetic holds is the likelier for it) ("355503555035550": 年初 = 全年 = 执行) beside a usual 分值 and a rate with its
    # % sign: the reading is the form's, and the checks then say what does not hold.
    amounts_printed = [filled[c].text for c in ("initial", "full_year", "spent") if c in filled]
    if (len(amounts_printed) >= 2 and len(set(amounts_printed)) == 1 and len(amounts_printed[0]) >= 2
            and rate is not None and rate.text.endswith("%") and vals.get("weight") in w["usual_weights"] and "score" in filled):
        score += w["repeated"]
        relations.append(REPEATED)
    arrival = filled.get("arrival")
    if arrival is not None and vals.get("received") and vals.get("full_year") and vals["arrival"] > 0:
        if not relations or not _within(vals["received"] / vals["full_year"] * 100, arrival.text):
            return None  # the arrival rate supports an execution rate that holds; alone it confirms nothing
        score += w["arrival"]
        relations.append("到位率=到位数÷预算数")
    # A row whose arithmetic fails (the report contradicts itself) is still the form's when the header
    # names every one of its figures' columns and no figure was cut out of another: the checks then say
    # what does not hold
    if (not relations and len(filled) >= 3 and header_cols and set(filled) <= header_cols
            and all(x.a == 0 and x.b == len(x.tok.key) for x in filled.values())):
        score += w["header_named"]
        relations.append(HEADER_NAMED)
    if "weight" in vals and vals["weight"] in w["usual_weights"]:
        score += w["usual_weight"]
    amounts = [filled[c].text for c in ("initial", "full_year", "received", "spent") if c in filled]
    if len({_decimals(a) for a in amounts}) == 1 and len(amounts) > 1:
        score += w["same_decimals"]
    # every cut inside a printed token is a guess; a reading that needs fewer of them is likelier
    score -= w["cut"] * (len(p) - len({id(x.tok) for x in p.values()}))
    score += w["header"] * len(set(filled) & header_cols)
    score -= w["header"] * len(set(filled) - header_cols - {"weight", "score"}) if header_cols else 0
    return score, relations


def decode(toks: list[Tok], templates: dict[str, list[str]], header_cols: set[str], support: dict, weight: Decimal | None = None) -> Decoded | None:
    """The funds row's figures, when arithmetic confirms how they are assigned.

    Only figures on which the best assignments agree are kept; nothing is given when no relation holds.
    """
    if not toks or sum(len(t.key) for t in toks) > 80:
        return None
    best: list[Decoded] = []
    # a form's 行次 may stand before the row's figures ("年度资金总额(万元): 1 52.800000 …")
    runs = [toks]
    if len(toks) > 2 and regex.fullmatch(r"[1-9]\d?", toks[0].key):
        runs.append(toks[1:])
    for name, cols in templates.items():
        for p in (p for run in runs for p in _assignments(run, tuple(cols))):
            if not _may_relate(p, header_cols):
                continue
            judged = _judge(p, header_cols, support, weight)
            if judged is None:
                continue
            s, rel = judged
            if not rel:
                continue
            if not best or s > best[0].score + 1e-9:
                best = [Decoded(p, name, rel, s)]
            elif abs(s - best[0].score) <= 1e-9:
                best.append(Decoded(p, name, rel, s))
    if not best:
        return None
    first = best[0]
    agreed = {
        c: x
        for c, x in first.pieces.items()
        if all(c in d.pieces and d.pieces[c].text == x.text and d.pieces[c].tok is x.tok and d.pieces[c].a == x.a for d in best)
    }
    if not agreed:
        return None
    return Decoded(agreed, first.template, first.relations, first.score)


# -- finding the row ---------------------------------------------------------------------------------

# (a comma before three digits groups a figure's thousands: "598,550,100.00" is one run)
_RUNS = regex.compile(r"\d(?:[\d.%]|,(?=\d{3}))*|[^\d]+")
_NUMERIC = regex.compile(r"^(?:\d(?:[\d.%]|,(?=\d{3}))*|—+|-+|/|／)$")


def _runs(tok: Tok) -> list[Tok]:
    """A token cut into its runs of figures and of words; a dash is an empty cell only as a whole token
    (the / of "执行率(B/A)" is not)."""
    if _EMPTY.match(tok.key):
        return [tok]
    return [tok.part(*m.span()) for m in _RUNS.finditer(tok.key)]


def _after(lines: list[list[Tok]], i: int, k: int, limit: int = 60) -> list[Tok]:
    """The runs of the tokens after token k of line i, over the following lines."""
    out: list[Tok] = []
    rest = [lines[i][k + 1 :]] + lines[i + 1 : i + 12]
    for line in rest:
        for t in line:
            out += _runs(t)
            if len(out) > limit:
                return out
    return out


def find_rows(lines: list[list[Tok]], anchor: regex.Pattern, stop: regex.Pattern, between: regex.Pattern):
    """The first funds row whose figures follow an anchor (年度资金总额 …): the anchor, the figure tokens and
    the columns the nearby header names. Header words may stand between the anchor and the figures, and
    short labels between figures (``预算数 6.84 到位数 6.84 执行数 6.84 100.00``). Yields every candidate,
    in document order: the caller keeps the first whose arithmetic holds."""
    for i, line in enumerate(lines):
        for k, t in enumerate(line):
            m = anchor.search(t.key)
            if not m:
                continue
            stream = (_runs(t.part(m.end(), len(t.key))) if m.end() < len(t.key) else []) + _after(lines, i, k)
            # the header may stand one cell per line above the anchor: up to 120 characters of it
            header: list[Tok] = list(line[:k]) + [t.part(0, m.end())]
            for above in reversed(lines[max(0, i - 12) : i]):
                if sum(len(x.key) for x in header) > 120:
                    break
                header = list(above) + header
            figures: list[Tok] = []
            skipped = 0
            for s in stream:
                if _NUMERIC.match(s.key):
                    figures.append(s)
                    continue
                if stop.search(s.key) or (figures and not between.fullmatch(s.key)):
                    break  # a sentence, not a row: "全年预算数12.35万元，执行12.35万元" is read as prose
                skipped += len(s.key)
                header.append(s)
                if skipped > 80:
                    break
            if figures:
                yield t.part(*m.span()), figures, header
