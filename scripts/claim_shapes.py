"""How reports state a contradiction of the checks that do no sum, shape by shape, and which of them jixiao finds.

A report contradicts itself in words as often as in sums: a 执行率 printed beside figures that give
another; 资金已全部拨付 beside a rate of 62%; 暂无问题 under 存在的问题 while half the money is unspent; a
预算执行率 of 70% scored 10 of 10; 优 on 86 points; 2021年度 in the title and 2022年度 in the sentence that
says what was evaluated. This script writes short reports of its own (its own sentences in the shapes real
reports use, random figures) for each family the evaluation counts (pipeline/evaluate.py TAG_CHECKS:
rate, claim-vs-numbers, scoring, grade-band, grade-exec, year). Every shape is written twice: consistent
(no warning or error of its family may follow) and with the slip (a check of the family must give a
warning or an error), so a shape the checks miss, or a shape they call wrong when it is not, shows as a
row of the table.

    python scripts/claim_shapes.py          # per shape: slips found n/n, consistent silent n/n
    python scripts/claim_shapes.py -v       # and the sentences behind each miss or false alarm

tests/test_claim_shapes.py runs every shape once each way.

What it found (70 shapes, 5 reports each way, seed 1): slips found 247/350 and consistent silent 349/350
before, 350/350 and 350/350 after (and 1400/1400 both ways at --n 20 --seed 3). Missed before, and why:

- rate: a report stating only 年初预算 in prose, or only 到位资金, had its rate held against nothing (now a
  warning, ARITH-EXEC-RATE no_full_year); 占全年预算的57.75% after what was spent was no rate; 到位率 was
  not read at all (now budget.arrival_rate, held against 到位资金 ÷ 预算 as a warning). One false alarm:
  0.0340亿元 ÷ 0.0540亿元 against 63.00%, which the operands' printed decimals allow.
- claims: 足额拨付, 发放到位 (拨付到位 is the money arriving; 发放到位 reaching the recipients), 按合同支付完毕,
  全部完成支付 and 按期完成 were no claims; 全部到位 / 足额到位 and 无结余 were never held against the figures
  (now against 到位资金 below the budget, and 执行数 below what arrived, each read by a naming label, not
  beside 结转 / 收回 nor when the clause names one source); 未发现明显问题 / 不存在问题 after a lead-in
  (经自查，…) under 存在的问题 was no statement of none.
- scoring: 得满分 in words, and 预算执行率为71%，该项分值10分，得分10分 (the rate between the name and its
  points), gave the dimension no score.
- year: the sentence saying what is evaluated (对2022年度…开展了绩效自评, 本次自评对象为2022年度…) named
  another year only once, and one mention never outweighed the title.

Shapes that held from the start: the rate beside its figures in 元, 万元 and 亿元, before or after them, in
other sentences and sections, as 资金使用率 / 支付率 / 预算完成率 / 执行进度; 全部拨付 / 全部支出 / 使用完毕 /
如期完成 / 圆满完成 against the rate or an unmet indicator; 暂无问题 and 存在的问题：无; scores above their
points and unmet targets at full marks, in prose and tables; 优 below the national, a declared or an 85 band;
优 beside a rate below 60% or a total above 90 + 10 × rate; a title in 年 against a body in 年度.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from pipeline.evaluate import TAG_CHECKS  # noqa: E402
from sweep import both_ways, run  # noqa: E402


@dataclass(frozen=True)
class Shape:
    id: str
    family: str  # the evaluation's tag: which checks must speak on the slip and stay silent otherwise
    figures: str  # which figures the shape states (FIGURES), consistent or with the slip
    text: str  # the section on money and results; {…} are the figures
    problems: str = "部分乡镇资金拨付进度偏慢，绩效监控有待加强。"  # the 存在的问题 section
    title: str = "{y}年度{project}绩效自评报告"


def _q(x: Decimal, places: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _wan(rng: random.Random) -> Decimal:
    return _q(Decimal(rng.randint(2_000, 3_000_000)) / 100, rng.choice((2, 2, 2, 0)))


def _share(x: Decimal, lo: int, hi: int, rng: random.Random) -> Decimal:
    places = max(0, -x.as_tuple().exponent)
    return _q(x * Decimal(rng.randint(lo * 10, hi * 10)) / 1000, places)


def _pct(a: Decimal, b: Decimal) -> Decimal:
    return _q(a / b * 100, 2)


def _yuan(x: Decimal) -> str:
    return f"{_q(x * 10000, 2):.2f}"


# -- the figures each shape states -------------------------------------------------------------------------

def rate_figures(rng: random.Random, slip: bool) -> dict:
    """A budget, what was spent and the rate; the slip prints the rate 4 to 15 points off its own figures."""
    b = _wan(rng)
    s = b if rng.random() < 0.2 else _share(b, 55, 99, rng)
    p = _pct(s, b)
    if slip:
        delta = Decimal(rng.randint(400, 1500)) / 100 * rng.choice((1, -1))
        p = p + delta if Decimal(5) < p + delta < Decimal(100) else p - delta
    return dict(b=b, s=s, p=p, b_yuan=_yuan(b), s_yuan=_yuan(s), r=b, b_yi=_q(b / 10000, 4), s_yi=_q(s / 10000, 4))


def restated_figures(rng: random.Random, slip: bool) -> dict:
    """The rate and the spending stated twice: the same (consistent), or the second 3 to 9 points (the rate)
    or 3% to 9% (the money) off the first (the slip)."""
    b = _wan(rng)
    s = _share(b, 60, 99, rng)
    p = _pct(s, b)
    k = Decimal(rng.randint(3, 9))
    p2 = (p - k if p - k > 0 else p + k) if slip else p
    s2 = _q(s * (100 - k) / 100, 2) if slip else s
    return dict(b=b, s=s, p=p, p2=p2, s2=s2)


def arrival_figures(rng: random.Random, slip: bool) -> dict:
    """A budget, the funds that arrived and the 到位率; the slip prints the 到位率 off its figures."""
    b = _wan(rng)
    r = b if rng.random() < 0.3 else _share(b, 50, 95, rng)
    q = _pct(r, b)
    if slip:
        delta = Decimal(rng.randint(500, 1500)) / 100
        q = q + delta if q + delta <= 100 else q - delta
    s = _share(r, 70, 100, rng)
    return dict(b=b, r=r, q=q, s=s, p=_pct(s, b))


def spent_claim_figures(rng: random.Random, slip: bool) -> dict:
    """Everything paid out (consistent), or 45% to 85% of it beside a claim that it was (the slip)."""
    b = _wan(rng)
    s = _share(b, 45, 85, rng) if slip else b
    return dict(b=b, s=s, p=_pct(s, b), left=b - s, b_yuan=_yuan(b), s_yuan=_yuan(s))


def arrival_claim_figures(rng: random.Random, slip: bool) -> dict:
    b = _wan(rng)
    r = _share(b, 50, 90, rng) if slip else b
    return dict(b=b, r=r, q=_pct(r, b), s=r, p=_pct(r, b))


def target_figures(rng: random.Random, slip: bool) -> dict:
    """An indicator's target and actual (short of it on the slip) and its points; money spent in full."""
    n = rng.randint(20, 900)
    a = rng.randint(int(n * 0.5), n - 1) if slip else rng.randint(n, int(n * 1.15) + 1)
    w = rng.choice((10, 15, 20))
    b = _wan(rng)
    return dict(n=n, a=a, w=w, b=b, s=b, p=Decimal(100))


