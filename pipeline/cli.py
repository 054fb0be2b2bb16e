"""The ``jixiao`` command line."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from pipeline import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="jixiao: audit Chinese budget-performance self-evaluation reports (绩效自评报告) in bulk.",
)
rules_app = typer.Typer(no_args_is_help=True, help="Inspect and check the rule files under rules/.")
app.add_typer(rules_app, name="rules")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jixiao {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")] = False,
) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def expand(paths: list[Path]) -> list[str]:
    """Files as given, and every file under a folder (sorted), so that nothing given is skipped."""
    out: list[str] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                os.fspath(f) for f in sorted(p.rglob("*")) if f.is_file() and not f.name.startswith(".")
            )
        else:
            out.append(os.fspath(p))
    return out


def _emit(rec: dict, pretty: bool) -> None:
    sys.stdout.write(json.dumps(rec, ensure_ascii=False, indent=2 if pretty else None) + "\n")
    sys.stdout.flush()


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="Report files or folders.")],
    pretty: Annotated[bool, typer.Option(help="Indent the JSON (one object per file still).")] = False,
) -> None:
    """Print one JSON object per file: the record envelope plus its blocks, locations and section tags.

    A file that cannot be read gives a record with status "error" and an error code; the others go on.
    """
    from pipeline.parse import parse_file
    from pipeline.record import parse_record

    _load_rules()
    for path in expand(files):
        _emit(parse_record(parse_file(path)), pretty)


def _load_rules() -> None:
    """Fail at start, listing every problem, when a rules file is broken."""
    from pipeline.ruleset import RulesError, lint

    problems = lint()
    if problems:
        typer.echo(str(RulesError(problems)), err=True)
        raise typer.Exit(2)


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Report files or folders.")],
    pretty: Annotated[bool, typer.Option(help="Indent the JSON (one object per file still).")] = False,
) -> None:
    """Print one contract record per file: meta, budget, score, indicators, each fact with its evidence."""
    from pipeline.parse import parse_file
    from pipeline.record import extract_record

    _load_rules()
    for path in expand(files):
        _emit(extract_record(parse_file(path)), pretty)


@app.command(name="eval")
def evaluate(
    gold: Annotated[Path, typer.Argument(help="gold.jsonl of a devset (reports/ beside it).")],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every miss.")] = False,
) -> None:
    """Extract the devset's reports and score them against its gold, field by field."""
    from pipeline.evaluate import evaluate_devset

    _load_rules()
    typer.echo(evaluate_devset(gold, verbose=verbose))


@rules_app.command("lint")
def rules_lint() -> None:
    """Validate every rule file against its schema and run its examples; list all problems."""
    from pipeline.ruleset import RULES_DIR, lint

    problems = lint()
    for p in problems:
        typer.echo(str(p), err=True)
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {RULES_DIR}", err=True)
        raise typer.Exit(1)
    typer.echo(f"rules OK ({RULES_DIR})")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
