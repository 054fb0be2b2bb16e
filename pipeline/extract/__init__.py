"""Extraction: a structured Document in, the contract record's facts out.

Every extractor proposes mentions with their evidence; this module resolves them into the record's fields
(the best-placed mention gives the value, all mentions are kept) and leaves the judging to the checker.
"""

from __future__ import annotations

from dataclasses import replace

import regex

from pipeline.document import Block, Document
from pipeline.extract import indicators as indicators_mod
from pipeline.extract import labelled, scores, tables
from pipeline.extract.cells import lines_of
from pipeline.extract.meta import extract_meta
from pipeline.facts import Fact, Mention, jsonable, resolve

BUDGET_FIELDS = ("initial", "full_year", "received", "spent", "execution_rate", "balance", "arrival_rate")
LOOSE_RANK = 30  # a budget read by a verb and a fund's name, not by a label of its own
_YUAN = regex.compile(r"\d元")
_SPACE = regex.compile(r"\s")


def _subproject_blocks(doc: Document, mentions: list[Mention]) -> set[int]:
    """Blocks that report one project of several ("（一）村级公益事业…：全年预算数12.35万元，…自评得分98.5分").

    A list item that states its own budget and its own score or rate is one project's line; when a report
    has two or more such lines, their figures describe sub-projects, not the report as a whole.
    """
    by_block: dict[int, set[str]] = {}
    for m in mentions:
        by_block.setdefault(m.evidence.block, set()).add(m.field)
    item = labelled.rules().structure_rx["project_item"]
    found = set()
    for b, fields in by_block.items():
        block = doc.blocks[b]
        budgets = fields & {"budget.full_year", "budget.initial", "budget.stated"}
        roles = bool(budgets) + ("budget.received" in fields) + ("budget.spent" in fields)
        has_money = roles >= 1
        # one project's line: its own money and its own result (a score, a rate, or a second role of its
        # money: what it received or spent)
        has_result = fields & {"score.total", "budget.execution_rate"} or roles >= 2
        if has_money and has_result and item.match(block.key or block.text):
            found.add(b)
    return found if len(found) >= 2 else set()


def _settle_identity(mentions: list[Mention], sub: set[int]) -> None:
    """A total read by a label that may also name a part ("自评得分") is the report's own when the report
    states no other total and has no sub-projects: then every finding may rest on it."""
    if not mentions or sub or len({m.value for m in mentions}) != 1:
        return
    for m in mentions:
        m.rule = m.rule.removesuffix(":uncertain")


def _report_total(mentions: list[Mention]) -> Fact | None:
    """The report's total score. When every score was read by a label that may also name a part (评价得分,
    自评得分) and they give different figures, they are the scores of dimensions, sub-projects or units, and
    none of them is certainly the report's own: no total rather than a part's."""
    if len(mentions) >= 2 and all(m.rule.endswith(":uncertain") for m in mentions) and len({m.value for m in mentions}) >= 2:
        return None
    return resolve(mentions)


def _list_of_grades(mentions: list[Mention]) -> None:
    """Three or more grade claims that disagree are a list of items' grades (projects, units), so none
    of them is certainly the report's own."""
    if len(mentions) >= 3 and len({m.value for m in mentions}) >= 2:
        for m in mentions:
            if not m.rule.endswith(":uncertain"):
                m.rule += ":uncertain"


def _settle_unit_slips(budget: dict[str, Fact | None]) -> None:
    """A figure printed in 元 whose digits the report states elsewhere in 万元 ("全年预算数2089元" beside
    "资金合计2089万元") is the same amount with its unit slipped: the record keeps the amount (its mentions keep
    what was printed, and ARITH-UNIT reports the slip)."""
    amounts = {f: v.value for f, v in budget.items() if v is not None and f not in ("execution_rate", "arrival_rate") and v.value}
    for f, fact in budget.items():
        if f not in amounts or not _YUAN.search(fact.text):
            continue
        scaled = fact.value * 10000
        if any(v == scaled for g, v in amounts.items() if g != f):
            fact.value = scaled
            fact.rule += ":unit-by-others"


