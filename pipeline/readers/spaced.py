"""Lines whose Chinese characters stand a space apart, closed up again.

A PDF's text layer that positions every glyph on its own, saved as text, prints "项 目 支 出 绩 效 自 评 报 告"
and "预 算 执 行 率 为 98%": every label is cut into characters, so no rule reads it. Such a line is
recognised by its own characters: nearly every two Chinese characters side by side stand one space apart,
which ordinary text does not do (a space there separates words or cells: "项目名称 农村公路养护"). On such a
line the single spaces between Chinese characters go; runs of two or more spaces, which separate its
cells, stay.
"""

from __future__ import annotations

import regex

_SPACED = regex.compile(r"(?<=\p{Han})[ \u3000](?=\p{Han})")
_ADJACENT = regex.compile(r"\p{Han}(?=\p{Han})")
# a line is letter-spaced when it has at least this many single-spaced pairs of Chinese characters and
# they are at least this share of all its pairs (spaced or side by side)
_MIN_PAIRS = 4
_SHARE = 0.8


def letter_spaced(line: str) -> bool:
    """Whether nearly every two neighbouring Chinese characters of ``line`` stand one space apart.

    >>> letter_spaced("项 目 支 出 绩 效 自 评 报 告"), letter_spaced("项目名称 农村公路养护"), letter_spaced("姓 名 职务")
    (True, False, False)
    """
    spaced = len(_SPACED.findall(line))
    if spaced < _MIN_PAIRS:
        return False
    return spaced >= _SHARE * (spaced + len(_ADJACENT.findall(line)))


def close_up(line: str) -> str:
    """The line with its letter spacing removed, when it has any; else the line as it is.

    >>> close_up("年 度 资 金 总 额   1 2 0"), close_up("评价等次 中 三、评价人员")
    ('年度资金总额   1 2 0', '评价等次 中 三、评价人员')
    """
    if " " not in line and "\u3000" not in line:
        return line  # most lines: nothing to look at
    return _SPACED.sub("", line) if letter_spaced(line) else line
