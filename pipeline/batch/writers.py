"""The output writers (workbook, corpus, page), each guarded, and the reuse of their previous files."""

from __future__ import annotations

import errno
import importlib
import logging
import json
import os
import shutil
import time
import traceback
from pathlib import Path

from pipeline.batch.log import RunLog

# (writer module under pipeline.outputs, target inside OUT; None: the folder itself)
WRITERS: tuple[tuple[str, str | None], ...] = (
    ("xlsx", "discrepancies.xlsx"),
    ("corpus", None),
    ("html", "report.html"),
)
MANIFEST = ".jixiao-outputs.json"


def listing(folder: Path) -> dict[str, list[int]]:
    """Top-level entries of a folder with (size, mtime_ns), to tell what a writer made or a user touched."""
    out = {}
    for p in folder.iterdir():
        st = p.stat()
        out[p.name] = [st.st_size, st.st_mtime_ns]
    return out


def previous_outputs(out: Path, key: str) -> dict[str, dict]:
    """What each writer produced last time, if it was for exactly these records, rules and code."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("key") != key:
        return {}
    return manifest.get("writers") or {}


def _reuse(prev: dict | None, out: Path, stage: Path) -> bool:
    """Hard-link a writer's previous files into the new outputs when they are exactly as it left them.

    Writers are functions of the records (and of rules and code, which are in the key), so for unchanged
    records their previous files are the result; a file a user has since edited or removed is rewritten.
    """
    if not prev or prev.get("status") != "ok" or not prev.get("files"):
        return False
    try:
        now = listing(out)
        if any(now.get(name) != meta for name, meta in prev["files"].items()):
            return False
        for name in prev["files"]:
            src, dst = out / name, stage / name
            if src.is_dir():
                shutil.copytree(src, dst, copy_function=os.link)
            else:
                os.link(src, dst)
    except OSError:
        for name in prev["files"]:  # half-linked: let the writer write it afresh
            if (stage / name).is_dir():
                shutil.rmtree(stage / name, ignore_errors=True)
            else:
                (stage / name).unlink(missing_ok=True)
        return False
    return True


def run_writers(
    records: list[dict],
    stage: Path,
    runlog: RunLog,
    timings: dict[str, float],
    previous: dict[str, dict],
    out: Path,
    writers: tuple[tuple[str, str | None], ...] = WRITERS,
    options: dict[str, dict] | None = None,
) -> tuple[dict[str, str], dict[str, dict]]:
    """Each writer guarded: one failing is logged and reported, the others still run.

    Returns each writer's status and, for the manifest, the files it made.
    """
    status: dict[str, str] = {}
    made: dict[str, dict] = {}
    for name, target in writers:
        t0 = time.perf_counter()
        before = listing(stage)
        if _reuse(previous.get(name), out, stage):
            status[name] = "ok"
            runlog.line(f"writer {name}: records unchanged, previous outputs kept")
        else:
            status[name] = _write_one(name, target, records, stage, runlog, (options or {}).get(name, {}))
        after = listing(stage)
        made[name] = {"status": status[name], "files": {k: v for k, v in after.items() if k not in before}}
        timings[f"writer {name}"] = time.perf_counter() - t0
        give_back_memory()
    return status, made


def give_back_memory() -> None:
    """Hand the memory a stage freed back to the system, so the next stage does not start on top of it
    (glibc keeps freed heap pages; measured: the parent's peak came from stages stacking up)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _write_one(
    name: str, target: str | None, records: list[dict], stage: Path, runlog: RunLog, options: dict | None = None
) -> str:
    module_name = f"pipeline.outputs.{name}"
    t0 = time.perf_counter()
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name in (module_name, "pipeline.outputs"):
            runlog.line(f"writer {name} not available")
            return "not available"
        runlog.line(f"writer {name} failed to import: {exc}")
        return f"failed: {type(exc).__name__}: {exc}"
    except Exception as exc:
        runlog.line(f"writer {name} failed to import: {type(exc).__name__}: {exc}")
        return f"failed: {type(exc).__name__}: {exc}"
    notes = _Notes()
    logger = logging.getLogger(module_name)
    logger.addHandler(notes)
    try:
        module.write(records, stage / target if target else stage, **(options or {}))
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise  # not this writer's fault: the run stops and says the disk is full
        return _failed(name, exc, runlog)
    except Exception as exc:
        return _failed(name, exc, runlog)
    finally:
        logger.removeHandler(notes)
        for note in notes.lines[:_NOTES_SHOWN]:  # what it left out of which record, and why
            runlog.line(f"writer {name}: {note}")
        if len(notes.lines) > _NOTES_SHOWN:
            runlog.line(f"writer {name}: … and {len(notes.lines) - _NOTES_SHOWN} more such notes")
    runlog.line(f"writer {name} wrote {target or 'its files'} in {time.perf_counter() - t0:.2f} s")
    return "ok"


_NOTES_SHOWN = 50


class _Notes(logging.Handler):
    """A writer's warnings while it runs (a value it could not write, a record kept in part)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(record.getMessage())
        except Exception:  # a note that cannot be formatted is still a note
            self.lines.append(str(record.msg))


def _failed(name: str, exc: Exception, runlog: RunLog) -> str:
    tb = "".join(traceback.format_exception(exc)).rstrip().replace("\n", "\n    ")
    runlog.line(f"writer {name} failed: {type(exc).__name__}: {exc}\n    {tb}")
    return f"failed: {type(exc).__name__}: {exc}"


