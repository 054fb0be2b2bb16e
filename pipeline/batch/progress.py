"""The progress bar on stderr."""

from __future__ import annotations

import time
from typing import Any

from pipeline.batch.summary import RunSummary

class Progress:
    """The rich progress bar on stderr; redrawn by hand so that no thread runs while workers are forked."""

    def __init__(self, total: int, enabled: bool, console: Any = None):
        self.bar = None
        self.last = 0.0
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar

        # fixed, narrow columns: the bar must not wrap (and so repeat itself) in an 80-column terminal
        self.bar = Bar(
            TextColumn("[bold]jixiao"),
            BarColumn(bar_width=16),
            MofNCompleteColumn(),
            TextColumn("{task.fields[stats]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            auto_refresh=False,
        )
        self.task = self.bar.add_task("run", total=total, stats="")
        self.bar.start()

    def update(self, done: int, stats: str, force: bool = False) -> None:
        if self.bar is None:
            return
        self.bar.update(self.task, completed=done, stats=stats)
        now = time.monotonic()
        if force or now - self.last > 0.1:
            self.bar.refresh()
            self.last = now

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.refresh()
            self.bar.stop()



def stats(summary: RunSummary, done: int) -> str:
    """Short enough that the whole bar fits an 80-column terminal: unreadable files, then the findings
    by severity (E error, W warning, I info)."""
    f = summary.findings
    return (
        f"✗{summary.error} [red]E{f['error']}[/] [yellow]W{f['warning']}[/] [cyan]I{f['info']}[/]"
    )


