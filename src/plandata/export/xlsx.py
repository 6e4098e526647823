"""The Excel workbook: one sheet per table and a data-dictionary sheet.

Cells keep their types (integers and numbers as numbers, booleans as
booleans, empty cells blank) and text is always written as a string, never
parsed as a formula.  Text that a spreadsheet would read as a formula when
someone edits the cell gets the "quote prefix" style, Excel's own marker for
text typed after an apostrophe: the value stays exactly as in the data.
The file is a function of the data files: XlsxWriter stamps every zip
member with a fixed 1980 date and the document properties carry the
release date.  Sheets are streamed from the Parquet files a record batch at a
time; `xlsx_rows` writes the data rows.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from plandata import RELEASE_DATE, __version__
from plandata.export.xlsx_rows import EXCEL_MAX_CELL_CHARS as EXCEL_MAX_CELL_CHARS
from plandata.export.xlsx_rows import TRUNCATION_NOTE as TRUNCATION_NOTE
from plandata.export.xlsx_rows import fit_cell as fit_cell
from plandata.export.xlsx_rows import write_batch, write_batch_plain, write_cell
from plandata.package.datadict import DICTIONARY_COLUMNS, dictionary_rows
from plandata.package.rows import BATCH_ROWS, parquet_path, row_count, samples
from plandata.package.tables import TABLES, Table

DICTIONARY_SHEET = "data_dictionary"
ABOUT_SHEET = "about"
# LibreOffice's CSV filter for the workbook, which the README and the about sheet give.  A plain
# `--convert-to csv` writes the first sheet only, in a Western character set (`???` for Chinese,
# whatever the locale; seen with LibreOffice 7.4).  Tokens: comma, double quote, UTF-8 (76), from
# line 1, standard cell format, language 0, quote text cells (numbers stay bare), detect special
# numbers, values not as shown, no formulas, keep spaces, every sheet (-1: one `<file>-<sheet>.csv`
# each, LibreOffice 7.2+).
LIBREOFFICE_CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,false,false,false,-1"
EXCEL_MAX_ROWS = 1_048_576
MIN_WIDTH, MAX_WIDTH = 6, 60


_WIDE = frozenset("WF")  # east-Asian width classes that take two columns


def display_width(text: str) -> int:
    """Columns `text` takes on screen: wide (CJK) characters count two."""
    if text.isascii():  # no ASCII character is wide; ids, numbers and enums are ASCII
        return len(text)
    return len(text) + sum(map(_WIDE.__contains__, map(unicodedata.east_asian_width, text)))


def column_width(header: str, cells: list[str]) -> int:
    """A readable width: the widest cell or header (+2 for the filter button), clamped."""
    # A character is at least one column wide, so MAX_WIDTH characters decide the clamped width.
    widest = max([display_width(header) + 2, *(display_width(c[:MAX_WIDTH]) for c in cells)])
    return max(MIN_WIDTH, min(MAX_WIDTH, widest))


class _Formats:
    """The few cell formats the workbook uses."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1})
        self.text_marked = book.add_format({"quote_prefix": True})


def _add_sheet(
    book: xlsxwriter.Workbook,
    name: str,
    columns: list[tuple[str, str]],
    shape: tuple[list[list[Any]], int],
    formats: _Formats,
) -> Worksheet:
    """A sheet with a frozen, filterable header row; widths fitted to `shape`'s sample rows.

    Rows follow in order (the workbook is in constant-memory mode).
    """
    sample, total = shape
    sheet = book.add_worksheet(name)
    for col, (header, _) in enumerate(columns):
        sheet.set_column(col, col, column_width(header, ["" if r[col] is None else str(r[col]) for r in sample]))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(total, 1), len(columns) - 1)
    for col, (header, _) in enumerate(columns):
        sheet.write_string(0, col, header, formats.header)
    return sheet


