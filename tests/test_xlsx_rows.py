"""The column-wise row writer writes the same bytes as XlsxWriter cell by cell.

`write_batch` renders a record batch into worksheet XML itself; the
reference is `write_batch_plain`, which goes through XlsxWriter's
`write_string`/`write_number`/`write_boolean`.  Both write a workbook of
the same rows (text that starts like a formula, with control characters,
XML-special characters, spaces at either end, `_xHHHH_` look-alikes,
cells too long for Excel; integers beyond float precision, floats such as
1e20, 0.1 and -0.0; nulls anywhere) and the files must be byte-identical.
"""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plandata.export.xlsx import ABOUT_SHEET, DICTIONARY_SHEET, sheet_names, write_workbook
from plandata.export.xlsx_rows import (
    EXCEL_MAX_CELL_CHARS,
    PYTHON_WHITESPACE,
    write_batch,
    write_batch_plain,
)
from plandata.package.tables import TABLES, Table

_ARROW = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
# Pieces of text XlsxWriter treats specially, one rule each.
_TRICKY = [
    *"=+-@\t\r\n",  # formula triggers and line breaks
    " ",
    "\u3000",  # ideographic space: whitespace to Python's re, not to RE2's \s
    "\xa0",
    "\x85",
    "\u2028",
    "&",
    "<",
    ">",
    '"',
    "'",
    "<r>",
    "</r>",
    "_x0041_",
    "_x00fF_",
    "_X0041_",
    "_x00G1_",
    "\x00",
    "\x01",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1f",
    "\x7f",
    "\ufffe",
    "\uffff",
    "字",
    "😀",
]
_PIECE = st.one_of(st.sampled_from(_TRICKY), st.text(max_size=3))
# The ends of a cell matter most (formula triggers, whitespace), so they get a piece of their own.
_TEXT = st.builds(
    lambda head, middle, tail: head + "".join(middle) + tail, _PIECE, st.lists(_PIECE, max_size=4), _PIECE
)
# Cells around the lengths where XlsxWriter counts UTF-16 units and `fit_cell` cuts: astral characters
# count two UTF-16 units, so "😀" * 20_000 is cut by XlsxWriter although it is under 32,767 characters.
HUGE_CELLS = [
    head + unit * count + tail
    for head in ("", "=", " ", "&", "<r>")
    for unit in ("字", "a", "😀", "&", "\x01")
    for count in (EXCEL_MAX_CELL_CHARS // 2, EXCEL_MAX_CELL_CHARS // 2 + 1, 20_000, EXCEL_MAX_CELL_CHARS + 1)
    for tail in ("", "</r>")
]
# One cell per rule, combined: what the random cells may miss.
CORNER_CELLS = [
    "",
    "<r>x</r>",
    "<r></r>",
    "<r>&\x01</r>",
    " <r>x</r>",
    "<r>x</r> ",
    "=<r>x</r>",
    "\x01<r>x</r>",
    "_x0041_",
    "_x0041_\x01",
    "\t=1",
    "\r=1",
    "\n",
    "\u3000",
    "\x1f",
    "a\x1c",
    "=\u3000",
    "-1 ",
    "@a&b<c>d",
    "\ufffe\uffff",
    "字\u2029",
]
_FLOATS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e20, 0.1, -0.0, 0.0, 5e-324, 1e16, 1e15 + 0.5, 0.30000000000000004, 2.0**53 + 2]),
)
_INTEGERS = st.one_of(st.integers(-1000, 10**6), st.integers(-(2**63), 2**63 - 1), st.just(2**53 + 1))
_VALUES = {
    "string": _TEXT,
    "integer": _INTEGERS,
    "number": _FLOATS,
    "boolean": st.booleans(),
}


def _cell(field_type: str) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), _VALUES[field_type])


def _rows(types: list[str], max_size: int) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    return st.lists(st.tuples(*(_cell(t) for t in types)), max_size=max_size)


