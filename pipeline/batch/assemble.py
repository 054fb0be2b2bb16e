"""The batch's records put back together, one at a time, in input order, from the spool.

A record in ``corpus.jsonl`` is the record a worker (or the cache) gave, plus what only the whole batch
knows: its byte copies (``duplicate_of`` / ``duplicates``), the files of the same report
(``same_report_as`` / ``same_report``, linked on :mod:`~pipeline.batch.views`), the findings of the checks
across reports (with the blocks they quote) and each finding's key. Only those additions are held for the
whole batch; the record itself is read back from the spool when it is written.
"""

from __future__ import annotations

import json
from array import array
from dataclasses import dataclass, field

from pipeline.batch.spool import Spool
from pipeline.batch.views import Views

_ORDER = {"error": 0, "warning": 1, "info": 2}  # as pipeline.checks.across.run sorts a record's findings


@dataclass
class Collected:
    """Every file's record, by input position: in the spool, with what linking and the checks across
    reports added."""

    spool: Spool
    names: list[str]  # as records show them
    primary: array  # the first file with the same bytes (itself when unique)
    views: Views  # what linking reads; it writes its links there
    duplicates: dict[int, list[str]] = field(default_factory=dict)  # primary -> names of its byte copies
    across: dict[int, str] = field(default_factory=dict)  # [findings across, blocks they quote] as JSON text
    complete: bool = True  # no record the cache would not keep (a time-out, a crash: tried again next run)
    records: int = 0  # records read from the cache or made by the workers

    def __len__(self) -> int:
        return len(self.names)

    def record(self, i: int) -> dict:
        """The record of file ``i`` as ``corpus.jsonl`` holds it, without the reviews; its findings keyed."""
        from pipeline.outputs.review import assign_keys

        p = self.primary[i]
        rec = self.spool.get(p)
        had_blocks = "evidence_blocks" in rec
        rec["file"] = self.names[i]
        rec["duplicate_of"] = None if p == i else self.names[p]
        rec["duplicates"] = self.duplicates.get(i, []) if p == i else []
        rec["same_report_as"], rec["same_report"] = self.same_report_as(i), self.same_report(i)
        found, blocks = json.loads(self.across[p]) if p in self.across else ([], {})
        # a byte copy shares its original's quoted blocks, not its findings across reports (those are the
        # counted file's): as when the copy was made as a shallow copy of the original record
        if blocks and (p == i or had_blocks):
            quoted = rec.setdefault("evidence_blocks", {})
            for k, v in blocks.items():
                quoted.setdefault(k, v)
        if found and p == i:
            rec["findings"] = sorted((rec.get("findings") or []) + found, key=lambda f: _ORDER.get(f["severity"], 2))
        rec.pop("passages", None)  # read by the checks across reports; they live on in the cache
        assign_keys([rec])
        return rec

    def same_report_as(self, i: int) -> str | None:
        rep = self.views.rep[i]
        return self.names[rep] if rep >= 0 else None

    def same_report(self, i: int) -> list[str]:
        return [self.names[j] for j in self.views.others.get(i, [])]

    def read_counted(self, i: int) -> dict:
        """Counted record ``i`` as the checks across reports read it (their findings are merged later)."""
        rec = self.spool.get(i)
        rec.update(file=self.names[i], duplicate_of=None, duplicates=self.duplicates.get(i, []),
                   same_report_as=None, same_report=self.same_report(i))
        return rec

    def counted(self) -> array:
        """The files that stand for their report and were read: those the checks across reports compare."""
        return array("q", (i for i in range(len(self)) if self.views.counted(i) and self.views.read(i)))

    def keep_across(self, found: dict[int, list[dict]], blocks: dict[int, dict]) -> None:
        """Keep what the checks across reports found, with the blocks they quote, as JSON text (a third of
        the memory of the objects: a batch of copied passages makes thousands of these findings)."""
        for i in found.keys() | blocks.keys():
            self.across[i] = json.dumps([found.get(i, []), blocks.get(i, {})], ensure_ascii=False)
