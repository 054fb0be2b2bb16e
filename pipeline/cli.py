"""The ``jixiao`` command line."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from pipeline import __version__
from pipeline.batch.inputs import expand

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="jixiao: audit Chinese budget-performance self-evaluation reports (绩效自评报告) in bulk.\n\n"
    "批量审核项目支出绩效自评报告：读取报告、提取预算与得分、检查前后矛盾，输出问题清单、数据库和审核页面。",
)
rules_app = typer.Typer(no_args_is_help=True, help="Inspect and check the rule files under rules/. / 查看和检查规则文件。")
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


def _emit(rec: dict, pretty: bool) -> None:
    from pipeline.document import printable

    # a name in another byte encoding carries surrogates, which no UTF-8 stream can print
    sys.stdout.write(printable(json.dumps(rec, ensure_ascii=False, indent=2 if pretty else None)) + "\n")
    sys.stdout.flush()


# parse, extract and check read each file in a worker process with these limits (those of `jixiao run`,
# with the single-file commands' shorter clock): a file a native library never returns from, or crashes
# on, gets its error record and the files after it theirs, as in a batch
SINGLE_FILE_SECONDS = 60.0
SINGLE_FILE_MEMORY_MB = 1500


def _records(paths: list[str], profile: str | None, blocks_only: bool = False) -> Iterator[dict]:
    """The records of ``paths`` in order, each read by one worker process (forked warm from this one);
    ``blocks_only``: `jixiao parse`'s envelope and blocks."""
    from pipeline.batch.inputs import shown_path
    from pipeline.batch.local import WorkerPool
    from pipeline.batch.worker import WorkerConfig

    cfg = WorkerConfig(SINGLE_FILE_SECONDS, SINGLE_FILE_MEMORY_MB, profile, blocks_only)
    pool = WorkerPool(1, cfg)
    try:
        for i, path in enumerate(paths):
            for outcome in pool.results([(i, path)], keep=True):
                if outcome.error is not None:
                    rec = _error_record(path, outcome.error, blocks_only)
                else:
                    rec = json.loads(outcome.text)
                    rec.pop("passages", None)  # for the comparisons across a batch
                rec["file"] = shown_path(rec["file"])
                yield rec
    finally:
        pool.close()


def _error_record(path: str, error: tuple[str, str], blocks_only: bool) -> dict:
    """A file whose worker gave no record (it died, or ran past the hard limit)."""
    from pipeline.batch.worker import error_record
    from pipeline.errors import ReadError
    from pipeline.parse import Parsed
    from pipeline.record import parse_record

    if blocks_only:
        return parse_record(Parsed(path, None, None, ReadError(*error)))
    return error_record(path, None, *error)


@app.command()
def parse(
    files: Annotated[list[Path], typer.Argument(help="Report files or folders.")],
    pretty: Annotated[bool, typer.Option(help="Indent the JSON (one object per file still).")] = False,
) -> None:
    """Print one JSON object per file: the record envelope plus its blocks, locations and section tags.
    / 逐个文件输出读取结果（文本块、位置、章节），用于排查读取问题。

    A file that cannot be read gives a record with status "error" and an error code; the others go on.
    """
    _load_rules()
    for rec in _records(expand(files), None, blocks_only=True):
        _emit(rec, pretty)


