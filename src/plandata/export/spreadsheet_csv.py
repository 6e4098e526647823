"""CSV for spreadsheets: what Excel on Windows opens by double-click with Chinese intact.

Excel on Windows decodes a CSV without a byte-order mark in the system's ANSI
code page (GBK on Chinese Windows, Windows-1252 on English Windows), which
garbles UTF-8 Chinese; with the UTF-8 BOM it reads UTF-8.  Frictionless,
pandas, R and DuckDB read the canonical BOM-less `data/*.csv`, so the BOM
variant is a separate file.  Spreadsheets also run a CSV cell that starts
with `=` (LibreOffice turns `=1+1` into a live formula on import), so text
cells that could start a formula get a leading apostrophe here, the
convention spreadsheets use for "this is text".  Every text cell is quoted,
so that LibreOffice's "Format quoted field as text" keeps numbering such
as `3.` as written (Excel types unquoted and quoted cells alike, one more
reason to prefer the workbook).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plandata.package.rows import format_cell, iter_row_tuples
from plandata.package.tables import Table

# Characters that make a spreadsheet read a cell as a formula (= + - @), plus
# tab and carriage return, which OWASP's CSV-injection advice also lists.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def starts_formula(text: str) -> bool:
    """True when a spreadsheet could read `text` as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def neutralise(text: str) -> str:
    """`text` with an apostrophe before a formula trigger, else unchanged."""
    return TEXT_MARK + text if starts_formula(text) else text


def spreadsheet_cell(field_type: str, value: Any) -> str:
    """A cell as spreadsheet CSV text: text quoted and neutralised, numbers, booleans and nulls bare."""
    text = format_cell(value)
    if field_type != "string" or value is None:
        return text
    return '"' + neutralise(text).replace('"', '""') + '"'


def write_spreadsheet_csv(package_dir: Path, table: Table, path: Path) -> Path:
    """Write a table as UTF-8 CSV with a byte-order mark and CRLF line ends, batch by batch."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write(",".join(f'"{name}"' for name in table.field_names) + "\r\n")
        types = [f.type for f in table.fields]
        for batch in iter_row_tuples(package_dir, table):
            fh.writelines(",".join(map(spreadsheet_cell, types, row)) + "\r\n" for row in batch)
    return path
