"""Stage 6b: validate a built package three ways.

- Frictionless validates the CSV resources: types, constraints, primary and
  foreign keys.
- Every CSV row, typed by its table definition, is checked against the
  table's JSON Schema (the same schema as in `schemas/`).
- Every Parquet file is read back with pyarrow and must carry the table's
  arrow schema (types and nullability), have no nulls in required columns
  and hold exactly the rows of the CSV.  (frictionless 5.21 reads Parquet
  cell by cell through pandas and reports false type errors on nullable
  integer columns, so it is not used for Parquet.)
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from plandata.tables import TABLES, Table, arrow_schema, json_schema

MAX_ERRORS_PER_CHECK = 50


@dataclass
class Report:
    """Errors found, one readable line each, grouped by check."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    rows_checked: int = 0
    method: str = "frictionless, JSON Schema, Parquet"

    @property
    def valid(self) -> bool:
        return not any(self.errors.values())

    def add(self, check: str, message: str) -> None:
        bucket = self.errors.setdefault(check, [])
        if len(bucket) < MAX_ERRORS_PER_CHECK:
            bucket.append(message)

    def lines(self) -> list[str]:
        """The report as text lines."""
        if self.valid:
            return [f"valid: {self.rows_checked} rows checked ({self.method})"]
        out = ["invalid:"]
        for check, messages in self.errors.items():
            out.extend(f"  [{check}] {m}" for m in messages)
        return out


def typed_value(table_field_type: str, text: str) -> Any:
    """A CSV cell as the JSON value its field type implies (raises ValueError)."""
    if text == "":
        return None
    if table_field_type == "integer":
        return int(text)
    if table_field_type == "number":
        return float(text)
    if table_field_type == "boolean":
        if text not in ("true", "false"):
            raise ValueError(f"{text!r} is not true/false")
        return text == "true"
    return text


def read_typed_rows(table: Table, path: Path, report: Report) -> list[dict[str, Any]]:
    """Rows of a table's CSV with typed values; bad cells are reported."""
    types = {f.name: f.type for f in table.fields}
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != table.field_names:
            report.add("header", f"{path.name}: header {reader.fieldnames} differs from {table.field_names}")
            return []
        for line, raw in enumerate(reader, start=2):
            row = {}
            for name, text in raw.items():
                try:
                    row[name] = typed_value(types[name], text)
                except ValueError:
                    report.add("type", f"{path.name}, line {line}, {name}: {text!r} is not a {types[name]}")
                    row[name] = text
            rows.append(row)
    return rows


def check_json_schema(table: Table, rows: list[dict[str, Any]], report: Report, name: str) -> None:
    """Each row against the table's JSON Schema."""
    from jsonschema import Draft202012Validator  # (only the full path needs it: the fast path starts sooner)

    validator = Draft202012Validator(json_schema(table))
    for line, row in enumerate(rows, start=2):
        for error in validator.iter_errors(row):
            where = ".".join(str(p) for p in error.path) or "row"
            report.add("json-schema", f"{name}, line {line}, {where}: {error.message}")


def check_parquet(table: Table, path: Path, csv_rows: int, report: Report) -> None:
    """The Parquet file has the table's schema, its required cells, and the CSV's row count."""
    if not path.exists():
        report.add("parquet", f"{path.name}: missing")
        return
    parquet = pq.ParquetFile(path)
    schema, expected = parquet.schema_arrow, arrow_schema(table)
    if not schema.remove_metadata().equals(expected.remove_metadata()):
        report.add("parquet", f"{path.name}: schema {schema.remove_metadata()} differs from {expected}")
    if parquet.metadata.num_rows != csv_rows:
        report.add("parquet", f"{path.name}: {parquet.metadata.num_rows} rows, CSV has {csv_rows}")
    required = [f.name for f in table.fields if f.required and f.name in schema.names]
    nulls = dict.fromkeys(required, 0)
    for group in range(parquet.num_row_groups):
        for name in required:
            nulls[name] += _null_count(parquet, group, name)
    for name, count in nulls.items():
        if count:
            report.add("parquet", f"{path.name}, {name}: {count} nulls in a required column")


def _null_count(parquet: pq.ParquetFile, group: int, name: str) -> int:
    """Nulls of one column in one row group: from the statistics, else by reading that column chunk."""
    chunk = parquet.metadata.row_group(group).column(parquet.schema_arrow.get_field_index(name))
    if chunk.statistics is not None and chunk.statistics.has_null_count:
        return chunk.statistics.null_count
    return parquet.read_row_group(group, columns=[name]).column(name).null_count


def check_frictionless(descriptor: Path, report: Report) -> None:
    """Frictionless validation of the CSV resources, keys included."""
    from frictionless import Package

    package = Package(str(descriptor))
    result = package.validate()
    for task in result.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            where = f"{task.name}, row {row}" if row else task.name
            report.add("frictionless", f"{where}: {error.message}")
    for error in result.errors:
        report.add("frictionless", error.message)


def validate_package(package_dir: Path, full: bool = False) -> Report:
    """Validate the package in `package_dir`; the report says what is wrong.

    By default the fast path (`fastvalidate`) runs the same checks; `full`
    runs frictionless and jsonschema themselves.
    """
    if not full:
        from plandata.fastvalidate import validate_fast

        return validate_fast(package_dir)
    report = Report()
    descriptor = package_dir / "datapackage.json"
    if not descriptor.exists():
        report.add("package", f"{descriptor}: not found")
        return report
    try:
        json.loads(descriptor.read_text(encoding="utf-8"))
    except ValueError as error:
        report.add("package", f"{descriptor}: not valid JSON ({error})")
        return report
    for table in TABLES:
        path = package_dir / "data" / f"{table.name}.csv"
        if not path.exists():
            report.add("package", f"{path}: missing")
            continue
        rows = read_typed_rows(table, path, report)
        report.rows_checked += len(rows)
        check_json_schema(table, rows, report, path.name)
        check_parquet(table, path.with_suffix(".parquet"), len(rows), report)
    check_frictionless(descriptor, report)
    return report
