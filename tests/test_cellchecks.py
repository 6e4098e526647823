"""Cells typed and constrained as frictionless does it, on the edge cases of its readers."""

from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
from frictionless import fields

from plandata.check.cellchecks import constraint_failures, read_columns, stream_columns, type_column

# (field type, cell text): what frictionless's own reader makes of it is the expected value.
CELLS = [
    *[("integer", t) for t in ("5", " 7 ", "+3", "-12", "007", "1_000", "1.0", "五", "1e3")],
    *[("number", t) for t in ("2.5", " 10 ", "1e-7", ".5", "5.", "NaN", "-Infinity", "约10", "10%", "1,000")],
    *[("boolean", t) for t in ("true", "False", "1", "0", "yes", "是")],
]
FRICTIONLESS = {"integer": fields.IntegerField, "number": fields.NumberField, "boolean": fields.BooleanField}


@pytest.mark.parametrize(("kind", "text"), CELLS, ids=[f"{k}:{t}" for k, t in CELLS])
def test_cell_typed_as_frictionless_types_it(kind: str, text: str) -> None:
    expected, notes = FRICTIONLESS[kind](name="x").read_cell(text)
    column = type_column(pa.array([text, "1"]), kind)  # a second, castable value beside it
    got = column.typed[0].as_py()
    assert column.type_error[0].as_py() == bool(notes and "type" in notes)
    if isinstance(expected, Decimal):
        assert got == pytest.approx(float(expected), nan_ok=True)
    else:
        assert got == expected


def test_empty_cell_is_missing_not_a_type_error() -> None:
    column = type_column(pa.array(["", "3"]), "integer")
    assert column.missing.to_pylist() == [True, False] and column.type_error.to_pylist() == [False, False]


PATTERN_CELLS = ["plan_a:m0001", "Plan_A", "plan a", "plan_a\n", ""]


@pytest.mark.parametrize("text", PATTERN_CELLS)
def test_pattern_as_python_re_matches_it(text: str) -> None:
    field = {"name": "x", "type": "string", "constraints": {"pattern": r"^[a-z0-9][a-z0-9_:.\-]*$"}}
    _value, notes = fields.StringField.from_descriptor(field).read_cell(text)
    failures = constraint_failures(field, type_column(pa.array([text]), "string"))
    assert failures["pattern"][0].as_py() == bool(notes and "pattern" in notes)


@pytest.mark.parametrize("text", ["0", "-1", "2101", "NaN", "五", ""])
def test_bounds_skip_type_errors_and_fail_nan(text: str) -> None:
    field = {"name": "x", "type": "number", "constraints": {"required": True, "minimum": 0, "maximum": 2100}}
    _value, notes = fields.NumberField.from_descriptor(field).read_cell(text)
    failures = constraint_failures(field, type_column(pa.array([text]), "number"))
    assert {name for name, mask in failures.items() if mask[0].as_py()} == set(notes or {}) - {"type"}


def test_streamed_batches_hold_the_same_cells(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "measures.csv"
    rows = [f'"plan_a:m{i:04d}","措施{i}","第一行\n第二行"' for i in range(200)]
    path.write_text('"measure_id","title","text"\n' + "\n".join(rows) + "\n", encoding="utf-8")
    names = ["measure_id", "title", "text"]
    batches = list(stream_columns(path, names, block_bytes=1024))
    whole, wrong_width = read_columns(path, names)
    assert len(batches) > 1 and not wrong_width
    assert pa.concat_tables(batches).equals(whole)
    only = list(stream_columns(path, names, block_bytes=1024, include=["title"]))
    assert pa.concat_tables(only).column_names == ["title"]
    assert pa.concat_tables(only).column("title").equals(whole.column("title"))


def _table_file(path: Path, rows: int) -> list[str]:
    lines = [f'"plan_a:m{i:04d}","措施{i}"' for i in range(rows)]
    path.write_text('"measure_id","title"\n' + "\n".join(lines) + "\n", encoding="utf-8")
    return ["measure_id", "title"]


def test_compressed_table_is_streamed_like_the_plain_one(tmp_path: Path) -> None:
    names = _table_file(tmp_path / "t.csv", 300)
    (tmp_path / "t.csv.gz").write_bytes(gzip.compress((tmp_path / "t.csv").read_bytes()))
    plain = pa.concat_tables(stream_columns(tmp_path / "t.csv", names, block_bytes=1024))
    assert pa.concat_tables(stream_columns(tmp_path / "t.csv.gz", names, block_bytes=1024)).equals(plain)
    assert plain.num_rows == 300


def test_unreadable_table_fails_as_arrows_threaded_reader_says(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    names = _table_file(path, 300)
    data = path.read_bytes()
    path.write_bytes(data.replace("措施250".encode(), b"\xff\xfe", 1))  # not UTF-8, a few batches in
    with pytest.raises(pa.ArrowInvalid) as streamed:
        list(stream_columns(path, names, block_bytes=1024))
    read = pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=1024)  # threads: as before
    convert = pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
    with pytest.raises(pa.ArrowInvalid) as threaded:
        pa_csv.open_csv(path, read_options=read, convert_options=convert).read_all()
    assert str(streamed.value) == str(threaded.value) and "Row #" not in str(streamed.value)
