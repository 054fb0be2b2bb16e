"""Load the YAML files under ``rules/`` through their schemas, reporting every error with file:line.

Each rules file has a pydantic model (registered with :func:`schema`); :func:`load` validates them all and
raises one :class:`RulesError` that lists every problem at once, each with the file, line, rule id and field,
so a broken rule file fails loudly at start instead of quietly matching nothing.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

# libyaml's parser is ten times faster than PyYAML's pure-Python one; the latter only where libyaml is absent
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

RULES_DIR = Path(os.environ.get("JIXIAO_RULES", Path(__file__).resolve().parent.parent / "rules"))

M = TypeVar("M", bound=BaseModel)
_SCHEMAS: dict[str, type[BaseModel]] = {}


def schema(filename: str):
    """Register the model that validates ``rules/<filename>``."""

    def register(model: type[M]) -> type[M]:
        _SCHEMAS[filename] = model
        return model

    return register


@dataclass
class Problem:
    file: str
    line: int
    rule: str | None
    field: str
    message: str

    def __str__(self) -> str:
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{self.file}:{self.line}{rule} {self.field}: {self.message}"


class RulesError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("invalid rules:\n" + "\n".join(f"  {p}" for p in problems))


def _node_path(node: yaml.Node, loc: tuple) -> list[yaml.Node]:
    """The YAML nodes along a pydantic error location, outermost first."""
    path = [node]
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == str(key):
                    node = v
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        path.append(node)
    return path


def _rule_id(path: list[yaml.Node]) -> str | None:
    for node in reversed(path):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == "id" and isinstance(v, yaml.ScalarNode):
                    return v.value
    return None


def yaml_load(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)


def _read(path: Path, problems: list[Problem]) -> tuple[Any, str | None]:
    """The data of one YAML file and its text (for the line numbers of problems, composed only then)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path.name, 1, None, "(file)", f"cannot be read: {exc}"))
        return None, None
    try:
        data = yaml_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(path.name, mark.line + 1 if mark else 1, None, "(syntax)", str(exc)))
        return None, None
    return data, text


def validate_file(path: Path, examples: bool = True) -> tuple[BaseModel | None, list[Problem]]:
    """The model of one rules file and its problems; ``examples=False`` skips the rules' own checks (their
    examples, seconds of work), which :func:`lint` runs whenever the rules or the code change."""
    problems: list[Problem] = []
    model = _SCHEMAS.get(path.name)
    if model is None:
        return None, [Problem(path.name, 1, None, "(file)", "no schema is registered for this rules file")]
    data, text = _read(path, problems)
    if text is None:
        return None, problems
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        node = yaml.compose(text, Loader=_LOADER)
        for err in exc.errors():
            nodes = _node_path(node, err["loc"])
            problems.append(
                Problem(
                    path.name,
                    nodes[-1].start_mark.line + 1,
                    _rule_id(nodes),
                    ".".join(str(p) for p in err["loc"]) or "(root)",
                    err["msg"],
                )
            )
        return None, problems
    check = getattr(parsed, "check", None) if examples else None  # cross-field checks and examples
    if callable(check):
        found = check()
        node = yaml.compose(text, Loader=_LOADER) if found else None
        for loc, msg in found:
            nodes = _node_path(node, loc)
            problems.append(
                Problem(path.name, nodes[-1].start_mark.line + 1, _rule_id(nodes), ".".join(map(str, loc)), msg)
            )
    return (parsed if not problems else None), problems


def _import_schemas() -> None:
    # The modules that own rule files register their schemas on import.
    from pipeline import normalize, quantity, sections  # noqa: F401
    from pipeline.extract import indicators, labelled, meta, scores, tables  # noqa: F401
    import pipeline.checks  # noqa: F401  (check modules may own rules files)
    from pipeline.outputs import citations  # noqa: F401  (依据 of the workbook)


def lint(rules_dir: Path = RULES_DIR) -> list[Problem]:
    """Every problem in every rules file (an empty list means the rules are valid)."""
    _import_schemas()
    problems: list[Problem] = []
    present = {p.name for p in rules_dir.glob("*.yaml")}
    for name in sorted(_SCHEMAS):
        if name not in present:
            problems.append(Problem(name, 1, None, "(file)", "rules file is missing"))
    for path in sorted(rules_dir.glob("*.yaml")):
        problems.extend(validate_file(path)[1])
    try:
        from pipeline.checks.base import profiles

        profiles.__wrapped__(rules_dir)
    except RulesError as exc:
        problems.extend(exc.problems)
    return problems


@lru_cache(maxsize=None)
def load(filename: str, rules_dir: Path = RULES_DIR) -> Any:
    """The validated model of one rules file; raises RulesError listing all its problems (its examples'
    too, unless these rules passed :func:`lint` with this code before)."""
    _import_schemas()
    parsed, problems = validate_file(rules_dir / filename, examples=not _linted(rules_dir))
    if problems:
        raise RulesError(problems)
    return parsed


def version(rules_dir: Path = RULES_DIR) -> str:
    """A digest of every rules file: cached results are only valid for the same rules."""
    h = hashlib.sha256()
    for path in sorted(rules_dir.rglob("*.yaml")):
        h.update(path.relative_to(rules_dir).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _lint_stamp(rules_dir: Path) -> Path:
    from pipeline.cache import code_version  # the cache module imports this one

    try:
        home = Path.home()
    except (RuntimeError, KeyError) as exc:  # no HOME and no password entry: no cache folder
        raise OSError(str(exc)) from None
    root = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "jixiao"
    key = hashlib.sha256(f"{rules_dir.resolve()}|{version(rules_dir)}|{code_version()}".encode()).hexdigest()[:20]
    return root / f"rules-lint-ok-{key}"


@lru_cache(maxsize=None)
def _linted(rules_dir: Path) -> bool:
    try:
        return _lint_stamp(rules_dir).exists()
    except OSError:
        return False


def lint_once(rules_dir: Path = RULES_DIR) -> list[Problem]:
    """:func:`lint`, skipped when these rules passed it with this code before (its examples take seconds;
    a start-up must not). The pass is remembered in the user's cache folder, keyed by the rules' digest and
    the code's; without a writable cache folder the rules are simply linted every time."""
    try:
        stamp = _lint_stamp(rules_dir)
        if stamp.exists():
            return []
    except OSError:
        stamp = None
    problems = lint(rules_dir)
    if not problems and stamp is not None:
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.touch()
            _linted.cache_clear()
        except OSError:
            pass
    return problems
