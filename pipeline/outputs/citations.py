"""依据 for the workbook: each check's citation an auditor can look up (``rules/citations.yaml``).

>>> c = citation("GRADE-BAND")
>>> c.basis.startswith("财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）"), c.rulebook
(True, 'B.3-18; A.8')
>>> citation("NO-SUCH-CHECK").basis is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from pipeline.ruleset import load, schema


class CheckCitation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    values: Literal["money", "percent", "score", "count", "field", "plain"]
    rulebook: str
    cite: list[str]
    text: str


@schema("citations.yaml")
class CitationsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    documents: dict[str, str]
    checks: list[CheckCitation]

    def check(self) -> list[tuple[tuple, str]]:
        from pipeline.checks.base import catalogue

        known = {c.id for c in catalogue().checks}
        problems = []
        for i, c in enumerate(self.checks):
            if c.id not in known:
                problems.append((("checks", i, "id"), f"{c.id} is not a check in checks.yaml"))
            for j, doc in enumerate(c.cite):
                if doc not in self.documents:
                    problems.append((("checks", i, "cite", j), f"unknown document {doc!r}"))
        return problems


@dataclass(frozen=True)
class Citation:
    basis: str | None  # 依据: documents and the provision, in Chinese
    rulebook: str | None  # 规则编号: the rulebook's ids
    values: str = "plain"  # how 报告所述 / 复核计算 are shown


@lru_cache(maxsize=1)
def _table() -> dict[str, Citation]:
    data: CitationsFile = load("citations.yaml")
    return {
        c.id: Citation("；".join(data.documents[d] for d in c.cite) + "：" + c.text, c.rulebook or None, c.values)
        for c in data.checks
    }


def citation(check_id: str | None) -> Citation:
    return _table().get(check_id or "", Citation(None, None))