def low_rate_figures(rng: random.Random, slip: bool) -> dict:
    """Spending of 25% to 55% of the budget (the slip) or 96% to 100% (consistent)."""
    b = _wan(rng)
    s = _share(b, 25, 55, rng) if slip else _share(b, 96, 100, rng)
    return dict(b=b, s=s, p=_pct(s, b))


def exec_score_figures(rng: random.Random, slip: bool) -> dict:
    """预算执行率 scored out of 10: full marks on a rate of 55% to 85% (the slip), or 10 × rate (rounded down
    to the printed decimal, as forms do) on any rate."""
    b = _wan(rng)
    s = _share(b, 55, 85, rng) if slip else (b if rng.random() < 0.4 else _share(b, 60, 99, rng))
    p = _pct(s, b)
    e = Decimal(10) if slip else (10 * p / 100).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    return dict(b=b, s=s, p=p, e=e, w=10, e_words="满分" if e == 10 else f"{e}分")


def bounds_figures(rng: random.Random, slip: bool) -> dict:
    """A row's points and its score: at most the points, or 1 to 5 above them (the slip)."""
    w = rng.choice((10, 15, 20, 30))
    sc = w + rng.choice((1, 2, 5)) if slip else w - rng.choice((0, 0, 1, 2))
    n = rng.randint(20, 900)
    return dict(w=w, sc=sc, n=n, a=n + rng.randint(0, 30))


