"""The Excel workbook: one sheet per table and a data-dictionary sheet.

Cells keep their types (integers and numbers as numbers, booleans as
booleans, empty cells blank) and text is always written as a string, never
parsed as a formula.  Text that a spreadsheet would read as a formula when
someone edits the cell gets the "quote prefix" style, Excel's own marker for
text typed after an apostrophe: the value stays exactly as in the data.
The file is a function of the data files: XlsxWriter stamps every zip
member with a fixed 1980 date and the document properties carry the
release date.  Sheets are streamed row by row from the Parquet files.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any

import xlsxwriter

from plandata import RELEASE_DATE, __version__
from plandata.consumers.datadict import DICTIONARY_COLUMNS, dictionary_rows
from plandata.consumers.rows import iter_row_tuples, row_count, samples
from plandata.consumers.spreadsheet_csv import starts_formula
from plandata.tables import TABLES, Table

DICTIONARY_SHEET = "data_dictionary"
EXCEL_MAX_CELL_CHARS = 32_767
EXCEL_MAX_ROWS = 1_048_576
TRUNCATION_NOTE = "…[truncated: Excel cells hold at most 32767 characters; see data/*.csv]"
MIN_WIDTH, MAX_WIDTH = 6, 60


def display_width(text: str) -> int:
    """Columns `text` takes on screen: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(header: str, cells: list[str]) -> int:
    """A readable width: the widest cell or header (+2 for the filter button), clamped."""
    # A character is at least one column wide, so MAX_WIDTH characters decide the clamped width.
    widest = max([display_width(header) + 2, *(display_width(c[:MAX_WIDTH]) for c in cells)])
    return max(MIN_WIDTH, min(MAX_WIDTH, widest))


def fit_cell(text: str) -> str:
    """Text cut to Excel's cell limit, saying so."""
    if len(text) <= EXCEL_MAX_CELL_CHARS:
        return text
    return text[: EXCEL_MAX_CELL_CHARS - len(TRUNCATION_NOTE)] + TRUNCATION_NOTE


class _Formats:
    """The few cell formats the workbook uses."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1})
        self.text_marked = book.add_format({"quote_prefix": True})


def _write_cell(sheet: Any, row: int, col: int, field_type: str, value: Any, formats: _Formats) -> None:
    if value is None:
        return
    if field_type in ("integer", "number"):
        sheet.write_number(row, col, value)
    elif field_type == "boolean":
        sheet.write_boolean(row, col, value)
    else:
        text = fit_cell(str(value))
        sheet.write_string(row, col, text, formats.text_marked if starts_formula(text) else None)


def _write_sheet(
    book: xlsxwriter.Workbook,
    name: str,
    columns: list[tuple[str, str]],
    rows: Iterable[Sequence[Any]],
    shape: tuple[list[list[Any]], int],
    formats: _Formats,
) -> None:
    """A sheet with a frozen, filterable header row; widths fitted to `shape`'s sample rows.

    Rows are written in order (the workbook is in constant-memory mode).
    """
    sample, total = shape
    sheet = book.add_worksheet(name)
    for col, (header, _) in enumerate(columns):
        sheet.set_column(col, col, column_width(header, ["" if r[col] is None else str(r[col]) for r in sample]))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(total, 1), len(columns) - 1)
    for col, (header, _) in enumerate(columns):
        sheet.write_string(0, col, header, formats.header)
    for row_number, row in enumerate(rows, start=1):
        for col, (_, field_type) in enumerate(columns):
            _write_cell(sheet, row_number, col, field_type, row[col], formats)


def sheet_names(table: str, rows: int, max_rows: int = EXCEL_MAX_ROWS) -> list[str]:
    """Sheets holding a table: `table`, then `table_2`, `table_3` … when it outgrows one sheet."""
    parts = max(1, -(-rows // (max_rows - 1)))  # the header takes a row of every sheet
    return [table] + [f"{table}_{n}" for n in range(2, parts + 1)]


def _write_table(
    book: xlsxwriter.Workbook,
    package_dir: Path,
    table: Table,
    sample: list[list[Any]],
    formats: _Formats,
    max_rows: int,
) -> None:
    """A table's sheets: Excel stops at `max_rows` rows, so a longer table continues on the next sheet."""
    columns = [(f.name, f.type) for f in table.fields]
    total = row_count(package_dir, table)
    rows = chain.from_iterable(iter_row_tuples(package_dir, table))
    per_sheet = max_rows - 1
    for part, name in enumerate(sheet_names(table.name, total, max_rows)):
        count = min(per_sheet, total - part * per_sheet)
        _write_sheet(book, name, columns, islice(rows, count), (sample, count), formats)


def write_workbook(package_dir: Path, path: Path, max_rows: int = EXCEL_MAX_ROWS) -> Path:
    """Write every table of the package and its data dictionary to the workbook at `path`.

    `max_rows` is Excel's limit of rows per sheet (tests lower it to see a table continue on a second sheet).
    """
    # constant_memory streams each sheet through a temporary file; XlsxWriter
    # stamps those files 1980-01-31, so the zip is the same on every build.
    book = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    released = datetime.fromisoformat(RELEASE_DATE).replace(tzinfo=UTC)
    book.set_properties(
        {
            "title": "plandata",
            "subject": f"plandata {__version__}",
            "author": "plandata developers",
            "comments": "Generated by plandata; see README.md",
            "created": released,
        }
    )
    formats = _Formats(book)
    first_rows = samples(package_dir)
    for table in TABLES:
        sample = [[row[name] for name in table.field_names] for row in first_rows[table.name]]
        _write_table(book, package_dir, table, sample, formats, max_rows)
    dictionary = [[entry[c] for c, _ in DICTIONARY_COLUMNS] for entry in dictionary_rows(first_rows)]
    _write_sheet(book, DICTIONARY_SHEET, list(DICTIONARY_COLUMNS), dictionary, (dictionary, len(dictionary)), formats)
    book.close()
    return path
