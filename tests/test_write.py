"""The streaming table writer: the same bytes however rows arrive, and bounded holdings."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from plandata.package.tables import TABLES_BY_NAME
from plandata.package.write import TableWriter

REAL_PACKAGE = Path(__file__).parents[1] / "datapackage"


def _measures() -> pa.Table:
    return pq.read_table(REAL_PACKAGE / "data" / "measures.parquet")


def _write(rows: pa.Table, batches: list[int], out: Path, row_group: int = 10) -> TableWriter:
    """Write `rows` in batches of the given sizes with a small row group and compaction."""
    out.mkdir()
    writer = TableWriter(TABLES_BY_NAME["measures"], out, row_group=row_group, compact_every=4)
    start = 0
    for size in batches:
        writer.append(rows.slice(start, size))
        start += size
    assert start == rows.num_rows
    writer.close()
    return writer


def _random_batches(total: int, seed: int) -> list[int]:
    rng, sizes = random.Random(seed), []
    while total:
        sizes.append(min(total, rng.randint(1, 15)))
        total -= sizes[-1]
    return sizes


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bytes_do_not_depend_on_batching(tmp_path: Path, seed: int) -> None:
    rows = _measures()
    whole = _write(rows, [rows.num_rows], tmp_path / "whole")
    pieces = _write(rows, _random_batches(rows.num_rows, seed), tmp_path / "pieces")
    assert whole.csv_path.read_bytes() == pieces.csv_path.read_bytes()
    assert whole.parquet_path.read_bytes() == pieces.parquet_path.read_bytes()
    parquet = pq.ParquetFile(pieces.parquet_path)
    sizes = [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)]
    assert sizes[:-1] == [10] * (len(sizes) - 1) and 0 < sizes[-1] <= 10
    assert parquet.read().equals(rows)


def test_one_row_at_a_time_holds_few_tables(tmp_path: Path) -> None:
    """One row per append (the documents table) never piles up small tables."""
    rows = _measures()
    (tmp_path / "one").mkdir()
    writer = TableWriter(TABLES_BY_NAME["measures"], tmp_path / "one", row_group=1_000, compact_every=4)
    most = 0
    for i in range(rows.num_rows):
        writer.append(rows.slice(i, 1))
        most = max(most, writer.waiting_tables)
    writer.close()
    # Without compaction every row would wait as its own table.
    assert rows.num_rows > 16 and most <= rows.num_rows // 4 + 4 < rows.num_rows
    assert pq.read_table(writer.parquet_path).equals(rows)