def _listed_item_blocks(doc: Document) -> set[int]:
    """Numbered items of a list that a line ending in 其中：/如下： opens: each item is one part (one
    fund, one batch, one project), so a loosely read amount in it is no figure of the whole report."""
    rx = labelled.rules().structure_rx
    out: set[int] = set()
    opened = False
    for b in doc.blocks:
        if b.kind not in ("paragraph", "heading"):
            continue
        if rx["list_item"].match(b.text) and opened:
            out.add(b.index)
            continue
        opened = bool(rx["opens_list"].search(b.text))
    return out


def _whole_of_loose(stated: list[Mention]) -> Fact | None:
    """The figure among amounts of one role (a budget stated with no 年初/全年 qualifier, money spent). When
    every one was read loosely (a verb and a fund's name) and they name three or more sums, the report lists
    its funds, batches, documents or payments: the largest, when the others add up to it (before or after
    it) or when it is stated first, is the whole; failing that, none of them is the report's figure."""
    loose = stated and all(m.rule.endswith(":uncertain") and m.rank >= LOOSE_RANK for m in stated)
    if not loose or len({m.value for m in stated}) < 3:
        return resolve(stated)
    ordered: list[Mention] = []
    for m in sorted(stated, key=lambda m: (m.evidence.block, m.evidence.start)):
        if not ordered or (m.value, m.evidence.block) != (ordered[-1].value, ordered[-1].evidence.block):
            ordered.append(m)
    largest = max(m.value for m in ordered)
    for k, whole in enumerate(ordered):
        if whole.value < largest:
            continue  # a whole is never below one of its parts
        for run in (ordered[k + 1 :], ordered[:k][::-1]):
            for n in range(2, len(run) + 1):
                values = [part.value for part in run[:n]]
                if labelled.adds_up(values, whole.value):
                    fact = resolve([whole])
                    fact.rule += ":whole-sum"
                    return fact
                if sum(values) > whole.value:
                    break
    if ordered[0].value == largest:
        return resolve([ordered[0]])  # the sum stated first, the allocations after it (some beyond the excerpt)
    return None


def _loose(m: Mention) -> bool:
    """Read by a verb or a generic word (资金使用, 支出数), not by a label that names the report's own figure
    (年初预算数, 全年执行数): in a numbered item of a list, such an amount is the item's."""
    return m.rule.endswith(":uncertain") or m.rank >= LOOSE_RANK - 2


def _arrival_section_total(doc: Document, by: dict[str, list[Mention]]) -> Fact | None:
    """The largest total stated under the template's "资金到位情况" heading ("…共计84.47万元") is what arrived,
    whatever the sentence calls it (下达, 拨付): that section reports the arrival (an uncertain reading). A
    sum only handed down or arranged there ("下达我局…经费168万元") is the budget, not also the arrival."""
    total = labelled.rules().structure_rx["arrival_total"]
    found = [
        m for f in ("budget.stated", "budget.full_year", "budget.initial") for m in by.get(f, [])
        if 0 <= m.evidence.block < len(doc.blocks) and "到位" in doc.blocks[m.evidence.block].tags and total.search(m.text)
    ]
    if not found:
        return None
    m = max(found, key=lambda x: x.value)
    return Fact(m.value, m.text, m.evidence, "fields:received:arrival-section:uncertain")


def _paid_to_the_unit(doc: Document, spent: Mention) -> bool:
    """Whether a spending read is a finance authority's 拨付 under the 资金到位情况 heading: the money that
    reached the unit."""
    ev = spent.evidence
    if not (0 <= ev.block < len(doc.blocks)) or "到位" not in doc.blocks[ev.block].tags:
        return False
    text, start, at = _sentence_before(doc.blocks[ev.block], ev.start)
    end = _key_offset(doc.blocks[ev.block], ev.end)
    # the figure's sentence up to its amount: the payer and its verb stand before it
    amount = regex.search(r"\d[\d,.]*\s*(?:亿元|万元|元)$", text[start:end])
    head = text[start : end - len(amount.group(0))] if amount else text[start:at]
    return bool(labelled.rules().structure_rx["arrival_payer"].search(head))


