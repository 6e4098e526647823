"""What a validation found (`Report`), and the Parquet check both validators share.

Kept apart from `validate.py` and `fastvalidate.py` so that the two
validators and the JSON Schema check all build on it without importing one
another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from plandata.package.tables import Table, arrow_schema

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
