"""Rows read back from the package: check-jsonschema validates them; pandas and polars get the declared types."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from consumers_support import ROOT, build_real_package
from plandata.package.rows import iter_batches, row_count, sample_rows
from plandata.package.tables import TABLES

SCHEMAS = ROOT / "schemas"
PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}
POLARS_TYPES = {"string": pl.String, "integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_real_package(tmp_path_factory.mktemp("rows") / "datapackage")


def _check_jsonschema() -> str:
    found = shutil.which("check-jsonschema") or str(Path(sys.executable).with_name("check-jsonschema"))
    assert Path(found).exists(), "check-jsonschema is required (pip install check-jsonschema)"
    return found


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_check_jsonschema_validates_rows(table, package: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = []
    for batch in iter_batches(package, table):
        for row in batch:
            path = tmp_path / f"row{len(files):06d}.json"
            path.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
            files.append(str(path))
    assert files and len(files) == row_count(package, table)
    result = subprocess.run(
        [_check_jsonschema(), "--schemafile", str(SCHEMAS / f"{table.name}.json"), *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_check_jsonschema_rejects_a_bad_row(package: Path, tmp_path: Path) -> None:
    row = sample_rows(package, TABLES[1], 1)[0] | {"kind": "not_a_kind", "level": "1"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [_check_jsonschema(), "--schemafile", str(SCHEMAS / f"{TABLES[1].name}.json"), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "not_a_kind" in result.stdout and "'1' is not of type 'integer'" in result.stdout


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_pandas_reads_declared_types(table, package: Path) -> None:  # type: ignore[no-untyped-def]
    parquet = pd.read_parquet(package / "data" / f"{table.name}.parquet", dtype_backend="numpy_nullable")
    dtypes = {f.name: PANDAS_TYPES[f.type] for f in table.fields}
    csv = pd.read_csv(package / "data" / f"{table.name}.csv", dtype=dtypes, keep_default_na=False, na_values=[""])
    for frame in (parquet, csv):
        assert list(frame.columns) == table.field_names
        assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == dtypes
    pd.testing.assert_frame_equal(parquet, csv, check_dtype=False)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_polars_reads_declared_types(table, package: Path) -> None:  # type: ignore[no-untyped-def]
    schema = {f.name: POLARS_TYPES[f.type] for f in table.fields}
    parquet = pl.read_parquet(package / "data" / f"{table.name}.parquet")
    csv = pl.read_csv(package / "data" / f"{table.name}.csv", schema=schema)
    assert parquet.schema == pl.Schema(schema)
    assert csv.equals(parquet)
    for field in table.fields:
        if field.required:
            assert parquet[field.name].null_count() == 0
