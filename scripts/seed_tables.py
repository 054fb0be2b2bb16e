"""The tables that the DOCX and PDF versions of the two seed reports carry.

The seeds are plain text; their published DOCX/PDF originals had tables. These tables restate figures the
seed texts print (no new numbers), laid out the way such reports lay them out, so that the readers meet
real tables: header rows, vertically merged 一级指标 cells, a 合计 row.

Each table is a list of rows; a row is a list of (text, rowspan, colspan). A merged cell is listed once, at
its top-left position; later rows simply leave out the positions it covers.
"""

from __future__ import annotations

Cell = tuple[str, int, int]


def c(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return (text, rowspan, colspan)


# Seed 000 (金辰街道, 96.00 分 / 优秀): its only figures are the budget sentence in 具体绩效分析.
SEED000_TITLE = "国有企业退休人员社会化管理专项补助资金支出绩效自评报告"
SEED000_FUNDS: list[list[Cell]] = [
    [c("项目资金（万元）"), c("本年财政预算安排"), c("已使用"), c("结余"), c("预算执行率")],
    [c("国有企业退休人员社会化管理专项资金"), c("151.08"), c("151.08"), c("0"), c("100%")],
]

# Seed 001 (区退管中心, 91.23 分 / 优): 附件1 综合评分表, as the 评价结论 paragraph states it.
SEED001_TITLE = "2022.2023国有企业退休人员社会化管理补助资金（中央、自治区）项目绩效评价报告"
SEED001_SCORES: list[list[Cell]] = [
    [c("一级指标"), c("权重（分）"), c("得分"), c("得分率")],
    [c("项目决策"), c("20"), c("20"), c("100%")],
    [c("项目过程"), c("20"), c("16.1"), c("80.5%")],
    [c("项目产出"), c("40"), c("35.13"), c("87.83%")],
    [c("项目效益"), c("20"), c("20"), c("100%")],
    [c("合计"), c("100"), c("91.23"), c("—")],
    [c("评价等级"), c("优", 1, 3)],
]

# Seed 001's indicator rows (四、（三）（四）), with 一级/二级 cells merged down their rows.
SEED001_INDICATORS: list[list[Cell]] = [
    [c("一级指标"), c("二级指标"), c("三级指标"), c("指标值"), c("实际完成值"), c("指标完成率")],
    [c("产出指标", 9, 1), c("数量指标", 4, 1), c("开展退休人员慰问活动"), c("≧2场"), c("2场"), c("100%")],
    [c("退休人员社会化管理人数"), c("≧80000人"), c("87411人"), c("109.26%")],
    [c("资格认证人数"), c("≧60000人"), c("80646人"), c("134.41%")],
    [c("组织开展退休人员活动场次"), c("≧4场"), c("12场"), c("300%")],
    [c("质量指标", 2, 1), c("活动次数达标率"), c("100%"), c("100%"), c("100%")],
    [c("资金到位率"), c("100%"), c("100%"), c("100%")],
    [c("时效指标", 2, 1), c("活动按期完成率"), c("100%"), c("100%"), c("100%")],
    [c("资金拨付及时率"), c("100%"), c("2.5%"), c("2.5%")],
    [c("成本指标"), c("活动每人的标准"), c("260元/人/年"), c("260元/人/年"), c("100%")],
    [c("效益指标", 2, 1), c("社会效益指标"), c("体现退休人员幸福感"), c("逐步提高"), c("逐步提高"), c("100%")],
    [c("满意度指标"), c("全区退休人员满意度"), c("≧95%"), c("95%"), c("100%")],
]
# Where each table goes: after the paragraph of the seed that starts with this text.
SEED001_SCORES_AFTER = "运用绩效评价组制定的评价指标体系"
SEED001_INDICATORS_AFTER = "指标1：全区退休人员满意度"
SEED000_FUNDS_AFTER = "1.产出指标：社会化管理工作覆盖范围"


def place(rows: list[list[Cell]]) -> list[tuple[int, int, Cell]]:
    """(row, col, cell) for every cell, skipping positions covered by merges from rows above."""
    covered: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        col = 0
        for cell in row:
            while (r, col) in covered:
                col += 1
            out.append((r, col, cell))
            for dr in range(cell[1]):
                for dc in range(cell[2]):
                    covered.add((r + dr, col + dc))
            col += cell[2]
    return out


def grid(rows: list[list[Cell]]) -> list[list[str | None]]:
    """Expand merged cells onto a full grid: the top-left position holds the text, covered ones None."""
    placed = place(rows)
    width = max(col + cell[2] for _, col, cell in placed)
    out: list[list[str | None]] = [[None] * width for _ in rows]
    for r, col, cell in placed:
        out[r][col] = cell[0]
    return out
