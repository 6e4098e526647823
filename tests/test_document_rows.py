"""RowBatches: the rows of many documents converted at once are the rows converted one document at a time."""

from __future__ import annotations

import pickle
from dataclasses import replace
from functools import cache
from pathlib import Path

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.build import document_rows
from plandata.package.document_rows import DocumentRows, RowBatches, chunk_rows, rows_of
from plandata.read.ingest import plan_sources


@cache
def _seed_rows() -> tuple[DocumentRows, ...]:
    sources, _ = plan_sources(Path("raw"))
    return tuple(document_rows(source) for source in sources)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 50), st.booleans()), min_size=1, max_size=12),
    st.integers(1, 5),
)
def test_batched_rows_are_the_rows_of_each_document_in_order(picks: list[tuple[int, bool]], batch: int) -> None:
    seeds = _seed_rows()
    docs = [seeds[k % len(seeds)].arrow() if as_arrow else seeds[k % len(seeds)] for k, as_arrow in picks]
    batches = RowBatches(batch)
    out: dict[str, list[pa.Table]] = {}
    for doc in docs:
        for name, data in batches.add(doc):
            out.setdefault(name, []).append(data)
    for name, data in batches.flush():
        out.setdefault(name, []).append(data)
    for name in docs[0].tables:
        expected = pa.concat_tables([doc.arrow().tables[name] for doc in docs])
        got = pa.concat_tables(out[name]) if name in out else expected.slice(0, 0)
        assert got.schema == expected.schema and got.equals(expected), name
    assert all(doc.tables == seeds[k % len(seeds)].tables for doc, (k, a) in zip(docs, picks, strict=True) if not a)


def test_a_chunk_crosses_processes_as_the_rows_of_its_documents() -> None:
    seeds = _seed_rows()
    chunk = pickle.loads(pickle.dumps(chunk_rows(seeds)))
    for name in seeds[0].tables:
        expected = pa.concat_tables([doc.arrow().tables[name] for doc in seeds])
        if expected.num_rows:
            assert chunk.tables[name].equals(expected) and chunk.tables[name].schema == expected.schema, name
        else:
            assert name not in chunk.tables
    # each document without its rows, which are the chunk's, but with how many it had of each table
    expected_documents = [
        replace(doc, tables={}, row_counts={name: rows_of(data) for name, data in doc.tables.items()}) for doc in seeds
    ]
    assert expected_documents == list(chunk.documents)
    assert sum(doc.row_counts["measures"] for doc in chunk.documents) == chunk.tables["measures"].num_rows  # type: ignore[index]
