"""The batch's records put back together, one at a time, in input order, from the spool.

A record in ``corpus.jsonl`` is the record a worker (or the cache) gave, plus what only the whole batch
knows: its byte copies (``duplicate_of`` / ``duplicates``), the files of the same report
(``same_report_as`` / ``same_report``, linked on :mod:`~pipeline.batch.views`), the findings of the checks
across reports (with the blocks they quote) and each finding's key. Only those additions are held for the
whole batch; the record itself is read back from the spool when it is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pipeline.batch.spool import Spool
from pipeline.batch.views import Views

NOT_READ_ACROSS = ("findings", "evidence_blocks", "evidence_cells")  # what no check across reports reads

_ORDER = {"error": 0, "warning": 1, "info": 2}  # as pipeline.checks.across.run sorts a record's findings


@dataclass
class Collected:
    """Every file's record, by input position: in the spool, with what linking and the checks across
    reports added."""

    spool: Spool
    names: list[str]  # as records show them
    primary: list[int]  # the first file with the same bytes (itself when unique)
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

    def for_across(self) -> list[dict]:
        """Every file as the checks across reports read it: counted reports in full (but for their own
        findings and quoted blocks), the others as linked."""
        out = []
        for i in range(len(self)):
            p = self.primary[i]
            if not (self.views.counted(i) and self.views.read(i)):
                out.append({"file": self.names[i], "status": self.views.value(self.views.status, i),
                            "duplicate_of": None if p == i else self.names[p], "same_report_as": self.same_report_as(i)})
                continue
            rec = {k: v for k, v in self.spool.get(i).items() if k not in NOT_READ_ACROSS}
            rec.update(file=self.names[i], duplicate_of=None, duplicates=self.duplicates.get(i, []),
                       same_report_as=None, same_report=self.same_report(i))
            out.append(rec)
        return out

    def keep_across(self, views: list[dict]) -> None:
        """Keep what the checks across reports added to the counted reports' views, as JSON text (a third
        of the memory of the objects: a batch of copied passages makes thousands of these findings)."""
        for i, v in enumerate(views):
            if self.views.counted(i) and self.views.read(i) and (v.get("findings") or v.get("evidence_blocks")):
                found = [v.get("findings") or [], v.get("evidence_blocks") or {}]
                self.across[i] = json.dumps(found, ensure_ascii=False)
