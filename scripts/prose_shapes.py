"""How the report's prose states its headline facts, phrasing by phrasing, and which of them jixiao reads.

Real reports say the same facts in many ways: 年初预算 / 全年预算数 / 调整后预算 / 共下达资金; 已使用 / 实际支出 /
已拨付 / 累计支付 / 兑付 / 支出资金, an amount before its label ("41.3万元已拨付到位"); 自评得分 / 综合得分 /
评价得分 / 绩效自评分数; 优秀 / 良好 in quotes. This script writes short reports of its own from those
phrasings (one sentence family per fact, random figures, consistent with each other) and scores every
phrasing on its own, so a phrasing the rules miss shows as a row of the table, not as one page.

    python scripts/prose_shapes.py          # per phrasing: reports read right / reports
    python scripts/prose_shapes.py -v       # and what was read instead

tests/test_prose_shapes.py runs every phrasing once and asserts the values.

A later sweep of how totals and grades are said (30 phrasings more, 21 of the total and 9 of the grade)
found six not read: 总分值为100分，本项目得分为…; a bare 评分：…分; 综合评定为…分; 自评综合分为…分; 我县获得…分; and a
grade put as 该项目为“良”等级. All are read now.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from sweep import both_ways  # noqa: E402
from table_shapes import got, read  # noqa: E402


@dataclass(frozen=True)
class Phrasing:
    id: str
    field: str  # the fact it states (table_shapes.FACTS)
    text: str  # with {b} budget, {i} initial, {s} spent, {r} received, {p} rate, {t} total, {g} grade word


PHRASINGS = [
    # budget
    Phrasing("budget.年初-调整后", "budget_full_year_wan", "该项目年初预算{i}万元，年中调整后预算为{b}万元。"),
    Phrasing("budget.全年预算数为", "budget_full_year_wan", "{y}年度该项目全年预算数为{b}万元。"),
    Phrasing("budget.共下达", "budget_full_year_wan", "{y}年上级财政共下达我单位该项目资金{b}万元。"),
    Phrasing("budget.预算安排", "budget_full_year_wan", "{y}年该项目预算安排资金{b}万元，全部为财政拨款。"),
    Phrasing("budget.批复", "budget_full_year_wan", "经县财政局批复，该项目{y}年预算资金{b}万元。"),
    Phrasing("budget.资金来源-共计", "budget_full_year_wan", "该项目资金来源为中央财政衔接推进乡村振兴补助资金，共计{b}万元。"),
    Phrasing("budget.年初-财政下达", "budget_initial_wan", "{y}年年初县财政下达资金{i}万元，用于村级道路养护。"),
    Phrasing("budget.计划投资", "budget_full_year_wan", "项目计划总投资{b}万元，资金来源为县级财政。"),
    Phrasing("budget.元", "budget_full_year_wan", "本年度项目预算资金{b_yuan}元。"),
    Phrasing("budget.parts", "budget_full_year_wan", "项目总预算{b}万元，其中：中央补助资金{c1}万元，县级配套资金{c2}万元。"),
    Phrasing("budget.初始", "budget_initial_wan", "年初部门预算安排该项目{i}万元。"),
    # spent
    Phrasing("spent.实际支出", "spent_wan", "截至{y}年12月31日，项目实际支出{s}万元。"),
    Phrasing("spent.已使用", "spent_wan", "截至年底，已使用资金{s}万元。"),
    Phrasing("spent.已拨付", "spent_wan", "目前已拨付资金{s}万元。"),
    Phrasing("spent.amount-before", "spent_wan", "{s}万元已全部拨付到位并使用完毕。"),
    Phrasing("spent.累计支付", "spent_wan", "项目累计支付资金{s}万元。"),
    Phrasing("spent.兑现", "spent_wan", "全年共兑现补贴资金{s}万元。"),
    Phrasing("spent.决算金额", "spent_wan", "项目竣工验收，项目决算金额{s}万元。"),
    Phrasing("spent.兑付", "spent_wan", "全年共兑付补助资金{s}万元。"),
    Phrasing("spent.支出资金", "spent_wan", "全年支出资金{s}万元，主要用于设备购置和人员培训。"),
    Phrasing("spent.执行数", "spent_wan", "全年执行数{s}万元。"),
    Phrasing("spent.实际发放", "spent_wan", "全年实际发放补贴{s}万元。"),
    Phrasing("spent.完成支付", "spent_wan", "已完成资金支付{s}万元。"),
    Phrasing("spent.决算", "spent_wan", "项目支出决算数为{s}万元。"),
    Phrasing("spent.累计拨付", "spent_wan", "截至{y}年12月31日，项目累计拨付资金{s}万元。"),
    Phrasing("spent.发放到户-after-fund", "spent_wan", "补助资金已全部下达，发放到户{s}万元。"),
    Phrasing("spent.实际完成-money", "spent_wan", "项目批复后按进度推进，实际完成{s}万元。"),
    # received
    Phrasing("received.实际到位", "funds_received_wan", "项目实际到位资金{r}万元。"),
    Phrasing("received.资金到位", "funds_received_wan", "截至年底资金到位{r}万元，到位率100%。"),
    Phrasing("received.收到", "funds_received_wan", "本年度共收到上级拨入资金{r}万元。"),
    Phrasing("received.到账", "funds_received_wan", "项目资金到账{r}万元。"),
    Phrasing("received.amount-before-到账", "funds_received_wan", "上级补助资金{r}万元已于3月全部到账。"),
    Phrasing("received.已到位", "funds_received_wan", "截至年底已到位资金{r}万元。"),
    Phrasing("received.共到位", "funds_received_wan", "项目资金共到位{r}万元，到位及时。"),
    Phrasing("received.到位资金为", "funds_received_wan", "全年到位资金为{r}万元。"),
    Phrasing("received.全部到位", "funds_received_wan", "项目全年预算{b}万元，资金已全部到位。"),
    Phrasing("received.拨入", "funds_received_wan", "全年拨入项目资金{r}万元。"),
    Phrasing("received.实际收到", "funds_received_wan", "单位实际收到财政拨款{r}万元。"),
    Phrasing("received.下达并到位", "funds_received_wan", "上级下达并到位资金{r}万元。"),
    # rate
    Phrasing("rate.预算执行率为", "execution_rate_pct", "预算执行率为{p}%。"),
    Phrasing("rate.资金执行率", "execution_rate_pct", "资金执行率{p}%，执行情况良好。"),
    Phrasing("rate.执行率达", "execution_rate_pct", "项目资金执行率达{p}%。"),
    Phrasing("rate.资金使用率", "execution_rate_pct", "资金使用率为{p}%。"),
    Phrasing("rate.支付进度", "execution_rate_pct", "截至12月底，支付进度{p}%。"),
    Phrasing("rate.预算完成率", "execution_rate_pct", "预算完成率{p}%。"),
    # total score
    Phrasing("total.自评得分为", "total_score", "经综合评价，该项目自评得分为{t}分。"),
    Phrasing("total.scale-aside", "total_score", "本次绩效自评，项目得分{t}分（满分100分）。"),
    Phrasing("total.综合得分", "total_score", "项目绩效评价综合得分{t}分。"),
    Phrasing("total.评价得分", "total_score", "按照评价指标体系，本项目评价得分为{t}分。"),
    Phrasing("total.绩效自评分数", "total_score", "绩效自评分数：{t}分。"),
    Phrasing("total.自评结果", "total_score", "自评结果：{t}分。"),
    Phrasing("total.总得分", "total_score", "项目总得分{t}分。"),
    Phrasing("total.最终得分", "total_score", "经评价组评议，最终得分{t}分。"),
    Phrasing("total.得分-before-grade", "total_score", "本项目自评得分{t}分，自评等级为“{g}”。"),
    Phrasing("total.grade-then-score", "total_score", "综合评价结果为{g}（{t}分）。"),
    Phrasing("total.自评分数", "total_score", "本项目绩效自评分数为{t}。"),
    Phrasing("total.得分合计", "total_score", "四个一级指标得分合计{t}分。"),
    Phrasing("grade.grade-then-score", "grade", "综合评价结果为{g}（{t}分）。"),
    Phrasing("total.得分为-colon", "total_score", "自评得分为：{t}分。"),
    Phrasing("total.评价组评定", "total_score", "经评价组综合评定，该项目得分为{t}分。"),
    Phrasing("total.评价总分", "total_score", "评价总分{t}分。"),
    Phrasing("total.总分值-本项目得分", "total_score", "总分值为100分，本项目得分为{t}分。"),
    Phrasing("total.结论-得分-等级", "total_score", "自评结论：得分{t}分，等级{g}。"),
    Phrasing("total.评价分数", "total_score", "最终评价分数为{t}分。"),
    Phrasing("total.共得分", "total_score", "本项目共得分{t}分。"),
    Phrasing("total.合计得分-colon", "total_score", "合计得分：{t}"),
    Phrasing("total.综合绩效得分", "total_score", "项目综合绩效得分为{t}分。"),
    Phrasing("total.按照评分标准", "total_score", "按照评分标准，本项目得分{t}分。"),
    Phrasing("total.百分制", "total_score", "自评得分{t}（百分制）。"),
    Phrasing("total.traditional", "total_score", "自評得分{t}分。"),
    Phrasing("total.评分-colon", "total_score", "评分：{t}分。"),
    Phrasing("total.评价结果-score-grade", "total_score", "评价结果：{t}分，{g}。"),
    Phrasing("total.自评得", "total_score", "经自评，本项目自评得{t}分。"),
    Phrasing("total.得出总得分", "total_score", "经过自评，得出该项目总得分为{t}分。"),
    Phrasing("total.综合评定为", "total_score", "综合评定为{t}分。"),
    Phrasing("total.综合分", "total_score", "自评综合分为{t}分。"),
    Phrasing("total.得到", "total_score", "在市财政局组织的重点绩效评价中，我县得到{t}分。"),
    Phrasing("total.获得", "total_score", "全省绩效评价结果公布，我县获得{t}分，位列前茅。"),
    Phrasing("total.评分结果", "total_score", "项目绩效评分结果：{t}分。"),
    # grade
    Phrasing("grade.自评等级为", "grade", "自评等级为“{g}”。"),
    Phrasing("grade.评价等级", "grade", "评价等级：{g}。"),
    Phrasing("grade.评价结果为", "grade", "绩效评价结果为“{g}”等次。"),
    Phrasing("grade.评定为", "grade", "经评定，该项目绩效等级为{g}。"),
    Phrasing("grade.quote-cut", "grade", "综合评定本项目绩效评价等级为“\n{g}”。"),
    Phrasing("grade.before-等次", "grade", "经自评，项目综合评价结果为{g}等次。"),
    Phrasing("grade.属于-等次", "grade", "本项目属于“{g}”等次。"),
    Phrasing("grade.自评等次-colon", "grade", "自评等次：{g}。"),
    Phrasing("grade.评价结论为", "grade", "评价结论为{g}。"),
    Phrasing("grade.总体评价为", "grade", "总体评价为{g}。"),
    Phrasing("grade.为-等级", "grade", "经综合评价，该项目为“{g}”等级。"),
    Phrasing("grade.绩效评级", "grade", "绩效评级：{g}。"),
    Phrasing("grade.确定为", "grade", "该项目绩效评价等级确定为“{g}”。"),
    Phrasing("grade.评为-等级", "grade", "经自评，本项目评为“{g}”等级。"),
    Phrasing("grade.获得-等次", "grade", "该项目资金绩效评价获得全市{g}等次。"),
]

@dataclass(frozen=True)
class Breakdown:
    id: str
    text: str  # {w} the whole, {a} {b} {c} its parts, in 万元 (or {w_yuan} … in 元)


# How reports break a sum down in prose: the whole then its parts, the parts then their total, over
# semicolons, in the next sentence, one item per line. Each is written once with figures that add up (no
# finding may follow) and once with one part misprinted (ARITH-SUBTOTAL must say so).
BREAKDOWNS = [
    Breakdown("其中-顿号", "项目共投入资金{w}万元，其中中央资金{a}万元、省级资金{b}万元、县级资金{c}万元。"),
    Breakdown("其中-分号", "项目总投资{w}万元，其中：中央财政资金{a}万元；省级财政资金{b}万元；县级配套资金{c}万元。"),
    Breakdown("句号-其中", "项目总投资{w}万元。其中：中央财政资金{a}万元；省级财政资金{b}万元；县级配套资金{c}万元。"),
    Breakdown("括号", "全年下达资金{w}万元（中央{a}万元，省级{b}万元，县级{c}万元）。"),
    Breakdown("合计在后", "中央补助资金{a}万元，省级补助资金{b}万元，县级配套资金{c}万元，合计{w}万元。"),
    Breakdown("资金来源为", "项目预算{w}万元，资金来源为：中央{a}万元，省级{b}万元，县级{c}万元。"),
    Breakdown("分别为", "项目共到位资金{w}万元，分别为中央资金{a}万元、省级资金{b}万元、县本级资金{c}万元。"),
    Breakdown("由-组成", "项目资金{w}万元由中央补助{a}万元、省级补助{b}万元和县级配套{c}万元组成。"),
    Breakdown("包括-支出类", "全年支出{w}万元，包括人员经费{a}万元、公用经费{b}万元、项目支出{c}万元。"),
    Breakdown("主要用于", "全年共支出资金{w}万元，主要用于：设备购置{a}万元，人员培训{b}万元，工程建设{c}万元。"),
    Breakdown("分为", "项目资金{w}万元分为三部分：中央资金{a}万元、省级资金{b}万元和县级资金{c}万元。"),
    Breakdown("冒号-项目", "共实施3个项目，总投资{w}万元：甲村供水工程{a}万元、乙村供水工程{b}万元、丙村供水工程{c}万元。"),
    Breakdown("上年结转", "年度资金总额{w}万元，其中当年财政拨款{a}万元、上年结转资金{b}万元、其他资金{c}万元。"),
    Breakdown("元", "全年预算{w_yuan}元，其中中央资金{a_yuan}元、省级资金{b_yuan}元、县级资金{c_yuan}元。"),
    Breakdown("末项无元", "下达补助资金{w}万元，其中甲镇{a}万元；乙镇{b}万元；丙镇{c0}万。"),
    Breakdown("分项再细分", "项目经费{w}万元，其中：商品和服务支出{a}万元（其中办公费{a1}万元、差旅费{a2}万元），资本性支出{b}万元，其他支出{c}万元。"),
    Breakdown("逐行-具体如下", "项目资金共计{w}万元，具体如下：\n1.中央资金{a}万元；\n2.省级资金{b}万元；\n3.县级资金{c}万元。"),
    Breakdown("逐行-其中", "项目预算资金{w}万元。其中：\n中央资金{a}万元\n省级资金{b}万元\n县级资金{c}万元"),
]


def breakdown_report(bd: Breakdown, rng: random.Random, slip: bool) -> str:
    """A short report stating ``bd`` with random figures: consistent, or with one part misprinted."""
    year = rng.randint(2017, 2024)
    a = _q(Decimal(rng.randint(10_000, 500_000)) / 100, 2)
    b = _q(Decimal(rng.randint(10_000, 500_000)) / 100, 2)
    c = Decimal(rng.randint(10, 900))  # a whole number, so "…万" can print it bare
    w = a + b + c
    if slip:  # one part misprinted: a typo of whole 万元 (beyond the half unit a bare "…万" leaves), within 5%
        which = rng.choice("abc")
        delta = Decimal(rng.choice((1, 2, 3, 5, 9, 10, 20))) * rng.choice((1, -1))
        a, b, c = (a + delta, b, c) if which == "a" else (a, b + delta, c) if which == "b" else (a, b, c + delta)
    a1 = _q(a * Decimal("0.4"), 2)
    yuan = lambda x: f"{_q(x * 10000, 0)}"  # noqa: E731
    sentence = bd.text.format(w=w, a=a, b=b, c=c, c0=c, a1=a1, a2=a - a1, w_yuan=yuan(w), a_yuan=yuan(a), b_yuan=yuan(b), c_yuan=yuan(c))
    return f"{year}年度农村饮水安全项目绩效自评报告\n一、项目基本情况\n该项目由县水利局负责实施。\n二、资金情况\n{sentence}\n三、存在的问题\n部分资金拨付进度偏慢。\n"


def score_breakdown(bd: Breakdown, n: int, seed: int, verbose: bool = False) -> tuple[int, int, list[str]]:
    """(slips found, consistent reports left silent, notes) over ``n`` reports of each kind."""
    rng = random.Random(f"{seed}-breakdown-{bd.id}")
    return both_ways(lambda slip: breakdown_report(bd, rng, slip),
                     lambda rec: [f for f in rec["findings"] if f["check"] == "ARITH-SUBTOTAL" and f["severity"] != "info"], n, verbose)


GRADE_WORDS = {"优": ("优", "优秀"), "良": ("良", "良好"), "中": ("中", "合格"), "差": ("差", "不合格")}


def _q(x: Decimal, places: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def report(ph: Phrasing, rng: random.Random) -> tuple[str, dict]:
    """A short report with ``ph`` stating its fact, and the value it states."""
    year = rng.randint(2017, 2024)
    places = rng.choice((2, 2, 0, 4))
    b = _q(Decimal(rng.randint(1_000, 5_000_000)) / 100, places)
    i = _q(b * Decimal(rng.randint(70, 99)) / 100, places)
    s = _q(b * Decimal(rng.choice((100, rng.randint(60, 99)))) / 100, places)
    c1 = _q(b * Decimal(rng.randint(40, 80)) / 100, places)
    p = _q(s / b * 100, 2)
    t = _q(Decimal(rng.randint(7000, 9990)) / 100, rng.choice((0, 1, 2)))
    g = "优" if t >= 90 else "良" if t >= 80 else "中"
    word = rng.choice(GRADE_WORDS[g])
    values = dict(y=year, b=b, i=i, s=s, r=b, c1=c1, c2=b - c1, p=p, t=t, g=word, b_yuan=f"{_q(b * 10000, 2):.2f}")
    sentence = ph.text.format(**values)
    text = f"{year}年度社区养老服务补助项目绩效自评报告\n一、项目基本情况\n该项目由县民政局负责实施。\n二、绩效目标完成情况\n{sentence}\n三、存在的问题\n部分资金拨付进度偏慢。\n"
    want = {
        "budget_full_year_wan": b, "budget_initial_wan": i, "spent_wan": s, "funds_received_wan": b,
        "execution_rate_pct": p, "total_score": t, "grade": g,
    }[ph.field]
    return text, want


def consistent_report(rng: random.Random) -> tuple[str, dict]:
    """A short report stating budget, spending, rate, total and grade, one phrasing each, all consistent
    (the rate is spending over budget, the grade the band of the total): no check should call it wrong."""
    year = rng.randint(2017, 2024)
    places = rng.choice((2, 2, 0))
    b = _q(Decimal(rng.randint(1_000, 5_000_000)) / 100, places)
    s = _q(b * Decimal(rng.choice((100, rng.randint(90, 99)))) / 100, places)
    p = _q(s / b * 100, 2)
    # the total within what the rate allows (90 + 10 × rate on the national form), so 优 holds
    ceiling = min(Decimal("99.9"), 90 + 10 * min(p, Decimal(100)) / 100)
    t = _q(Decimal(rng.randint(9000, int(ceiling * 100))) / 100, 2).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    g = "优"
    values = dict(y=year, b=b, i=b, s=s, r=b, c1=b, c2=Decimal(0), p=p, t=t, g=rng.choice(GRADE_WORDS[g]), b_yuan=f"{_q(b * 10000, 2):.2f}")
    picked = []
    for prefix in ("budget.", "spent.", "rate.", "total.", "grade."):
        choices = [ph for ph in PHRASINGS if ph.id.startswith(prefix) and ph.id not in ("budget.parts", "budget.初始", "budget.年初-调整后")]
        picked.append(rng.choice(choices))
    body = "".join(ph.text.format(**values) for ph in picked)
    text = f"{year}年度社区养老服务补助项目绩效自评报告\n一、项目基本情况\n该项目由县民政局负责实施。\n二、绩效目标完成情况\n{body}\n"
    return text, {ph.id for ph in picked}


def score_phrasing(ph: Phrasing, n: int, seed: int, verbose: bool = False) -> tuple[int, list[str]]:
    rng = random.Random(f"{seed}-{ph.id}")
    right, notes = 0, []
    for _ in range(n):
        text, want = report(ph, rng)
        have = got(read(text), ph.field) if ph.field in _FIELDS else None
        if have is not None and (str(have) == str(want) if isinstance(want, str) else abs(Decimal(have) - Decimal(want)) <= Decimal("0.005")):
            right += 1
        elif verbose:
            notes.append(f"got {have} want {want}: {text.splitlines()[4]}")
    return right, notes


_FIELDS = {"budget_full_year_wan", "budget_initial_wan", "spent_wan", "funds_received_wan", "execution_rate_pct", "total_score", "grade"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args(argv)
    total = good = 0
    for ph in PHRASINGS:
        right, notes = score_phrasing(ph, args.n, args.seed, args.v)
        total += args.n
        good += right
        print(f"{ph.id:26} {right}/{args.n}")
        for note in notes[:2]:
            print(f"    {note}")
    print(f"all phrasings: {good}/{total}")
    slips = silent = 0
    for bd in BREAKDOWNS:
        f, q, notes = score_breakdown(bd, args.n, args.seed, args.v)
        slips, silent = slips + f, silent + q
        print(f"breakdown.{bd.id:20} slip found {f}/{args.n}, consistent silent {q}/{args.n}")
        for note in notes[:2]:
            print(f"    {note}")
    print(f"all breakdowns: slips found {slips}/{args.n * len(BREAKDOWNS)}, consistent silent {silent}/{args.n * len(BREAKDOWNS)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
