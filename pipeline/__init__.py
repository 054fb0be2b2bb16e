"""jixiao: audit Chinese budget-performance self-evaluation reports in bulk."""

__version__ = "0.1.0"
