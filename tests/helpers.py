"""Paths of the documents the tests use; all of them live in the repository."""

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