def _load_rules() -> None:
    """Fail at start, listing every problem, when a rules file is broken."""
    from pipeline.ruleset import RulesError, lint_once

    problems = lint_once()
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
    """Print one contract record per file: meta, budget, score, indicators and findings, with evidence.
    / 逐个文件输出提取结果（单位、预算、得分、指标、问题及原文依据）。"""
    _load_rules()
    _check_profile(profile)
    for rec in _records(expand(files), profile):
        _emit(rec, pretty)


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="Report files or folders.")],
    profile: ProfileOption = None,
    min_severity: Annotated[
        str, typer.Option("--min-severity", help="error, warning or info. / 只显示该严重程度及以上的问题。")
    ] = "info",
) -> None:
    """Print each report's findings for a reader: severity, check, message, and the quoted evidence; a
    summary line at the end. / 逐份报告列出问题（严重程度、说明、原文摘录及页码），最后一行为汇总。"""
    from rich.console import Console

    _load_rules()
    _check_profile(profile)
    order = {"error": 0, "warning": 1, "info": 2}
    if min_severity not in order:
        typer.echo("--min-severity is error, warning or info", err=True)
        raise typer.Exit(2)
    console = Console(highlight=False, soft_wrap=True)
    colour = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    statuses: Counter[str] = Counter()
    shown_counts: Counter[str] = Counter()
    for rec in _records(expand(files), profile):
        statuses[rec["status"]] += 1
        meta = rec.get("meta") or {}
        head = " ".join(str(x) for x in (meta.get("unit"), meta.get("project"), meta.get("year")) if x)
        console.print(f"[bold]{rec['file']}[/bold]  {head}")
        if rec["status"] == "error":
            console.print(f"  [bold red]{rec['error']['code']}[/bold red] {rec['error']['message']}")
            continue
        shown = [f for f in rec["findings"] if order[f["severity"]] <= order[min_severity]]
        shown_counts.update(f["severity"] for f in shown)
        if rec["status"] == "not_report":
            console.print(f"  [bold yellow]{rec['error']['code']}[/] {rec['error']['message']}")
            continue
        if not shown:
            console.print("  no findings")
        for f in shown:
            console.print(f"  [{colour[f['severity']]}]{f['severity']:7}[/] {f['message']}")
            for ev in f["evidence"][:3]:
                where = f"第{ev['page']}页" if ev.get("page") else f"块{ev['block']}"
                quote = ev["quote"].replace("\n", "⏎")
                console.print(f"           {where}「{quote}」", style="dim")
    console.print(check_summary(statuses, shown_counts))


def check_summary(statuses: Counter, counts: Counter) -> str:
    """The last line of ``jixiao check``.

    >>> check_summary(Counter(ok=2, error=1), Counter(warning=3))
    '3 files: 2 ok, 0 partial, 1 error, 0 not a report; findings: 0 error, 3 warning, 0 info / 共3个文件，问题：错误0、警告3、提示0'
    """
    n = sum(statuses.values())
    return (
        f"{n} files: {statuses['ok']} ok, {statuses['partial']} partial, {statuses['error']} error, "
        f"{statuses['not_report']} not a report; findings: {counts['error']} error, {counts['warning']} warning, "
        f"{counts['info']} info / 共{n}个文件，问题：错误{counts['error']}、警告{counts['warning']}、提示{counts['info']}"
    )


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


@app.command()
def sql(
    database: Annotated[Path, typer.Argument(help="The corpus database, e.g. outputs/corpus.duckdb.")],
    query: Annotated[str, typer.Argument(help="One SQL query (quote it).")],
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False,
) -> None:
    """Run a query on the corpus database (read-only) and print the result. / 在语料数据库上执行SQL查询。

    Example: jixiao sql outputs/corpus.duckdb "SELECT check_id, count(*) FROM findings GROUP BY 1"
    """
    import duckdb

    if not database.is_file():
        typer.echo(f"no database at {database}; run `jixiao run IN -o OUT` first / 未找到数据库", err=True)
        raise typer.Exit(2)
    con = duckdb.connect(os.fspath(database), read_only=True)
    try:
        cur = con.execute(query)
        names = [d[0] for d in cur.description or []]
        rows = cur.fetchall()
    except duckdb.Error as exc:
        typer.echo(f"SQL error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        con.close()
    if csv:
        import csv as csv_module

        out = csv_module.writer(sys.stdout)
        out.writerow(names)
        out.writerows(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(*names)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)
    typer.echo(f"{len(rows)} rows")


@rules_app.command("list")
def rules_list() -> None:
    """The check catalogue: id, severity, whether it is on and implemented, title and source."""
    from rich.console import Console
    from rich.table import Table

    from pipeline.checks import REGISTRY
    from pipeline.checks.across import ACROSS
    from pipeline.checks.base import catalogue

    _load_rules()
    table = Table("id", "severity", "state", "title", "source", show_lines=False)
    for c in catalogue().checks:
        implemented = c.id in REGISTRY or c.id in ACROSS  # ACROSS: run at the end of a batch
        state = ("on" if c.enabled else "off") + ("" if implemented else " (not implemented)")
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
    # The batch command lives with the batch package; imported here so `jixiao --help` lists it.
    from pipeline.batch.command import run_command

    app.command(name="run")(run_command)


_register_run()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
