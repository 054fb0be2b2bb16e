"""How reports state a sum in prose, shape by shape, and which of its slips jixiao finds.

The contradiction real reports state most often is a sum that does not add up: 共投入530.40万元，其中中央210.12、
省级96.30、县级230.00 (536.42); 中央…、省级…、县级…，合计… with one figure off; 共培训1200人次，其中…; a 收入 split
into 财政拨款 and 其他. Reports word these in many ways: the whole before its parts (其中, 包括, 分别为, 来源为, a
parenthesis, a colon and a list on the lines below) or after them (合计, 共计, 总计), parts with 万元, 元 or
亿元 or with no unit at all, parts named by source, by use, by town or by project, shares printed after each
part. This script writes short reports of its own (its own sentences in those shapes, random figures) and
states every shape twice: consistent (the parts add up within printed precision; no ARITH finding may
follow) and with the slip (the whole off by 1% to 15%; a check of the arith family must give a warning or
an error). A shape the checks miss, or one they call wrong when it is not, shows as a row of the table.

    python scripts/sum_shapes.py            # per shape: slips found n/n, consistent silent n/n
    python scripts/sum_shapes.py -v         # and the sentences behind each miss or false alarm

tests/test_sum_shapes.py runs every shape once each way. (scripts/prose_shapes.py's BREAKDOWNS hold the
first sweep of sums: one part misprinted by a few 万元, within the 5% a partial 其中 list is held to; this
one takes slips of any size, the lists whose names make them whole, partial lists, counts and scores.)

What it found (the first 25 shapes, 5 reports each way, seed 1): slips found 68/125 and consistent silent 125/125
before, 125/125 both ways after (and 500/500 both ways at --n 20 --seed 3). Missed before, and why:

- a 其中 list short of its whole by more than 5% was taken for a partial list, even when its names make it
  the whole one: every part a source of funds (中央/省级/县级, 财政/自筹), a division with no other member
  (基本支出 and 项目支出; 人员经费, 公用经费 and 项目支出) or a last part that is the rest (其他收入). Towns, uses
  after 主要用于 and kinds of people stay partial: only parts above their whole contradict them.
- parts printed without a unit (其中中央210.12、省级96.30) were no parts; they are read in the whole's unit
  when every figure of the list is bare.
- a share after a part (人员经费185.66万元，占3.42%；…) ended the list.
- a category named as a part of a budget (其中基本支出…，项目支出…) was read as the money spent, and the
  part as stated elsewhere then ended the list; a part opened by 包括 likewise.
- items printed one per line and closed by a 合计 line were not read; lines opened by 具体如下 or naming
  every source were held to the 5% rule of a partial list.
- counts said to be each part (分别为) were held only to exceeding their whole.

The total against its dimensions' scores (决策/过程/产出/效益, or the national form's four parts) held in every
shape tried: before or after the parts, 其中 in the next sentence, a 合计, a table, numbered lines. Not read: a
dimension table flattened one cell per line or into bare |-separated lines (its total is read, its rows
are not); no real page of the set was found in that shape.
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

from pipeline.evaluate import TAG_CHECKS  # noqa: E402
from sweep import both_ways, run  # noqa: E402


@dataclass(frozen=True)
class Shape:
    id: str
    text: str  # {t} the whole, {a1}… the parts ({t_yuan}, {a1_yuan}, {t_yi} … in other units; {s1}… shares)
    parts: int = 3
    kind: str = "money"  # money (万元, two decimals) | count (whole numbers)
    # a list that may name some parts only (主要用于, 包括, 其中 with counts): its slip is a whole below the
    # parts' sum, the one contradiction such a list can state
    partial: bool = False


def _q(x: Decimal, places: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def figures(rng: random.Random, n: int, kind: str, slip: bool, partial: bool = False) -> dict:
    """``n`` parts and their whole; on the slip the whole is 1% to 15% off the parts' sum, up or down (down
    only for a ``partial`` list). Scores: the four dimensions' (决策 20, 过程 20, 产出 40, 效益 20, or the
    national form's 预算执行率 10, 产出 50, 效益 30, 满意度 10 with ``n`` 5) and the total, 1 to 3 points off on
    the slip; {w1}… the weights."""
    if kind == "score":
        weights = (20, 20, 40, 20) if n == 4 else (10, 50, 30, 10)
        parts = [Decimal(w) - Decimal(rng.choice((0, 0, 1, 2, 3, 5))) / 2 for w in weights]
        # (a total above 100 is no total a report can claim, whatever its parts: the slip stays at or below it)
        off = Decimal(rng.choice((-3, -2, -1, 1, 2, 3))) if slip else Decimal(0)
        whole = sum(parts) + (off if sum(parts) + off <= 100 else -off)
        return {f"a{i + 1}": p for i, p in enumerate(parts)} | {f"w{i + 1}": w for i, w in enumerate(weights)} | {"t": whole}
    if kind == "count":
        base = rng.randint(40, 900)
        parts = [Decimal(rng.randint(base // 3, base)) for _ in range(n)]
        whole = sum(parts)
        if slip:
            off = max(Decimal(2), _q(whole * Decimal(rng.randint(3, 15)) / 100, 0))
            whole += off * (-1 if partial else rng.choice((1, -1)))
        return {f"a{i + 1}": p for i, p in enumerate(parts)} | {"t": whole}
    # parts of one order of magnitude, as a budget's sources or uses are: none above the whole on the slip
    base = rng.randint(5000, 900000)
    parts = [_q(Decimal(rng.randint(base // 3, base)) / 100, 2) for _ in range(n)]
    whole = sum(parts)
    if slip:
        whole += _q(whole * Decimal(rng.randint(1, 15)) / 100, 2) * (-1 if partial else rng.choice((1, -1))) or Decimal("1.00")
    values = {f"a{i + 1}": p for i, p in enumerate(parts)} | {"t": whole}
    for k, v in list(values.items()):
        values[f"{k}_yuan"] = _q(v * 10000, 0)
        values[f"{k}_yi"] = _q(v / 10000, 4)
    for i, p in enumerate(parts):
        values[f"s{i + 1}"] = _q(p / sum(parts) * 100, 2)
    return values


SHAPES = [
    # -- the whole first, its parts after an opening word ------------------------------------------------------
    Shape("其中.sources", "项目共投入资金{t}万元，其中中央资金{a1}万元、省级资金{a2}万元、县级配套资金{a3}万元。"),
    Shape("其中.colon-semicolons", "全年预算数{t}万元，其中：中央财政补助资金{a1}万元；省级财政补助资金{a2}万元；县级财政配套资金{a3}万元。"),
    Shape("其中.next-sentence", "全年共下达项目资金{t}万元。其中，中央资金{a1}万元，省级资金{a2}万元，市级资金{a3}万元。"),
    Shape("其中.bare-parts", "项目共投入{t}万元，其中中央{a1}、省级{a2}、县级{a3}。"),
    Shape("其中.uses", "全年实际支出{t}万元，其中人员经费{a1}万元，公用经费{a2}万元，项目支出{a3}万元。"),
    Shape("其中.basic-project", "年初预算{t}万元，其中基本支出{a1}万元，项目支出{a2}万元。", parts=2),
    Shape("其中.income", "本年度收入合计{t}万元，其中财政拨款收入{a1}万元，事业收入{a2}万元，其他收入{a3}万元。"),
    Shape("其中.towns", "全年共拨付补助资金{t}万元，其中城关镇{a1}万元，河口乡{a2}万元，石门镇{a3}万元。", partial=True),
    Shape("其中.shares", "全年支出{t}万元，其中人员经费{a1}万元，占{s1}%；公用经费{a2}万元，占{s2}%。", parts=2),
    Shape("其中.yuan", "项目总投资{t_yuan}元，其中财政资金{a1_yuan}元，自筹资金{a2_yuan}元。", parts=2),
    Shape("其中.亿元", "共筹集建设资金{t_yi}亿元，其中中央资金{a1_yi}亿元，地方资金{a2_yi}亿元。", parts=2),
    Shape("包括", "安排项目资金{t}万元，包括基础设施建设资金{a1}万元和设备购置资金{a2}万元。", parts=2, partial=True),
    Shape("分别为", "下达资金{t}万元，分别为中央资金{a1}万元、省级资金{a2}万元。", parts=2),
    Shape("来源为", "项目实际到位资金{t}万元，资金来源为中央补助{a1}万元、省级补助{a2}万元、县级配套{a3}万元。"),
    Shape("parenthesis", "项目实际到位资金{t}万元（中央资金{a1}万元，省级资金{a2}万元，县级资金{a3}万元）。"),
    Shape("parenthesis-含", "截至年底到位资金{t}万元（含中央资金{a1}万元、省级资金{a2}万元）。", parts=2),
    Shape("用于", "下达专项资金{t}万元，主要用于道路硬化{a1}万元，路灯安装{a2}万元，绿化提升{a3}万元。", partial=True),
    Shape("具体如下-lines", "全年共支出项目资金{t}万元，具体如下：\n1.设备购置{a1}万元；\n2.人员培训{a2}万元；\n3.宣传印刷{a3}万元。"),
    # -- the parts first, closed by their total --------------------------------------------------------------
    Shape("合计.after", "中央补助资金{a1}万元，省级补助资金{a2}万元，县级配套资金{a3}万元，合计{t}万元。"),
    Shape("共计.after", "下达中央资金{a1}万元、省级资金{a2}万元，共计{t}万元。", parts=2),
    Shape("verbs.共", "中央财政下达资金{a1}万元，省财政下达{a2}万元，县财政安排{a3}万元，共{t}万元。"),
    Shape("lines.合计", "中央资金：{a1}万元\n省级资金：{a2}万元\n县级资金：{a3}万元\n合计：{t}万元"),
    Shape("lines.总额-first", "年度预算资金总额：{t}万元\n其中：中央补助：{a1}万元\n省级资金：{a2}万元\n县级资金：{a3}万元"),
    Shape("lines.any-label-then-其中", "年初预算：{t}万元\n其中：办公经费：{a1}万元\n培训经费：{a2}万元\n宣传经费：{a3}万元", partial=True),
    # the sentence after the list points back to it; a table's 合计 row after its rows, or first under its header
    Shape("以上.next-sentence", "县财政安排道路养护资金{a1}万元，危桥改造资金{a2}万元，防护工程资金{a3}万元。以上资金共计{t}万元。"),
    Shape("table.projects-合计", "项目名称 | 预算数（万元） | 执行数（万元）\n道路养护 | {a1} | {a1}\n危桥改造 | {a2} | {a2}\n防护工程 | {a3} | {a3}\n合计 | {t} | {t}"),
    Shape("table.合计-first", "“三公”经费（万元） | 预算数 | 决算数\n合计 | {t} | {t}\n公务接待费 | {a1} | {a1}\n公务用车运行维护费 | {a2} | {a2}\n因公出国（境）费 | {a3} | {a3}"),
    # -- scores: the total against its dimensions' --------------------------------------------------------------
    Shape("scores.dims-then-总得分", "项目决策{w1}分，得{a1}分；项目过程{w2}分，得{a2}分；项目产出{w3}分，得{a3}分；项目效益{w4}分，得{a4}分；总得分为{t}分。", parts=4, kind="score"),
    Shape("scores.total-then-其中", "经综合评价，本项目总得分{t}分，其中：决策指标{a1}分、过程指标{a2}分、产出指标{a3}分、效益指标{a4}分。", parts=4, kind="score"),
    Shape("scores.next-sentence", "本项目自评得分{t}分。其中项目决策得分{a1}分，项目过程得分{a2}分，项目产出得分{a3}分，项目效益得分{a4}分。", parts=4, kind="score"),
    Shape("scores.colon-list-合计", "评价得分：决策{a1}分、过程{a2}分、产出{a3}分、效益{a4}分，合计{t}分。", parts=4, kind="score"),
    Shape("scores.national-parts", "自评得分{t}分，其中预算执行率得分{a1}分，产出指标得分{a2}分，效益指标得分{a3}分，满意度指标得分{a4}分。", parts=5, kind="score"),
    Shape("scores.table", "| 一级指标 | 分值 | 得分 |\n| 决策 | {w1} | {a1} |\n| 过程 | {w2} | {a2} |\n| 产出 | {w3} | {a3} |\n| 效益 | {w4} | {a4} |\n| 合计 | 100 | {t} |", parts=4, kind="score"),
    Shape("scores.lines", "（一）项目决策（{w1}分）：得{a1}分\n（二）项目过程（{w2}分）：得{a2}分\n（三）项目产出（{w3}分）：得{a3}分\n（四）项目效益（{w4}分）：得{a4}分\n综上，本项目自评得分{t}分。", parts=4, kind="score"),
    # -- counts ----------------------------------------------------------------------------------------------
    # (kinds of people may overlap, 退役军人 among 农村劳动力: only a division of one kind is held to its whole)
    Shape("counts.其中", "全年共开展宣传活动{t}场，其中县级宣传活动{a1}场，乡镇宣传活动{a2}场，村级宣传活动{a3}场。", kind="count", partial=True),
    Shape("counts.分别为", "共救助困难群众{t}人，分别为城市低保对象{a1}人、农村低保对象{a2}人。", parts=2, kind="count"),
]

HEAD = "{y}年度{project}项目绩效自评报告\n一、项目基本情况\n该项目由县财政局统筹、县农业农村局负责实施。\n二、项目资金情况\n"
TAIL = "\n三、绩效目标完成情况\n项目按计划实施，各项指标基本完成。\n四、下一步工作\n继续加强项目资金管理。\n"
PROJECTS = ["农村饮水安全维修养护", "社区养老服务补助", "高标准农田建设", "职业技能提升培训", "乡村道路养护"]


def report(shape: Shape, rng: random.Random, slip: bool) -> str:
    values = figures(rng, shape.parts, shape.kind, slip, shape.partial)
    return HEAD.format(y=rng.randint(2017, 2024), project=rng.choice(PROJECTS)) + shape.text.format(**values) + TAIL


def said(rec: dict) -> list[dict]:
    return [f for f in rec["findings"] if f["check"] in TAG_CHECKS["arith"] and f["severity"] in ("error", "warning")]


def score_shape(shape: Shape, n: int, seed: int, verbose: bool = False) -> tuple[int, int, list[str]]:
    """(slips found, consistent reports left silent, notes) over ``n`` reports of each kind."""
    rng = random.Random(f"{seed}-sum-{shape.id}")
    return both_ways(lambda slip: report(shape, rng, slip), said, n, verbose)


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__, SHAPES, score_shape, lambda s: f"{s.id:28}", ("slips found", "consistent silent"), "shapes")


if __name__ == "__main__":
    raise SystemExit(main())
