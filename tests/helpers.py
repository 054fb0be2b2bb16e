"""Paths of the documents the tests use (all in the repository), and small helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"
BAD = DATA / "bad"
DEVSET = DATA / "devset"
GOLDEN = Path(__file__).resolve().parent / "golden"
SEED000 = CORPUS / "000_a4cf6914c4e43683"
SEED001 = CORPUS / "001_5c147244ac7a2061"


def _consistent() -> list[str]:
    import json

    lines = (DEVSET / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [g["id"] for g in map(json.loads, filter(str.strip, lines)) if not g["stated_contradictions"]]


# The devset excerpts with no planted contradiction (gold.jsonl says which): no error finding allowed there.
CONSISTENT = _consistent()


def altered_copy(source: Path, out_dir: Path, replacements, count: int = -1) -> Path:
    """A copy of a report in out_dir with each (old, new) replaced; every old text must be there."""
    text = source.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, count)
    out = out_dir / f"{source.stem}_altered.txt"
    out.write_text(text, encoding="utf-8")
    return out
