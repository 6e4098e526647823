"""The rows of the last build into an output folder, kept so that the next build reuses its unchanged documents.

A nightly build over a corpus that grew by a few documents would otherwise
decode a cache entry per document (a third of a millisecond each, most of a
rebuild's time at thousands of documents).  After a build through the cache,
the rows it wrote are kept beside its record (package/uptodate.py) as one
uncompressed Arrow IPC file per table, `packages/<folder>.<n>/<table>.arrow`,
and an index with one row per document: its cache key, where its rows start
in each table and how many there are, its agencies (rows of a file of the
distinct agencies, each decoded once), warnings and text layer.
The next build into that folder memory-maps them and takes the documents whose
cache keys are unchanged straight from them, a run of consecutive ones at a
time (`Snapshot.run`): the same rows their cache entries hold, since the key
covers everything they depend on; only the changed documents are looked up in
the cache or processed.

Each file's sha256 is in the record and checked when the snapshot is opened:
a snapshot that does not match is not used (the entries serve instead).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from plandata.model import Agency
from plandata.package.cache import CorruptEntry, agency_from_json, agency_json
from plandata.package.document_rows import DocumentChunk, DocumentRows, rows_of
from plandata.package.tables import TABLES_BY_NAME, arrow_schema

SNAPSHOT_TABLES = ("documents", "measures", "indicators", "measure_agencies")
INDEX = "index.arrow"
AGENCIES = "agencies.arrow"  # every distinct agency mentioned, as JSON (a cache entry's form); the index points in
_AGENCIES_SCHEMA = pa.schema([("agency", pa.string())])
_INDEX_SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        ("document_id", pa.string()),
        *((f"{name}_start", pa.int64()) for name in SNAPSHOT_TABLES),
        *((f"{name}_rows", pa.int64()) for name in SNAPSHOT_TABLES),
        ("agencies", pa.string()),  # JSON list of rows of AGENCIES: a document's agencies, decoded once each
        ("warnings", pa.string()),  # JSON list
        ("text_layer", pa.string()),
    ]
)


def _file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class SnapshotWriter:
    """Write a snapshot into a new folder of `records_dir` as a build writes its package.

    `append` gets the same batches as the package's tables, `document` each
    document's own rows in the same order; `close` returns the folder's name
    and each file's sha256 for the record.
    """

    def __init__(self, records_dir: Path, stem: str) -> None:
        records_dir.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{stem}.", dir=records_dir))
        self._writers = {
            name: pa.ipc.new_file(str(self.folder / f"{name}.arrow"), arrow_schema(TABLES_BY_NAME[name]))
            for name in SNAPSHOT_TABLES
        }
        self._index: dict[str, list[object]] = {name: [] for name in _INDEX_SCHEMA.names}
        self._next = dict.fromkeys(SNAPSHOT_TABLES, 0)
        self._agencies: dict[Agency, int] = {}
        self.broken: str | None = None  # why the snapshot could not be written

    def append(self, name: str, data: pa.Table) -> None:
        """Rows of table `name` (`agencies` is made afresh from the index and not kept)."""
        if name in self._writers and self.broken is None:
            # Long runs, as the package's writer compacts them: the next build slices the table once per
            # document, and slicing a table of thousands of chunks (a cache hit's rows each) costs 0.5 ms.
            try:
                self._writers[name].write_table(data)
            except (OSError, pa.ArrowException) as error:  # a full disk spoils the snapshot, not the build
                self.broken = getattr(error, "strerror", None) or str(error)

    def document(self, key: str, rows: DocumentRows, warnings: tuple[str, ...]) -> None:
        """One document's place in the tables (its rows `append`ed, or about to be, in this order)."""
        index = self._index
        index["key"].append(key)
        index["document_id"].append(rows.document_id)
        for name in SNAPSHOT_TABLES:
            if rows.row_counts is not None:  # one of a chunk's documents: its rows are the chunk's
                count = rows.row_counts.get(name, 0)
            else:
                count = rows_of(rows.tables[name]) if name in rows.tables else 0
            index[f"{name}_start"].append(self._next[name])
            index[f"{name}_rows"].append(count)
            self._next[name] += count
        ids = [self._agencies.setdefault(agency, len(self._agencies)) for agency in rows.agencies]
        index["agencies"].append(json.dumps(ids))
        index["warnings"].append(json.dumps(list(warnings), ensure_ascii=False))
        index["text_layer"].append(rows.text_layer)

    def close(self) -> dict[str, str]:
        """Finish every file; their sha256 by file name (`OSError` if a write failed)."""
        if self.broken is not None:
            raise OSError(self.broken)
        for writer in self._writers.values():
            writer.close()
        with pa.ipc.new_file(str(self.folder / INDEX), _INDEX_SCHEMA) as writer:
            writer.write_table(pa.Table.from_pydict(self._index, schema=_INDEX_SCHEMA))
        agencies = [json.dumps(agency_json(a), ensure_ascii=False) for a in self._agencies]  # in id order
        with pa.ipc.new_file(str(self.folder / AGENCIES), _AGENCIES_SCHEMA) as writer:
            writer.write_table(pa.Table.from_pydict({"agency": agencies}, schema=_AGENCIES_SCHEMA))
        return {path.name: _file_sha256(path) for path in sorted(self.folder.iterdir())}

    def discard(self) -> None:
        """Remove the folder (the build failed, or the snapshot is not wanted)."""
        for writer in self._writers.values():
            with contextlib.suppress(OSError, pa.ArrowException):
                writer.close()
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass(frozen=True)
class _Place:
    row: int  # in the index
    document_id: str


