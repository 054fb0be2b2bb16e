"""The record cache of ``jixiao run``: one JSON file per (file content, rules, code, profile).

A record depends only on the bytes of the file, the rules, the code and the scoring profile, so those four
make the key. Entries live under ``<root>/<code>-<rules>/<profile>/<sha[:2]>/<sha>.json``: a change of rules
or code starts a new folder (the old ones are pruned after a successful run), and a corrupt or foreign
entry is simply a miss. Entries are written to a temporary name and renamed, so a run killed mid-write
never leaves half a record behind.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import pipeline
from pipeline import ruleset
from pipeline.errors import out_of_memory

log = logging.getLogger(__name__)

# statuses whose record says something about the file itself; E_TIMEOUT/E_INTERNAL rows may be transient
# (a busy machine, a bug fixed next release) and are recomputed on the next run
# (E_CHECKS_INCOMPLETE: a limit fired or a check crashed; a quieter machine or the next release finishes it)
_TRANSIENT_CODES = frozenset({"E_TIMEOUT", "E_INTERNAL", "E_NOT_FOUND", "E_CHECKS_INCOMPLETE"})
_LINT_MARK = "rules-lint-ok"


@lru_cache(maxsize=1)
def code_version() -> str:
    """The package version plus a digest of its source, so that editing the code also invalidates.

    ``pipeline.__version__`` alone would keep stale records while a developer changes an extractor
    without bumping the version.
    """
    root = Path(pipeline.__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return f"{pipeline.__version__}+{h.hexdigest()[:10]}"


def cacheable(rec: dict) -> bool:
    err = rec.get("error") or {}
    # a worker out of memory says E_TOO_LARGE like a file over the size limit, but depends on the limit
    return bool(rec.get("sha256")) and err.get("code") not in _TRANSIENT_CODES and not out_of_memory(err.get("code"), err.get("detail"))


class Cache:
    """Records by content digest for one (rules, code, profile); ``enabled=False`` makes every get a miss
    while still writing, so that ``--fresh`` refreshes the cache instead of leaving it stale."""

    def __init__(self, root: Path, profile: str | None, enabled: bool = True):
        self.root = root
        self.version_dir = f"{code_version()}-{ruleset.version()}"
        self.dir = root / self.version_dir / (profile or "auto")
        self.enabled = enabled
        self.hits = 0
        self.writable = True
        self.written: list[Path] = []  # entries this run added, so a failed run can take them back

    def _path(self, sha: str) -> Path:
        return self.dir / sha[:2] / f"{sha}.json"

    def get(self, sha: str | None) -> tuple[dict, str] | None:
        """The cached record and its JSON text, or None (disabled, absent, unreadable or not a record)."""
        if not self.enabled or not sha:
            return None
        path = self._path(sha)
        try:
            text = path.read_text(encoding="utf-8")
            rec = json.loads(text)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("cache entry %s unreadable, recomputing: %s", path, exc)
            return None
        if (
            not isinstance(rec, dict)
            or rec.get("sha256") != sha
            or "status" not in rec
            or "findings" not in rec
        ):
            log.warning("cache entry %s is not a record of that file, recomputing", path)
            return None
        self.hits += 1
        return rec, text

    def put(self, rec: dict, text: str) -> None:
        """Store a record (its JSON text as produced); failures only cost the next run time."""
        if not self.writable or not cacheable(rec):
            return
        path = self._path(rec["sha256"])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not path.exists()
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)  # a full disk must not keep half an entry
                raise
            if fresh:
                self.written.append(path)
        except (OSError, UnicodeError) as exc:
            log.warning("cannot write the cache under %s (%s); going on without it", self.root, exc)
            self.writable = False

    def forget_new(self) -> int:
        """Remove the entries this run wrote (after it failed for want of disk space); how many."""
        n = 0
        for path in self.written:
            try:
                path.unlink()
                n += 1
            except OSError:
                pass
        self.written.clear()
        return n

    # The rules lint takes seconds (it runs every rule's examples); a rules+code version that passed once
    # passes again, so a rerun skips it.
    def lint_passed(self) -> bool:
        return (self.root / self.version_dir / _LINT_MARK).exists()

    def mark_lint_passed(self) -> None:
        try:
            (self.root / self.version_dir).mkdir(parents=True, exist_ok=True)
            (self.root / self.version_dir / _LINT_MARK).touch()
        except OSError:
            pass

    def prune(self) -> None:
        """Drop the folders of other rules/code versions: nothing can hit them any more."""
        try:
            stale = [p for p in self.root.iterdir() if p.is_dir() and p.name != self.version_dir]
        except OSError:
            return
        for p in stale:
            shutil.rmtree(p, ignore_errors=True)
