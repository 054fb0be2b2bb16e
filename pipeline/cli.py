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
                os.fspath(f)
                for f in sorted(p.rglob("*"))
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
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


ProfileOption = Annotated[
    str | None,
    typer.Option("--profile", help="Force a scoring profile (see `jixiao rules profiles`) instead of detecting it."),
]


def _check_profile(profile: str | None) -> None:
    from pipeline.checks.base import profiles

    known = [p.id for p in profiles()]
    if profile is not None and profile not in known:
        typer.echo(f"unknown profile {profile!r}; known: {', '.join(known)}", err=True)
        raise typer.Exit(2)


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Report files or folders.")],
    pretty: Annotated[bool, typer.Option(help="Indent the JSON (one object per file still).")] = False,
    profile: ProfileOption = None,
) -> None:
    """Print one contract record per file: meta, budget, score, indicators and findings, with evidence."""
    from pipeline.parse import parse_file
    from pipeline.record import extract_record

    _load_rules()
    _check_profile(profile)
    for path in expand(files):
        _emit(extract_record(parse_file(path), profile=profile), pretty)


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="Report files or folders.")],
    profile: ProfileOption = None,
    min_severity: Annotated[str, typer.Option("--min-severity", help="error, warning or info.")] = "info",
) -> None:
    """Print each report's findings for a reader: severity, check, message, and the quoted evidence."""
    from rich.console import Console

    from pipeline.parse import parse_file
    from pipeline.record import extract_record

    _load_rules()
    _check_profile(profile)
    order = {"error": 0, "warning": 1, "info": 2}
    if min_severity not in order:
        typer.echo("--min-severity is error, warning or info", err=True)
        raise typer.Exit(2)
    console = Console(highlight=False, soft_wrap=True)
    colour = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    for path in expand(files):
        rec = extract_record(parse_file(path), profile=profile)
        meta = rec.get("meta") or {}
        head = " ".join(str(x) for x in (meta.get("unit"), meta.get("project"), meta.get("year")) if x)
        console.print(f"[bold]{rec['file']}[/bold]  {head}")
        if rec["status"] == "error":
            console.print(f"  [bold red]{rec['error']['code']}[/bold red] {rec['error']['message']}")
            continue
        shown = [f for f in rec["findings"] if order[f["severity"]] <= order[min_severity]]
        if not shown:
            console.print("  no findings")
        for f in shown:
            console.print(f"  [{colour[f['severity']]}]{f['severity']:7}[/] {f['message']}")
            for ev in f["evidence"][:3]:
                where = f"第{ev['page']}页" if ev.get("page") else f"块{ev['block']}"
                quote = ev["quote"].replace("\n", "⏎")
                console.print(f"           {where}「{quote}」", style="dim")


@app.command(name="eval")
def evaluate(
    gold: Annotated[Path, typer.Argument(help="gold.jsonl of a devset (reports/ beside it).")],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every miss.")] = False,
    texts: Annotated[Path | None, typer.Option(help="A real-text set's texts folder (sources.jsonl beside the gold gives each id's half).")] = None,
    half: Annotated[list[str], typer.Option(help="Which halves of a real-text set to score (tune, test).")] = ["tune", "test"],
) -> None:
    """Extract a set's reports and score them against its gold, field by field."""
    from pipeline.evaluate import evaluate_devset, evaluate_realset

    _load_rules()
    if texts is not None:
        typer.echo(evaluate_realset(gold, texts, half, verbose=verbose))
        return
    typer.echo(evaluate_devset(gold, verbose=verbose))


@rules_app.command("list")
def rules_list() -> None:
    """The check catalogue: id, severity, whether it is on and implemented, title and source."""
    from rich.console import Console
    from rich.table import Table

    from pipeline.checks import REGISTRY
    from pipeline.checks.base import catalogue

    _load_rules()
    table = Table("id", "severity", "state", "title", "source", show_lines=False)
    for c in catalogue().checks:
        state = ("on" if c.enabled else "off") + ("" if c.id in REGISTRY else " (not implemented)")
        table.add_row(c.id, c.severity, state, c.title, c.source)
    Console(width=220).print(table)


@rules_app.command("profiles")
def rules_profiles() -> None:
    """The scoring profiles and when each applies."""
    from pipeline.checks.base import profiles

    _load_rules()
    for p in profiles():
        bands = "/".join(str(lo) for _, lo, _ in p.bands if lo > 0)
        typer.echo(f"{p.id:16} {p.title}  applies={p.applies}  bands={bands}  denominators={p.denominators}")


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


def _register_run() -> None:
    # The batch command lives with the batch engine; imported here so `jixiao --help` lists it.
    from pipeline.run import run_command

    app.command(name="run")(run_command)


_register_run()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
