"""A batch of generated self-evaluation reports with copied passages planted between some of them.

Each report is a plain-text 项目支出绩效自评报告 of its own unit, project and year: the national template's
fixed sentences and a stock policy paragraph (shared by many reports: the form, not a copy), its figures,
and its own narrative (绩效目标完成情况, 偏差原因, 改进措施) written from a large vocabulary with its own names
and numbers, so that two reports share no passage by chance. Then, for ``planted`` pairs of reports of
different units, a narrative paragraph of one is pasted into the other, exactly or edited (the unit's name
replaced, a few characters changed, a sentence added); and for ``repeats`` units, a paragraph of one year's
report reappears in the next year's. ``truth.json`` lists the planted pairs.

    python scripts/make_batch.py OUT [--docs 200] [--planted 20] [--repeats 5] [--seed 1]

Used by ``tests/test_across.py`` (small batches) and ``scripts/bench_across.py`` (10,000 reports).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

PLACES = "东西南北中前后上下新老大小长安平和兴永宁泰华光明清远高阳山河江湖海林松桥川田".strip()
DEPARTMENTS = [
    "教育局", "卫生健康局", "民政局", "农业农村局", "水利局", "交通运输局", "住房和城乡建设局", "生态环境局",
    "文化和旅游局", "人力资源和社会保障局", "林业局", "司法局", "应急管理局", "科学技术协会", "自然资源局",
]
PROJECTS = [
    "学生资助", "基本公共卫生服务", "特困人员供养", "耕地地力保护补贴", "农村饮水安全", "农村公路养护",
    "城镇老旧小区改造", "大气污染防治", "公共文化服务", "就业创业补贴", "森林防火", "法律援助", "防汛抗旱",
    "科普惠民", "地质灾害防治", "高标准农田建设", "义务教育营养改善", "困难群众救助", "河道保洁", "乡村振兴衔接",
]
# words the narratives are written from; many, so that two narratives share few three-character runs
WORDS = (
    "资金 拨付 进度 滞后 受到 影响 审批 流程 较长 部分 乡镇 配套 不足 人员 变动 频繁 工作 衔接 不畅 "
    "项目 前期 论证 不够 充分 目标 设置 偏低 采购 程序 复杂 合同 签订 延迟 天气 原因 施工 暂停 疫情 "
    "防控 要求 集中 组织 活动 减少 群众 参与 积极性 宣传 力度 档案 管理 规范 台账 记录 完整 监督 检查 "
    "频次 偏少 绩效 意识 薄弱 培训 覆盖 面窄 信息 系统 建设 缓慢 数据 统计 口径 不一 跨部门 协调 机制 "
    "健全 考核 结果 运用 预算 编制 精细化 程度 支出 结构 优化 空间 成本 控制 标准 明确 验收 环节 把关 "
    "严格 后续 管护 责任 落实 满意度 调查 样本 代表性 服务 对象 需求 变化 政策 调整 及时 基层 力量 "
    "薄弱 专业 技术 人才 缺乏 设备 老化 维护 费用 上涨 物价 因素 工期 延长 质量 达标 安全 隐患 排查 "
    "整改 销号 长效 常态化 加强 完善 推进 提升 强化 压实 细化 规范化 信息化 督促 指导 跟踪 评估 问效"
).split()
TEMPLATE = [
    "根据《财政部关于印发〈项目支出绩效评价管理办法〉的通知》（财预〔2020〕10号）要求，我单位高度重视，"
    "成立了绩效自评工作领导小组，对照年初设定的绩效目标，逐项开展自评，现将自评情况报告如下。",
    "本次自评遵循客观公正、科学规范、绩效相关的原则，采用比较法和因素分析法，通过查阅资料、现场核查和"
    "问卷调查等方式收集数据，确保自评结果真实、准确、完整。",
]
POLICY = [
    "下一步，我单位将认真落实预算绩效管理各项要求，牢固树立“花钱必问效、无效必问责”的理念，"
    "将绩效自评结果作为以后年度预算安排和政策调整的重要依据，不断提高财政资金使用效益。",
    "我单位将进一步健全全过程预算绩效管理链条，加强绩效目标管理和绩效运行监控，"
    "做到事前有目标、事中有监控、事后有评价、结果有应用，切实提升财政资金配置效率和使用效益。",
    "今后将严格执行《中华人民共和国预算法》及其实施条例，规范资金使用管理，"
    "确保专款专用，杜绝截留、挤占、挪用等行为，自觉接受财政、审计和社会各方面的监督。",
]


def unit_names(n: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        county = rng.choice(PLACES) + rng.choice(PLACES) + rng.choice(["县", "区", "市"])
        names.add(county + rng.choice(DEPARTMENTS))
    return sorted(names)


def prose(rng: random.Random, n_words: int, unit: str, project: str) -> str:
    """A paragraph of its own: words in a random order, with the report's names and numbers among them."""
    words = [rng.choice(WORDS) for _ in range(n_words)]
    for _ in range(3):
        words.insert(rng.randrange(len(words)), rng.choice([unit, project, f"{rng.randint(2, 980)}户",
                                                           f"{rng.randint(11, 99)}.{rng.randint(0, 9)}%"]))
    out, sentence = [], []
    for w in words:
        sentence.append(w)
        if len(sentence) >= rng.randint(6, 11):
            out.append("".join(sentence) + rng.choice(["，", "；", "。"]))
            sentence = []
    out.append("".join(sentence) + "。")
    return "".join(out)


