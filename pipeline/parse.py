"""From a file on disk to a structured Document: read, normalise, find sections.

This is the front of every command; a file that cannot be read gives a ReadError with its code, never an
exception of another kind.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat

from pipeline.document import Document
from pipeline.errors import ReadError
from pipeline.limits import DEFAULT_LIMITS, Limits
from pipeline.normalize import normalize_document
from pipeline.readers import read_file
from pipeline.ruleset import RulesError
from pipeline.sections import structure

log = logging.getLogger(__name__)


class Parsed:
    """What became of one input file: its identity, and a Document or the error that stopped it."""

    def __init__(self, path: str, sha256: str | None, doc: Document | None, error: ReadError | None):
        self.path = path
        self.sha256 = sha256
        self.doc = doc
        self.error = error

    @property
    def status(self) -> str:
        if self.error is not None:
            return "error"
        return "partial" if self.doc is not None and self.doc.warnings else "ok"


def parse_file(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    path = os.fspath(path)
    data: bytes | None = None
    try:
        data, doc = read_file(path, limits)
        for d in (doc, *doc.parts):
            normalize_document(d)
            structure(d)
        return Parsed(path, hashlib.sha256(data).hexdigest(), doc, None)
    except ReadError as exc:
        log.info("%s: %s", path, exc)
        return Parsed(path, _sha(path, data), None, exc)
    except RulesError:
        raise  # broken rules stop the whole run, loudly, before any document is judged by them
    except RecursionError as exc:  # deeply nested XML or HTML
        return Parsed(path, _sha(path, data), None, ReadError("E_DOCX_CORRUPT" if data and data[:2] == b"PK" else "E_UNKNOWN_FORMAT", f"nesting too deep: {exc}"))
    except MemoryError:
        return Parsed(path, _sha(path, data), None, ReadError("E_TOO_LARGE", "MemoryError: ran out of memory reading the file"))
    except Exception as exc:  # a bug of ours: the batch goes on, and the row says whom to tell
        log.exception("internal error on %s", path)
        return Parsed(path, _sha(path, data), None, ReadError("E_INTERNAL", f"{type(exc).__name__}: {exc}"))


def _sha(path: str, data: bytes | None) -> str | None:
    if data is not None:
        return hashlib.sha256(data).hexdigest()
    try:
        # never block: the file that could not be read may be a FIFO
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            h = hashlib.sha256()
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None