def _key_offset(block: Block, raw_offset: int) -> int:
    return block.norm.at(raw_offset) if block.norm is not None else raw_offset


def _sentence_before(block: Block, raw_offset: int) -> tuple[str, int, int]:
    """The block's text as the rules match it (normalised, in simplified script: a PDF's wrapped lines
    joined, 以來 read as 以来), where the sentence holding ``raw_offset`` starts in it, and the offset itself."""
    text = block.key if block.key is not None else block.text
    at = _key_offset(block, raw_offset)
    return text, max(text.rfind(c, 0, at) for c in "。！？!?；;\n") + 1, at


def _fact_json(fact: Fact | None) -> dict | None:
    return fact.to_json() if fact is not None else None


def extract_document(doc: Document) -> dict:
    """meta, budget, score and indicators of the contract record, plus other_projects."""
    lines = lines_of(doc)
    prose = labelled.document_mentions(doc) + labelled.cell_mentions(lines)
    grade_mentions: list[Mention] = []
    bands: list[scores.Band] = []
    dims: list[scores.Dimension] = []
    counts: list[Mention] = []
    for block in doc.blocks:
        if block.kind in ("paragraph", "heading"):
            grade_mentions += scores.grade_claims(block)
            bands += scores.bands_in(block)
            dims += scores.dimensions_in(block)
            counts += scores.counts_in(block)
    sub = _subproject_blocks(doc, prose + grade_mentions)
    items = _listed_item_blocks(doc)
    # a rate in each of several numbered items ("1.…618.97元，项目支出进度100%。2.…") is each item's
    rated_items = {m.evidence.block for m in prose if m.field == "budget.execution_rate" and m.evidence.block in items}
    top = [
        m for m in prose + grade_mentions
        if m.evidence.block not in sub and not (m.evidence.block in items and _loose(m) and m.field.startswith("budget."))
        and not (len(rated_items) >= 2 and m.field == "budget.execution_rate" and m.evidence.block in rated_items)
    ]
    dim_rows, dim_extra = tables.dimension_table(lines)
    for name, values in dim_rows:
        dims.append(scores.Dimension(scores._canonical(name), values.get("weight"), values.get("score"), values.get("rate")))
    funds_table: list[dict] = []
    table = tables.funds_mentions(doc, lines=lines, out_rows=funds_table) + tables.total_mentions(lines) + dim_extra
    funds_table += tables.nature_rows(lines, funds_table[0]["unit"] if funds_table else tables.rules().funds.default_unit)
    meta = extract_meta(doc)
    mentions = [m for m in top + table if not _dated_elsewhere(doc, m, meta.get("year"))]
    by: dict[str, list[Mention]] = {}
    for m in mentions:
        by.setdefault(m.field, []).append(m)

    # "…财政局…拨付资金200万元" under 资金到位情况: what arrived, not what the unit spent
    paid_in = [m for m in by.get("budget.spent", []) if _paid_to_the_unit(doc, m)]
    if paid_in:
        by["budget.spent"] = [m for m in by["budget.spent"] if m not in paid_in]
        if not by.get("budget.received"):
            by["budget.received"] = [replace(m, field="budget.received", rule="fields:received:paid-to-the-unit:uncertain") for m in paid_in]
    budget: dict[str, Fact | None] = {f: resolve(by.get(f"budget.{f}", [])) for f in BUDGET_FIELDS}
    budget["spent"] = _whole_of_loose(by.get("budget.spent", []))
    if budget["full_year"] is None and budget["initial"] is None:
        budget["full_year"] = _whole_of_loose(by.get("budget.stated", []))
    elif budget["full_year"] is None and by.get("budget.stated"):
        # an unqualified amount next to a 年初 figure is the budget that was finally set (when a label, not a
        # loose reading, says so)
        stated = resolve(by["budget.stated"])
        if stated is not None and stated.value != budget["initial"].value and not stated.rule.endswith(":uncertain"):
            budget["full_year"] = stated
    _settle_unit_slips(budget)
    received_same = labelled.received_as_budget(doc)
    if budget["received"] is None and received_same is not None:
        base = budget["full_year"] or budget["initial"]
        if base is not None:
            budget["received"] = Fact(base.value, received_same[0], received_same[1], "fields:received:same-as-budget")
    if budget["received"] is None:
        budget["received"] = _arrival_section_total(doc, by)

    # a total below the lowest band's floor read by a label that may name a part ("…再评价得分8") is a part's
    floor = labelled.rules().clause_roles.min_total
    by["score.total"] = [m for m in by.get("score.total", []) if not (m.rule.endswith(":uncertain") and m.value < floor)]
    _settle_identity(by.get("score.total", []), sub)
    total = _report_total(by.get("score.total", []))
    _list_of_grades(by.get("score.grade", []))
    grade = resolve(by.get("score.grade", []))
    dimensions = _dimensions(dims, by)
    inds = _merge_indicators(indicators_mod.document_indicators(doc, lines))
    for ind in inds:
        w = ind.extra.get("level1_weight")
        if w is not None and ind.level1 and not any(d["name"] == _dim_name(ind.level1) for d in dimensions):
            dimensions.append({"name": _dim_name(ind.level1), "weight": {"value": jsonable(w), "text": None, "evidence": None, "mentions": []}, "score": None, "rate": None})
    framework = _framework(dimensions, by)
    return {
        "meta": meta,
        "budget": {f: _fact_json(v) for f, v in budget.items()},
        "budget_table": jsonable(funds_table),
        "score": {
            "total": _fact_json(total),
            "grade": _fact_json(grade),
            "framework": framework,
            "dimensions": dimensions,
            "bands": [b.to_json() for b in _dedupe_bands(bands)],
            "counts": [m.to_json() | {"level": m.field.split(".", 1)[1]} for m in counts],
            "total_weight": _fact_json(resolve(by.get("score.total_weight", []))),
        },
        "indicators": [i.to_json() for i in inds],
        "other_projects": _subprojects(doc, sub, prose + grade_mentions),
        "stated_budgets": _other_budgets(mentions, budget),
    }


