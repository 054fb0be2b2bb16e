"""Units and projects matched across reports by normalised names (rules in ``rules/across.yaml``).

>>> unit_key({"meta": {"unit": "[101001]某县教育局", "title": None}})
'某县教育局'
>>> unit_key({"meta": {"unit": "我局", "title": "某县农业农村局2023年度耕地地力保护补贴项目绩效自评报告"}})
'某县农业农村局'
>>> project_key({"meta": {"project": "2023年度农村公路养护项目"}})
'农村公路养护'
"""

from __future__ import annotations

from functools import cached_property

import regex
from pydantic import BaseModel

from pipeline.normalize import fold_script
from pipeline.ruleset import load, schema


class UnitExample(BaseModel):
    unit: str | None
    title: str | None
    key: str | None


class ProjectExample(BaseModel):
    project: str
    key: str


@schema("across.yaml")
class NameRules(BaseModel):
    version: int
    code_prefix: str
    drop: str
    pronouns: str
    title_org: str
    project_prefix: str
    project_suffix: str
    examples: list[UnitExample]
    projects: list[ProjectExample]

    model_config = {"ignored_types": (cached_property,)}

    @cached_property
    def rx(self) -> dict[str, regex.Pattern]:
        return {
            name: regex.compile(getattr(self, name))
            for name in ("code_prefix", "drop", "pronouns", "title_org", "project_prefix", "project_suffix")
        }

    def check(self) -> list[tuple[tuple, str]]:
        problems = []
        for i, ex in enumerate(self.examples):
            got = _unit(ex.unit, ex.title, self)
            if got != ex.key:
                problems.append((("examples", i), f"gives {got!r}, expected {ex.key!r}"))
        for i, ex in enumerate(self.projects):
            got = _project(ex.project, self)
            if got != ex.key:
                problems.append((("projects", i), f"gives {got!r}, expected {ex.key!r}"))
        return problems


def rules() -> NameRules:
    return load("across.yaml")


def _clean(name: str, r: NameRules) -> str:
    name = r.rx["code_prefix"].sub("", fold_script(name))
    return r.rx["drop"].sub("", name)


def _unit(unit: str | None, title: str | None, r: NameRules) -> str | None:
    if unit and not r.rx["pronouns"].match(_clean(unit, r)):
        return _clean(unit, r) or None
    m = r.rx["title_org"].match(_clean(title or "", r))
    return m.group(1) if m else None


def _project(project: str | None, r: NameRules) -> str | None:
    if not project:
        return None
    name = r.rx["project_prefix"].sub("", _clean(project, r))
    return r.rx["project_suffix"].sub("", name) or None


def unit_key(rec: dict) -> str | None:
    """The unit a report is about, as a key equal for the same unit however it was printed."""
    meta = rec.get("meta") or {}
    return _unit(meta.get("unit"), meta.get("title"), rules())


def project_key(rec: dict) -> str | None:
    return _project((rec.get("meta") or {}).get("project"), rules())
