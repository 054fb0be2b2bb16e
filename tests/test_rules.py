"""The rule files validate, their examples hold, and a broken file is reported with file:line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT
from pipeline import ruleset
from pipeline.ruleset import RulesError, lint, validate_file


def test_shipped_rules_are_valid() -> None:
    assert lint() == []


def test_cli_rules_lint_passes() -> None:
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "rules", "lint"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "rules OK" in out.stdout


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    src = ruleset.RULES_DIR / name
    text = src.read_text(encoding="utf-8")
    assert old in text
    dst = tmp_path / name
    dst.write_text(text.replace(old, new, 1), encoding="utf-8")
    return dst


def test_a_failing_example_names_file_line_rule_and_field(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "normalize.yaml", 'expect: "418.20万元"', 'expect: "418.2万元"')
    _, problems = validate_file(path)
    assert len(problems) == 1
    p = problems[0]
    line = next(i for i, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "418.2万元" in l)
    assert (p.file, p.line, p.rule, p.field) == ("normalize.yaml", line, "fullwidth", "steps.1.examples.0")
    assert "418.20万元" in p.message


def test_all_errors_are_reported_at_once(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "sections.yaml", "level: 2", "level: zero")
    text = path.read_text(encoding="utf-8").replace("max_chars: 40", "max_chars: -1", 1)
    text = text.replace("pattern: '[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]'", "pattern: '[①'", 1)
    path.write_text(text, encoding="utf-8")
    _, problems = validate_file(path)
    fields = {p.field for p in problems}
    assert {"numbering.1.level", "heading.max_chars"} <= fields
    assert all(p.line > 1 for p in problems)


def test_a_bad_regex_is_reported(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "normalize.yaml", "pattern: '<\\s?=|≤='", "pattern: '<\\s?=|(≤='")
    _, problems = validate_file(path)
    assert any(p.rule == "comparator-pairs-le" and "does not compile" in p.message for p in problems)


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    path = tmp_path / "sections.yaml"
    path.write_text("version: 1\nnumbering: [\n  - id: x\n", encoding="utf-8")
    _, problems = validate_file(path)
    assert problems and problems[0].field == "(syntax)" and problems[0].line >= 2


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    for name in ("normalize.yaml", "sections.yaml"):
        shutil.copy(ruleset.RULES_DIR / name, tmp_path / name)
    _broken_copy(tmp_path, "normalize.yaml", 'expect: "418.20万元"', 'expect: "wrong"')
    with pytest.raises(RulesError) as exc:
        ruleset.load.__wrapped__("normalize.yaml", tmp_path)
    assert "normalize.yaml:" in str(exc.value) and "[fullwidth]" in str(exc.value)
