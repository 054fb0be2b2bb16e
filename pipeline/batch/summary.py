"""The run's counts: what the summary line, the progress bar and the log report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SEVERITIES = ("error", "warning", "info")



@dataclass
class RunSummary:
    out: Path
    files: int = 0  # every file found, duplicates included
    unique: int = 0  # distinct contents (an unreadable file counts as its own)
    duplicates: int = 0
    ok: int = 0
    partial: int = 0
    error: int = 0
    not_report: int = 0  # readable, but none of a report's marks (E_NOT_A_REPORT)
    incomplete: int = 0  # of the partial ones: reading, extraction or checks stopped (E_CHECKS_INCOMPLETE)
    same_report: int = 0  # files carrying a report another file already stands for (other format, resubmission)
    reviews: int = 0  # reviewers' entries carried from the previous workbook
    vanished: int = 0  # of which listed on 已消失的问题
    errors_by_code: dict[str, int] = field(default_factory=dict)
    findings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))  # unique docs only
    cache_hits: int = 0
    processed: int = 0  # documents sent to workers
    workers: int = 0
    worker_peak_mb: float = 0.0  # largest max-RSS a worker reported (shared copy-on-write pages included)
    elapsed: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase
    writers: dict[str, str] = field(default_factory=dict)  # name -> "ok" / "not available" / "failed: ..."

    def text(self) -> str:
        f = self.findings
        codes = ", ".join(f"{c} {n}" for c, n in sorted(self.errors_by_code.items()))
        lines = [
            f"{self.files} files ({self.unique} unique, {self.duplicates} duplicates): "
            f"{self.ok} ok, {self.partial} partial"
            + (f" ({self.incomplete} with checks not finished: E_CHECKS_INCOMPLETE)" if self.incomplete else "")
            + f", {self.error} error" + (f" ({codes})" if codes else "")
            + (f", {self.not_report} not a report" if self.not_report else ""),
            f"findings: {f['error']} error, {f['warning']} warning, {f['info']} info"
            + (f" (each report counted once: {self.same_report} files are another file's report)" if self.same_report else ""),
            f"{self.elapsed:.1f} s; {self.cache_hits} from cache, {self.processed} processed"
            + (
                f" by {self.workers} workers (peak {self.worker_peak_mb:.0f} MB each)"
                if self.processed
                else ""
            ),
        ]
        if self.reviews:
            lines.append(
                f"reviews carried from the previous workbook: {self.reviews}"
                + (f" ({self.vanished} on 已消失的问题)" if self.vanished else "")
            )
        broken = {k: v for k, v in self.writers.items() if v != "ok"}
        if broken:
            lines.append("writers: " + "; ".join(f"{k}: {v}" for k, v in broken.items()))
        lines.append(f"outputs in {self.out}")
        return "\n".join(lines)



def count(summary: RunSummary, rec: dict, unique: bool) -> None:
    status = rec.get("status", "error")
    if status not in ("ok", "partial", "error", "not_report"):
        status = "error"
    setattr(summary, status, getattr(summary, status) + 1)
    if status == "partial" and (rec.get("error") or {}).get("code") == "E_CHECKS_INCOMPLETE":
        summary.incomplete += 1
    if rec.get("error") and status == "error":
        code = rec["error"].get("code", "?")
        summary.errors_by_code[code] = summary.errors_by_code.get(code, 0) + 1
    if unique:
        for f in rec.get("findings") or []:
            if f.get("severity") in summary.findings:
                summary.findings[f["severity"]] += 1


