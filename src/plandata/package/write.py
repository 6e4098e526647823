"""Stage 6a: write the tables as CSV and Parquet plus `datapackage.json`.

Everything written is a function of the tables and the package metadata:
no clocks, no hash-ordered iteration, so the same raw/ gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from plandata import __version__
from plandata.package.assemble import Tables
from plandata.package.datadict import write_readme
from plandata.package.package_meta import file_stats, package_descriptor, write_descriptor
from plandata.package.tables import TABLES, Table, arrow_schema

DATA_DIR = "data"
Mirror = Callable[[str, pa.Table], None]
PARQUET_ROW_GROUP = 50_000
# Appends gathered before they are copied into one run (see `TableWriter._compact`).
COMPACT_EVERY = 64


def arrow_table(table: Table, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows of a table as an Arrow table with the table's schema."""
    schema = arrow_schema(table)
    # Column lists convert several times faster than `from_pylist` over row dicts.
    columns = {name: [row[name] for row in rows] for name in schema.names}
    return pa.Table.from_pydict(columns, schema=schema) if rows else schema.empty_table()


def _copy(data: pa.Table) -> pa.Table:
    """`data` in freshly allocated contiguous buffers (not a view of anything else)."""
    # `concat_arrays` always allocates, even for one chunk or a slice (`combine_chunks` returns a lone
    # chunk as it is), and copies strings five times faster than `take`.
    columns = [pa.concat_arrays(c.chunks) if c.num_chunks else c.combine_chunks() for c in data.columns]
    return pa.Table.from_arrays(columns, schema=data.schema)


class TableWriter:
    """The CSV and Parquet files of one table, written batch by batch as documents arrive.

    CSV: UTF-8 without BOM, LF line ends, header first, written by pyarrow
    (strings and the header quoted, numbers and booleans bare, null as an
    empty cell).  Parquet: zstd, with statistics, in row groups of exactly
    `PARQUET_ROW_GROUP` rows, so the bytes do not depend on how the rows
    were batched.
    """

    def __init__(
        self,
        table: Table,
        data_dir: Path,
        row_group: int = PARQUET_ROW_GROUP,
        compact_every: int = COMPACT_EVERY,
        mirror: Mirror | None = None,
    ) -> None:
        self.schema = arrow_schema(table)
        self.name = table.name
        self.mirror = mirror
        self.row_group, self.compact_every = row_group, compact_every
        self.csv_path = data_dir / f"{table.name}.csv"
        self.parquet_path = self.csv_path.with_suffix(".parquet")
        self.rows = 0
        self._csv: pa_csv.CSVWriter | None = pa_csv.CSVWriter(str(self.csv_path), self.schema)
        self._parquet: pq.ParquetWriter | None = None
        self._pending: list[pa.Table] = []  # compacted runs of rows waiting for their row group
        self._fresh: list[pa.Table] = []  # rows as they arrived, not yet compacted
        self._pending_rows = 0

    def append(self, data: pa.Table) -> None:
        """Append rows (an Arrow table with this table's schema)."""
        if not data.num_rows:
            return
        assert self._csv is not None, "append after close"
        self.rows += data.num_rows
        self._fresh.append(data)
        self._pending_rows += data.num_rows
        if self._pending_rows >= self.row_group:
            self._write_row_groups()
        elif len(self._fresh) >= self.compact_every:
            self._compact()

    @property
    def waiting_tables(self) -> int:
        """Arrow tables held for the next row group (bounded, whatever the number of appends)."""
        return len(self._pending) + len(self._fresh)

    def _compact(self) -> None:
        # Every small Arrow table costs about 16 KB of bookkeeping (the documents
        # table gets one row per document), and a table unpickled from a worker is
        # a view into that worker's message: one contiguous copy of the fresh
        # rows bounds both.  A lone table is left as it is (a long run from the
        # last build's snapshot, or one batch): copying it would only be done again.
        if len(self._fresh) > 1:
            self._pending.append(_copy(pa.concat_tables(self._fresh)))
        else:
            self._pending.extend(self._fresh)
        self._fresh = []

    def _write_row_groups(self, last: bool = False) -> None:
        """Write every whole row group of the rows waiting (and with `last`, the rest as the last group)."""
        self._compact()
        buffered = pa.concat_tables(self._pending)
        written = 0
        while buffered.num_rows - written >= self.row_group or (last and written < buffered.num_rows):
            size = min(self.row_group, buffered.num_rows - written)
            self._write(buffered.slice(written, size).combine_chunks())
            written += size
        rest = buffered.slice(written)
        self._pending = [_copy(rest)] if rest.num_rows else []  # a slice would keep the whole run alive
        self._pending_rows = rest.num_rows

    def _write(self, group: pa.Table) -> None:
        """One row group: CSV rows, Parquet row group and the mirror's copy (the same bytes however batched)."""
        assert self._csv is not None
        self._csv.write_table(group)
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.parquet_path, self.schema, compression="zstd", write_statistics=True)
        self._parquet.write_table(group, row_group_size=self.row_group)
        if self.mirror is not None:
            self.mirror(self.name, group)

    def close(self) -> None:
        """Write the last row group and close both files."""
        if self._csv is None:
            return
        if self._pending_rows:
            self._write_row_groups(last=True)
        self._csv.close()
        self._csv = None
        if self._parquet is None:
            pq.write_table(self.schema.empty_table(), self.parquet_path, compression="zstd", write_statistics=True)
        else:
            self._parquet.close()


