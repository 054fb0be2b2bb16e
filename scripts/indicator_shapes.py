"""How reports state an indicator's target and actual outside a clean table, shape by shape, and how many
jixiao reads right.

Real reports often give their indicator rows in running text or in half-flattened lists rather than in the
自评表: "数量指标：培训教师200人次，实际完成215人次", "（1）受助学生人数：目标值≥3000人，实际完成3125人",
"资助困难学生3125人，完成年度目标（3000人）的104.2%", "时效指标：资金拨付及时率达100%（目标≥95%）",
a 目标 list followed by an 实际完成 list, 分值/得分 in brackets, the 三级指标 after its 一级/二级 labels. This
script writes short reports of its own in each shape (its own sentences, random names from a pool, random
figures and units: 人/人次/户/个/公里/亩/万元/%) and scores, per shape, whether every indicator's name, target
and actual were read (the record's ``indicators``, compared as scripts/table_shapes.compare_indicators
does: by name, text without spaces), and whether a row was read that the report does not state. Narrative
shapes state figures that are no indicator ("全年共开展活动12次") and must give no row at all.

    python scripts/indicator_shapes.py            # per shape: reports read right / reports, cells, extra rows
    python scripts/indicator_shapes.py -v         # and what was read instead
    python scripts/indicator_shapes.py --show ID  # one report of that shape and what was read

tests/test_indicator_shapes.py runs every shape once and asserts it.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from table_shapes import _squeeze, read  # noqa: E402

# -- indicators -------------------------------------------------------------------------------------------

# (name, kind, unit): counts with their units, rates (率), degrees (度), amounts (量), money (成本)
NAMES = [
    ("受助学生人数", "count", "人"), ("培训基层教师", "count", "人次"), ("帮扶脱贫户数", "count", "户"),
    ("新建村级服务站", "count", "个"), ("改造农村公路里程", "count", "公里"), ("新增高标准农田面积", "count", "亩"),
    ("开展巡回义诊次数", "count", "次"), ("发放宣传资料", "count", "份"), ("建成污水处理设施", "count", "座"),
    ("慰问困难职工人数", "count", "人"), ("完成造林面积", "count", "亩"), ("新增就业岗位数", "count", "个"),
    ("工程验收合格率", "rate", "%"), ("资金拨付及时率", "rate", "%"), ("设备完好率", "rate", "%"),
    ("补助发放准确率", "rate", "%"), ("项目按期完工率", "rate", "%"), ("垃圾无害化处理率", "rate", "%"),
    ("受益群众满意度", "degree", "%"), ("服务对象满意度", "degree", "%"), ("政策知晓度", "degree", "%"),
    ("污水日处理量", "amount", "吨"), ("粮食储备量", "amount", "吨"),
    ("项目建设成本", "money", "万元"), ("设备购置成本", "money", "万元"),
]
LEVEL2 = {"count": "数量指标", "amount": "数量指标", "rate": "质量指标", "degree": "满意度指标", "money": "成本指标"}
LEVEL1 = {"数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
          "满意度指标": "满意度指标", "社会效益指标": "效益指标"}


@dataclass
class Ind:
    name: str
    kind: str
    unit: str
    t: str  # the target's figure and unit, bare: "3000人", "95%"
    a: str  # the actual as printed: "3125人", "98.5%"
    op: str  # the target's comparator as printed: "≥", "不少于", "以上" (after the figure), "" for none
    w: int
    s: Decimal
    c: str  # completion: actual ÷ target, as printed ("104.2")

    @property
    def T(self) -> str:
        """The target as printed, comparator included: "≥3000人", "3000人以上", "不少于3000人"."""
        if self.op in ("以上", "以内"):
            return f"{self.t}{self.op}"
        return f"{self.op}{self.t}"

    @property
    def level2(self) -> str:
        return "时效指标" if "及时" in self.name or "按期" in self.name else LEVEL2[self.kind]

    @property
    def level1(self) -> str:
        return LEVEL1[self.level2]


def _q(x: Decimal, places: int) -> Decimal:
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _figure(x: Decimal) -> str:
    return format(x.normalize(), "f") if x == x.to_integral() else str(x)


def indicator(rng: random.Random, kinds: tuple[str, ...] = ("count", "rate", "degree", "amount", "money"),
              ops: tuple[str, ...] = ("", "≥", "不少于", "不低于", "以上"), taken: set[str] | None = None) -> Ind:
    """A random indicator of one of ``kinds``: name, unit, target, actual, 分值 and 得分 (consistent)."""
    pool = [n for n in NAMES if n[1] in kinds and (taken is None or n[0] not in taken)]
    name, kind, unit = rng.choice(pool)
    if taken is not None:
        taken.add(name)
    op = rng.choice(ops)
    if kind in ("rate", "degree"):
        t = Decimal(rng.choice((85, 90, 95, 98, 100) if kind == "rate" else (80, 85, 90, 95)))
        a = Decimal(100) if t == 100 else _q(t + Decimal(rng.randint(0, int((100 - t) * 10))) / 10, 1)
        if op in ("不少于",):
            op = "不低于"
    elif kind == "money":
        t = Decimal(rng.randint(20, 900))
        a = _q(t * Decimal(rng.randint(85, 100)) / 100, 2)
        op = rng.choice(("≤", "不超过")) if op else ""
    else:
        t = Decimal(rng.randint(10, 6000))
        a = Decimal(int(t * Decimal(rng.randint(100, 125)) / 100))
    w = rng.choice((5, 10, 10, 15, 20))
    full = a >= t if kind != "money" else a <= t
    s = Decimal(w) if full else _q(Decimal(w) * a / t, 1)
    c = _q(a / t * 100, 1)
    return Ind(name, kind, unit, f"{_figure(t)}{unit}", f"{_figure(a)}{unit}", op, w, s, _figure(c))


# -- shapes -----------------------------------------------------------------------------------------------

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


@dataclass(frozen=True)
class Shape:
    id: str
    # one item: a format string over an indicator's fields ({n} name, {T} target as printed, {t} bare target,
    # {a} actual, {L1} {L2} levels, {k} item number, {K} circled number, {w} 分值, {s} 得分, {c} completion);
    # or a function writing the whole body from the indicators
    item: str | Callable[[list[Ind], random.Random], str]
    join: str = "\n"  # how items stand: one per line ("\n") or several in one paragraph ("；")
    count: int = 3
    kinds: tuple[str, ...] = ("count", "rate", "degree", "amount", "money")
    ops: tuple[str, ...] = ("", "≥", "不少于", "不低于", "以上")
    target: bool = True  # whether the shape states a target
    actual: bool = True
    scored: bool = False  # whether it states 分值 and 得分 (then they are compared too)
    heading: str = "二、绩效指标完成情况"


def _fields(ind: Ind, k: int) -> dict:
    return dict(n=ind.name, T=ind.T, t=ind.t, a=ind.a, L1=ind.level1, L2=ind.level2, k=k, K=CIRCLED[k - 1],
                w=ind.w, s=_figure(ind.s), c=ind.c)


def _parallel(inds: list[Ind], rng: random.Random) -> str:
    goal = "，".join(f"{i.name}{i.t}" for i in inds)
    done = "，".join(f"{i.name}{i.a}" for i in inds)
    return f"项目年度绩效目标：{goal}。实际完成：{done}。"


def _goal_then_result(inds: list[Ind], rng: random.Random) -> str:
    goal = "\n".join(f"（{k}）{i.level2}：{i.name}{i.T}；" for k, i in enumerate(inds, 1))
    done = "\n".join(f"（{k}）{i.level2}：{i.name}实际完成{i.a}。" for k, i in enumerate(inds, 1))
    return f"（一）年度绩效目标\n{goal}\n三、绩效目标完成情况\n{done}"


def _headings(inds: list[Ind], rng: random.Random) -> str:
    out, l1, l2 = [], None, None
    for k, i in enumerate(inds, 1):
        if i.level1 != l1:
            l1 = i.level1
            out.append(f"（{'一二三四'[len({x.level1 for x in inds[:k]}) - 1]}）{l1}")
        if i.level2 != l2:
            l2 = i.level2
            out.append(f"{k}.{l2}")
        out.append(f"{i.name}：年度指标值{i.T}，实际完成值{i.a}。")
    return "\n".join(out)


def _heading_label(inds: list[Ind], rng: random.Random) -> str:
    out, l2 = [], None
    for k, i in enumerate(inds, 1):
        if i.level2 != l2:
            l2 = i.level2
            out.append(f"（{k}）{l2}")
        out.append(f"{i.name}{i.t}，实际完成{i.a}。")
    return "\n".join(out)


def _goal_section_bare(inds: list[Ind], rng: random.Random) -> str:
    goal = "\n".join(f"{i.level2}：{i.name}{i.t}；" for i in inds)
    done = "\n".join(f"{i.level2}：{i.name}实际完成{i.a}。" for i in inds)
    return f"（二）项目绩效目标设定情况\n{goal}\n三、绩效目标完成情况\n{done}"


def _label_commas(inds: list[Ind], rng: random.Random) -> str:
    return f"一是{inds[0].level1}方面，" + "，".join(f"{i.name}{i.a}" for i in inds) + "。"


def _shared(inds: list[Ind], rng: random.Random) -> str:
    a, b = inds[0], inds[1]
    b.a = a.a  # one value for both
    return f"{a.level2}：{a.name}、{b.name}均达到{a.a}。"


SHAPES = [
    Shape("label.plain-实际完成", "{L2}：{n}{T}，实际完成{a}。"),
    Shape("numbered.目标值-实际完成", "（{k}）{n}：目标值{T}，实际完成{a}。"),
    Shape("actual.完成年度目标括号", "{n}{a}，完成年度目标（{t}）的{c}%。", kinds=("count", "amount"), ops=("",)),
    Shape("actual.完成目标任务数", "{k}.{n}{a}，完成年度目标任务{t}的{c}%。", kinds=("count", "amount"), ops=("",)),
    Shape("label.目标-实际", "{L2}：{n}目标{T}，实际{a}。"),
    Shape("label.达-括号目标", "{L2}：{n}达{a}（目标{T}）。", kinds=("rate", "degree", "count")),
    Shape("numbered.年度目标为", "{k}.{n}年度目标为{T}，实际完成{a}。"),
    Shape("labelled.指标值-实际完成值", "指标{k}：{n}，指标值：{T}，实际完成值：{a}。"),
    Shape("labelled.绩效目标值是-实际完成值为", "{n}绩效目标值是{T}，实际完成值为{a}，目标完成率为{c}%。", join="，"),
    Shape("score.括号分值得分", "（{k}）{n}：目标{T}，实际完成{a}（分值{w}分，得分{s}分）。", scored=True),
    Shape("score.得分在后", "{K}{n}：年度目标{T}，实际完成{a}，得{s}分（分值{w}分）；", join="", scored=True),
    Shape("levels.inline", "{L1}{L2}{n}：目标{T}，实际完成{a}。"),
    Shape("levels.headings", _headings),
    Shape("levels.三级指标", "三级指标{n}，年度指标值{T}，实际完成值{a}。"),
    Shape("list.kv-line", "三级指标：{n}；年度指标值：{T}；实际完成值：{a}；分值：{w}分；得分：{s}分。", scored=True),
    Shape("list.括号目标实际", "{k}.{n}（目标{T}，实际{a}）"),
    Shape("list.斜杠", "{k}.{n}：{T}/{a}", ops=("≥", "不少于", "不低于", "以上")),
    Shape("order.实际在前", "（{k}）{n}：实际完成{a}，年度目标{T}。"),
    Shape("order.完成值-目标值", "{n}：完成值{a}，目标值{T}。"),
    Shape("para.一段多项", "{L2}：{n}{T}，实际完成{a}", join="；"),
    Shape("para.circled", "{K}{L2}：{n}目标{T}，实际完成{a}", join="。"),
    Shape("para.目标与实际两列", _parallel, ops=("",)),
    Shape("section.目标在前-完成在后", _goal_then_result, ops=("≥", "不少于", "不低于", "以上")),
    Shape("cost.控制在以内", "成本指标：{n}控制在{t}以内，实际{a}。", kinds=("money",), ops=("",), count=1),
    Shape("shared.均达到", _shared, kinds=("rate",), target=False, count=2),
    Shape("label.以上-实际达到", "{L2}：{n}目标{t}以上，实际达到{a}。", kinds=("rate", "degree")),
    Shape("label.已完成", "{L2}：{n}{a}，已完成。", kinds=("count", "amount"), target=False),
    Shape("numbered.完成", "{k}.{n}：目标{T}，完成{a}。"),
    Shape("label.rate-为", "{K}{L2}：{n}为{a}。", kinds=("rate", "degree"), target=False),
    Shape("heading.level-line", _heading_label, kinds=("count", "amount"), ops=("",)),
    Shape("target-names.计划-实际", "{k}.计划{n}{t}，实际{n}{a}。", kinds=("count", "amount"), ops=("",)),
    Shape("target-names.年度指标-以上", "{k}.年度指标{n}{t}以上，实际{n}{a}。", kinds=("count", "amount"), ops=("",)),
    Shape("section.目标设定-bare", _goal_section_bare, kinds=("count", "rate", "degree"), ops=("",)),
    Shape("label.方面-逗号", _label_commas, kinds=("count", "amount"), target=False),
]

# Figures no report marks as an indicator: they must give no row.
NARRATIVE = [
    "全年共开展活动{x}次，培训人员{y}人次，发放宣传资料{z}份。",
    "项目实施以来，累计接待群众{y}人次，较上年增加{x}人次。",
    "项目目标是改善群众生活条件，全年共建成服务站{x}个。",
    "该项目预算执行率为{p}%，资金到位率100%。",
    "{k}.加强培训。全年组织业务培训{x}期，参训人员{y}人。",
    "全县现有农村公路{y}公里，其中县道{x}公里，乡道{z}公里。",
    "截至年底，实际支出资金{m}万元，惠及群众{y}人。",
    "今年以来共发放避灾明白卡{z}余份，组织巡查{x}次。",
]


def report(shape: Shape, rng: random.Random) -> tuple[str, list[Ind]]:
    """A short report stating ``shape``'s indicators, and the indicators it states."""
    year = rng.randint(2018, 2024)
    taken: set[str] = set()
    inds = [indicator(rng, shape.kinds, shape.ops, taken) for _ in range(shape.count)]
    if callable(shape.item):
        body = shape.item(inds, rng)
    else:
        body = shape.join.join(shape.item.format(**_fields(i, k)) for k, i in enumerate(inds, 1))
    head = f"{year}年度民生保障项目绩效自评报告\n一、项目基本情况\n该项目由县民政局负责实施。\n"
    text = f"{head}{shape.heading}\n{body}\n四、存在的问题\n部分资金拨付进度偏慢。\n"
    return text, inds