def _dated_elsewhere(doc: Document, m: Mention, year: int | None) -> bool:
    """Whether a money figure's sentence opens with another year than the evaluated one ("2019年该项目预算…"
    in a 2020 report; "上年度…"), counts it since an earlier year ("2021年以来…累计投入") or is a facility's
    built then ("于2013年建成，投资总额…"): not the report's money. Only when the evaluated year is known."""
    if year is None or not m.field.startswith("budget."):
        return False
    block = doc.blocks[m.evidence.block] if 0 <= m.evidence.block < len(doc.blocks) else None
    if block is None or block.kind not in ("paragraph", "heading"):
        return False
    text, start, at = _sentence_before(block, m.evidence.start)
    rx = labelled.rules().structure_rx
    if any(int(s.group("year")) < year for s in rx["earlier_year"].finditer(text, start, at)):
        return True  # "2021年以来，…累计投入…" or "…于2013年建成，投资总额…" in a 2023 report: not this year's money
    opening = rx["dated_opening"].match(text, start, at)
    if opening is None:
        return False
    return opening.group("year") is None or int(opening.group("year")) != year


def _other_budgets(mentions: list[Mention], budget: dict[str, Fact | None]) -> list[dict]:
    """Every budget amount the report states that the record did not take as its 年初 or 全年 figure (an
    income budget beside the expenditure budget, a 下达 total beside 全年预算数): which of them a stated
    预算执行率 is computed on is a question for the checks, not a guess for the record."""
    taken = {(f.evidence.block, f.evidence.end) for f in budget.values() if f is not None}
    out, seen = [], set()
    for m in mentions:
        where = (m.evidence.block, m.evidence.end)
        if m.field in ("budget.stated", "budget.full_year", "budget.initial") and where not in taken and where not in seen:
            seen.add(where)
            out.append({"field": m.field, **m.to_json()})
    return out


