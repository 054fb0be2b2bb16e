"""The command line: every command has help, and the README documents every error code."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from helpers import ROOT, SEED001
from pipeline.cli import app
from pipeline.errors import CODES

runner = CliRunner()


def test_every_command_has_help() -> None:
    for args in (
        ["--help"],
        ["parse", "--help"],
        ["extract", "--help"],
        ["check", "--help"],
        ["eval", "--help"],
        ["rules", "--help"],
        ["rules", "lint", "--help"],
        ["rules", "list", "--help"],
        ["rules", "profiles", "--help"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, args
        assert "Usage" in result.output


def test_readme_lists_every_error_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"| {code} |" in readme, code


def test_readme_lists_every_check() -> None:
    from pipeline.checks.base import catalogue

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for c in catalogue().checks:
        assert f"| {c.id} | {c.severity} |" in readme, c.id


def test_parse_prints_the_envelope_and_blocks() -> None:
    result = runner.invoke(app, ["parse", str(SEED001.with_suffix(".txt"))])
    assert result.exit_code == 0
    rec = json.loads(result.output)
    assert rec["schema_version"] == 1
    assert rec["format"] == "txt" and rec["status"] == "ok" and rec["error"] is None and rec["pages"] is None
    assert rec["sha256"] == "505838beb74e959199a9f0a7367f06aad7d2b236f2375fbf105bfdf77522064a"
    block = next(b for b in rec["blocks"] if "预算执行率为2.52%" in b["raw"] and "16.67" in b["raw"])
    assert block["loc"] == {"line": 14} and block["tags"] == ["基本情况", "资金"]