def narrative_report(rng: random.Random) -> str:
    year = rng.randint(2018, 2024)
    picked = rng.sample(NARRATIVE, 3)
    vals = dict(x=rng.randint(2, 60), y=rng.randint(100, 9000), z=rng.randint(100, 9000), k=rng.randint(1, 5),
                p=_figure(_q(Decimal(rng.randint(8000, 10000)) / 100, 2)), m=_figure(_q(Decimal(rng.randint(1000, 90000)) / 100, 2)))
    body = "\n".join(s.format(**vals) for s in picked)
    return f"{year}年度民生保障项目绩效自评报告\n一、项目基本情况\n该项目由县民政局负责实施。\n二、项目实施情况\n{body}\n三、存在的问题\n部分资金拨付进度偏慢。\n"


def compare(shape: Shape, inds: list[Ind], rec: dict) -> tuple[dict[str, str], list[str]]:
    """Per indicator and column: right, missed or wrong; and the names of rows read that the report does
    not state."""
    out: dict[str, str] = {}
    found = {_squeeze(i.get("name")): i for i in rec.get("indicators") or []}
    cols = [("name", None)]
    if shape.target:
        cols.append(("target", "T"))
    if shape.actual:
        cols.append(("actual", "a"))
    if shape.scored:
        cols += [("weight", "w"), ("score", "s")]
    for ind in inds:
        row = found.get(_squeeze(ind.name))
        for col, attr in cols:
            key = f"{col} {ind.name}"
            if col == "name":
                out[key] = "right" if row is not None else "missed"
                continue
            want = _squeeze(_want(shape, ind, attr))
            node = (row or {}).get(col)
            have = None if node is None else _squeeze(node.get("text") if col in ("target", "actual") else _figure(Decimal(str(node.get("value")))))
            out[key] = "missed" if have is None else "right" if have == want else f"wrong {have} (want {want})"
        if row is not None and not shape.target and row.get("target") is not None:
            out[f"target {ind.name}"] = f"wrong {row['target'].get('text')} (want none)"
    names = {_squeeze(i.name) for i in inds}
    extra = [i.get("name") for i in rec.get("indicators") or [] if _squeeze(i.get("name")) not in names]
    return out, extra


