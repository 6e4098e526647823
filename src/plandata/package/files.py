"""The files the consumer writers add to the package, as descriptor resources.

Each is a resource of type "file" (Frictionless checks its size and hash; its
rows are those of the table resources).  Kept free of plandata imports so
that `package_meta` can use it without an import cycle.
"""

from __future__ import annotations

from typing import Any

XLSX_PATH = "plandata.xlsx"
SQLITE_PATH = "plandata.sqlite"
DATASETTE_PATH = "plandata.datasette.json"
SPREADSHEET_CSV_DIR = "spreadsheet"
README_PATH = "README.md"

_XLSX = {
    "name": "workbook_xlsx",
    "format": "xlsx",
    "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "title": "All tables as an Excel workbook",
    "description": "One sheet per table and a data_dictionary sheet; numbers stored as numbers, Chinese text "
    "intact, text that looks like a formula marked as text.",
}
_SQLITE = {
    "name": "database_sqlite",
    "format": "sqlite",
    "mediatype": "application/vnd.sqlite3",
    "title": "All tables as a SQLite database",
    "description": "Primary and foreign keys, indexes on the join columns and a full-text index "
    "(measures_fts, trigram tokenizer) over measure titles and text; opens in Datasette.",
}
_DATASETTE = {
    "name": "database_datasette_metadata",
    "format": "json",
    "mediatype": "application/json",
    "title": "Datasette metadata for the SQLite database",
    "description": "Title, licence, source, table and column descriptions and a `search` query that finds "
    "measures by words of any length: datasette plandata.sqlite -m plandata.datasette.json",
}


def spreadsheet_csv_path(table_name: str) -> str:
    """Path of a table's spreadsheet CSV (UTF-8 with BOM) inside the package."""
    return f"{SPREADSHEET_CSV_DIR}/{table_name}.csv"


def _spreadsheet_csv(table_name: str) -> dict[str, str]:
    return {
        "name": f"{table_name}_spreadsheet_csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "title": f"{table_name} for spreadsheets (CSV, UTF-8 with byte-order mark)",
        "description": f"The rows of `{table_name}` for Excel on Windows: a byte-order mark, CRLF line ends, "
        "text cells quoted, text that looks like a formula prefixed with an apostrophe. Use data/ for analysis.",
    }


def consumer_files(table_names: list[str]) -> dict[str, dict[str, str]]:
    """Package path -> resource properties of every consumer file, in descriptor order."""
    files = {XLSX_PATH: _XLSX, SQLITE_PATH: _SQLITE, DATASETTE_PATH: _DATASETTE}
    files.update({spreadsheet_csv_path(name): _spreadsheet_csv(name) for name in table_names})
    return files


def file_resources(table_names: list[str], stats: dict[str, tuple[int, str]]) -> list[dict[str, Any]]:
    """Descriptor resources of the consumer files present in `stats` (path -> bytes, sha256)."""
    resources = []
    for path, props in consumer_files(table_names).items():
        if path not in stats:
            continue
        size, digest = stats[path]
        resources.append(
            {
                "name": props["name"],
                "type": "file",
                "path": path,
                "scheme": "file",
                **props,
                "bytes": size,
                "hash": f"sha256:{digest}",
            }
        )
    return resources
