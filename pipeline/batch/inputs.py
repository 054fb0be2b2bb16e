"""What the run reads: every file under the inputs, once, and each file's digest."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.batch.errors import RunError
from pipeline.batch.outdir import OutDir


def expand(paths: list[Path]) -> list[str]:
    """Files as given, and every file under a folder (sorted), so that nothing given is skipped (the
    single-file commands; ``jixiao run`` walks with :func:`find_inputs`)."""
    out: list[str] = []
    for p in paths:
        if p.is_dir():
            # not only regular files: a FIFO or a broken symlink gets its record (and its code) too
            out.extend(
                os.fspath(f)
                for f in sorted(p.rglob("*"))
                if not f.is_dir() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            out.append(os.fspath(p))
    return out



@dataclass
class Inputs:
    """What the walk met: the paths that get a row, the ones judged without reading, and what it skipped."""

    files: list[str] = field(default_factory=list)  # every path that gets a row, sorted
    judged: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (code, detail): no worker needed
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why) for the log


def shown_path(path: str) -> str:
    r"""A path as text: a name in another byte encoding (GBK from a Chinese Windows zip) keeps its bytes
    on disk, and is shown with replacement characters (surrogates cannot be written as UTF-8).

    >>> shown_path("a/" + b"\xd7\xd4\xc6\xc0.txt".decode("utf-8", "surrogateescape"))
    'a/����.txt'
    """
    return os.fsencode(path).decode("utf-8", errors="replace")


def find_inputs(inputs: list[Path], outdir: OutDir) -> Inputs:
    """Every path under the inputs, once, sorted; hidden files and folders and OUT itself left out (and
    said so in the log). Whatever is not a readable regular file gets a row with its code: a FIFO, socket
    or device, a dangling or looping symlink, a symlink leading out of the input folder, a folder that
    cannot be listed."""
    if not inputs:
        raise RunError("no input given")
    missing = [str(p) for p in inputs if not os.path.lexists(p)]
    if missing:
        raise RunError("input not found: " + ", ".join(missing))
    for p in inputs:
        real, out = os.path.realpath(p), os.path.realpath(outdir.out)
        if real == out or real.startswith(out + os.sep):
            raise RunError(f"input {p} lies inside the output folder {outdir.out}, which the run replaces")
    owned = outdir.owned()
    roots = [os.path.realpath(p) for p in inputs if os.path.isdir(p)]
    found = Inputs()
    seen: dict[str, str] = {}
    for given in inputs:
        paths = _walk(os.fspath(given), roots, owned, found) if os.path.isdir(given) else [os.fspath(given)]
        for f in paths:
            seen.setdefault(os.path.normpath(os.path.abspath(f)), f)
    found.files = sorted(seen.values())
    if not found.files:
        raise RunError("no input files found in " + ", ".join(map(str, inputs)))
    return found


def _walk(top: str, roots: list[str], owned: list[str], found: Inputs) -> list[str]:
    out: list[str] = []
    visited: set[tuple[int, int]] = set()
    try:
        st = os.stat(top)
        visited.add((st.st_dev, st.st_ino))
    except OSError:
        pass
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            found.judged[folder] = ("E_FOLDER_UNREADABLE", f"cannot list the folder: {exc.strerror or exc}")
            out.append(folder)
            continue
        for e in entries:
            path = e.path
            if e.name.startswith("."):
                found.skipped.append((path, "hidden (name starts with a dot)"))
                continue
            if _inside(path, owned):
                found.skipped.append((path, "the output folder or its temporary copy"))
                continue
            try:
                link = e.is_symlink()
                st = os.stat(path) if link else e.stat(follow_symlinks=False)
            except OSError as exc:
                if link:
                    why = "a symbolic link that loops" if exc.errno == errno.ELOOP else "a symbolic link to nothing"
                    found.judged[path] = ("E_SYMLINK_BROKEN", f"{why}: {shown_path(os.readlink(path)) if _readable_link(path) else '?'}")
                else:
                    found.judged[path] = ("E_NOT_FOUND", f"{type(exc).__name__}: {exc.strerror or exc}")
                out.append(path)
                continue
            if link:
                real = os.path.realpath(path)
                if not any(real == r or real.startswith(r + os.sep) for r in roots):
                    found.judged[path] = ("E_SYMLINK_OUTSIDE", f"points outside the input folder, to {shown_path(real)}")
                    out.append(path)
                    continue
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key in visited:
                    found.skipped.append((path, "a folder already read (a symbolic link back into the input)"))
                    continue
                visited.add(key)
                stack.append(path)
            elif stat.S_ISREG(st.st_mode):
                out.append(path)
            else:
                kind = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
                        stat.S_IFBLK: "a block device"}.get(stat.S_IFMT(st.st_mode), "not a regular file")
                found.judged[path] = ("E_NOT_REGULAR_FILE", kind)
                out.append(path)
    return out


def _readable_link(path: str) -> bool:
    try:
        os.readlink(path)
        return True
    except OSError:
        return False


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


