"""Synthetic 自评表 in the flattenings real sites produce, and how many jixiao reads right.

Real pages print the national 项目支出绩效自评表 (and the transfer-payment 绩效目标自评表) after a site has
flattened it: cells one per line, separated by spaces, tabs or pipes, or glued with no separator at all;
the 年初 column empty; amounts in 元 under a 万元 header; rates as 100%, 100.00% or 1.0; or shown as a list
of "column：value" lines. Beside the national and transfer-payment forms it writes the regional layouts
the rulebook documents (A.2: Beijing 2016, Sichuan 2023). The realset has a
few dozen such tables, too few to tell a general decoder from one that fits them. This script writes
tables of its own (random figures, the template's labels, no real text) in every flattening and scores the
headline facts, so a weakness shows as a whole column of the matrix rather than as one page.

    python scripts/table_shapes.py               # the matrix: per flattening and template, facts read right
    python scripts/table_shapes.py --show glued  # one example text per template in that flattening, and what was read

The tests (tests/test_table_shapes.py) run a fixed sample of it and assert the values.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FLATTENINGS = ("space", "tab", "pipe", "cell-lines", "glued", "markdown", "pairs")
# What real sites add on top of a flattening (each alone, then all at once).
NOISES = ("none", "wrapper", "wrapped-cells", "spaced-labels", "blank-cells", "unit-in-cell", "header-apart",
          "traditional", "synonyms", "all")
TEMPLATES = ("national", "transfer", "yunnan", "department", "hebei", "sources", "beijing", "sichuan", "shandong", "basic")

WAN = Decimal("10000")


@dataclass
class Table:
    """One synthetic table: its rows of cells and the facts a reader should take from it."""

    rows: list[list[str]]
    title: str
    expect: dict[str, Decimal | str | int | None] = field(default_factory=dict)
    indicators: list = field(default_factory=list)
    # whether the form prints arithmetic that can cut its glued digits (a rate, a score); the older form's
    # amounts are tied only by a sum across its source columns, which no reader cuts by
    cut_by_arithmetic: bool = True


def _q(x: Decimal, places: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _money(rng: random.Random) -> tuple[Decimal, Decimal, Decimal, int]:
    """Initial, full-year and spent budget in 万元, and the printed decimals."""
    places = rng.choice((0, 2, 2, 4))
    full = _q(Decimal(rng.randint(500, 9_000_000)) / 100, places)
    # the year's budget equals the initial one, or grew (additions), or shrank (调减) during the year
    initial = full if rng.random() < 0.6 else _q(full * Decimal(rng.choice((rng.randint(60, 99), rng.randint(101, 130)))) / 100, places)
    # (nothing spent in the year happens: a transfer that arrived late, a project redesigned; and more
    # than the budget: spending from other funds booked to the project)
    share = Decimal(rng.choice((100, 100, 100, rng.randint(40, 99), rng.randint(90, 99), 0, rng.randint(101, 130))))
    spent = _q(full * share / 100, places)
    return initial, full, spent, places


def _amount(x: Decimal, in_yuan: bool, places: int) -> str:
    if in_yuan:
        yuan = _q(x * WAN, 2)
        # forms in 元 often group the digits by thousands (places == 4 stands in for that choice here)
        return f"{yuan:,.2f}" if places == 4 else f"{yuan:.2f}"
    return f"{x:.{places}f}"


def _rate_text(rate: Decimal, style: str) -> str:
    if style == "pct2":
        return f"{_q(rate * 100, 2)}%"
    if style == "fraction":
        return f"{_q(rate, 4)}"
    return f"{_q(rate * 100, 0)}%"


# (一级, 二级, 三级, 年度指标值, 实际完成值 when met, 实际完成值 when missed): the shapes the forms hold
_INDICATORS = [
    ("产出指标", "数量指标", "培训人数", "≥200人", "215人", "180人"),
    ("产出指标", "数量指标", "新建村级服务站", "12个", "12个", "10个"),
    ("产出指标", "质量指标", "验收合格率", "100%", "100%", "96%"),
    ("产出指标", "质量指标", "资金发放准确率", "≥98%", "100%", "95.5%"),
    ("产出指标", "时效指标", "完成时间", "2023年12月底前", "2023年12月", "2024年3月"),
    ("产出指标", "时效指标", "资金拨付及时率", "100%", "100%", "90%"),
    ("产出指标", "成本指标", "人均补助标准", "≤500元", "480元", "520元"),
    ("效益指标", "社会效益指标", "群众办事便利度", "有效提升", "有效提升", "有所提升"),
    ("效益指标", "社会效益指标", "服务覆盖率", "≥95%", "96%", "90%"),
    ("效益指标", "可持续影响指标", "长效管护机制", "健全", "健全", "基本健全"),
    ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "93%", "85%"),
]


@dataclass
class Indicator:
    name: str
    target: str
    actual: str
    weight: str
    score: str


def _grade(total: Decimal) -> str:
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


def _indicators(rng: random.Random, funds_weight: int) -> tuple[list[list[str]], Decimal, list[Indicator]]:
    """Indicator rows (一级, 二级, 三级, target, actual, 分值, 得分, 偏差) whose 分值 add up to 100 - funds. As
    the forms merge cells, 一级 and 二级 are printed on the first row of their group only (most pages)."""
    picked = sorted(rng.sample(range(len(_INDICATORS)), rng.randint(4, 8)))
    names = [_INDICATORS[i] for i in picked]
    if not any(n[0] == "满意度指标" for n in names):
        names.append(_INDICATORS[-1])
    merged = rng.random() < 0.7
    left = 100 - funds_weight
    weights = [left // len(names)] * len(names)
    weights[0] += left - sum(weights)
    rows, total, expect = [], Decimal(0), []
    last1 = last2 = None
    for (first, second, third, target, met, missed), w in zip(names, weights):
        ok = rng.random() < 0.8
        score = Decimal(w) if ok else Decimal(w) - rng.choice((1, 2))
        actual = met if ok else missed
        total += score
        reason = "" if ok else "部分任务顺延至下年"
        shown1 = "" if merged and first == last1 else first
        shown2 = "" if merged and (first, second) == last2 else second
        last1, last2 = first, (first, second)
        rows.append([shown1, shown2, third, target, actual, str(w), str(score), reason])
        expect.append(Indicator(third, target, actual, str(w), str(score)))
    return rows, total, expect


def _scored(rng: random.Random, rate: Decimal, weight: int) -> tuple[Decimal, list[list[str]], list[Indicator], Decimal]:
    """The funds row's score (分值 × 执行率, capped), the indicator rows that take the other points, their
    expected readings, and the form's total."""
    funds_score = _q(min(rate, Decimal(1)) * weight, 2 if rate < 1 else 0)
    ind, ind_total, ind_expect = _indicators(rng, weight)
    return funds_score, ind, ind_expect, funds_score + ind_total


