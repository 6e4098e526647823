"""Worksheet data rows: the cell-by-cell writer and a column-wise fast path that writes the same bytes.

XlsxWriter spends about 4 µs of Python on every cell (`write_string`,
`write_number`, then `_write_cell` when the row is flushed), which made the
workbook the slowest consumer file.  In constant_memory mode a worksheet
streams each finished row as XML text into a temporary file, so
`write_batch` renders a whole Arrow record batch column by column with
pyarrow.compute into exactly the XML XlsxWriter would have streamed, and
appends it to that file.  Cells that need XlsxWriter's rarer rules (control
characters, `_xHHHH_` look-alikes, rich-string look-alikes, cells long
enough to be cut) are rendered one by one with XlsxWriter's own helpers.
`write_cell` stays the reference: the header, the data dictionary and any
batch the fast path does not cover go through it, and
tests/test_xlsx_rows.py checks that both paths give byte-identical files.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from xlsxwriter.format import Format
from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from plandata.export.spreadsheet_csv import FORMULA_TRIGGERS, starts_formula
from plandata.rules.rule_regex import whitespace

EXCEL_MAX_CELL_CHARS = 32_767
TRUNCATION_NOTE = "…[truncated: Excel cells hold at most 32767 characters; see data/*.csv]"

# The characters Python's `re` matches with `\s` in a str pattern (str.isspace()),
# which XlsxWriter's `_preserve_whitespace` looks for at either end of a cell;
# RE2's `\s` is ASCII-only, so the class is spelled out.  A test checks the list.
PYTHON_WHITESPACE = "".join(sorted(whitespace()))
_SPACE_CLASS = "[" + "".join(f"\\x{{{ord(ch):X}}}" for ch in PYTHON_WHITESPACE) + "]"
_EDGE_SPACE = f"^{_SPACE_CLASS}|{_SPACE_CLASS}$"
_FORMULA_START = "^[" + "".join(f"\\x{{{ord(ch):X}}}" for ch in FORMULA_TRIGGERS) + "]"
# Text XlsxWriter rewrites before writing: control characters, U+FFFE/U+FFFF and
# literal `_xHHHH_` become `_xHHHH_` escapes (see `_escape_control_characters`).
_NEEDS_ESCAPES = r"[\x00-\x08\x0b-\x1f\x{FFFE}\x{FFFF}]|_x[0-9a-fA-F]{4}_"
# Anything that is not plain text for XlsxWriter: a formula-like start, whitespace at
# either end, XML-special characters, or what `_escape_control_characters` rewrites.
_UNUSUAL_TEXT = f"{_FORMULA_START}|{_EDGE_SPACE}|[&<>]|{_NEEDS_ESCAPES}"
_PLAIN_TEXT_HEAD = '" t="inlineStr"><is><t>'
# Longer text may be cut: by `fit_cell`, or by XlsxWriter at 32767 UTF-16 units (it checks past half that).
_LONG_TEXT = EXCEL_MAX_CELL_CHARS // 2
_EXACT_INT = 2**53  # integers below this print the same with `.16G` (via float) as with str()


def fit_cell(text: str) -> str:
    """Text cut to Excel's cell limit, saying so."""
    if len(text) <= EXCEL_MAX_CELL_CHARS:
        return text
    return text[: EXCEL_MAX_CELL_CHARS - len(TRUNCATION_NOTE)] + TRUNCATION_NOTE


def write_cell(sheet: Worksheet, row: int, col: int, field_type: str, value: Any, text_marked: Format) -> None:
    """One cell through XlsxWriter: the reference for what `write_batch` writes."""
    if value is None:
        return
    if field_type in ("integer", "number"):
        sheet.write_number(row, col, value)
    elif field_type == "boolean":
        sheet.write_boolean(row, col, value)
    else:
        text = fit_cell(str(value))
        sheet.write_string(row, col, text, text_marked if starts_formula(text) else None)


def write_batch_plain(
    sheet: Worksheet, batch: pa.RecordBatch, first_row: int, types: Sequence[str], text_marked: Format
) -> None:
    """The rows of `batch` at sheet rows `first_row`, … written cell by cell."""
    columns = [column.to_pylist() for column in batch.columns]
    for offset, row in enumerate(zip(*columns, strict=True)):
        for col, (field_type, value) in enumerate(zip(types, row, strict=True)):
            write_cell(sheet, first_row + offset, col, field_type, value, text_marked)


