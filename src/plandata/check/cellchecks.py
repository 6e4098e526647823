"""Cells of a CSV table read and checked in Arrow, exactly as frictionless reads and checks them.

Used by `fastvalidate`.  Every cell is read as text (empty cells as ""),
then typed the way frictionless types it: values are stripped and parsed
with `int` / `Decimal` semantics; booleans use frictionless's default true
and false values.  Columns Arrow casts in one step are typed in C++; a column
holding a value Arrow cannot cast has its distinct values parsed in Python,
so the result is exact either way.  Constraints are checked only on cells
without a type error, in the order frictionless checks them.
"""

from __future__ import annotations

import csv
import io
import mmap
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

TRUE_VALUES = ("true", "True", "TRUE", "1")  # frictionless's defaults
FALSE_VALUES = ("false", "False", "FALSE", "0")
# Order in which frictionless checks a cell's constraints, by field type.
CONSTRAINT_ORDER = {
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
    "integer": ("required", "minimum", "maximum", "enum"),
    "number": ("required", "minimum", "maximum", "enum"),
    "boolean": ("required", "enum"),
}
_ARROW_TYPES = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "string": pa.string()}


@dataclass
class Column:
    """One CSV column: its text, which cells are empty, typed values and type errors."""

    text: pa.Array
    missing: pa.Array  # bool
    typed: pa.Array  # null where empty or not of the type
    type_error: pa.Array  # bool
    _matches: dict[str, pa.Array] = field(default_factory=dict, repr=False, compare=False)

    def matches(self, regex: str) -> pa.Array:
        """Whether RE2 finds `regex` in each typed value (null where empty); computed once per regex."""
        if regex not in self._matches:
            self._matches[regex] = pc.match_substring_regex(self.typed, regex)
        return self._matches[regex]


_NO_ROWS = np.zeros(0, dtype=np.int64)


def mask_array(mask: pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy, null as False."""
    return pc.fill_null(mask, False).to_numpy(zero_copy_only=False)


def rows_where(mask: pa.Array) -> np.ndarray:
    """Index of the true values of a boolean Arrow array."""
    return np.flatnonzero(mask_array(mask)) if mask.true_count else _NO_ROWS


def read_header(path: Path) -> list[str]:
    """The first record of a CSV file."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return next(csv.reader(fh), [])


class WidthError(Exception):
    """A row has too few or too many cells (the streaming reader cannot number it)."""


STREAM_BLOCK_BYTES = 8 * 2**20  # bigger blocks cost memory and gain no speed; a row must fit in one
_COMPRESSED = (".gz", ".bz2", ".lz4", ".zst", ".br")  # suffixes Arrow decompresses when given the path


def _csv_options(names: list[str], on_invalid: Any) -> tuple[pa_csv.ParseOptions, pa_csv.ConvertOptions]:
    parse = pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_invalid)
    convert = pa_csv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False
    )
    return parse, convert


class _MappedFile:
    """A file mapped into memory, for Arrow to read without copies; the pages already parsed are given back.

    Arrow's streaming reader reads about 32 blocks ahead of the batch it
    returns: read from a path, that is 32 copies of 8 MB.  Read from the
    mapping, a block is a view, and its pages are touched only when parsed
    (dropping them from this process costs nothing: they stay in the page
    cache, and would be read again if touched).
    """

    def __init__(self, path: Path, block_bytes: int) -> None:
        with path.open("rb") as fh:
            self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        self.source = pa.BufferReader(pa.py_buffer(self._map))
        self._block, self._released = block_bytes, 0

    def parsed(self, batches: int) -> None:
        """`batches` batches were returned: the blocks before the last one are done with."""
        upto = (batches - 1) * self._block // mmap.PAGESIZE * mmap.PAGESIZE
        if upto > self._released and hasattr(mmap, "MADV_DONTNEED"):
            self._map.madvise(mmap.MADV_DONTNEED, self._released, min(upto, len(self._map)) - self._released)
            self._released = upto
        # (the mapping is closed when Arrow lets go of it: never while a view of it is alive)


def stream_columns(
    path: Path, names: list[str], block_bytes: int | None = None, include: list[str] | None = None
) -> Iterator[pa.Table]:
    """The cells as text (only the columns `include`, if given), in batches of about `block_bytes`.

    Default `STREAM_BLOCK_BYTES`.  Raises WidthError on a row of the wrong width.
    """
    wrong_width: list[int] = []

    def on_invalid(row: pa_csv.InvalidRow) -> str:
        wrong_width.append(row.actual_columns)
        return "skip"

    parse, convert = _csv_options(names, on_invalid)
    if include is not None:
        convert.include_columns = include
    block = block_bytes or STREAM_BLOCK_BYTES
    # One thread: more gain nothing here (measured) and parse blocks ahead, costing memory.
    read = pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=block, use_threads=False)
    mapped = None if path.suffix in _COMPRESSED or not path.stat().st_size else _MappedFile(path, block)
    try:
        source = path if mapped is None else mapped.source
        with pa_csv.open_csv(source, read_options=read, parse_options=parse, convert_options=convert) as reader:
            for count, batch in enumerate(reader, start=1):
                if wrong_width:
                    raise WidthError(path.name)
                yield pa.Table.from_batches([batch])
                if mapped is not None:
                    mapped.parsed(count)
    except pa.ArrowInvalid:
        _raise_as_worded_before(path, names, read)
        raise
    if wrong_width:
        raise WidthError(path.name)