def band_figures(rng: random.Random, slip: bool) -> dict:
    """A total claimed 优: 90 or more (consistent), 80 to 89.9 (the slip: the national bands give 良)."""
    t = Decimal(rng.randint(8000, 8990)) / 100 if slip else Decimal(rng.randint(9000, 9900)) / 100
    b = _wan(rng)
    # (rounded down: 89.6 printed whole must not become 90)
    return dict(t=t.quantize(Decimal(1).scaleb(-rng.choice((0, 1, 2))), rounding=ROUND_DOWN), b=b, s=b, p=Decimal(100))


def own_band_figures(rng: random.Random, slip: bool) -> dict:
    """A report that sets 优 at 85: a total of 85 to 89.9 claimed 优 holds under its own bands (consistent),
    one of 80 to 84.9 does not (the slip)."""
    t = Decimal(rng.randint(8000, 8490)) / 100 if slip else Decimal(rng.randint(8500, 8990)) / 100
    b = _wan(rng)
    return dict(t=t.quantize(Decimal(1).scaleb(-rng.choice((1, 2))), rounding=ROUND_DOWN), b=b, s=b, p=Decimal(100))


def ceiling_figures(rng: random.Random, slip: bool) -> dict:
    """A rate of 65% to 85% and a total claimed 优: within 90 + 10 × rate (consistent), or above it."""
    b = _wan(rng)
    s = _share(b, 65, 85, rng)
    p = _pct(s, b)
    ceiling = 90 + p / 10
    lo, hi = (ceiling + 1, Decimal("99.5")) if slip else (Decimal(90), ceiling - Decimal("0.5"))
    t = _q(lo + (hi - lo) * Decimal(rng.randint(0, 100)) / 100, 1)
    return dict(b=b, s=s, p=p, t=t)


def dims_figures(rng: random.Random, slip: bool) -> dict:
    """Scores of the four 一级 dimensions (决策 20, 过程 20, 产出 40, 效益 20) and the total they add up to, or
    the total one point off (the slip); a score with one decimal where the dimension loses half a point."""
    scores = [Decimal(w) - Decimal(rng.choice((0, 0, 1, 2, 3))) / 2 for w in (20, 20, 40, 20)]
    t = sum(scores) + (Decimal(rng.choice((-1, 1))) if slip else 0)
    return dict(zip(("d1", "d2", "d3", "d4"), scores)) | dict(t=t)


def national_dims_figures(rng: random.Random, slip: bool) -> dict:
    """The national 自评表's parts: 预算执行率 (10), 产出 (50), 效益 (30) and 满意度 (10) scores and their total,
    or the total one point off (the slip)."""
    scores = [Decimal(w) - Decimal(rng.choice((0, 0, 1, 2, 3))) / 2 for w in (10, 50, 30, 10)]
    t = sum(scores) + (Decimal(rng.choice((-1, 1))) if slip else 0)
    return dict(zip(("e1", "e2", "e3", "e4"), scores)) | dict(t=t)


def year_figures(rng: random.Random, slip: bool) -> dict:
    b = _wan(rng)
    return dict(b=b, s=b, p=Decimal(100))


FIGURES = {
    "rate": rate_figures, "arrival": arrival_figures, "spent-claim": spent_claim_figures,
    "arrival-claim": arrival_claim_figures, "restated": restated_figures, "target": target_figures, "low-rate": low_rate_figures,
    "exec-score": exec_score_figures, "bounds": bounds_figures, "band": band_figures, "own-band": own_band_figures,
    "ceiling": ceiling_figures, "year": year_figures, "dims": dims_figures, "national-dims": national_dims_figures,
}

