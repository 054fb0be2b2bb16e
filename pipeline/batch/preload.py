"""Imported once by the forkserver that a cluster worker's document processes are forked from: rules,
segmenter and models are loaded here, so each document process starts warm, as the local pool's do.

Nothing may escape: a forkserver whose preload raises dies. Broken rules show up in the document process
itself, which reports them as fatal.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

try:
    from pipeline.batch.worker import warm_up

    with tempfile.TemporaryDirectory(prefix="jixiao-warm-") as _tmp:
        warm_up(Path(_tmp))
except Exception:  # noqa: BLE001 - only a speed-up
    pass

import gc  # noqa: E402

# the warm objects out of the collector's reach, so that a forked document process neither scans them
# (a collection over the loaded dictionaries takes a quarter of a second) nor copies their pages
gc.freeze()
