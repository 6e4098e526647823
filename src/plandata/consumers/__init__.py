"""Consumer outputs: the package's files for spreadsheets, SQLite/Datasette and human readers.

`write_consumers` runs inside the build's staging folder once the CSV and
Parquet files are closed, and reads them back (see `rows.py`): the
workbook, the database and the spreadsheet CSVs are listed in
`datapackage.json` (see `files.py`); the README is written last, by
`datadict.write_readme`.  Every writer is deterministic, so rebuilds stay
byte-identical.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from plandata.consumers.files import SQLITE_PATH, XLSX_PATH, spreadsheet_csv_path

CONSUMERS = ("workbook", "database", "spreadsheet_csv")


def write_consumer(kind: str, package_dir: Path) -> list[str]:
    """Write one kind of consumer file (see `CONSUMERS`); return the paths written, inside the package."""
    # Imported here: these modules use `plandata.write`, which calls this package.
    from plandata.consumers.spreadsheet_csv import write_spreadsheet_csv
    from plandata.consumers.sqlite import write_database
    from plandata.consumers.xlsx import write_workbook
    from plandata.tables import TABLES

    if kind == "workbook":
        write_workbook(package_dir, package_dir / XLSX_PATH)
        return [XLSX_PATH]
    if kind == "database":
        write_database(package_dir, package_dir / SQLITE_PATH)
        return [SQLITE_PATH]
    written = []
    for table in TABLES:
        path = package_dir / spreadsheet_csv_path(table.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_spreadsheet_csv(package_dir, table, path)
        written.append(spreadsheet_csv_path(table.name))
    return written


def write_consumers(package_dir: Path, jobs: int = 1) -> list[str]:
    """Write the workbook, the database and the spreadsheet CSVs from the package's data files.

    With `jobs` > 1 the three are written side by side in worker processes
    (they only read the closed data files). Returns their paths inside the
    package, for the descriptor, in a fixed order.
    """
    if jobs <= 1:
        return [path for kind in CONSUMERS for path in write_consumer(kind, package_dir)]
    with ProcessPoolExecutor(max_workers=min(jobs, len(CONSUMERS))) as pool:
        futures = [pool.submit(write_consumer, kind, package_dir) for kind in CONSUMERS]
        return [path for future in futures for path in future.result()]
