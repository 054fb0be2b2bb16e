"""What the run reads: every file under the inputs, once, and each file's digest."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from pipeline.batch.errors import RunError
from pipeline.batch.outdir import OutDir


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



def find_inputs(inputs: list[Path], outdir: OutDir) -> list[str]:
    """Every file under the inputs, once, sorted; hidden files and folders and OUT itself left out."""

    if not inputs:
        raise RunError("no input given")
    missing = [str(p) for p in inputs if not os.path.exists(p)]
    if missing:
        raise RunError("input not found: " + ", ".join(missing))
    for p in inputs:
        real, out = os.path.realpath(p), os.path.realpath(outdir.out)
        if real == out or real.startswith(out + os.sep):
            raise RunError(f"input {p} lies inside the output folder {outdir.out}, which the run replaces")
    owned = outdir.owned()
    seen: dict[str, str] = {}
    for given in inputs:
        for f in expand([given]):
            rel = os.path.relpath(f, given) if os.path.isdir(given) else ""
            if any(part.startswith(".") for part in Path(rel).parts[:-1]) or _inside(f, owned):
                continue  # .git, .cache, a previous OUT inside IN: not reports
            seen.setdefault(os.path.normpath(os.path.abspath(f)), f)
    files = sorted(seen.values())
    if not files:
        raise RunError("no input files found in " + ", ".join(map(str, inputs)))
    return files


def _inside(path: str, bases: list[str]) -> bool:
    real = os.path.realpath(path)
    return any(real == b or real.startswith(b + os.sep) for b in bases)


def sha256_of(path: str) -> str | None:
    """Digest of a regular file's bytes (None for anything else: unreadable, a FIFO that would block)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