PROJECTS = ["农村饮水安全维修养护", "社区养老服务补助", "高标准农田建设", "职业技能提升培训", "乡村道路养护"]

SHAPES = [
    # -- rate: the 执行率 restated against the report's own 预算 and 支出 -------------------------------------
    Shape("rate.after-figures", "rate", "rate", "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。"),
    Shape("rate.yuan", "rate", "rate", "项目预算资金{b_yuan}元，截至年底已支出{s_yuan}元，执行率为{p}%。"),
    Shape("rate.before-figures", "rate", "rate", "预算执行率为{p}%（全年预算数{b}万元，全年执行数{s}万元）。"),
    Shape("rate.rate-first-clause", "rate", "rate", "项目预算执行率{p}%，全年预算数为{b}万元，实际支出{s}万元。"),
    Shape("rate.three-sentences", "rate", "rate",
          "年初预算安排资金{b}万元。项目按合同进度拨付资金。\n截至12月31日，实际支出{s}万元。\n综上，该项目预算执行率为{p}%。"),
    Shape("rate.资金使用率", "rate", "rate", "上级共下达项目资金{b}万元，已使用资金{s}万元，资金使用率{p}%。"),
    Shape("rate.支付率", "rate", "rate", "全年预算数{b}万元，累计支付资金{s}万元，资金支付率为{p}%。"),
    Shape("rate.预算完成率", "rate", "rate", "全年预算数{b}万元，全年执行数{s}万元，预算完成率{p}%。"),
    Shape("rate.达到", "rate", "rate", "项目全年预算{b}万元，实际支出{s}万元，资金执行率达到{p}%。"),
    Shape("rate.colon-list", "rate", "rate", "全年预算数：{b}万元；全年执行数：{s}万元；预算执行率：{p}%。"),
    Shape("rate.占预算的", "rate", "rate", "全年预算{b}万元，截至年底实际支出{s}万元，占全年预算的{p}%。"),
    Shape("rate.执行进度", "rate", "rate", "项目全年预算数{b}万元，已支付{s}万元，执行进度{p}%。"),
    Shape("rate.支出进度", "rate", "rate", "共下达专项债券资金{b}万元，截至年底已支出{s}万元，支出进度{p}%。"),
    Shape("rate.mixed-units", "rate", "rate", "全年预算{b}万元，实际支出{s_yuan}元，预算执行率{p}%。"),
    Shape("rate.conclusion-section", "rate", "rate",
          "全年预算{b}万元。\n截至年底，项目实际支出{s}万元，主要用于设备购置和人员培训。\n五、自评结论\n经自评，本项目预算执行率为{p}%。"),
    Shape("rate.亿元", "rate", "rate", "全年预算{b_yi}亿元，实际支出{s_yi}亿元，预算执行率{p}%。"),
    Shape("rate.received-only", "rate", "rate", "项目实际到位资金{r}万元，实际支出{s}万元，资金执行率{p}%。"),
    Shape("rate.资金支出", "rate", "rate", "截至12月31日，全年预算数{b}万元，项目资金支出{s}万元，预算执行率{p}%。"),
    Shape("rate.到位率", "rate", "arrival", "项目全年预算{b}万元，实际到位资金{r}万元，资金到位率{q}%。"),
    Shape("rate.到位率-and-执行率", "rate", "rate",
          "项目全年预算{b}万元，到位资金{r}万元，到位率100%；实际支出{s}万元，预算执行率{p}%。"),
    # -- claim-vs-numbers: words the figures contradict ------------------------------------------------------
    Shape("claim.已全部拨付", "claim-vs-numbers", "spent-claim",
          "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。项目资金已全部拨付到户。"),
    Shape("claim.并按时支出完毕", "claim-vs-numbers", "spent-claim",
          "全年预算数{b}万元，截至年底实际支出{s}万元。项目资金已拨付到位并按时支出完毕。"),
    Shape("claim.资金全部用完", "claim-vs-numbers", "spent-claim",
          "本项目下达资金{b}万元，已使用{s}万元，项目已完工，资金全部用完。"),
    Shape("claim.全部支出", "claim-vs-numbers", "spent-claim",
          "项目预算资金{b}万元，资金已全部支出。截至年底实际支出{s}万元。"),
    Shape("claim.按时拨付", "claim-vs-numbers", "spent-claim",
          "全年预算{b}万元，资金按时足额拨付，全年实际支出{s}万元，预算执行率为{p}%。"),
    Shape("claim.无结余", "claim-vs-numbers", "spent-claim",
          "全年预算{b}万元，截至12月31日实际支出{s}万元，资金无结余。"),
    Shape("claim.使用完毕", "claim-vs-numbers", "spent-claim",
          "本年度项目预算资金{b_yuan}元，实际支出{s_yuan}元，资金已使用完毕。"),
    Shape("claim.发放到位", "claim-vs-numbers", "spent-claim",
          "全年预算{b}万元，实际支出{s}万元，补贴资金已全部发放到位。"),
    Shape("claim.支付完毕", "claim-vs-numbers", "spent-claim",
          "项目预算{b}万元，实际支出{s}万元，项目资金均已按合同支付完毕。"),
    Shape("claim.全部完成支付", "claim-vs-numbers", "spent-claim",
          "项目预算{b}万元，实际支出{s}万元，项目资金已全部完成支付。"),
    Shape("claim.rate-twice", "claim-vs-numbers", "restated",
          "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。\n四、自评结论\n项目预算执行率为{p2}%，资金管理规范。"),
    Shape("claim.spent-twice", "claim-vs-numbers", "restated",
          "全年预算{b}万元，截至12月31日实际支出{s}万元。\n（二）资金使用情况\n全年实际支出{s2}万元，主要用于工程建设。"),
    Shape("claim.全部到位", "claim-vs-numbers", "arrival-claim",
          "项目全年预算{b}万元，实际到位资金{r}万元，资金已全部到位。"),
    Shape("claim.足额到位", "claim-vs-numbers", "arrival-claim",
          "全年预算数{b}万元，截至年底资金到位{r}万元，项目资金足额到位。"),
    Shape("claim.如期完成", "claim-vs-numbers", "target",
          "全年预算{b}万元，实际支出{s}万元。\n数量指标：新建村级道路目标{n}公里，实际完成{a}公里。\n项目如期完成并通过验收。"),
    Shape("claim.圆满完成", "claim-vs-numbers", "low-rate",
          "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。\n本年度圆满完成了各项目标任务。"),
    Shape("claim.按期完成", "claim-vs-numbers", "target",
          "数量指标：改造农村户厕目标{n}户，实际改造{a}户。\n项目按期完成年度建设任务。"),
    Shape("claim.全面完成-target", "claim-vs-numbers", "target",
          "1.数量指标：培训农村劳动力目标≥{n}人，实际培训{a}人。\n各项绩效目标已全面完成。"),
    Shape("noproblem.暂无问题", "claim-vs-numbers", "low-rate",
          "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。", problems="暂无问题。"),
    Shape("noproblem.未发现问题", "claim-vs-numbers", "low-rate",
          "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。", problems="经自查，项目实施中未发现明显问题。"),
    Shape("noproblem.不存在问题", "claim-vs-numbers", "low-rate",
          "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。", problems="该项目在实施过程中不存在问题。"),
    Shape("noproblem.numbered", "claim-vs-numbers", "low-rate",
          "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。", problems="（一）存在的问题\n无明显问题。"),
    Shape("noproblem.lead-in", "claim-vs-numbers", "low-rate",
          "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。", problems="项目实施总体顺利，暂未发现问题。"),
    Shape("noproblem.inline", "claim-vs-numbers", "low-rate",
          "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。存在的问题：无。", problems="下一步将继续加强项目管理。"),
    # -- scoring: a score the report's own figures do not allow ----------------------------------------------
    Shape("score.exec-dimension", "scoring", "exec-score",
          "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。\n预算执行率（{w}分）：得{e}分。"),
    Shape("score.exec-same-clause", "scoring", "exec-score",
          "预算执行率指标分值{w}分，全年预算{b}万元，实际支出{s}万元，执行率{p}%，得{e}分。"),
    Shape("score.exec-table", "scoring", "exec-score",
          "| 项目资金（万元） | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
          "| | 年度资金总额 | {b} | {b} | {s} | {w} | {p}% | {e} |"),
    Shape("score.exec-得满分", "scoring", "exec-score",
          "全年预算{b}万元，实际支出{s}万元。\n预算执行率（{w}分）：执行率{p}%，得{e_words}。"),
    Shape("score.exec-分值-得分", "scoring", "exec-score",
          "全年预算{b}万元，实际支出{s}万元。预算执行率{p}%，该项分值{w}分，得分{e}分。"),
    Shape("score.exec-separate-sections", "scoring", "exec-score",
          "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。\n（三）评分情况\n预算执行率指标得{e}分，产出指标得45分，效益指标得28分。"),
    Shape("score.row-above-points", "scoring", "bounds",
          "1.数量指标：培训农村劳动力目标≥{n}人，实际培训{a}人，得{sc}分（分值{w}分）；"),
    Shape("score.dimension-above-points", "scoring", "bounds",
          "经评价，产出指标满分{w}分，得{sc}分。"),
    Shape("score.dimension-bare-points", "scoring", "bounds",
          "其中决策指标20分，得19分；效益指标{w}分，得{sc}分；满意度指标10分，得10分。"),
    Shape("score.quant-short-full", "scoring", "target",
          "1.数量指标：新建村级道路目标{n}公里，实际完成{a}公里，得{w}分（分值{w}分）；"),
    Shape("score.quant-short-full-comparator", "scoring", "target",
          "（一）培训农村劳动力不少于{n}人，实际培训{a}人，该指标分值{w}分，得{w}分。"),
    Shape("score.quant-得满分", "scoring", "target",
          "产出指标中，培训人数指标值为≥{n}人，实际完成值{a}人，该指标得满分{w}分。"),
    Shape("score.quant-table", "scoring", "target",
          "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
          "| 产出指标 | 数量指标 | 培训人数 | ≥{n}人 | {a}人 | {w} | {w} |\n"
          "| 满意度指标 | 服务对象满意度指标 | 受益群众满意度 | ≥90% | 95% | 10 | 10 |"),
    Shape("score.row-above-table", "scoring", "bounds",
          "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
          "| 产出指标 | 数量指标 | 培训人数 | ≥{n}人 | {a}人 | {w} | {sc} |\n"
          "| 满意度指标 | 服务对象满意度指标 | 受益群众满意度 | ≥90% | 95% | 10 | 10 |"),
    # -- grade-band: the grade against the report's total and its own (or the standard) bands -------------------
    Shape("grade.优-on-total", "grade-band", "band", "全年预算{b}万元，实际支出{s}万元。\n经综合评价，本项目自评得分{t}分，评价等级为“优”。"),
    Shape("grade.优秀-before-total", "grade-band", "band", "经自评，该项目绩效评价等级为优秀，综合得分{t}分。"),
    Shape("grade.grade-first", "grade-band", "band", "自评结果为“优”，自评得分{t}分。"),
    Shape("grade.colon-fields", "grade-band", "band", "自评得分：{t}分；绩效等级：优。"),
    Shape("grade.declared-bands", "grade-band", "band",
          "评价结果分为优（90分及以上）、良（80分及以上、不满90分）、中（60分及以上、不满80分）、差（不满60分）。\n"
          "本项目自评得分{t}分，自评等次为优。"),
    Shape("grade.own-85-bands", "grade-band", "own-band",
          "按照评分标准，85分（含）以上为优，75分（含）至85分为良，60分（含）至75分为中，60分以下为差。\n"
          "本项目自评得分{t}分，评价等级为优。"),
    # -- arith: the total against the dimensions' scores it adds up ------------------------------------------
    Shape("arith.dims-then-合计", "arith", "dims",
          "项目决策（20分）得{d1}分；项目过程（20分）得{d2}分；项目产出（40分）得{d3}分；项目效益（20分）得{d4}分；合计{t}分。"),
    Shape("arith.national-parts", "arith", "national-dims",
          "本项目自评得分{t}分（满分100分），其中预算执行率得分{e1}分，产出指标得分{e2}分，效益指标得分{e3}分，满意度指标得分{e4}分。"),
    Shape("grade.自评为", "grade-band", "band", "经对照评价指标逐项打分，本项目自评为{t}分，评价等级为优。"),
    Shape("grade.by-the-standard", "grade-band", "band", "根据评分标准，本项目得分{t}分，评价结果为“优”。"),
    Shape("grade.table", "grade-band", "band",
          "| 总分 | 100 | {t} |\n| 自评等级 | 优 |"),
    # -- grade-exec: 优 beside a very low execution rate, or a total the rate does not allow ------------------
    Shape("grade.优-low-rate", "grade-exec", "low-rate",
          "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。\n经综合评价，本项目自评等级为优。"),
    Shape("grade.优秀-rate-only", "grade-exec", "low-rate",
          "项目资金执行率{p}%。\n综合评定本项目绩效评价结果为“优秀”。"),
    Shape("grade.total-over-ceiling", "grade-exec", "ceiling",
          "全年预算{b}万元，实际支出{s}万元，预算执行率{p}%。\n本项目自评得分{t}分，等级为优。"),
    Shape("grade.rate-then-total", "grade-exec", "ceiling",
          "全年预算{b}万元，实际支出{s}万元。\n项目预算执行率为{p}%，自评得分{t}分，自评等级为优。"),
    # -- year: the title's year against the year the body says is evaluated ------------------------------------
    Shape("year.本次自评对象", "year", "year", "本次自评对象为{yb}年度{project}资金。\n全年预算{b}万元，实际支出{s}万元。"),
    Shape("year.报告如下", "year", "year", "现将{yb}年度{project}绩效自评情况报告如下。\n全年预算{b}万元，实际支出{s}万元。"),
    Shape("year.对-开展自评", "year", "year", "我局对{yb}年度{project}项目开展了绩效自评。\n全年预算{b}万元，实际支出{s}万元。"),
    Shape("year.评价的是", "year", "year", "本报告评价的是{yb}年度{project}项目资金的使用情况。\n全年预算{b}万元，实际支出{s}万元。"),
    Shape("year.根据-开展自评", "year", "year",
          "根据县财政局统一部署，我局于次年3月对{yb}年度{project}项目资金开展了绩效自评，自评工作由财务股牵头。\n全年预算{b}万元，实际支出{s}万元。"),
    Shape("year.chinese-numeral-title", "year", "year", "我局对{yb}年度{project}项目开展了绩效自评。\n全年预算{b}万元，实际支出{s}万元。",
          title="{y_cn}年度{project}项目绩效自评报告"),
    Shape("year.title-年-body-年度", "year", "year", "{yb}年度该项目全年预算{b}万元，实际支出{s}万元。\n{yb}年度项目资金全部用于维修养护。",
          title="{y}年{project}项目绩效自评报告"),
]