def sheet_names(table: str, rows: int, max_rows: int = EXCEL_MAX_ROWS) -> list[str]:
    """Sheets holding a table: `table`, then `table_2`, `table_3` … when it outgrows one sheet."""
    parts = max(1, -(-rows // (max_rows - 1)))  # the header takes a row of every sheet
    return [table] + [f"{table}_{n}" for n in range(2, parts + 1)]


def _take_rows(batches: Iterator[pa.RecordBatch], held: list[pa.RecordBatch], count: int) -> Iterator[pa.RecordBatch]:
    """The next `count` rows of `batches`, as batches; the rest of a cut batch waits in `held` for the next call."""
    while count > 0:
        batch = held.pop() if held else next(batches)
        if batch.num_rows > count:
            held.append(batch.slice(count))
            batch = batch.slice(0, count)
        count -= batch.num_rows
        yield batch


def _write_table(
    book: xlsxwriter.Workbook,
    package_dir: Path,
    table: Table,
    sample: list[list[Any]],
    formats: _Formats,
    max_rows: int,
    cell_by_cell: bool = False,
) -> None:
    """A table's sheets: Excel stops at `max_rows` rows, so a longer table continues on the next sheet."""
    columns = [(f.name, f.type) for f in table.fields]
    types = [f.type for f in table.fields]
    total = row_count(package_dir, table)
    parquet = pq.ParquetFile(parquet_path(package_dir, table))
    batches = parquet.iter_batches(batch_size=BATCH_ROWS, columns=table.field_names)
    held: list[pa.RecordBatch] = []
    write_rows = write_batch_plain if cell_by_cell else write_batch
    per_sheet = max_rows - 1
    for part, name in enumerate(sheet_names(table.name, total, max_rows)):
        count = min(per_sheet, total - part * per_sheet)
        sheet = _add_sheet(book, name, columns, (sample, count), formats)
        first_row = 1
        for batch in _take_rows(batches, held, count):
            write_rows(sheet, batch, first_row, types, formats.text_marked)
            first_row += batch.num_rows


def _write_dictionary(book: xlsxwriter.Workbook, first_rows: dict[str, list[Any]], formats: _Formats) -> None:
    """The data-dictionary sheet: one row per column of every table (a few hundred cells, written one by one)."""
    dictionary = [[entry[c] for c, _ in DICTIONARY_COLUMNS] for entry in dictionary_rows(first_rows)]
    columns = list(DICTIONARY_COLUMNS)
    sheet = _add_sheet(book, DICTIONARY_SHEET, columns, (dictionary, len(dictionary)), formats)
    for row_number, row in enumerate(dictionary, start=1):
        for col, (_, field_type) in enumerate(columns):
            write_cell(sheet, row_number, col, field_type, row[col], formats.text_marked)


def about_rows(descriptor: dict[str, Any]) -> list[tuple[str, str]]:
    """What the workbook is, its licences and how to cite it, from the package's `datapackage.json`."""
    licences = "; ".join(f"{x.get('title', x['name'])}: {x.get('path', '')}" for x in descriptor.get("licenses", []))
    creators = ", ".join(c["title"] for c in descriptor.get("contributors", []) if "title" in c)
    return [
        ("title", descriptor.get("title", "")),
        ("version", str(descriptor.get("version", ""))),
        ("created", str(descriptor.get("created", ""))),
        ("licence", licences),
        (
            "attribution",
            f"{creators}, {descriptor.get('title', '')}, version {descriptor.get('version', '')}"
            f" ({descriptor.get('homepage', '')})",
        ),  # fmt: skip
        ("homepage", descriptor.get("homepage", "")),
        ("description", descriptor.get("description", "")),
        ("sources", f"{len(descriptor.get('sources', []))} documents; see the documents sheet"),
        ("data dictionary", f"the {DICTIONARY_SHEET} sheet, and README.md in the package"),
        ("CSV with LibreOffice", f"soffice --headless --convert-to '{LIBREOFFICE_CSV_FILTER}' plandata.xlsx"),
    ]


def _write_about(book: xlsxwriter.Workbook, package_dir: Path, formats: _Formats) -> None:
    rows = about_rows(json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8")))
    columns = [("field", "string"), ("value", "string")]
    sheet = _add_sheet(book, ABOUT_SHEET, columns, ([list(r) for r in rows], len(rows)), formats)
    for row_number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            write_cell(sheet, row_number, col, "string", value, formats.text_marked)


def write_workbook(
    package_dir: Path, path: Path, max_rows: int = EXCEL_MAX_ROWS, *, cell_by_cell: bool = False
) -> Path:
    """Write every table of the package and its data dictionary to the workbook at `path`.

    `max_rows` is Excel's limit of rows per sheet (tests lower it to see a table continue on a second sheet).
    `cell_by_cell` writes every cell through XlsxWriter's own calls: several times slower, the same
    bytes; the tests compare the two.
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
        _write_table(book, package_dir, table, sample, formats, max_rows, cell_by_cell)
    _write_dictionary(book, first_rows, formats)
    _write_about(book, package_dir, formats)  # last: tools that read "the first sheet" get the data
    book.close()
    return path
