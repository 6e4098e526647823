"""Consumer outputs: the package's files for spreadsheets, SQLite/Datasette and human readers.

`write_consumers` runs inside the build's staging folder once the CSV and
Parquet files are closed, and reads them back (see `rows.py`): the
workbook, the database and the spreadsheet CSVs are listed in
`datapackage.json` (see `files.py`); the README is written last, by
`datadict.write_readme`.  Every writer is deterministic, so rebuilds stay
byte-identical.
"""

from __future__ import annotations

from pathlib import Path

from plandata.consumers.files import SQLITE_PATH, XLSX_PATH, spreadsheet_csv_path


def write_consumers(package_dir: Path) -> list[str]:
    """Write the workbook, the database and the spreadsheet CSVs from the package's data files.

    Returns their paths inside the package, for the descriptor.
    """
    # Imported here: these modules use `plandata.write`, which calls this function.
    from plandata.consumers.spreadsheet_csv import write_spreadsheet_csv
    from plandata.consumers.sqlite import write_database
    from plandata.consumers.xlsx import write_workbook
    from plandata.tables import TABLES

    write_workbook(package_dir, package_dir / XLSX_PATH)
    write_database(package_dir, package_dir / SQLITE_PATH)
    written = [XLSX_PATH, SQLITE_PATH]
    for table in TABLES:
        path = package_dir / spreadsheet_csv_path(table.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_spreadsheet_csv(package_dir, table, path)
        written.append(spreadsheet_csv_path(table.name))
    return written