class Snapshot:
    """A snapshot opened for reading: the tables memory-mapped, the index by cache key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.tables = {name: _read(folder / f"{name}.arrow") for name in SNAPSHOT_TABLES}
        self.index = _read(folder / INDEX)
        agencies = _read(folder / AGENCIES)
        if (
            agencies.schema != _AGENCIES_SCHEMA
            or self.index.schema != _INDEX_SCHEMA
            or any(t.schema != arrow_schema(TABLES_BY_NAME[n]) for n, t in self.tables.items())
        ):
            raise ValueError("a snapshot of another shape")
        keys = self.index.column("key").to_pylist()
        self._places = {key: row for row, key in enumerate(keys) if key}  # "": a document that could not be read
        self._columns: dict[str, list[object]] = {}
        self._agencies = [agency_from_json(json.loads(a)) for a in agencies.column("agency").to_pylist()]

    @classmethod
    def open(cls, folder: Path, sha256: dict[str, str]) -> Snapshot | None:
        """The snapshot in `folder` if its files are those of `sha256`; None otherwise (it is then not used)."""
        try:
            if sorted(p.name for p in folder.iterdir()) != sorted(sha256):
                return None
            if any(_file_sha256(folder / name) != digest for name, digest in sha256.items()):
                return None
            return cls(folder)
        except (OSError, ValueError, CorruptEntry, pa.ArrowException):
            return None

    def _column(self, name: str) -> list[object]:
        if name not in self._columns:
            self._columns[name] = self.index.column(name).to_pylist()
        return self._columns[name]

    def holds(self, key: str | None) -> bool:
        """Whether the snapshot has the rows of the document whose cache key is `key`."""
        return key in self._places

    def follows(self, before: str, key: str) -> bool:
        """Whether the rows of `key`'s document come right after those of `before`'s (both held)."""
        return self._places[key] == self._places[before] + 1

    def run(self, keys: list[str]) -> DocumentChunk:
        """The rows of consecutive documents (each `follows` the one before), as the last build wrote them.

        One slice of each table for them all, however many documents: a
        rebuild takes thousands of unchanged documents in a few such runs.
        """
        first, last = self._places[keys[0]], self._places[keys[-1]]
        assert last - first == len(keys) - 1, "documents not consecutive in the snapshot"
        tables = {}
        rows = {name: self._column(f"{name}_rows") for name in SNAPSHOT_TABLES}
        for name in SNAPSHOT_TABLES:
            start = self._column(f"{name}_start")[first]
            end = self._column(f"{name}_start")[last] + rows[name][last]  # type: ignore[operator]
            tables[name] = self.tables[name].slice(start, end - start)  # type: ignore[arg-type, operator]
        ids, agencies, warnings = self._column("document_id"), self._column("agencies"), self._column("warnings")
        layers = self.index.column("text_layer").slice(first, len(keys)).to_pylist()
        documents = []
        for row, layer in zip(range(first, last + 1), layers, strict=True):
            counts = {name: rows[name][row] for name in SNAPSHOT_TABLES}
            documents.append(
                DocumentRows(
                    ids[row],  # type: ignore[arg-type]
                    {},
                    tuple(self._agencies[i] for i in json.loads(agencies[row])),  # type: ignore[arg-type]
                    tuple(json.loads(warnings[row])),  # type: ignore[arg-type]
                    layer,
                    cache="hit",
                    row_counts=counts,  # type: ignore[arg-type]
                )
            )
        return DocumentChunk(tables, tuple(documents))


def _read(path: Path) -> pa.Table:
    """An Arrow IPC file, memory-mapped (its pages are read as they are used)."""
    return pa.ipc.open_file(pa.memory_map(str(path))).read_all()


def remove_other_snapshots(records_dir: Path, stem: str, keep: str | None) -> None:
    """Remove the snapshots of output folder `stem` but `keep` (a newer build's, or a failed one's)."""
    for folder in records_dir.glob(f"{stem}.*"):
        if folder.is_dir() and folder.name != keep:
            shutil.rmtree(folder, ignore_errors=True)