def write_batch(
    sheet: Worksheet, batch: pa.RecordBatch, first_row: int, types: Sequence[str], text_marked: Format
) -> None:
    """The rows of `batch` at sheet rows `first_row`, …: the same bytes as `write_batch_plain`, faster.

    Batches the renderer does not cover (NaN or infinite numbers, which
    XlsxWriter rejects; sheets with row or column formats) go cell by cell.
    """
    if not (_stream_takes_rows(sheet, first_row + batch.num_rows - 1) and _numbers_finite(batch, types)):
        write_batch_plain(sheet, batch, first_row, types, text_marked)
        return
    filled = [col for col, column in enumerate(batch.columns) if column.null_count < len(column)]
    if not filled:
        return  # no cell at all: XlsxWriter writes nothing
    has_cell = _rows_with_cells(batch, filled)
    rows = pc.indices_nonzero(has_cell) if has_cell is not None else None
    first, last = (0, batch.num_rows - 1) if rows is None else (rows[0].as_py(), rows[-1].as_py())
    _open_rows(sheet, (first_row + first, filled[0]), (first_row + last, filled[-1]))
    numbers = pc.cast(pa.array(range(first_row + 1, first_row + batch.num_rows + 1), pa.int64()), pa.string())

    def marked_style() -> int:
        return _style_index(text_marked)

    cells = [_cells(sheet, types[col], batch.column(col), xl_col_to_name(col), numbers, marked_style) for col in filled]
    xml = pc.binary_join_element_wise('<row r="', numbers, '">', *cells, "</row>", "")
    if has_cell is not None:
        xml = xml.filter(has_cell)
    _append_rows(sheet, _joined(xml), first_row + last)


def _numbers_finite(batch: pa.RecordBatch, types: Sequence[str]) -> bool:
    """False when a number column holds NaN or ±inf."""
    for field_type, column in zip(types, batch.columns, strict=True):
        if field_type == "number" and pc.any(pc.invert(pc.is_finite(column))).as_py():
            return False
    return True


def _rows_with_cells(batch: pa.RecordBatch, filled: list[int]) -> pa.BooleanArray | None:
    """Which rows have a cell (rows of only nulls write nothing); None when every row has one."""
    if any(batch.column(col).null_count == 0 for col in filled):
        return None
    has_cell = batch.column(filled[0]).is_valid()
    for col in filled[1:]:
        has_cell = pc.or_(has_cell, batch.column(col).is_valid())
    return has_cell


def _cells(
    sheet: Worksheet,
    field_type: str,
    column: pa.Array,
    letters: str,
    numbers: pa.StringArray,
    marked_style: Callable[[], int],
) -> pa.StringArray:
    """The `<c>` elements of one column ("" where the value is null)."""
    ref = f'<c r="{letters}'
    if field_type == "integer":
        cells = pc.binary_join_element_wise(ref, numbers, '"><v>', _integer_text(column), "</v></c>", "")
    elif field_type == "number":
        text = pa.array([None if x is None else f"{x:.16G}" for x in column.to_pylist()], pa.string())
        cells = pc.binary_join_element_wise(ref, numbers, '"><v>', text, "</v></c>", "")
    elif field_type == "boolean":
        value = pc.if_else(column, "1", "0")
        cells = pc.binary_join_element_wise(ref, numbers, '" t="b"><v>', value, "</v></c>", "")
    else:
        cells = _text_cells(sheet, column, letters, numbers, marked_style)
    return cells.fill_null("")


def _integer_text(column: pa.Array) -> pa.StringArray:
    """Integers as XlsxWriter prints them (`.16G`, which goes through float for huge ones)."""
    bounds = pc.min_max(column)
    if max(abs(bounds["min"].as_py()), abs(bounds["max"].as_py())) < _EXACT_INT:
        return pc.cast(column, pa.string())
    return pa.array([None if n is None else f"{n:.16G}" for n in column.to_pylist()], pa.string())


def _text_cells(
    sheet: Worksheet, column: pa.Array, letters: str, numbers: pa.StringArray, marked_style: Callable[[], int]
) -> pa.StringArray:
    """Inline-string cells; text that is not plain for XlsxWriter (few cells, usually) is restyled separately."""
    cells = pc.binary_join_element_wise(f'<c r="{letters}', numbers, _PLAIN_TEXT_HEAD, column, "</t></is></c>", "")
    # One regex pass over the text; the byte length bounds the character length from above.
    unusual = pc.or_(pc.match_substring_regex(column, _UNUSUAL_TEXT), pc.greater(pc.binary_length(column), _LONG_TEXT))
    if not pc.any(unusual).as_py():
        return cells
    mask = unusual.fill_null(False)
    indices = pc.indices_nonzero(mask)
    styled = _styled_text_cells(sheet, column.take(indices), letters, numbers.take(indices), marked_style)
    return pc.replace_with_mask(cells, mask, styled)