# The columns of `documents` the descriptor's `sources` are made of (package_meta._source).
SOURCE_COLUMNS = ["title", "source_file", "sha256", "text_path", "source_url", "source_notes"]


class PackageWriter:
    """Write a package incrementally: `append` batches of rows, then `finish` with the descriptor.

    `mirror(table name, rows)`, when given, is handed every table's rows as
    they are written, in order, in a few long runs (the cache's snapshot of
    the package, package/snapshot.py).
    """

    def __init__(self, out_dir: Path, mirror: Mirror | None = None) -> None:
        self.out_dir = out_dir
        (out_dir / DATA_DIR).mkdir(parents=True, exist_ok=True)
        self.tables = {t.name: TableWriter(t, out_dir / DATA_DIR, mirror=mirror) for t in TABLES}
        # The descriptor lists every source document; keep only what it needs.
        self.sources: list[dict[str, Any]] = []

    def append(self, name: str, data: pa.Table) -> None:
        """Append rows to table `name`."""
        if name == "documents":
            self.sources.extend(data.select(SOURCE_COLUMNS).to_pylist())
        self.tables[name].append(data)

    def text_layer(self, path: str, text: str) -> None:
        """Keep the text layer of a non-text source at `path` (UTF-8, LF line ends)."""
        target = self.out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))

    @property
    def counts(self) -> dict[str, int]:
        return {name: writer.rows for name, writer in self.tables.items()}

    def close(self) -> None:
        """Close every data file (also after an error)."""
        for writer in self.tables.values():
            writer.close()

    def finish(self, metadata: dict[str, Any]) -> Path:
        """Close the data files, write `datapackage.json` and the README data dictionary; return the descriptor."""
        self.close()
        data_files = [f"{DATA_DIR}/{p.name}" for w in self.tables.values() for p in (w.csv_path, w.parquet_path)]
        stats = file_stats(self.out_dir, data_files)
        descriptor = package_descriptor({"documents": self.sources}, metadata, __version__, stats)
        path = write_descriptor(self.out_dir, descriptor)
        write_readme(self.out_dir)
        return path


def write_package(tables: Tables, metadata: dict[str, Any], out_dir: Path) -> Path:
    """Write data files and the descriptor into `out_dir`; return the descriptor path."""
    writer = PackageWriter(out_dir)
    try:
        for table in TABLES:
            writer.append(table.name, arrow_table(table, tables[table.name]))
        return writer.finish(metadata)
    finally:
        writer.close()
