"""One document's rows, as a worker hands them on and the cache keeps them.

Sent between processes as one Arrow IPC stream per table: pickling an
Arrow table walks its columns in Python and costs four times as much.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from plandata.model import Agency


def ipc_stream(table: pa.Table) -> pa.Buffer:
    """`table` as one Arrow IPC stream."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as stream:
        stream.write_table(table)
    return sink.getvalue()


@dataclass(frozen=True)
class DocumentRows:
    """What a worker sends back for one document: its rows (Arrow), agencies and warnings."""

    document_id: str
    tables: dict[str, pa.Table]
    agencies: tuple[Agency, ...]
    warnings: tuple[str, ...]
    text_layer: str | None = None  # the extracted text of a non-text source, kept in the package
    cache: str = "off"  # hit | miss | off (see BuildSummary.cache)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        streams = {name: ipc_stream(table) for name, table in self.tables.items()}
        fields = (self.document_id, streams, self.agencies, self.warnings, self.text_layer, self.cache)
        return _document_rows_from_streams, fields


def _document_rows_from_streams(
    document_id: str,
    streams: dict[str, pa.Buffer],
    agencies: tuple[Agency, ...],
    warnings: tuple[str, ...],
    text_layer: str | None,
    cache: str,
) -> DocumentRows:
    tables = {name: pa.ipc.open_stream(stream).read_all() for name, stream in streams.items()}
    return DocumentRows(document_id, tables, agencies, warnings, text_layer, cache)
