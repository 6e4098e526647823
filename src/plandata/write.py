"""Stage 6a: write the tables as CSV and Parquet plus `datapackage.json`.

Everything written is a function of the tables and the package metadata:
no clocks, no hash-ordered iteration, so the same raw/ gives the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from plandata import __version__
from plandata.assemble import Tables
from plandata.package_meta import package_descriptor
from plandata.tables import TABLES, Table, arrow_schema

DATA_DIR = "data"
PARQUET_ROW_GROUP = 50_000


def format_cell(value: Any) -> str:
    """A cell as CSV text: empty for null, true/false, integral floats without `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value)


def csv_bytes(table: Table, rows: list[dict[str, Any]]) -> bytes:
    """The CSV of a table: UTF-8 without BOM, LF line ends, header row first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.field_names)
    for row in rows:
        writer.writerow([format_cell(row[name]) for name in table.field_names])
    return buffer.getvalue().encode("utf-8")


def write_parquet(table: Table, rows: list[dict[str, Any]], path: Path) -> None:
    """Parquet with the table's arrow schema, written in row groups."""
    schema = arrow_schema(table)
    arrow_table = pa.Table.from_pylist(rows, schema=schema) if rows else schema.empty_table()
    pq.write_table(arrow_table, path, row_group_size=PARQUET_ROW_GROUP, compression="zstd", write_statistics=True)


def write_package(tables: Tables, metadata: dict[str, Any], out_dir: Path) -> Path:
    """Write data files and the descriptor into `out_dir`; return the descriptor path."""
    (out_dir / DATA_DIR).mkdir(parents=True, exist_ok=True)
    stats = {}
    for table in TABLES:
        rows = tables[table.name]
        csv_path = out_dir / DATA_DIR / f"{table.name}.csv"
        csv_path.write_bytes(csv_bytes(table, rows))
        write_parquet(table, rows, csv_path.with_suffix(".parquet"))
        for path in (csv_path, csv_path.with_suffix(".parquet")):
            data = path.read_bytes()
            stats[f"{DATA_DIR}/{path.name}"] = (len(data), hashlib.sha256(data).hexdigest())
    descriptor = package_descriptor(tables, metadata, __version__, stats)
    path = out_dir / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
