"""Writers of the batch run's outputs: the discrepancy workbook (``xlsx``), the DuckDB corpus (``corpus``)
and the offline review page (``html``).

They read contract records (``jixiao extract`` lines, plus the batch engine's ``duplicate_of``) and nothing
else; ``recompute`` holds what the workbook and the corpus share: typed values out of Facts, and the
reviewed total and grade the findings imply.
"""