def _merge_indicators(found: list) -> list:
    """One indicator per name: a report that prints its indicators in prose and again in a table gives
    the table's row (columns are unambiguous) and keeps the prose's evidence as a further mention."""
    by_name: dict[str, object] = {}
    out = []
    for ind in sorted(found, key=lambda i: 0 if i.rule.startswith("tables") else 1):
        key = _SPACE.sub("", ind.name)
        # the same indicator, its name cut short in a table cell ("体现退休人员幸福感" / "…幸福感，展示…")
        same = next((k for k in by_name if k == key or (min(len(k), len(key)) >= 6 and (k.startswith(key) or key.startswith(k)))), None)
        if same is not None:
            kept = by_name[same]
            kept.extra.setdefault("mentions", []).append(ind.evidence.to_json())
            for attr in ("deviation_reason", "completion", "weight", "score", "target_text", "actual_text"):
                if getattr(kept, attr) is None and getattr(ind, attr) is not None:
                    setattr(kept, attr, getattr(ind, attr))
            continue
        by_name[key] = ind
        out.append(ind)
    order = {id(i): n for n, i in enumerate(found)}
    return sorted(out, key=lambda i: order[id(i)])


def _dim_name(name: str) -> str:
    return scores._canonical(name)


def _dimensions(dims: list[scores.Dimension], by: dict[str, list[Mention]]) -> list[dict]:
    merged: dict[str, dict[str, list[Mention]]] = {}
    order: list[str] = []
    for d in dims:
        slot = merged.setdefault(d.name, {"weight": [], "score": [], "rate": []})
        if d.name not in order:
            order.append(d.name)
        for key in ("weight", "score", "rate"):
            m = getattr(d, key)
            if m is not None:
                slot[key].append(m)
    exec_w, exec_s = by.get("dimension.exec.weight", []), by.get("dimension.exec.score", [])
    if exec_w or exec_s:
        slot = merged.setdefault("预算执行率", {"weight": [], "score": [], "rate": []})
        if "预算执行率" not in order:
            order.insert(0, "预算执行率")
        slot["weight"] += exec_w
        slot["score"] += exec_s
    out = []
    for name in order:
        slot = merged[name]
        out.append({"name": name, **{k: _fact_json(resolve(v)) for k, v in slot.items()}})
    return out


def _framework(dimensions: list[dict], by: dict[str, list[Mention]]) -> str | None:
    names = {d["name"] for d in dimensions}
    if {"决策", "过程"} <= names or {"投入", "过程"} <= names:
        return "four-dimension"
    if "预算执行率" in names or names & {"产出", "效益", "满意度"}:
        return "national-self-table"
    return None


def _dedupe_bands(bands: list[scores.Band]) -> list[scores.Band]:
    seen: set[tuple] = set()
    out = []
    for b in bands:
        k = (b.grade, b.low, b.high)
        if k not in seen:
            seen.add(k)
            out.append(b)
    return out


def _subprojects(doc: Document, sub: set[int], mentions: list[Mention]) -> list[dict]:
    out = []
    for b in sorted(sub):
        block = doc.blocks[b]
        name = labelled.rules().structure_rx["project_item"].match(block.text)
        facts = {}
        for m in mentions:
            if m.evidence.block == b and m.field not in facts:
                facts[m.field] = m.to_json()
        out.append({"project": (name.group(1) or name.group(2) or name.group(3)) if name else None, "block": b, "facts": facts})
    return out


def empty_fields() -> dict:
    return {
        "meta": {"title": None, "unit": None, "project": None, "year": None, "region": None, "kind": "unknown"},
        "budget": {f: None for f in BUDGET_FIELDS},
        "budget_table": [],
        "score": {"total": None, "grade": None, "framework": None, "dimensions": [], "bands": [], "counts": [], "total_weight": None},
        "indicators": [],
        "other_projects": [],
        "stated_budgets": [],
    }