def _styled_text_cells(
    sheet: Worksheet, column: pa.StringArray, letters: str, numbers: pa.StringArray, marked_style: Callable[[], int]
) -> pa.StringArray:
    """Text cells (no nulls) with the quote-prefix style on formula-like text, xml:space on edge spaces, &<> escaped."""
    marked = pc.match_substring_regex(column, _FORMULA_START)
    style = f' s="{marked_style()}"' if pc.any(marked).as_py() else ""
    preserve = pc.match_substring_regex(column, _EDGE_SPACE)
    head = pc.if_else(
        marked,
        pc.if_else(preserve, f'"{style} t="inlineStr"><is><t xml:space="preserve">', f'"{style} t="inlineStr"><is><t>'),
        pc.if_else(preserve, '" t="inlineStr"><is><t xml:space="preserve">', _PLAIN_TEXT_HEAD),
    )
    escaped = column
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):  # & first, as XlsxWriter does
        escaped = pc.replace_substring(escaped, char, entity)
    cells = pc.binary_join_element_wise(f'<c r="{letters}', numbers, head, escaped, "</t></is></c>", "")
    rare = pc.or_(
        pc.or_(pc.greater(pc.utf8_length(column), _LONG_TEXT), pc.match_substring_regex(column, _NEEDS_ESCAPES)),
        pc.starts_with(column, "<r>"),
    )
    if not pc.any(rare).as_py():
        return cells
    indices = pc.indices_nonzero(rare).to_pylist()
    texts = column.take(indices).to_pylist()
    refs = numbers.take(indices).to_pylist()
    rendered = [_rare_text_cell(sheet, letters + n, text, marked_style) for n, text in zip(refs, texts, strict=True)]
    return pc.replace_with_mask(cells, rare, pa.array(rendered, pa.string()))


def _rare_text_cell(sheet: Worksheet, ref: str, text: str, marked_style: Callable[[], int]) -> str:
    """One text cell the slow way, step by step as `write_cell` + XlsxWriter's `_write_string`/`_write_cell`."""
    text = fit_cell(text)
    style = f' s="{marked_style()}"' if starts_formula(text) else ""
    if len(text) > sheet.xls_strmax // 2 and _utf16_len(text) > sheet.xls_strmax:
        text = _utf16_truncate(text, sheet.xls_strmax)
    text = sheet._escape_control_characters(text)
    if text.startswith("<r>") and text.endswith("</r>"):  # XlsxWriter takes this for rich-string XML
        return f'<c r="{ref}"{style} t="inlineStr"><is>{text}</is></c>'
    space = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{sheet._escape_data(text)}</t></is></c>'


def _joined(strings: pa.StringArray) -> pa.Buffer:
    """All strings of an array (no nulls) as one UTF-8 buffer, a view of its data buffer."""
    _, offsets, data = strings.buffers()
    bounds = memoryview(offsets).cast("i")  # int32 offsets, native byte order as Arrow keeps them
    start, end = bounds[strings.offset], bounds[strings.offset + len(strings)]
    return data[start:end]


# XlsxWriter internals (3.3.1): the row stream's bookkeeping, kept to the four functions
# below (`_rare_text_cell` also calls XlsxWriter's own text helpers, so that rare cells follow
# its rules by construction; the tests compare both paths).  In constant_memory mode a
# worksheet holds the cells of one row (`table`, for row `previous_row`) and writes it to
# `row_data_fh` as XML when a cell of a later row arrives (`_write_single_row`); every cell
# write widens dim_rowmin/dim_rowmax/dim_colmin/dim_colmax (`_check_dimensions`), which give
# the sheet's <dimension>.  A row is bare `<row r="N">` unless the sheet has row formats,
# heights, comments, column formats or the Excel 2010 extensions, and a cell's `s` is its
# format's `_get_xf_index()`, numbered in order of first use.


def _stream_takes_rows(sheet: Worksheet, last_row: int) -> bool:
    """True when the sheet streams rows the way `write_batch` renders them, up to `last_row`."""
    return (
        sheet.constant_memory
        and last_row < sheet.xls_rowmax
        and not sheet.row_info
        and not sheet.comments
        and sheet.excel_version == 2007
        and sheet.default_row_height == sheet.original_row_height
        and all(info.column_format is None for info in sheet.col_info.values())
    )


def _open_rows(sheet: Worksheet, first_cell: tuple[int, int], last_cell: tuple[int, int]) -> None:
    """Book cells from `first_cell` to `last_cell` (row, col) and write out the row still held, as a write would."""
    for row, col in (first_cell, last_cell):
        sheet._check_dimensions(row, col)
    if first_cell[0] > sheet.previous_row:
        sheet._write_single_row(first_cell[0])


def _append_rows(sheet: Worksheet, xml: pa.Buffer, last_row: int) -> None:
    """Add finished rows (UTF-8 XML) to the row stream; nothing is held, the next write follows `last_row`."""
    stream = sheet.row_data_fh  # a text file: UTF-8, newlines translated to os.linesep
    if os.linesep == "\n" and codecs.lookup(stream.encoding).name == "utf-8":
        stream.flush()  # what XlsxWriter wrote through the text layer goes first
        stream.buffer.write(xml)  # the bytes the text layer would have made, without decoding and encoding them
    else:
        stream.write(xml.to_pybytes().decode("utf-8"))
    sheet.previous_row = last_row


def _style_index(cell_format: Format) -> int:
    """The `s` attribute of cells in `cell_format` (numbers a format on first use, as XlsxWriter does)."""
    return cell_format._get_xf_index()