def _want(shape: Shape, ind: Ind, attr: str) -> str:
    if attr == "T" and shape.id in ("actual.完成年度目标括号", "actual.完成目标任务数", "para.目标与实际两列"):
        return ind.t
    if attr == "T" and shape.id == "cost.控制在以内":
        return f"控制在{ind.t}以内"
    if attr == "T" and shape.id in ("heading.level-line", "target-names.计划-实际", "section.目标设定-bare"):
        return ind.t
    if attr == "T" and shape.id in ("label.以上-实际达到", "target-names.年度指标-以上"):
        return f"{ind.t}以上"
    if attr in ("w",):
        return str(ind.w)
    if attr == "s":
        return _figure(ind.s)
    return getattr(ind, attr)


def score_shape(shape: Shape, n: int, seed: int, verbose: bool = False) -> tuple[int, int, int, int, list[str]]:
    """(reports read right, cells right, cells, extra rows, notes) over ``n`` reports of ``shape``."""
    rng = random.Random(f"{seed}-{shape.id}")
    right = cells = good = extra_rows = 0
    notes: list[str] = []
    for _ in range(n):
        text, inds = report(shape, rng)
        got, extra = compare(shape, inds, read(text))
        cells += len(got)
        good += sum(v == "right" for v in got.values())
        extra_rows += len(extra)
        if all(v == "right" for v in got.values()) and not extra:
            right += 1
        elif verbose:
            bad = {k: v for k, v in got.items() if v != "right"}
            notes.append(f"{bad} extra {extra}")
    return right, good, cells, extra_rows, notes


