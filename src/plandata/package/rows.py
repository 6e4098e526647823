"""Read a package's rows back from its Parquet files, batch by batch.

The consumer files are made from the written data files, not from rows
held in memory: the build streams documents, and a batch at a time keeps
memory bounded by the batch, not by the corpus.  Parquet carries the
declared types, so values come back as int, float, bool, str or None.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from plandata.package.tables import TABLES, Table

Row = dict[str, Any]
BATCH_ROWS = 10_000
SAMPLE_ROWS = 1_000


def format_cell(value: Any) -> str:
    """A value as CSV-like text: empty for null, true/false, integral floats without `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value)


def parquet_path(package_dir: Path, table: Table) -> Path:
    """The Parquet file of a table inside a package folder."""
    return package_dir / "data" / f"{table.name}.parquet"


def iter_batches(
    package_dir: Path, table: Table, columns: list[str] | None = None, batch_rows: int = BATCH_ROWS
) -> Iterator[list[Row]]:
    """The rows of a table in file order, `batch_rows` at a time."""
    parquet = pq.ParquetFile(parquet_path(package_dir, table))
    for batch in parquet.iter_batches(batch_size=batch_rows, columns=columns):
        yield batch.to_pylist()


def read_columns(package_dir: Path, table: Table, columns: list[str]) -> pa.Table:
    """Whole columns of a table (ids and the like, for counting: not a table's text)."""
    return pq.ParquetFile(parquet_path(package_dir, table)).read(columns=columns)


def iter_row_tuples(package_dir: Path, table: Table) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of a table as tuples in field order, `BATCH_ROWS` at a time.

    Column-wise conversion is several times cheaper than dict rows; the
    writers of large files (workbook, database, spreadsheet CSV) use this.
    """
    parquet = pq.ParquetFile(parquet_path(package_dir, table))
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=table.field_names):
        yield list(zip(*(column.to_pylist() for column in batch.columns), strict=True))


def sample_rows(package_dir: Path, table: Table, limit: int = SAMPLE_ROWS) -> list[Row]:
    """The first `limit` rows of a table."""
    rows: list[Row] = []
    for batch in iter_batches(package_dir, table, batch_rows=limit):  # no more rows converted than needed
        rows.extend(batch[: limit - len(rows)])
        if len(rows) >= limit:
            break
    return rows


def samples(package_dir: Path) -> dict[str, list[Row]]:
    """The first rows of every table, for examples and column widths."""
    return {t.name: sample_rows(package_dir, t) for t in TABLES}


def row_count(package_dir: Path, table: Table) -> int:
    """Number of rows of a table, from the Parquet footer."""
    return pq.ParquetFile(parquet_path(package_dir, table)).metadata.num_rows