def _write(path: Path, types: list[str], sheets: list[list[pa.RecordBatch]], fast: bool) -> bytes:
    """A workbook as the real one is made (constant memory, header row, quote-prefix format), one sheet per list."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    book.set_properties({"created": datetime(2020, 1, 1, tzinfo=UTC)})  # else the file holds the time of writing
    header = book.add_format({"bold": True})
    marked = book.add_format({"quote_prefix": True})
    write_rows = write_batch if fast else write_batch_plain
    try:
        for number, batches in enumerate(sheets):
            sheet = book.add_worksheet(f"s{number}")
            for col in range(len(types)):
                sheet.write_string(0, col, f"c{col}", header)
            first_row = 1
            for batch in batches:
                write_rows(sheet, batch, first_row, types, marked)
                first_row += batch.num_rows
    finally:
        book.close()
    return path.read_bytes()


def _batches(types: list[str], rows: list[tuple[Any, ...]], cuts: list[int]) -> list[pa.RecordBatch]:
    schema = pa.schema([pa.field(f"c{n}", _ARROW[t]) for n, t in enumerate(types)])
    bounds = [0, *sorted({min(c, len(rows)) for c in cuts}), len(rows)]
    return [
        pa.RecordBatch.from_pylist([dict(zip(schema.names, row, strict=True)) for row in rows[start:end]], schema)
        for start, end in pairwise(bounds)
    ]


@st.composite
def _sheets(draw: st.DrawFn) -> tuple[list[str], list[list[pa.RecordBatch]]]:
    types = draw(st.lists(st.sampled_from(list(_VALUES)), min_size=1, max_size=6))
    sheets = []
    for _ in range(draw(st.integers(1, 3))):
        rows = draw(_rows(types, 12))
        cuts = draw(st.lists(st.integers(0, 12), max_size=3))
        sheets.append(_batches(types, rows, cuts))
    return types, sheets


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_sheets())
def test_batches_write_the_same_bytes_as_cell_by_cell(tmp_path_factory: pytest.TempPathFactory, case: Any) -> None:
    types, sheets = case
    work = tmp_path_factory.mktemp("rows")
    assert _write(work / "fast.xlsx", types, sheets, True) == _write(work / "plain.xlsx", types, sheets, False)


@pytest.mark.parametrize(("name", "cells"), [("huge", HUGE_CELLS), ("corner", CORNER_CELLS)])
def test_special_cells_write_the_same_bytes(tmp_path: Path, name: str, cells: list[str]) -> None:
    """Every listed cell, then each of them after a formula-like cell (the style index is taken on first use)."""
    rows = [(cell, None) for cell in cells] + [(cell, "=x") for cell in cells]
    batches = _batches(["string", "string"], rows, [len(cells) // 2, len(cells)])
    fast = _write(tmp_path / "fast.xlsx", ["string", "string"], [batches], True)
    assert fast == _write(tmp_path / "plain.xlsx", ["string", "string"], [batches], False)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_numbers_xlsxwriter_rejects_are_rejected_alike(tmp_path: Path, value: float) -> None:
    batches = _batches(["number", "string"], [(1.5, "a"), (value, "b")], [])
    for fast in (True, False):
        with pytest.raises(TypeError, match="NAN/INF"):
            _write(tmp_path / f"{fast}.xlsx", ["number", "string"], [batches], fast)


def test_whitespace_class_is_what_python_re_calls_whitespace() -> None:
    every = "".join(map(chr, range(0x110000)))
    assert list(PYTHON_WHITESPACE) == re.findall(r"\s", every) == [ch for ch in every if ch.isspace()]


def _package(root: Path, tables: dict[str, list[dict[str, Any]]]) -> Path:
    """A package folder holding data/*.parquet, of the tables' types (every column nullable), and a descriptor."""
    (root / "data").mkdir(parents=True)
    (root / "datapackage.json").write_text('{"title": "t", "version": "0"}', encoding="utf-8")
    for table in TABLES:
        schema = pa.schema([pa.field(f.name, _ARROW[f.type]) for f in table.fields])
        pq.write_table(pa.Table.from_pylist(tables[table.name], schema), root / "data" / f"{table.name}.parquet")
    return root


def _table_rows(table: Table) -> st.SearchStrategy[list[dict[str, Any]]]:
    names = table.field_names
    return st.lists(st.tuples(*(_cell(f.type) for f in table.fields)), max_size=7).map(
        lambda rows: [dict(zip(names, row, strict=True)) for row in rows]
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.fixed_dictionaries({t.name: _table_rows(t) for t in TABLES}), st.integers(2, 5))
def test_workbook_is_the_same_as_cell_by_cell(
    tmp_path_factory: pytest.TempPathFactory, tables: dict[str, list[dict[str, Any]]], max_rows: int
) -> None:
    """The whole workbook, with tables continued over several sheets of `max_rows` rows."""
    work = tmp_path_factory.mktemp("book")
    package = _package(work / "package", tables)
    fast = write_workbook(package, work / "fast.xlsx", max_rows)
    plain = write_workbook(package, work / "plain.xlsx", max_rows, cell_by_cell=True)
    assert fast.read_bytes() == plain.read_bytes()
    with zipfile.ZipFile(fast) as book:
        written = re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode())
    sheets = [name for t in TABLES for name in sheet_names(t.name, len(tables[t.name]), max_rows)]
    assert written == [*sheets, DICTIONARY_SHEET, ABOUT_SHEET]


@pytest.mark.parametrize("cell_by_cell", [False, True], ids=["batches", "cell_by_cell"])
def test_both_paths_rewrite_the_committed_workbook(tmp_path: Path, cell_by_cell: bool) -> None:
    """The committed package's workbook, written again from its Parquet files, is byte for byte the same."""
    package = Path(__file__).parents[1] / "datapackage"
    again = write_workbook(package, tmp_path / "plandata.xlsx", cell_by_cell=cell_by_cell)
    assert again.read_bytes() == (package / "plandata.xlsx").read_bytes()
