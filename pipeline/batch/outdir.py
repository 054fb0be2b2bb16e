"""OUT and its atomic replacement: outputs are written beside OUT and swapped in at the end."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from pipeline.batch.errors import RunError
from pipeline.batch.writers import MANIFEST  # written into the stage before the swap: OUT is finished

# Files a previous run leaves in OUT; a non-empty folder without any of them is not ours to replace.
# (records.jsonl: what `make run` wrote before `jixiao run` existed)
_OUTPUT_MARKERS = ("corpus.jsonl", "run.log", ".cache", ".jixiao-outputs.json", "records.jsonl")



class OutDir:
    """OUT and its temporary siblings: ``.OUT.jixiao-tmp-<pid>-*`` (a run in progress) and
    ``.OUT.jixiao-old`` (the previous outputs during the swap).

    The swap is two renames on one filesystem: OUT -> old, tmp -> OUT. A run killed between them leaves
    ``old`` whole, and the next run puts it back before anything else (:meth:`recover`).
    """

    def __init__(self, out: Path):
        self.out = Path(os.path.abspath(out))
        self.parent = self.out.parent
        self.prefix = f".{self.out.name}.jixiao-"
        self.old = self.parent / f"{self.prefix}old"

    def owned(self) -> list[str]:
        """OUT and its temporary siblings, resolved: never inputs."""
        return [os.path.realpath(b) for b in (self.out, *self.parent.glob(self.prefix + "*"))]

    def check(self) -> None:
        if self.out.exists() and not self.out.is_dir():
            raise RunError(f"output path {self.out} exists and is not a folder")
        if self.out.is_dir():
            names = {p.name for p in self.out.iterdir()}
            if names and not names & set(_OUTPUT_MARKERS):
                raise RunError(
                    f"output folder {self.out} is not empty and was not written by jixiao run; "
                    "it would be replaced: choose a new or empty folder"
                )
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RunError(f"cannot create the output folder's parent {self.parent}: {exc}") from None
        if not os.access(self.parent, os.W_OK | os.X_OK):
            raise RunError(f"output folder not writable: cannot write in {self.parent}")

    def recover(self) -> None:
        """Undo what a killed run left: put back previous outputs, drop dead runs' temporary folders.

        ``old`` is deleted only when OUT holds finished outputs (their manifest is written before the
        swap); an OUT without one (made by anything after the first rename) never costs the only copy.
        """
        if self.old.is_dir():
            if not self.out.exists():
                os.rename(self.old, self.out)
            elif (self.out / MANIFEST).is_file():  # the second rename happened: only the clean-up is left
                self._carry_cache(self.old)
                shutil.rmtree(self.old, ignore_errors=True)
            else:
                aside = self.parent / f"{self.prefix}partial-{os.getpid()}"
                shutil.rmtree(aside, ignore_errors=True)
                os.rename(self.out, aside)
                os.rename(self.old, self.out)
                self._carry_cache(aside)
                shutil.rmtree(aside, ignore_errors=True)
        for tmp in [*self.parent.glob(self.prefix + "tmp-*"), *self.parent.glob(self.prefix + "partial-*")]:
            pid = _pid_of(tmp.name)
            if pid and pid != os.getpid() and _alive(pid):
                raise RunError(f"another jixiao run (pid {pid}) is writing {self.out}; wait for it to finish")
            shutil.rmtree(tmp, ignore_errors=True)

    def prepare(self) -> Path:
        self.check()
        self.recover()
        try:
            stage = Path(tempfile.mkdtemp(prefix=f"{self.prefix}tmp-{os.getpid()}-", dir=self.parent))
        except OSError as exc:
            raise RunError(
                f"output folder not writable: cannot create a folder in {self.parent}: {exc}"
            ) from None
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(stage, 0o777 & ~umask)  # mkdtemp's 0700 would make OUT private after the swap
        return stage

    def swap(self, stage: Path, cache_inside: bool) -> None:
        """OUT -> old, stage -> OUT, old's cache -> OUT, remove old: a kill after any step is undone or
        finished by :meth:`recover` (``tests/test_reliability.py`` kills the run at each)."""
        had_old = self.out.exists()
        if had_old:
            os.rename(self.out, self.old)
        os.rename(stage, self.out)
        if had_old:
            # the cache was written into the live OUT during the run; carry it into the new one
            if cache_inside:
                self._carry_cache(self.old)
            shutil.rmtree(self.old, ignore_errors=True)

    def _carry_cache(self, source: Path) -> None:
        """Move the cache kept in ``source`` into OUT; into OUT's own cache, entry folder by entry folder,
        when OUT already has one (a run's lint mark)."""
        old = source / ".cache"
        if not old.is_dir():
            return
        if not (self.out / ".cache").exists():
            os.rename(old, self.out / ".cache")
            return
        for entry in old.iterdir():
            if not (self.out / ".cache" / entry.name).exists():
                os.rename(entry, self.out / ".cache" / entry.name)


def _pid_of(name: str) -> int | None:
    try:
        return int(name.rsplit("tmp-", 1)[1].split("-", 1)[0])
    except (IndexError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


