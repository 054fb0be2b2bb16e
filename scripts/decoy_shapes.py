"""Figures a report states that are not its headline facts, shape by shape, and whether jixiao leaves them be.

Precision is lost on real pages to amounts that are somebody else's or of another kind: last year's budget,
the increase over last year, the 三公 funds, a subsidy standard, next year's plan, what was invested since
the 十四五 began, the county's revenue, loans a bank made, social capital drawn in, a contract's price, a
dimension's score, a grade scheme. This script writes short reports of its own (its own sentences in those
shapes, random figures) and states every decoy twice: beside the report's own figures (which must be read
as they are, the decoy left out) and alone (no headline fact may come of it). A decoy the rules take for a
headline fact shows as a row of the table.

    python scripts/decoy_shapes.py          # per decoy: reports read right beside it n/n, alone n/n
    python scripts/decoy_shapes.py -v       # and what was read instead

tests/test_decoy_shapes.py runs every decoy once each way.

What it found (19 decoys at first, 5 reports each way, seed 1): beside the report's own figures every decoy was left
out from the start (95/95: the labelled 全年预算数 and 实际支出 outrank them); alone, 60/95 were left empty
before and 95/95 after. Read as headline facts before: another year's money (2019年该项目预算… in a 2020
report; 上年度…; next year's 计划安排), money since the 十四五 or over the last three years, the county's
一般公共预算收入, and money an audit found 违规使用. Left alone: a higher level's total for the whole area
(全市共下达该项资金…, 惠及12个县区) in a county's report reads as its budget; only the report's own level,
which the text does not always name, could tell them apart.
Four more later. A facility built in an earlier year (于2013年建成，投资总额…; 2015年竣工…总投资…): the
建成 one was read as the budget alone (0/5) until an earlier year before the figure dated it (5/5). A
grade's reward (获得优秀等次6万元的补助) was read as the report's grade both ways (0/5) until a grade priced
or counted became an attribute (5/5); its tally (评选出优秀等次33所) was left alone already.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from sweep import run  # noqa: E402
from table_shapes import read  # noqa: E402


@dataclass(frozen=True)
class Decoy:
    id: str
    text: str  # {d1} {d2} amounts in 万元, {n} a count, {q} a percentage, {sc} a score, {y0} last year, {y1} next, {y7} years before


DECOYS = [
    Decoy("上年.budget-spent", "{y0}年该项目预算{d1}万元，实际支出{d2}万元，项目持续实施。"),
    Decoy("上年.比上年增加", "与上年相比，项目资金比上年增加{d1}万元，增长{q}%。"),
    Decoy("三公", "{y}年度“三公”经费预算{d1}万元，实际支出{d2}万元。"),
    Decoy("standard.每人每年", "按照每人每年{n}元的标准发放补助。"),
    Decoy("standard.最高不超过", "单个村补助资金最高不超过{d1}万元。"),
    Decoy("plan.next-year", "{y1}年计划安排资金{d1}万元，继续实施该项目。"),
    Decoy("span.十四五以来", "“十四五”以来，全县累计投入该类资金{d1}万元。"),
    Decoy("span.近三年", "近三年来，县财政共投入资金{d1}万元用于农村道路建设。"),
    Decoy("economy.revenue", "全县实现一般公共预算收入{d1}万元，同比增长{q}%。"),
    Decoy("economy.loans", "项目带动金融机构发放创业担保贷款{d1}万元。"),
    Decoy("economy.social-capital", "项目撬动社会资本投入{d1}万元。"),
    Decoy("economy.income-per-head", "带动脱贫户人均增收{n}元。"),
    Decoy("contract.中标", "经公开招标，中标金额{d1}万元，合同已签订。"),
    Decoy("contract.单价", "采购设备单价{n}元，共采购{m}台。"),
    Decoy("audit.违规", "审计发现以前年度违规使用资金{d1}万元，已整改到位。"),
    Decoy("score.dimension", "其中产出指标得分{sc}分，效益指标得分{sc2}分。"),
    Decoy("grade.scheme", "评价结果分为优、良、中、差四个等级，90分（含）以上为优。"),
    Decoy("grade.others", "全县其余{m}个项目自评等级均为“优”。"),
    Decoy("grade.tally", "经考核，评选出{y}年度优秀等次{m}所，良好等次{m}所。"),
    Decoy("grade.reward", "按照以奖代补的原则，每所学校将获得优秀等次{n}元的运转补助经费。"),
    Decoy("上年.上年度", "上年度该项目实际支出{d1}万元，结余{d2}万元。"),
    Decoy("history.建成", "该场馆于{y7}年建成，投资总额{d1}万元，占地面积{n}平方米。"),
    Decoy("history.竣工", "中心大楼{y7} 年竣工并投入使用，总投资{d1}万元。"),
]

HEAD = "{y}年度{project}项目绩效自评报告\n一、项目基本情况\n该项目由县农业农村局负责实施。\n"
OWN = "二、项目资金使用情况\n{y}年该项目全年预算数{b}万元，实际支出{s}万元，预算执行率{p}%。\n"
TAIL = "三、绩效目标完成情况\n项目按计划实施。\n四、下一步工作\n继续加强项目资金管理。\n"
PROJECTS = ["农村饮水安全维修养护", "社区养老服务补助", "高标准农田建设", "职业技能提升培训", "乡村道路养护"]
MONEY = ("initial", "full_year", "received", "spent", "balance")


def _q(x: Decimal, places: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def report(decoy: Decoy, rng: random.Random, own: bool) -> tuple[str, dict]:
    """A short self-report stating the decoy, beside the report's own figures or alone; and what must be read
    (the own figures in yuan, or nothing)."""
    y = rng.randint(2018, 2024)
    b = _q(Decimal(rng.randint(5000, 90000)) / 100, 2)
    s = _q(b * Decimal(rng.randint(80, 100)) / 100, 2)
    p = _q(s / b * 100, 2)
    values = dict(
        y=y, y0=y - 1, y1=y + 1, y7=y - rng.randint(2, 12), b=b, s=s, p=p, project=rng.choice(PROJECTS),
        d1=_q(Decimal(rng.randint(5000, 90000)) / 100, 2), d2=_q(Decimal(rng.randint(5000, 90000)) / 100, 2),
        n=rng.randint(300, 5000), m=rng.randint(3, 40), q=_q(Decimal(rng.randint(10, 400)) / 10, 1),
        sc=rng.randint(30, 49), sc2=rng.randint(15, 29),
    )
    body = decoy.text.format(**values) + "\n"
    text = HEAD.format(**values) + (OWN.format(**values) + body if own else "二、项目情况\n" + body) + TAIL
    expected = {"full_year": b * 10000, "spent": s * 10000} if own else {}
    return text, expected


def misread(rec: dict, expected: dict) -> list[str]:
    """What the record holds that it should not (or lacks): money fields, the total, the grade."""
    out = []
    for field in MONEY:
        f = rec["budget"].get(field)
        got = Decimal(str(f["value"])) if f and f.get("value") is not None else None
        want = expected.get(field)
        if got != want:
            out.append(f"{field} {got} ({f['text'] if f else ''}) expected {want}")
    for field in ("total", "grade"):
        f = rec["score"].get(field)
        if f and f.get("value") is not None:
            out.append(f"{field} {f['value']} ({f['text']})")
    return out


def score_decoy(decoy: Decoy, n: int, seed: int, verbose: bool = False) -> tuple[int, int, list[str]]:
    """(reports read right beside their own figures, reports alone left empty, notes) over ``n`` of each."""
    rng = random.Random(f"{seed}-decoy-{decoy.id}")
    beside = alone = 0
    notes = []
    for _ in range(n):
        for own in (True, False):
            text, expected = report(decoy, rng, own)
            wrong = misread(read(text), expected)
            if not wrong:
                beside, alone = beside + own, alone + (not own)
            elif verbose:
                notes.append(f"{'beside' if own else 'alone'}: {text.splitlines()[-5]}  [{'; '.join(wrong)}]")
    return beside, alone, notes


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__, DECOYS, score_decoy, lambda d: f"{d.id:26}", ("read right beside it", "alone left empty"), "decoys")


if __name__ == "__main__":
    raise SystemExit(main())
