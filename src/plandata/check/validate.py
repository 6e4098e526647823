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
from pathlib import Path
from typing import Any

from plandata.check.report import Report, check_parquet
from plandata.package.tables import TABLES, Table, json_schema


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
        from plandata.check.fastvalidate import validate_fast

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