def _raise_as_worded_before(path: Path, names: list[str], read: pa_csv.ReadOptions) -> None:
    """Raise the error of a file Arrow cannot read as its threaded reader words it (without row numbers)."""
    parse, convert = _csv_options(names, lambda _row: "skip")
    threaded = pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=read.block_size, use_threads=True)
    with pa_csv.open_csv(path, read_options=threaded, parse_options=parse, convert_options=convert) as reader:
        for _batch in reader:
            pass


def read_columns(path: Path, names: list[str]) -> tuple[pa.Table, list[tuple[int, int]]]:
    """All cells as text, empty cells as "", and the (row number, cell count) of rows of the wrong width.

    Rows of the wrong width are cut or padded with empty cells, as
    frictionless reads them (a missing cell is empty), and kept in place.
    """
    invalid: list[tuple[int | None, int, str]] = []

    def on_invalid(row: pa_csv.InvalidRow) -> str:
        invalid.append((row.number, row.actual_columns, row.text))
        return "skip"

    parse, convert = _csv_options(names, on_invalid)
    # Row numbers are known only to the single-threaded reader.
    read_options = pa_csv.ReadOptions(column_names=names, skip_rows=1, use_threads=False)
    table = pa_csv.read_csv(path, read_options=read_options, parse_options=parse, convert_options=convert)
    if not invalid:
        return table, []
    width = len(names)
    fixed = [(next(csv.reader(io.StringIO(text, newline=""))) + [""] * width)[:width] for _n, _c, text in invalid]
    extra = pa.table([pa.array(col, pa.string()) for col in zip(*fixed, strict=True)], names=names)
    numbers = np.array([n for n, _c, _t in invalid], dtype=np.int64)
    valid = np.setdiff1d(np.arange(2, 2 + table.num_rows + len(invalid)), numbers)
    order = np.argsort(np.concatenate([valid, numbers]), kind="stable")
    return pa.concat_tables([table, extra]).take(order), [(int(n), cells) for n, cells, _t in invalid]


def _parse_python(kind: str, text: str) -> Any:
    """A cell parsed exactly as frictionless parses it; None when it is not of the type."""
    try:
        if kind == "integer":
            return int(text.strip())
        return float(Decimal(text.strip()))
    except (ValueError, ArithmeticError):
        return None


def type_column(text: pa.Array | pa.ChunkedArray, kind: str) -> Column:
    """Typed values of a text column, as frictionless reads them."""
    text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
    missing = pc.equal(text, "")
    empty = missing.true_count
    present = pc.if_else(missing, pa.scalar(None, pa.string()), text) if empty else text
    if kind == "string":
        typed = present
    elif kind == "boolean":
        typed = pc.if_else(
            pc.is_in(present, pa.array(TRUE_VALUES)),
            True,
            pc.if_else(pc.is_in(present, pa.array(FALSE_VALUES)), False, pa.scalar(None, pa.bool_())),
        )
    else:
        try:
            typed = pc.cast(present, _ARROW_TYPES[kind])
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            distinct = pc.unique(present.drop_null())
            parsed = pa.array([_parse_python(kind, t) for t in distinct.to_pylist()], _ARROW_TYPES[kind])
            typed = pc.take(parsed, pc.index_in(present, value_set=distinct))
    if typed.null_count == empty:  # null only where empty: no type error (the usual case, decided in one step)
        type_error = pc.not_equal(missing, missing)
    else:
        type_error = pc.and_(pc.invert(missing), pc.is_null(typed))
    return Column(text, missing, typed, type_error)


def constraint_failures(field: dict[str, Any], column: Column) -> dict[str, pa.Array]:
    """Boolean masks of the cells failing each constraint, for cells without a type error."""
    constraints = field.get("constraints", {})
    kind = field.get("type", "string")
    value = column.typed
    fails: dict[str, pa.Array] = {}
    checked: pa.Array | None = None  # cells neither empty nor of the wrong type
    for name in CONSTRAINT_ORDER.get(kind, ()):
        if name not in constraints:
            continue
        bound = constraints[name]
        if name == "required":
            if bound:
                fails[name] = column.missing
            continue
        if name == "minLength":
            bad = pc.less(pc.utf8_length(value), bound)
        elif name == "maxLength":
            bad = pc.greater(pc.utf8_length(value), bound)
        elif name == "pattern":
            bad = _pattern_failures(column, bound)
        elif name == "enum":
            allowed = pa.array(
                [_parse_python(kind, str(v)) if kind in ("integer", "number") else v for v in bound], value.type
            )
            bad = pc.invert(pc.is_in(value, value_set=allowed))
        else:  # minimum / maximum; NaN fails both, as in frictionless
            out = pc.less(value, bound) if name == "minimum" else pc.greater(value, bound)
            bad = pc.or_(out, pc.is_nan(value)) if kind == "number" else out
        if checked is None:
            checked = pc.invert(pc.or_(column.type_error, column.missing))
        fails[name] = pc.and_(checked, pc.fill_null(bad, False))
    return fails


def _pattern_failures(column: Column, pattern: str) -> pa.Array:
    # frictionless matches `^pattern$` with Python's re; RE2 agrees on every
    # value it accepts, so only the values it rejects are re-checked in Python.
    regex = f"^{pattern}$"
    value = column.typed
    bad = pc.invert(column.matches(regex))
    rejected = pc.unique(pc.filter(value, pc.fill_null(bad, False)))
    if not len(rejected):
        return bad
    compiled = re.compile(regex)
    really = pa.array([t for t in rejected.to_pylist() if not compiled.match(t)], pa.string())
    return pc.is_in(value, value_set=really)