def report(meta: dict, rng: random.Random) -> dict:
    unit, project, year = meta["unit"], meta["project"], meta["year"]
    budget = rng.randint(20, 2000) * 10 + rng.randint(0, 9) / 10
    rate = rng.randint(60, 100)
    spent = round(budget * rate / 100, 2)
    total = rng.choice([100, 98, 96.5, 95, 92, 88, 85.5, 79])
    grade = "优" if total >= 90 else "良" if total >= 80 else "中"
    return {
        "title": f"{unit}{year}年度{project}项目支出绩效自评报告",
        "intro": rng.choice(TEMPLATE),
        "basics": (
            f"{project}项目由{unit}负责实施。{year}年年初预算数为{budget}万元，全年预算数为{budget}万元，"
            f"全年执行数为{spent}万元，预算执行率为{rate}%。"
        ),
        "goal": prose(rng, rng.randint(28, 40), unit, project),
        "deviation": "偏差原因：" + prose(rng, rng.randint(24, 34), unit, project),
        "measures": "改进措施：" + prose(rng, rng.randint(24, 34), unit, project),
        "policy": rng.choice(POLICY),
        "score": f"经自评，本项目自评得分为{total}分，自评等级为“{grade}”。",
    }


def text_of(r: dict) -> str:
    return (
        f"{r['title']}\n{r['intro']}\n一、基本情况\n{r['basics']}\n二、绩效目标完成情况\n{r['goal']}\n"
        f"三、偏差原因及改进措施\n{r['deviation']}\n{r['measures']}\n四、自评结论\n{r['score']}\n"
        f"五、下一步工作\n{r['policy']}\n"
    )


def edit(text: str, source_unit: str, unit: str, how: str, rng: random.Random) -> str:
    """A pasted passage as copiers leave it."""
    if how == "names":
        return text.replace(source_unit, unit)
    if how == "chars":  # about one character in twenty retyped
        chars = list(text)
        for i in rng.sample(range(len(chars)), max(1, len(chars) // 20)):
            chars[i] = rng.choice(WORDS)[0]
        return "".join(chars)
    if how == "sentence":
        return text + "同时，" + rng.choice(WORDS) + rng.choice(WORDS) + "工作仍需加强。"
    return text


def make(dest: Path, docs: int, planted: int, repeats: int, seed: int) -> dict:
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    units = unit_names(max(2, docs // 5), rng)
    metas = []
    for i in range(docs):
        metas.append({"unit": units[i % len(units)], "project": PROJECTS[(i // len(units)) % len(PROJECTS)],
                      "year": 2023})
    # repeated years: a unit's project report again for the next year
    repeat_pairs = []
    for i in rng.sample(range(docs), min(repeats, docs // 4)):
        metas.append(dict(metas[i], year=2024))
        repeat_pairs.append((i, len(metas) - 1))
    reports = [report(m, rng) for m in metas]
    for i, j in repeat_pairs:
        reports[j]["measures"] = reports[i]["measures"]
    # planted copies between different units (each report takes part in one pair at most)
    free = [i for i in range(docs) if all(i not in p for p in repeat_pairs)]
    rng.shuffle(free)
    truth = []
    hows = ["exact", "names", "chars", "sentence"]
    while len(truth) < planted and len(free) >= 2:
        src, dst = free.pop(), free.pop()
        if metas[src]["unit"] == metas[dst]["unit"]:
            continue
        part = rng.choice(["deviation", "measures", "goal"])
        how = hows[len(truth) % len(hows)]
        reports[dst][part] = edit(reports[src][part], metas[src]["unit"], metas[dst]["unit"], how, rng)
        truth.append({"a": f"r{src:05d}.txt", "b": f"r{dst:05d}.txt", "part": part, "edit": how})
    for i, r in enumerate(reports):
        (dest / f"r{i:05d}.txt").write_text(text_of(r), encoding="utf-8")
    out = {
        "docs": len(reports),
        "units": len({m["unit"] for m in metas}),
        "planted": truth,
        "repeat_year": [{"a": f"r{i:05d}.txt", "b": f"r{j:05d}.txt"} for i, j in repeat_pairs],
    }
    (dest.parent / f"{dest.name}.truth.json").write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--planted", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    got = make(a.out, a.docs, a.planted, a.repeats, a.seed)
    print(f"{got['docs']} reports of {got['units']} units in {a.out}; {len(got['planted'])} planted copies")


if __name__ == "__main__":
    main()
