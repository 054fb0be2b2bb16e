"""Records on disk as they arrive, so that the parent's memory does not grow with the batch.

:class:`Spool` keeps each record's JSON line in a file of the staging folder, in the order documents
finish, and reads a record back by its input position (an array of offsets: 8 bytes a document).
:class:`JsonLines` is a file of records that can be read again and again, one record at a time: what the
writers get instead of a list.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterator
from pathlib import Path


class Spool:
    """Records by input position, appended as they arrive and read back one at a time."""

    def __init__(self, path: Path, size: int):
        self.path = Path(path)
        self.fh = open(self.path, "w+b")  # noqa: SIM115  (closed by close(), also on failure)
        self.offsets = array("q", [-1]) * size
        self.end = 0

    def put(self, index: int, text: str) -> None:
        """Keep record ``index`` as given (its JSON text on one line, as the worker or the cache wrote it)."""
        data = text.encode("utf-8")
        if b"\n" in data:  # JSON never needs a raw newline; a line per record is what makes reading back cheap
            data = json.dumps(json.loads(text), ensure_ascii=False).encode("utf-8")
        self.fh.seek(self.end)
        self.fh.write(data + b"\n")
        self.offsets[index] = self.end
        self.end += len(data) + 1

    def has(self, index: int) -> bool:
        return self.offsets[index] >= 0

    def get(self, index: int) -> dict:
        """Record ``index``, parsed afresh (callers may change it)."""
        self.fh.seek(self.offsets[index])
        return json.loads(self.fh.readline())

    def close(self) -> None:
        self.fh.close()
        self.path.unlink(missing_ok=True)


class JsonLines:
    """A JSON Lines file of records, read afresh on every iteration (a writer may pass over it several
    times, one record in memory at a time)."""

    def __init__(self, path: Path, count: int):
        self.path = Path(path)
        self.count = count  # records in the file

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict]:
        with open(self.path, "rb") as fh:
            for line in fh:
                yield json.loads(line)
