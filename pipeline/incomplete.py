"""A record whose extraction or checks did not finish says so: status ``partial``, ``E_CHECKS_INCOMPLETE``.

The per-document clock, the memory limit or a bug can stop a stage half-way. What was found until then is
kept, but an auditor must never read "no problems" where the checks never ran: the record names the stage,
why it stopped and every check that did not run (``incomplete`` in the record, the error's message on the
报告汇总 sheet).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.limits import disarm, limit_hit

CODE = "E_CHECKS_INCOMPLETE"
_STAGE_ZH = {"reading": "读取", "extraction": "数据提取", "checks": "一致性检查"}
_REASON_ZH = {"time": "超过单份文件的时间上限", "memory": "超过内存上限", "crash": "程序内部出错"}
_SHOWN = 6  # check ids named in the auditor's message; the record lists them all


@dataclass
class Incomplete:
    stage: str  # reading | extraction | checks
    reason: str  # time | memory | crash
    detail: str  # English, for the log: what stopped it, and where
    not_run: list[str] = field(default_factory=list)  # check ids that did not run (to the end)

    @classmethod
    def caught(cls, stage: str, exc: BaseException, not_run: list[str]) -> Incomplete:
        """The record of an exception caught in ``stage``; stops the clock that may have fired it."""
        reason = limit_hit(exc) or "crash"
        if reason == "time":
            disarm()
        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        at = f" (at {Path(where.filename).name}:{where.lineno})" if where else ""
        if exc.__traceback__ is not None:
            # the stopped stage's locals (a document's worth of tokens, spans, candidates) would stay alive
            # while the record is finished: after running out of memory that must not happen twice
            traceback.clear_frames(exc.__traceback__)
        return cls(stage, reason, f"{type(exc).__name__}: {str(exc)[:300]}{at}", list(not_run))

    def error(self) -> dict:
        shown = "、".join(self.not_run[:_SHOWN]) + ("等" if len(self.not_run) > _SHOWN else "")
        skipped = f"{len(self.not_run)}项检查没有进行（{shown}）" if self.not_run else "已得出的检查结果可能不全"
        message = (
            f"{_STAGE_ZH[self.stage]}未能完成（{_REASON_ZH[self.reason]}），{skipped}，本行结果不完整，不能视为没有问题；"
            f"请人工复核该报告，或拆分、另存后重新运行。"
            f"（{self.stage} interrupted: {self.reason}; {len(self.not_run)} checks not run）"
        )
        return {"code": CODE, "message": message, "detail": f"{self.stage} stopped by {self.reason}: {self.detail}"}

    def to_json(self) -> dict:
        return {"stage": self.stage, "reason": self.reason, "detail": self.detail, "not_run": self.not_run}