def national(rng: random.Random) -> Table:
    """财预〔2020〕10号's 项目支出绩效自评表: 年初/全年/执行数, 分值 10, 执行率, 得分."""
    initial, full, spent, places = _money(rng)
    in_yuan = rng.random() < 0.2
    blank_initial = rng.random() < 0.25
    rate = spent / full
    weight = 10
    funds_score = _q(min(rate, Decimal(1)) * weight, 2 if rate < 1 else 0)
    rate_style = rng.choice(("pct0", "pct2", "pct2", "fraction"))
    ind, ind_total, ind_expect = _indicators(rng, weight)
    total = funds_score + ind_total
    year = rng.randint(2016, 2024)
    header = "项目资金（元）" if in_yuan else "项目资金（万元）"
    money = [
        "" if blank_initial else _amount(initial, in_yuan, places),
        _amount(full, in_yuan, places),
        _amount(spent, in_yuan, places),
    ]
    rows = [
        ["项目名称", "社区养老服务补助"],
        ["主管部门", "县民政局", "实施单位", "县民政局"],
        [header, "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", *money, str(weight), _rate_text(rate, rate_style), str(funds_score)],
        ["", "其中：当年财政拨款", *money, "—", "", "—"],
        ["", "上年结转资金", "", "", "", "—", "", "—"],
        ["", "其他资金", "", "", "", "—", "", "—"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        *ind,
        ["总分", "", "", "", "", "100", str(total), ""],
    ]
    grade = _grade(total)
    if rng.random() < 0.5:
        rows.append(["自评等级", grade])
    expect = {
        "budget_initial_wan": None if blank_initial else initial,
        "budget_full_year_wan": full,
        "spent_wan": spent,
        "execution_rate_pct": _q(rate * 100, 2 if rate_style != "pct0" else 0),
        "total_score": total,
        "year": year,
    }
    if rows[-1][0] == "自评等级":
        expect["grade"] = grade
    return Table(rows, f"{year}年度项目支出绩效自评表", expect, ind_expect)


def transfer(rng: random.Random) -> Table:
    """The transfer-payment 绩效目标自评表: 全年预算数(A), 全年执行数(B), 预算执行率(B/A); no scores."""
    _, full, spent, places = _money(rng)
    central = _q(full * Decimal(rng.randint(50, 100)) / 100, places)
    local = full - central
    rate = spent / full
    rate_style = rng.choice(("pct0", "pct2"))
    year = rng.randint(2016, 2024)
    c_spent = min(central, spent)
    rows = [
        ["转移支付（项目）名称", "农村公路养护补助资金"],
        ["中央主管部门", "交通运输部"],
        ["地方主管部门", "县交通运输局", "资金使用单位", "县交通运输局"],
        ["项目资金（万元）", "", "全年预算数（A）", "全年执行数（B）", "预算执行率（B/A）"],
        ["", "年度资金总额：", f"{full:.{places}f}", f"{spent:.{places}f}", _rate_text(rate, rate_style)],
        ["", "其中：中央补助", f"{central:.{places}f}", f"{c_spent:.{places}f}", _rate_text(c_spent / central, rate_style)],
        ["", "地方资金", f"{local:.{places}f}" if local else "", f"{spent - c_spent:.{places}f}" if local else "", ""],
        ["", "其他资金", "", "", ""],
    ]
    expect = {
        "budget_full_year_wan": full,
        "spent_wan": spent,
        "execution_rate_pct": _q(rate * 100, 2 if rate_style != "pct0" else 0),
        "year": year,
    }
    return Table(rows, f"{year}年度中央对地方转移支付区域绩效目标自评表", expect)


def yunnan(rng: random.Random) -> Table:
    """The 20-point variant: 预算数, 执行数, 分值 20, 执行率, 得分 (20 × 执行率)."""
    _, full, spent, places = _money(rng)
    rate = spent / full
    weight = 20
    funds_score, ind, ind_expect, total = _scored(rng, rate, weight)
    year = rng.randint(2016, 2024)
    rows = [
        ["项目名称", "义务教育学校公用经费"],
        ["项目资金（万元）", "", "预算数", "执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", f"{full:.{places}f}", f"{spent:.{places}f}", str(weight), f"{_q(rate * 100, 2)}%", str(funds_score)],
        ["", "其中：财政拨款", f"{full:.{places}f}", f"{spent:.{places}f}", "—", "", "—"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        *ind,
        ["总分", "", "", "", "", "100", str(total), ""],
    ]
    expect = {
        "budget_full_year_wan": full,
        "spent_wan": spent,
        "execution_rate_pct": _q(rate * 100, 2),
        "total_score": total,
        "year": year,
    }
    return Table(rows, f"{year}年项目支出绩效自评表", expect, ind_expect)


def department(rng: random.Random) -> Table:
    """The 部门整体支出绩效自评表: 年度总金额 split into 基本支出 and 项目支出, scored like the project form."""
    initial, full, spent, places = _money(rng)
    basic = _q(full * Decimal(rng.randint(30, 70)) / 100, places)
    project = full - basic
    b_spent = basic
    p_spent = spent - b_spent if spent > b_spent else Decimal(0)
    rate = spent / full
    weight = 10
    funds_score, ind, ind_expect, total = _scored(rng, rate, weight)
    year = rng.randint(2016, 2024)
    if rng.random() < 0.5:
        # the national form's layout: each split a label with one figure (the year's spending), side by side
        fund = _q(spent * Decimal(rng.randint(50, 90)) / 100, places)
        e_basic = _q(spent * Decimal(rng.randint(30, 70)) / 100, places)
        split = [
            ["", f"按收入性质分：{spent:.{places}f}", "", "", f"按支出性质分：{spent:.{places}f}", "", "", ""],
            ["", f"其中：一般公共预算：{fund:.{places}f}", "", "", f"其中：基本支出：{e_basic:.{places}f}", "", "", ""],
            ["", f"政府性基金拨款：{spent - fund:.{places}f}", "", "", f"项目支出：{spent - e_basic:.{places}f}", "", "", ""],
            ["", "纳入专户管理的非税收入拨款：", "", "", "", "", "", ""],
            ["", "其他资金：", "", "", "", "", "", ""],
        ]
    else:
        split = [
            ["", "按收入性质分：", "", "", "", "", "", ""],
            ["", "其中：一般公共预算", f"{initial:.{places}f}", f"{full:.{places}f}", f"{spent:.{places}f}", "", "", ""],
            ["", "按支出性质分：", "", "", "", "", "", ""],
            ["", "其中：基本支出", "", f"{basic:.{places}f}", f"{b_spent:.{places}f}", "", "", ""],
            ["", "项目支出", "", f"{project:.{places}f}", f"{p_spent:.{places}f}", "", "", ""],
        ]
    rows = [
        ["部门（单位）名称", "县司法局"],
        ["年度预算申请（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度总金额", f"{initial:.{places}f}", f"{full:.{places}f}", f"{spent:.{places}f}", str(weight), f"{_q(rate * 100, 2)}%", str(funds_score)],
        *split,
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        *ind,
        ["总分", "", "", "", "", "100", str(total), ""],
    ]
    expect = {
        "budget_initial_wan": initial,
        "budget_full_year_wan": full,
        "spent_wan": spent,
        "execution_rate_pct": _q(rate * 100, 2),
        "total_score": total,
        "year": year,
    }
    return Table(rows, f"{year}年度部门整体支出绩效自评表", expect, ind_expect)


def hebei(rng: random.Random) -> Table:
    """The arrival variant: 预算安排情况（调整后）, 到位数, 执行数, 预算执行进度 (no scores in the funds row)."""
    _, full, spent, places = _money(rng)
    received = full if rng.random() < 0.7 else _q(full * Decimal(rng.randint(80, 99)) / 100, places)
    spent = min(spent, received)
    rate = spent / full
    ind, ind_total, ind_expect = _indicators(rng, 0)
    year = rng.randint(2016, 2024)
    rows = [
        ["项目名称", "高标准农田建设"],
        ["项目资金（万元）", "预算安排情况（调整后）", "到位数", "执行数", "预算执行进度"],
        ["年度资金总额", f"{full:.{places}f}", f"{received:.{places}f}", f"{spent:.{places}f}", f"{_q(rate * 100, 2)}%"],
        ["其中：财政资金", f"{full:.{places}f}", f"{received:.{places}f}", f"{spent:.{places}f}", f"{_q(rate * 100, 2)}%"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        *ind,
        ["总分", "", "", "", "", "100", str(ind_total), ""],
    ]
    expect = {
        "budget_full_year_wan": full,
        "spent_wan": spent,
        "execution_rate_pct": _q(rate * 100, 2),
        "total_score": ind_total,
        "year": year,
    }
    return Table(rows, f"{year}年度项目支出绩效自评表", expect, ind_expect)


# the rows of a form split by where the money came from (provinces word them differently)
_SOURCES = [
    ["中央补助资金", "省级资金", "市级资金", "县级资金"],
    ["其中：中央财政资金", "自治区财政资金", "市县财政资金"],
    ["其中：中央资金", "省级财政资金", "州级配套资金"],
]


def sources(rng: random.Random) -> Table:
    """A special fund's form split by source (中央/省/市/县 rows) under 预算数 / 实际支出 / 执行率, its 合计
    row first or last, no scores."""
    _, full, spent, places = _money(rng)
    labels = rng.choice(_SOURCES)
    shares = [Decimal(rng.randint(5, 60)) for _ in labels]
    parts = [_q(full * sh / sum(shares), places) for sh in shares]
    parts[0] += full - sum(parts)  # the rounding goes to the first row, as a form's filler would put it
    left, spent_parts = spent, []
    for part in parts:
        s = min(part, left)
        spent_parts.append(s)
        left -= s
    spent_parts[-1] += left  # spending beyond the budget is booked to the last source
    rate_style = rng.choice(("pct0", "pct2"))

    def row(label: str, budget: Decimal, paid: Decimal) -> list[str]:
        rate = _rate_text(paid / budget, rate_style) if budget else ""
        return [label, f"{budget:.{places}f}", f"{paid:.{places}f}", rate]

    total_row = row(rng.choice(("合计", "总计", "资金总额")), full, spent)
    body = [row(lab, b, p) for lab, b, p in zip(labels, parts, spent_parts)]
    year = rng.randint(2016, 2024)
    rows = [
        ["项目名称", "城乡公交低票价运营补贴"],
        ["资金来源", "预算数（万元）", "实际支出（万元）", "执行率"],
        *([total_row, *body] if rng.random() < 0.6 else [*body, total_row]),
    ]
    expect = {
        "budget_full_year_wan": full,
        "spent_wan": spent,
        "execution_rate_pct": _q(spent / full * 100, 2 if rate_style != "pct0" else 0),
        "year": year,
    }
    return Table(rows, f"{year}年度专项资金绩效自评表", expect)


# 指标性质 and 度量单位 split out of a 年度指标值 such as "≥200人" (the Sichuan and Yunnan columns)
def _split_value(value: str) -> tuple[str, str, str]:
    if re.search(r"\d{4}年", value):
        return "=", value, ""  # a date is one 指标值
    m = re.fullmatch(r"([≥≤=<>]?)(\d+(?:\.\d+)?)(%|[\u4e00-\u9fff]{1,2})?", value)
    if not m:
        return "定性", value, ""
    return m.group(1) or "=", m.group(2), m.group(3) or ""


def beijing(rng: random.Random) -> Table:
    """The Beijing 2016 form (rulebook A.2): 年初预算数(A), 全年执行数(B), 分值 10, 执行率(B/A), 得分, 得分计算方法;
    indicators 年度指标值(A), 全年实际值(B), 分值, 得分, 得分计算方法, 未完成原因分析. No 全年预算数 column."""
    initial, _, _, places = _money(rng)
    share = Decimal(rng.choice((100, 100, rng.randint(60, 99))))
    spent = _q(initial * share / 100, places)
    rate = spent / initial
    weight = 10
    funds_score, ind, ind_expect, total = _scored(rng, rate, weight)
    year = rng.randint(2016, 2019)
    rows = [
        ["项目名称", "街道社区服务中心运行维护"],
        ["主管部门及代码", "区民政局", "实施单位", "区社区服务中心"],
        ["项目资金（万元）", "年初预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分", "得分计算方法"],
        ["年度资金总额", f"{initial:.{places}f}", f"{spent:.{places}f}", str(weight), f"{_q(rate * 100, 2)}%", str(funds_score), "执行率×分值"],
        ["其中：财政拨款", f"{initial:.{places}f}", f"{spent:.{places}f}", "—", f"{_q(rate * 100, 2)}%", "—", ""],
        ["其他资金", "", "", "—", "", "—", ""],
        ["一级指标", "二级指标", "三级指标", "年度指标值（A）", "全年实际值（B）", "分值", "得分", "得分计算方法", "未完成原因分析"],
        *[r[:7] + ["B/A×分值", r[7]] for r in ind],
        ["总分", "", "", "", "", "100", str(total), "", ""],
    ]
    expect = {
        "budget_initial_wan": initial,
        "spent_wan": spent,
        "execution_rate_pct": _q(rate * 100, 2),
        "total_score": total,
        "year": year,
    }
    return Table(rows, f"{year}年度项目支出绩效自评表", expect, ind_expect)


def sichuan(rng: random.Random) -> Table:
    """The Sichuan 2023 form (rulebook A.2): 预算执行情况(10分) with 年初预算 | 调整后预算数 | 预算执行数 |
    预算执行率 | 权重 | 得分 | 原因, rows 总额 / 其中:财政资金 / 财政专户管理资金 / 单位资金 / 其他资金; indicators
    with 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析."""
    initial, full, spent, places = _money(rng)
    rate = spent / full
    weight = 10
    funds_score, ind, ind_expect, total = _scored(rng, rate, weight)
    year = rng.randint(2020, 2024)
    reason = "" if rate >= Decimal("0.9") else "部分资金下年支付"
    money = [f"{initial:.{places}f}", f"{full:.{places}f}", f"{spent:.{places}f}"]
    ind_rows = []
    for r, e in zip(ind, ind_expect):
        kind, value, unit = _split_value(r[3])
        ind_rows.append([r[0], r[1], r[2], kind, value, unit, r[4], r[5], r[6], r[7]])
        # the target is read as printed across its cells: "=" "100" "%" is "=100%"; a 定性 row's is its text
        e.target = value if kind == "定性" else kind + value + unit
    # the money columns under a heading of their own that carries the unit, in half the forms; their 原因
    # cell then keeps the form's instruction (figures in it, none of the row's)
    grouped = rng.random() < 0.5
    if grouped and not reason:
        reason = "执行率未达90%的应说明原因，限100字以内"
    head = ["预算执行情况（10分）", "年度预算数（万元）"] if grouped else ["预算执行情况（万元）（10分）", ""]
    rows = [
        ["项目名称", "乡镇卫生院基本公共卫生服务"],
        [*head, "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分", "原因"],
        ["", "总额", *money, f"{_q(rate * 100, 2)}%", str(weight), str(funds_score), reason],
        ["", "其中：财政资金", *money, f"{_q(rate * 100, 2)}%", "", "", ""],
        ["", "财政专户管理资金", "", "", "", "", "", "", ""],
        ["", "单位资金", "", "", "", "", "", "", ""],
        ["", "其他资金", "", "", "", "", "", "", ""],
        ["绩效指标（90分）", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分", "未完成原因分析"],
        *ind_rows,
        ["总分", "", "", "", "", "", "", "100", str(total), ""],
    ]
    expect = {
        "budget_initial_wan": initial,
        "budget_full_year_wan": full,
        "spent_wan": spent,
        "execution_rate_pct": _q(rate * 100, 2),
        "total_score": total,
        "year": year,
    }
    return Table(rows, f"{year}年项目支出绩效自评表", expect, ind_expect)


_DIRECTION = {"≥": "大于等于", "≤": "小于等于", "=": "等于", ">": "大于", "<": "小于"}


def shandong(rng: random.Random) -> Table:
    """A Shandong county form: the national funds block; indicators with 指标性质 (正向/反向) and 指标方向 (the
    comparison in words: 大于等于, 等于 …) before 年度指标值, the 计量单位 after 实际完成值."""
    initial, full, spent, places = _money(rng)
    rate = spent / full
    weight = 10
    funds_score, ind, ind_expect, total = _scored(rng, rate, weight)
    year = rng.randint(2019, 2024)
    money = [f"{initial:.{places}f}", f"{full:.{places}f}", f"{spent:.{places}f}"]
    ind_rows = []
    for r, e in zip(ind, ind_expect):
        kind, value, unit = _split_value(r[3])
        _, done, _ = _split_value(r[4])
        if kind == "定性":
            direction, done = "定性", r[4]
        else:
            direction = _DIRECTION[kind]
        sense = "反向" if kind in ("≤", "<") else "正向"
        ind_rows.append([r[0], r[1], r[2], sense, direction, value, done, unit, r[5], r[6], r[7]])
        # read as the cells print them: the comparison's words and the value; the unit stands after the actual
        e.target = value if kind == "定性" else direction + value
        e.actual = done
    rows = [
        ["项目名称", "不动产登记信息化运维"],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", *money, str(weight), f"{_q(rate * 100, 2)}%", str(funds_score)],
        ["", "其中：当年财政拨款", *money, "—", "", "—"],
        ["", "其他资金", "", "", "", "—", "", "—"],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标方向", "年度指标值", "实际完成值", "计量单位", "分值", "得分", "偏差原因分析及改进措施"],
        *ind_rows,
        ["总分", "", "", "", "", "", "", "", "100", str(total), ""],
    ]
    expect = {
        "budget_initial_wan": initial,
        "budget_full_year_wan": full,
        "spent_wan": spent,
        "execution_rate_pct": _q(rate * 100, 2),
        "total_score": total,
        "year": year,
    }
    return Table(rows, f"{year}年度项目支出绩效自评表", expect, ind_expect)


def basic(rng: random.Random) -> Table:
    """The older national self-report form (财政部 2009, still printed by many provinces): 项目基本情况 with
    计划投资额 / 实际到位资金 / 实际使用情况 in 万元, each split 其中：中央财政 / 省财政 / 市县财政 / 其他, either
    side by side (each amount with its own 其中 column) or one row per amount under the source columns;
    then 一级指标 | 分值 | 得分, 总分 and 评价等次. No execution rate is printed."""
    _, plan, _, places = _money(rng)
    # a form with a high score spends most of its money (a low rate would contradict the 优 it prints)
    used = plan if rng.random() < 0.6 else _q(plan * Decimal(rng.randint(90, 99)) / 100, places)
    received = plan if rng.random() < 0.7 else max(used, _q(plan * Decimal(rng.randint(90, 99)) / 100, places))
    labels = ("其中：中央财政", "省财政", "市县财政", "其他")

    def split(whole: Decimal) -> list[str]:
        share = _q(whole * Decimal(rng.choice((0, 40, 60, 100))) / 100, places)
        cells = [share, Decimal(0), whole - share, Decimal(0)]
        return [f"{c:.{places}f}" if c else "" for c in cells]

    money = [plan, received, used]
    splits = [split(m) for m in money]
    year = rng.randint(2013, 2020)
    dims = [("项目决策", 20), ("项目管理", 25), ("项目绩效", 55)]
    scores = [Decimal(w) - (rng.choice((0, 0, 1, 2)) if w > 20 else 0) for _, w in dims]
    total = sum(scores)
    rows = [
        ["项目名称", "农村中小学教师培训"],
        ["项目实施单位", "县教师进修学校", "主管部门", "县教育局"],
        ["项目类型", "经常性项目（√）一次性项目（ ）"],
    ]
    if rng.random() < 0.5:
        rows.append(["计划投资额（万元）", f"{plan:.{places}f}", "实际到位资金（万元）", f"{received:.{places}f}", "实际使用情况（万元）", f"{used:.{places}f}"])
        for k, label in enumerate(labels):
            rows.append([label, splits[0][k], label, splits[1][k], label, splits[2][k]])
    else:
        rows.append(["项目资金（万元）", "合计", "中央财政", "省财政", "市县财政", "其他"])
        for name, m, cells in zip(("计划投资额", "实际到位资金", "实际使用情况"), money, splits):
            rows.append([name, f"{m:.{places}f}", *cells])
    rows.append(["一级指标", "分值", "得分"])
    rows.extend([name, str(w), str(sc)] for (name, w), sc in zip(dims, scores))
    rows.append(["总分", "100", str(total)])
    rows.append(["评价等次", {"优": "优秀", "良": "良好", "中": "合格", "差": "不合格"}[_grade(total)]])
    expect = {
        "budget_full_year_wan": plan,
        "funds_received_wan": received,
        "spent_wan": used,
        "execution_rate_pct": None,
        "total_score": total,
        "grade": _grade(total),
        "year": year,
    }
    return Table(rows, f"{year}年度项目支出绩效自评报告", expect, cut_by_arithmetic=False)


MAKERS = {"national": national, "transfer": transfer, "yunnan": yunnan, "department": department, "hebei": hebei, "sources": sources,
          "beijing": beijing, "sichuan": sichuan, "shandong": shandong, "basic": basic}


def _rate_column(rows: list[list[str]], row: list[str], j: int) -> bool:
    """Whether cell j of ``row`` stands under a header cell that names a rate."""
    header = next((r for r in reversed(rows[: rows.index(row)]) if _is_header(r)), None)
    return header is not None and j < len(header) and "率" in header[j]


def _is_header(cells: list[str]) -> bool:
    return sum(any(w in c for w in ("预算", "执行数", "分值", "权重", "得分", "指标值", "完成值", "实际值")) for c in cells) >= 3 \
        and not any(_is_value(c) for c in cells)


def _value_column(name: str) -> bool:
    return any(w in name for w in ("预算", "执行", "支出", "使用", "金额", "到位", "分值", "权重", "得分", "指标值", "目标值", "完成值", "实际值", "率", "原因", "性质", "方向", "单位"))


def _is_value(cell: str) -> bool:
    return bool(re.search(r"\d", cell)) or cell in ("—", "定性", "=", "≥", "≤")


def flatten(table: Table, how: str) -> str:
    """The table as a site prints it after flattening ``how``."""
    lines = [table.title]
    header = None
    for row in table.rows:
        cells = list(row)
        if how == "space":
            lines.append(" ".join(c for c in cells if c) if cells else "")
        elif how == "tab":
            lines.append("\t".join(cells))
        elif how == "pipe":
            lines.append("| " + " | ".join(cells) + " |")
        elif how == "markdown":
            lines.append("| " + " | ".join(cells) + " |")
            if row is table.rows[0]:
                lines.append("|" + "---|" * len(cells))
        elif how == "cell-lines":
            lines.extend(c for c in cells if c)
        elif how == "pairs":
            # a form shown as a list of "column：value" lines under each row's label (sites that render a
            # table as definition lists); a header row is not printed, its names go before the values
            if _is_header(cells):
                header = cells
                lines.extend(c for c in cells[:1] if "元）" in c)  # the unit stays printed above the rows
                continue
            if header is None:
                lines.append(" ".join(c for c in cells if c))
                continue
            for h, c in zip(header, cells):
                if c:
                    lines.append(f"{h}：{c}" if _value_column(h) else c)
        elif how == "glued":
            # a fraction glued among figures is not read (any digits could be one): glued forms print 64.00%
            # (only a rate's cell: an amount printed with four decimals, 0.0000, stays as it is)
            cells = [f"{Decimal(c) * 100:.2f}%" if re.fullmatch(r"[01]\.\d{4}", c) and _rate_column(table.rows, row, j) else c
                     for j, c in enumerate(cells)]
            lines.append("".join(cells))
        else:
            raise ValueError(how)
    return "\n".join(lines) + "\n"


_WRAPPER_HEAD = ["首页 > 信息公开 > 财政资金", "索引号：000000000/2023-00012", "发布机构：县财政局", "发布日期：2023-06-30", ""]
_WRAPPER_TAIL = ["", "【打印本页】【关闭窗口】", "主办单位：县人民政府办公室 备案号：000000号"]
# doc-sharing sites republish forms in traditional script
_TRADITIONAL = str.maketrans("资金总额预算执行数分值得项目实际完成指标时效质量数满意度调整后到位进总计县局财务与门", "資金總額預算執行數分值得項目實際完成指標時效質量數滿意度調整後到位進總計縣局財務與門")
_SIMPLIFIED = {v: k for k, v in _TRADITIONAL.items()}
_WRAPS = {"其中：当年财政拨款": "其中：当年财政\n拨款", "项目资金（万元）": "项目资金\n（万元）",
          "项目资金（元）": "项目资金\n（元）", "偏差原因分析及改进措施": "偏差原因分析及\n改进措施",
          "全年预算数（A）": "全年预算数\n（A）", "服务对象满意度指标": "服务对象满意\n度指标"}


_PLAN_ROWS = ("计划投资额", "实际到位资金", "实际使用情况")


# other words forms use for the same columns (provinces' and years' variants of the headers)
_SYNONYMS = {"全年预算数": ("批复预算数", "预算批复数", "年度预算数", "调整后预算数", "预算安排数", "当年预算数"),
             "全年执行数": ("实际支出数", "实际执行数", "执行金额", "支出数", "实际使用数"),
             "年初预算数": ("年初批复预算", "年初预算金额"),
             "年度指标值": ("目标值", "预期目标值", "指标值"),
             "实际完成值": ("完成值", "实际值", "全年实际值")}


def _synonym(cell: str, rng: random.Random) -> str:
    for word, others in _SYNONYMS.items():
        if cell.startswith(word):
            return rng.choice(others) + cell[len(word):]
    return cell


def add_noise(table: Table, noise: str, how: str) -> str:
    """The table flattened ``how`` with one kind of noise (or all of them) laid on top."""
    kinds = set(NOISES[1:-1]) if noise == "all" else {noise}
    rows = [list(r) for r in table.rows]
    if "synonyms" in kinds:
        rng = random.Random(repr(table.rows))  # the same table always gets the same words
        rows = [[_synonym(c, rng) for c in r] for r in rows]
    if "spaced-labels" in kinds:
        rows = [[" ".join(c) if c in ("年度资金总额", "总分") else c for c in r] for r in rows]
    if "unit-in-cell" in kinds and any(r[0].startswith(_PLAN_ROWS) for r in rows):
        # the older form's rows of one amount under its source columns: every amount with its 万元
        rows = [[c + "万元" if j and r[0] in _PLAN_ROWS and re.fullmatch(r"[\d.]+", c) else c for j, c in enumerate(r)] for r in rows]
    elif "unit-in-cell" in kinds:
        money_row = next(i for i, r in enumerate(rows) if any(x in c for c in r for x in ("年度资金总额", "年度总金额", "年 度", "合计", "总计", "资金总额", "总额")))
        header = next(r for r in reversed(rows[:money_row]) if any("预算" in c for c in r))
        cols = [j for j, c in enumerate(header) if ("预算" in c or "执行数" in c or "支出" in c) and "率" not in c]
        rows[money_row] = [c + "万元" if j in cols and c and "（元）" not in header[0] and "万元" not in header[j] else c
                           for j, c in enumerate(rows[money_row])]
        # and the points with their 分 ("10分", "9.5分")
        points = [j for j, c in enumerate(header) if c in ("分值", "得分", "权重")]
        rows[money_row] = [c + "分" if j in points and re.fullmatch(r"\d+(?:\.\d+)?", c) else c for j, c in enumerate(rows[money_row])]
    if "wrapped-cells" in kinds:
        rows = [[_WRAPS.get(c, c) for c in r] for r in rows]
    if "blank-cells" in kinds and how in ("cell-lines", "space"):
        rows = [[c if c else "\u00a0" for c in r] for r in rows]
    text = flatten(Table(rows, table.title, table.expect, table.indicators, table.cut_by_arithmetic), how)
    if "header-apart" in kinds:
        out = []
        for line in text.splitlines():
            if "年初预算数" in line or "全年预算数" in line or ("预算数" in line and "执行数" in line):
                out.extend(x for x in re.split(r"\s*\|\s*|\t|\s+", line) if x)
            else:
                out.append(line)
        text = "\n".join(out) + "\n"
    if "traditional" in kinds:
        text = text.translate(_TRADITIONAL)
    if "wrapper" in kinds:
        text = "\n".join(_WRAPPER_HEAD) + "\n" + text + "\n".join(_WRAPPER_TAIL) + "\n"
    return text


def ambiguous(table: Table, how: str) -> bool:
    """A table no reader can be asked to read: glued digits with nothing spent, where no arithmetic says
    where one figure ends and the next begins ("24292323890100%": 24292 | 32389 | 0 | 10 | 0%, or
    2429232389 | 0 …), and the older form's rows, whose amounts only a sum across the source columns ties.
    The sweep counts them apart; they are left unread, not guessed."""
    return how == "glued" and (table.expect.get("spent_wan") == 0 or not table.cut_by_arithmetic)


def read(text: str) -> dict:
    from pipeline.parse import parse_file
    from pipeline.record import extract_record

    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        return extract_record(parse_file(path))
    finally:
        Path(path).unlink()


FACTS = {
    "budget_initial_wan": ("budget", "initial"),
    "budget_full_year_wan": ("budget", "full_year"),
    "spent_wan": ("budget", "spent"),
    "funds_received_wan": ("budget", "received"),
    "execution_rate_pct": ("budget", "execution_rate"),
    "total_score": ("score", "total"),
    "grade": ("score", "grade"),
    "year": ("meta", "year"),
}


def got(rec: dict, key: str):
    sec, name = FACTS[key]
    v = rec.get(sec, {}).get(name)
    if isinstance(v, dict):
        v = v.get("value")
    if v is None:
        return None
    if key.endswith("_wan"):
        return Decimal(str(v)) / WAN  # the record keeps yuan
    if key == "year":
        return int(v)
    if key == "grade":
        return str(v)
    return Decimal(str(v))


def _squeeze(text) -> str:
    """Text compared without spaces, and in simplified script (the record quotes the page as printed)."""
    return re.sub(r"\s+", "", str(text or "")).translate(_SIMPLIFIED)


def compare_indicators(table: Table, rec: dict) -> dict[str, str]:
    """Per indicator row and column: right, missed or wrong."""
    out = {}
    found = {_squeeze(i.get("name")): i for i in rec.get("indicators") or []}
    for ind in table.indicators:
        row = found.get(ind.name)
        for col in ("target", "actual", "weight", "score"):
            want = getattr(ind, col)
            node = (row or {}).get(col)
            have = None if node is None else _squeeze(node.get("text"))
            key = f"indicator.{col} {ind.name}"
            if have is None:
                out[key] = "missed"
            elif have == _squeeze(want):
                out[key] = "right"
            else:
                out[key] = f"wrong {have} (want {want})"
    return out


def compare(table: Table, rec: dict) -> dict[str, str]:
    """Per fact: right, missed, wrong or extra."""
    out = {}
    for key, want in table.expect.items():
        have = got(rec, key)
        if want is None:
            out[key] = "right" if have is None else "extra"
        elif have is None:
            out[key] = "missed"
        elif isinstance(want, str):
            out[key] = "right" if have == want else f"wrong {have} (want {want})"
        elif (Decimal(have) - Decimal(want)).copy_abs() <= Decimal("0.005"):
            out[key] = "right"
        else:
            out[key] = f"wrong {have} (want {want})"
    return out


# -- planted contradictions ------------------------------------------------------------------------------

# what each planted slip is, and the checks that should say so (pipeline/evaluate.py TAG_CHECKS' families)
PLANTS = {
    "rate": {"ARITH-EXEC-RATE", "BUDGET-DENOMINATOR"},
    "total": {"ARITH-TOTAL", "ARITH-WEIGHT-100", "ARITH-SCORE-BOUNDS"},
    "parts": {"ARITH-FUND-ROWS"},
}
# the templates whose forms print a row for every source (the national form's blank 上年结转/其他资金 rows,
# the transfer form's 中央/地方/其他, the special funds' source rows): only there is a short 其中 row a slip
LISTS_EVERY_SOURCE = ("national", "transfer", "sources")
_TOTAL_ROW = re.compile(r"年度资金总额|年度总金额|^总额$|^合计$|^总计$|^资金总额$")


def _money_rows(rows: list[list[str]]) -> tuple[int, list[str]] | None:
    """The funds block's total row and the header above it."""
    for i, row in enumerate(rows):
        if any(_TOTAL_ROW.search(c.strip("：:")) for c in row[:2]):
            header = next((r for r in reversed(rows[:i]) if _is_header(r) or any("执行率" in c or "执行进度" in c for c in r)), None)
            return (i, header) if header else None
    return None


def plant(table: Table, kind: str, rng: random.Random, every_source: bool = True) -> Table | None:
    """The table with one slip of ``kind`` in it (a copy), or None when the template has no place for it:
    "rate" prints the funds row's rate 7 points off, "total" the 总分 3 points off, "parts" the first 其中
    row's budget a tenth short of the total's."""
    rows = [list(r) for r in table.rows]
    found = _money_rows(rows)
    if kind == "total":
        i = next((k for k, r in enumerate(rows) if r and r[0] == "总分"), None)
        if i is None:
            return None
        j = max(k for k, c in enumerate(rows[i]) if re.fullmatch(r"\d+(?:\.\d+)?", c))
        if j == next(k for k, c in enumerate(rows[i]) if re.fullmatch(r"\d+(?:\.\d+)?", c)):
            return None  # only the 100 of the scale is printed
        old = Decimal(rows[i][j])
        rows[i][j] = str(old - 3 if old > 90 else old + 3)
    elif kind == "rate":
        if found is None:
            return None
        i, header = found
        j = next((k for k, c in enumerate(header) if ("执行率" in c or "执行进度" in c) and "权重" not in c), None)
        if j is None or j >= len(rows[i]) or not rows[i][j]:
            return None
        cell = rows[i][j]
        number = Decimal(cell.rstrip("%"))
        fraction = not cell.endswith("%")
        step = Decimal("0.07") if fraction else Decimal(7)
        new = number - step if number > (Decimal("0.5") if fraction else 50) else number + step
        rows[i][j] = (f"{new:.{len(cell.rstrip('%').split('.')[1]) if '.' in cell else 0}f}") + ("" if fraction else "%")
    elif kind == "parts":
        if found is None or not every_source:
            return None  # a form that prints one 其中 row may leave the other sources out: no contradiction
        i, header = found
        j = next((k for k, c in enumerate(header) if "全年预算" in c or c.startswith("预算数")), None)
        part = next((k for k in range(i + 1, len(rows)) if rows[k][:2] and "其中" in "".join(rows[k][:2])), None)
        if j is None or part is None or j >= len(rows[part]) or not re.fullmatch(r"[\d.,]+", rows[part][j] or ""):
            return None
        cell = rows[part][j]
        places = len(cell.split(".")[1]) if "." in cell else 0
        value = Decimal(cell.replace(",", "")) * Decimal("0.9")
        rows[part][j] = f"{value:.{places}f}"
    else:
        raise ValueError(kind)
    return Table(rows, table.title, dict(table.expect), table.indicators, table.cut_by_arithmetic)


def plant_matrix(args) -> int:
    """Per template and flattening: planted slips found by a check of their family, out of those planted."""
    for kind in PLANTS:
        print(f"planted: {kind}   (found by {', '.join(sorted(PLANTS[kind]))} / planted)")
        print(f"{'flattening':12} " + " ".join(f"{t:>11}" for t in TEMPLATES))
        for how in FLATTENINGS:
            cells = []
            for name in TEMPLATES:
                rng = random.Random(f"{args.seed}-plant-{kind}-{name}-{how}")
                found = planted = 0
                for i in range(args.n):
                    t = plant(MAKERS[name](rng), kind, rng, name in LISTS_EVERY_SOURCE)
                    if t is None or ambiguous(t, how):
                        continue
                    planted += 1
                    rec = read(add_noise(t, args.noise if args.noise != "matrix" else "none", how))
                    hit = [f for f in rec["findings"] if f["check"] in PLANTS[kind] and f["severity"] in ("error", "warning")]
                    found += bool(hit)
                    if args.v and not hit:
                        print(f"  {kind}/{how}/{name}#{i}: not found")
                cells.append(f"{found:>4}/{planted:<4}" if planted else f"{'—':>9}")
            print(f"{how:12} " + " ".join(f"{c:>11}" for c in cells))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="tables per template and flattening")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", help="print one example per template in this flattening")
    ap.add_argument("--noise", default="none", choices=NOISES + ("matrix",), help="noise on top; 'matrix': each noise")
    ap.add_argument("-v", action="store_true", help="list every fact not read right")
    ap.add_argument("--plant", action="store_true", help="plant one slip per table (rate, total, parts) and count those found")
    args = ap.parse_args(argv)
    if args.plant:
        return plant_matrix(args)
    if args.show:
        for name, make in MAKERS.items():
            t = make(random.Random(args.seed))
            text = add_noise(t, "none" if args.noise == "matrix" else args.noise, args.show)
            print(f"== {name}\n{text}")
            rec = read(text)
            for k, v in {**compare(t, rec), **compare_indicators(t, rec)}.items():
                print(f"   {k}: {v}")
        return 0
    noises = NOISES if args.noise == "matrix" else (args.noise,)
    set_aside = 0
    for noise in noises:
        print(f"noise: {noise}   (headline facts read right / facts; indicator cells read right / cells)")
        print(f"{'flattening':12} " + " ".join(f"{t:>22}" for t in TEMPLATES))
        for how in FLATTENINGS:
            cells = []
            for name in TEMPLATES:
                rng = random.Random(f"{args.seed}-{name}-{how}")
                right = total = ind_right = ind_total = 0
                for i in range(args.n):
                    t = MAKERS[name](rng)
                    if ambiguous(t, how):
                        set_aside += 1
                        continue
                    rec = read(add_noise(t, noise, how))
                    res, ind = compare(t, rec), compare_indicators(t, rec)
                    right += sum(v == "right" for v in res.values())
                    total += len(res)
                    ind_right += sum(v == "right" for v in ind.values())
                    ind_total += len(ind)
                    if args.v:
                        for k, v in {**res, **ind}.items():
                            if v != "right":
                                print(f"  {noise}/{how}/{name}#{i} {k}: {v}")
                cells.append(f"{right:>4}/{total:<4} {ind_right:>4}/{ind_total:<4}")
            print(f"{how:12} " + " ".join(f"{c:>22}" for c in cells))
    print(f"set aside: {set_aside} glued tables with nothing spent or of the older form (no arithmetic cuts their digits)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
