"""``jixiao run``: the command line of the batch (registered by :mod:`pipeline.cli`)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.batch.errors import RunError
from pipeline.batch.runner import run
from pipeline.ruleset import RulesError



def run_command(
    inputs: Annotated[
        list[Path], typer.Argument(metavar="IN", help="Report files or folders (searched recursively).")
    ],
    out: Annotated[
        Path, typer.Option("-o", "--out", help="Output folder; replaced whole at the end of the run.")
    ],
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Worker processes (default: all cores).")
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Ignore cached records; process every file again.")
    ] = False,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile", help="Force a scoring profile (see `jixiao rules profiles`) instead of detecting it."
        ),
    ] = None,
    doc_seconds: Annotated[
        float, typer.Option("--doc-seconds", min=0.1, help="Time limit per document, in seconds.")
    ] = 120,
    doc_memory_mb: Annotated[
        int, typer.Option("--doc-memory-mb", min=100, help="Memory (address space) limit per worker, in MB.")
    ] = 1500,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar.")] = False,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Keep the record cache here instead of OUT/.cache.")
    ] = None,
    min_severity: Annotated[
        str,
        typer.Option(
            "--min-severity",
            help="List findings of this severity and above: error, warning or info. / 只列出该严重程度及以上的问题。",
        ),
    ] = "info",
    csv: Annotated[
        bool, typer.Option("--csv", help="Also write the workbook's tables as UTF-8-BOM CSV in OUT/csv. / 同时输出CSV。")
    ] = False,
) -> None:
    """Process every report under IN into OUT: corpus.jsonl, run.log, discrepancies.xlsx, corpus.duckdb,
    report.html. Documents that fail are rows with an error code; the run goes on. Unchanged files are
    taken from the cache (OUT/.cache) on the next run; review notes in the previous workbook are kept.

    批量审核IN下的全部报告，输出到OUT：问题清单（discrepancies.xlsx）、数据库（corpus.duckdb）、审核页面
    （report.html）和运行日志。无法读取的文件单列一行并说明原因；重新运行时保留问题清单中已填写的复核意见。"""

    def on_term(signum: int, frame: Any) -> None:  # `kill`: clean up like Ctrl-C does
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    if not no_progress:
        # rules, dictionaries and models take a few seconds to load: say so before the bar appears
        typer.echo("jixiao run: 正在加载规则和词典… (loading rules and dictionaries)", err=True)
    try:
        summary = run(
            inputs,
            out,
            workers=workers,
            fresh=fresh,
            profile=profile,
            doc_seconds=doc_seconds,
            doc_memory_mb=doc_memory_mb,
            progress=not no_progress,
            cache_dir=cache_dir,
            min_severity=min_severity,
            csv=csv,
        )
    except RunError as exc:
        typer.echo(f"jixiao run: {exc}", err=True)
        raise typer.Exit(2) from None
    except RulesError as exc:
        typer.echo(f"jixiao run: {exc}", err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        typer.echo(f"jixiao run: interrupted; {out} left as it was", err=True)
        raise typer.Exit(130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    typer.echo(summary.text())


def main(argv: list[str] | None = None) -> None:
    """``python -m pipeline.run IN... -o OUT``, until the command is registered in the CLI."""
    app = typer.Typer(add_completion=False)
    app.command()(run_command)
    app(args=argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()

