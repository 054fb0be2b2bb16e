"""What stops a whole run (as opposed to a document, which only ever becomes an error row)."""

from __future__ import annotations


class RunError(Exception):
    """The run itself cannot go on (bad arguments, OUT not writable); the message is for the user."""


def rules_failed(text: str) -> RunError:
    return RunError(f"the rules failed in a worker, run stopped:\n{text}")