def score_narrative(n: int, seed: int, verbose: bool = False) -> tuple[int, list[str]]:
    """Reports with no row read, and the rows read where none is stated."""
    rng = random.Random(f"{seed}-narrative")
    silent, notes = 0, []
    for _ in range(n):
        rec = read(narrative_report(rng))
        rows = rec.get("indicators") or []
        if not rows:
            silent += 1
        elif verbose:
            notes.append(str([(r["name"], (r.get("target") or {}).get("text"), (r.get("actual") or {}).get("text")) for r in rows]))
    return silent, notes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--show", metavar="ID", help="print one report of this shape and the rows read")
    args = ap.parse_args(argv)
    if args.show:
        shape = next(s for s in SHAPES if s.id == args.show)
        text, inds = report(shape, random.Random(f"{args.seed}-{shape.id}"))
        print(text)
        for r in read(text).get("indicators") or []:
            print(r["name"], "|", (r.get("target") or {}).get("text"), "|", (r.get("actual") or {}).get("text"), "|", r["rule"])
        return 0
    total = good = cells_right = cells = extras = 0
    for shape in SHAPES:
        right, ok, n_cells, extra, notes = score_shape(shape, args.n, args.seed, args.v)
        total += args.n
        good += right
        cells_right += ok
        cells += n_cells
        extras += extra
        print(f"{shape.id:36} {right:3}/{args.n}  cells {ok:3}/{n_cells:<3}  extra rows {extra}")
        for note in notes[:2]:
            print(f"    {note}")
    print(f"all shapes: reports {good}/{total}, cells {cells_right}/{cells}, extra rows {extras}")
    silent, notes = score_narrative(args.n * 2, args.seed, args.v)
    print(f"narrative figures: reports with no row read {silent}/{args.n * 2}")
    for note in notes[:4]:
        print(f"    {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