def report(shape: Shape, rng: random.Random, slip: bool) -> str:
    """A short self-report stating ``shape`` with random figures: consistent, or with the slip."""
    y = rng.randint(2017, 2024)
    values = FIGURES[shape.figures](rng, slip)
    if shape.family == "year":
        values["yb"] = y + rng.choice((1, -1)) if slip else y
    values.update(y=y, y_cn="".join("〇一二三四五六七八九"[int(c)] for c in str(y)), project=rng.choice(PROJECTS))
    title = shape.title.format(**values)
    body = shape.text.format(**values)
    problems = shape.problems.format(**values)
    return (f"{title}\n一、项目基本情况\n该项目由县农业农村局负责实施。\n二、项目资金使用及绩效目标完成情况\n{body}\n"
            f"三、存在的问题\n{problems}\n四、下一步工作\n继续加强项目资金管理。\n")


def said(rec: dict, family: str) -> list[dict]:
    """The family's warning and error findings (what the evaluation counts)."""
    return [f for f in rec["findings"] if f["check"] in TAG_CHECKS[family] and f["severity"] in ("error", "warning")]


def score_shape(shape: Shape, n: int, seed: int, verbose: bool = False) -> tuple[int, int, list[str]]:
    """(slips found, consistent reports left silent, notes) over ``n`` reports of each kind."""
    rng = random.Random(f"{seed}-claim-{shape.id}")
    return both_ways(lambda slip: report(shape, rng, slip), lambda rec: said(rec, shape.family), n, verbose)


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__, SHAPES, score_shape, lambda s: f"{s.id:34} {s.family:17}", ("slips found", "consistent silent"), "shapes")


if __name__ == "__main__":
    raise SystemExit(main())
