"""The consistency checker: recompute what a report claims and say where it contradicts itself.

Checks are registered by their rulebook id (``rules/checks.yaml`` is the catalogue); importing this
package imports every module that holds checks.
"""

from __future__ import annotations

import importlib
import pkgutil

from pipeline.checks.base import REGISTRY, Finding, check_record, run_checks

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in ("base", "numbers"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["REGISTRY", "Finding", "check_record", "run_checks"]
