"""One document's rows, as a worker hands them on and the cache keeps them.

A worker sends a document's rows as plain columns (`Columns`: pickled in C,
nothing to convert), and the parent gathers the columns of many documents
before converting them to Arrow once (`RowBatches`): a conversion costs about
as much for one row as for a thousand.  The cache keeps Arrow tables; they are
sent between processes as one Arrow IPC stream per table: pickling an Arrow
table walks its columns in Python and costs four times as much.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pyarrow as pa

from plandata.model import Agency
from plandata.package.tables import TABLES_BY_NAME, Columns, columns_table

# Documents whose rows are gathered before they are converted and written.
BATCH_DOCUMENTS = 64


def ipc_stream(table: pa.Table) -> pa.Buffer:
    """`table` as one Arrow IPC stream."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as stream:
        stream.write_table(table)
    return sink.getvalue()


@dataclass(frozen=True)
class DocumentRows:
    """What a worker sends back for one document: its rows (Arrow or plain columns), agencies and warnings."""

    document_id: str
    tables: dict[str, pa.Table | Columns]
    agencies: tuple[Agency, ...]
    warnings: tuple[str, ...]
    text_layer: str | None = None  # the extracted text of a non-text source, kept in the package
    cache: str = "off"  # hit | miss | off (see BuildSummary.cache)
    # Rows per table where `tables` is left empty (a document of a `DocumentChunk`, whose rows are the chunk's).
    row_counts: dict[str, int] | None = None

    def arrow(self) -> DocumentRows:
        """The same rows with every table as Arrow (what the cache stores)."""
        tables = {name: _as_arrow(name, data) for name, data in self.tables.items()}
        return replace(self, tables=tables)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        streams = {name: ipc_stream(t) if isinstance(t, pa.Table) else t for name, t in self.tables.items()}
        fields = (self.document_id, streams, self.agencies, self.warnings, self.text_layer, self.cache, self.row_counts)
        return _document_rows_from_streams, fields


def rows_of(data: pa.Table | Columns) -> int:
    """Rows of an Arrow table or of plain columns."""
    if isinstance(data, pa.Table):
        return data.num_rows
    return len(next(iter(data.values()))) if data else 0


def _as_arrow(name: str, data: pa.Table | Columns) -> pa.Table:
    return data if isinstance(data, pa.Table) else columns_table(TABLES_BY_NAME[name], data)


def _document_rows_from_streams(
    document_id: str,
    streams: dict[str, pa.Buffer | Columns],
    agencies: tuple[Agency, ...],
    warnings: tuple[str, ...],
    text_layer: str | None,
    cache: str,
    row_counts: dict[str, int] | None,
) -> DocumentRows:
    tables = {name: pa.ipc.open_stream(s).read_all() if isinstance(s, pa.Buffer) else s for name, s in streams.items()}
    return DocumentRows(document_id, tables, agencies, warnings, text_layer, cache, row_counts)


@dataclass(frozen=True)
class DocumentChunk:
    """The rows of a few consecutive documents, converted to Arrow at once by the worker that made them.

    One Arrow table per table for them all (sent as IPC streams), and each
    document's agencies, warnings and text layer (its own tables left empty).
    """

    tables: dict[str, pa.Table]
    documents: tuple[DocumentRows, ...]

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return _chunk_from_streams, ({name: ipc_stream(t) for name, t in self.tables.items()}, self.documents)


def _chunk_from_streams(streams: dict[str, pa.Buffer], documents: tuple[DocumentRows, ...]) -> DocumentChunk:
    return DocumentChunk({name: pa.ipc.open_stream(s).read_all() for name, s in streams.items()}, documents)


def chunk_rows(rows: Iterable[DocumentRows]) -> DocumentChunk:
    """The rows of consecutive documents as one `DocumentChunk`."""
    batches = RowBatches(sys.maxsize)
    documents = []
    for document in rows:
        batches.add(document)
        counts = {name: rows_of(data) for name, data in document.tables.items()}
        documents.append(replace(document, tables={}, row_counts=counts))
    return DocumentChunk(dict(batches.flush()), tuple(documents))


class RowBatches:
    """The rows of consecutive documents, gathered per table and handed on as one Arrow table per batch.

    Plain columns are extended, Arrow tables (cache hits) kept as they come;
    every `batch` documents, and at `flush`, each table's pieces become one
    Arrow table, in document order.  The rows are the same whatever the batch.
    """

    def __init__(self, batch: int = BATCH_DOCUMENTS) -> None:
        self.batch = batch
        self._pieces: dict[str, list[pa.Table | Columns]] = {}
        self._documents = 0

    def add(self, rows: DocumentRows) -> list[tuple[str, pa.Table]]:
        """Take one document's rows; the batches complete with it, as (table name, rows), else nothing."""
        return self.add_tables(rows.tables, 1)

    def add_tables(self, tables: dict[str, pa.Table | Columns], documents: int) -> list[tuple[str, pa.Table]]:
        """Take the rows of `documents` consecutive documents (see `add`)."""
        for name, data in tables.items():
            pieces = self._pieces.setdefault(name, [])
            if isinstance(data, pa.Table) or not pieces or isinstance(pieces[-1], pa.Table):
                pieces.append(data if isinstance(data, pa.Table) else {k: list(v) for k, v in data.items()})
            else:
                for field, values in data.items():
                    pieces[-1][field].extend(values)
        self._documents += documents
        return self.flush() if self._documents >= self.batch else []

    def flush(self) -> list[tuple[str, pa.Table]]:
        """Every table's gathered rows as one Arrow table each (tables without rows left out)."""
        out = []
        for name, pieces in self._pieces.items():
            tables = [_as_arrow(name, piece) for piece in pieces]
            data = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
            if data.num_rows:
                out.append((name, data))
        self._pieces, self._documents = {}, 0
        return out
