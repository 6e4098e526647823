"""The orchestrator: chain the stages, then publish the package atomically.

read (ingest, normalise) → structure (parse) → extract (indicators,
agencies) → package (assemble, write) → export → check.  `process_document`
is the whole per-document pipeline, a pure function of one raw document, so
documents can be processed alone or in parallel.  `build` runs two steps
into a staging directory beside the output — *package* (CSV, Parquet,
descriptor, README) and *export* (workbook, database, spreadsheet CSVs, made
from the written package alone) — and swaps it in only after validation
passes: a failed or killed build leaves the previous package untouched.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path
from types import ModuleType

import pyarrow as pa

from plandata.check.report import Report
from plandata.check.validate import validate_package
from plandata.errors import SKIPPED, InputError, OutputError, ValidationFailed, internal_errors_named
from plandata.export import EXPORTS, export_package, export_steps
from plandata.model import DocumentResult, RawDocument
from plandata.package.assemble import AgencyMentions, Row, assemble
from plandata.package.cache import CorruptEntry, DocumentCache, entry_key, entry_key_of
from plandata.package.digest import described_digests, package_digest
from plandata.package.document_rows import DocumentChunk, DocumentRows, RowBatches, chunk_rows
from plandata.package.publish import check_output_dir, make_staging, swap_into_place
from plandata.package.snapshot import Snapshot, SnapshotWriter, remove_other_snapshots
from plandata.package.tables import AGENCIES, TABLES_BY_NAME, row_columns
from plandata.package.uptodate import (
    RECORDS,
    PackageRecord,
    SourceDigests,
    build_key,
    read_record,
    record_stem,
    save_record,
    up_to_date,
)
from plandata.package.write import PackageWriter, arrow_table
from plandata.read.ingest import (
    Source,
    UnreadableSource,
    check_content,
    plan_sources,
    read_source,
    read_source_bytes,
)
from plandata.read.metadata import document_metadata, text_layer_path
from plandata.read.normalise import OPENCC_CONFIG, normalise, opencc_version
from plandata.runner import Progress, StepReport, default_jobs, iter_results, no_steps


@dataclass
class BuildSummary:
    """What a build produced, for the one-screen summary."""

    out_dir: Path
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    unknown_agencies: list[str] = field(default_factory=list)
    report: Report | None = None
    # Wall seconds of each step, in order: package, export (each export named), validate.
    steps: dict[str, float] = field(default_factory=dict)
    # Documents served from the cache (hit), processed and stored (miss), and not cached (off: no cache,
    # unreadable, or the entry could not be written); empty without a cache.
    cache: dict[str, int] = field(default_factory=dict)
    cache_dir: Path | None = None
    # The package in out_dir was already what this build writes (package/uptodate.py): nothing was rewritten.
    up_to_date: bool = False


def process_document(raw: RawDocument) -> DocumentResult:
    """Run every per-document stage on one raw document; a crash in a stage names the document."""
    with internal_errors_named(raw.source_file):
        return _run_stages(raw)


def _stages() -> tuple[ModuleType, ModuleType, ModuleType, ModuleType]:
    """The structure and extract stages (parse, deadlines, indicators, agencies), imported on first use.

    A build served from the cache never runs them, and importing them (cn2an,
    the rule tables' regexes) is half a second of its start-up.
    """
    from plandata.extract import agencies, deadlines, indicators
    from plandata.structure import parse

    return parse, deadlines, indicators, agencies


@lru_cache(maxsize=1)
def _prepare_workers() -> None:
    """Import what a worker processing documents needs here, once, before the pool forks: they inherit it.

    The stages, cn2an, and pandas, which pyarrow imports on its first
    conversion of Python values (the rows).  A build in one process does not
    need them ahead: each is imported when first used.
    """
    import cn2an  # noqa: F401  (numbers.parse_chinese imports it on first use)
    import pyarrow as pa

    _stages()
    pa.array([], pa.int64())


def _run_stages(raw: RawDocument) -> DocumentResult:
    parse, deadlines, indicators, agencies = _stages()
    doc = normalise(raw)
    check_content(doc)  # a file of nothing but web-page noise is bad input
    meta = document_metadata(doc, parse.find_title(doc))
    table_warnings: list[str] = []
    measures = deadlines.with_prose_deadlines(parse.parse_measures(doc, table_warnings))
    found = indicators.extract_indicators(
        doc,
        measures,
        meta["plan_period_end"],  # type: ignore[arg-type]
        plan_period_start=meta["plan_period_start"],  # type: ignore[arg-type]
    )
    links, named = agencies.extract_task_division(doc, measures, meta["jurisdiction"])  # type: ignore[arg-type]
    warnings = table_warnings + ([] if measures else [f"{raw.source_file}: no measures found"])
    return DocumentResult(doc, meta, measures, found, links, named, warnings)


def package_metadata() -> dict[str, object]:
    """Tool versions recorded in the package (`plandata` property)."""
    from plandata import __version__

    return {
        "builder": {"name": "plandata", "version": __version__},
        "normalisation": {
            "script_conversion": {
                "tool": "OpenCC",
                "package": "opencc",
                "version": opencc_version(),
                "config": OPENCC_CONFIG,
            },
            "noise_rules": "src/plandata/rules/data/noise.csv",
        },
    }


@dataclass(frozen=True)
class BuildOptions:
    """How to run a build: parallelism, engine and progress reporting."""

    jobs: int | None = None  # worker processes; None: one per core
    engine: str = "local"  # local | dask
    scheduler: str | None = None  # dask.distributed scheduler address
    progress: Progress | None = None
    steps: StepReport | None = None  # told each step after the documents (writing, exports, validation)
    exports: tuple[str, ...] = tuple(EXPORTS)  # which exports to write after the package (see export.EXPORTS)
    cache: Path | None = None  # per-document cache folder (package/cache.py); None: no cache


PER_DOCUMENT_TABLES = ("documents", "measures", "indicators", "measure_agencies")
# At most this many documents left to look up or process after the snapshot (package/snapshot.py) are
# processed in this process: a pool would cost more to start.
FEW_DOCUMENTS = 4
# Documents a worker of an uncached build processes at once: their rows are converted to Arrow in one go and
# sent as a few IPC streams (a conversion costs about as much for one document's rows as for eight).
CHUNK_DOCUMENTS = 8


def document_rows(source: Source) -> DocumentRows:
    """Read and process one document: the unit of parallel and distributed work."""
    return _document_rows(source)[0]


def _document_rows(source: Source) -> tuple[DocumentRows, str | None]:
    """The document's rows and the sha256 of the bytes they were made from (None: the file was unreadable)."""
    try:
        raw, read_warnings = read_source(source.path, source.manifest_row)
    except UnreadableSource as error:
        empty = {name: row_columns(TABLES_BY_NAME[name], []) for name in PER_DOCUMENT_TABLES}
        return DocumentRows(source.document_id, empty, (), (f"{SKIPPED}{error}",)), None
    result = process_document(raw)
    tables = assemble([result])
    # Plain columns: converted to Arrow by the parent, many documents at once (`RowBatches`).
    columns = {name: row_columns(TABLES_BY_NAME[name], tables[name]) for name in PER_DOCUMENT_TABLES}
    layer = raw.raw_text if raw.format != "txt" else None
    warnings = tuple(read_warnings + result.warnings)
    return DocumentRows(raw.document_id, columns, tuple(result.agencies), warnings, layer), raw.sha256


def document_chunk(sources: list[Source]) -> DocumentChunk:
    """`document_rows` of consecutive documents, their rows converted at once: a worker's unit of work."""
    return chunk_rows(document_rows(source) for source in sources)


def cached_document_rows(cache_dir: Path, source: Source) -> DocumentRows:
    """`document_rows` through the cache at `cache_dir`: a hit skips read → extract.

    A corrupt entry is rebuilt with a warning naming it; an unreadable document
    is never stored, and an entry that cannot be written is a warning, not a
    failure.  Runs in the workers, so lookups and stores are parallel too.
    """
    cache = DocumentCache(cache_dir)
    rows, key, notes = _cached_or_processed(cache, source)
    # Converted once, for the entry and for the parent (sent as IPC, not pickled lists).
    rows = rows if key is None else _stored(cache, key, rows.arrow())
    return replace(rows, warnings=rows.warnings + notes) if notes else rows


def cached_document_chunk(cache_dir: Path, sources: list[Source]) -> DocumentChunk:
    """`cached_document_rows` of consecutive documents, their rows converted at once: a worker's unit of work.

    The processed documents' entries are slices of the chunk's tables (Arrow
    IPC writes a slice's rows alone), so each document costs no conversion of its own.
    """
    cache = DocumentCache(cache_dir)
    found = [_cached_or_processed(cache, source) for source in sources]
    chunk = chunk_rows(rows for rows, _, _ in found)
    starts = dict.fromkeys(PER_DOCUMENT_TABLES, 0)
    documents = []
    for (rows, key, notes), document in zip(found, chunk.documents, strict=True):
        counts = document.row_counts or {}
        if key is not None:
            tables = {name: _table_slice(chunk.tables, name, starts[name], counts.get(name, 0)) for name in starts}
            stored = _stored(cache, key, replace(rows, tables=tables))
            document = replace(document, warnings=stored.warnings, cache=stored.cache)
        if notes:
            document = replace(document, warnings=document.warnings + notes)
        for name in starts:
            starts[name] += counts.get(name, 0)
        documents.append(document)
    return DocumentChunk(chunk.tables, tuple(documents))


def _table_slice(tables: dict[str, pa.Table], name: str, start: int, count: int) -> pa.Table:
    table = tables.get(name)  # a chunk leaves out the tables it has no rows of
    return arrow_table(TABLES_BY_NAME[name], []) if table is None else table.slice(start, count)


def _cached_or_processed(cache: DocumentCache, source: Source) -> tuple[DocumentRows, str | None, tuple[str, ...]]:
    """The document's entry (a hit), or its rows processed and the key to store them under (None: not stored).

    Third: the cache's notes about the document (an entry rebuilt), which are not stored with it.
    """
    try:
        data = read_source_bytes(source.path)
    except InputError:  # let the uncached path report it exactly as it always has
        return document_rows(source), None, ()
    key = entry_key(data, source.source_file, source.manifest_row)
    notes: tuple[str, ...] = ()
    try:
        entry = cache.load(key)
    except CorruptEntry as error:
        entry = None
        notes = (f"{cache.path(key)}: cache entry of {source.source_file} is corrupt ({error}); rebuilt",)
    except OSError as error:
        entry = None
        notes = (f"{cache.path(key)}: cache entry cannot be read ({error.strerror or error}); rebuilt",)
    if entry is not None:
        return replace(entry, cache="hit"), None, notes
    rows, sha256 = _document_rows(source)
    # Stored only if the rows came from the very bytes hashed for the key (the file did not change meanwhile).
    return rows, key if sha256 is not None and sha256 == hashlib.sha256(data).hexdigest() else None, notes


def _stored(cache: DocumentCache, key: str, rows: DocumentRows) -> DocumentRows:
    """`rows` (Arrow) stored under `key`: marked a miss, or, where the entry cannot be written, a warning."""
    try:
        cache.store(key, rows)
    except OSError as error:
        note = f"{cache.path(key)}: cache entry cannot be written ({error.strerror or error})"
        return replace(rows, warnings=(*rows.warnings, note), cache="off")
    return replace(rows, cache="miss")


def cache_hit(cache_dir: Path, source: Source, key: str | None = None) -> DocumentRows | None:
    """The rows the cache at `cache_dir` holds for `source`, or None: a miss, or anything amiss.

    The shortcut of `cached_document_rows`, tried by the parent before a worker
    is asked: anything but a whole entry is left to it, which reports it.
    `key`: the entry's key where the build has already read the file for it.
    """
    try:
        if key is None:
            key = entry_key(read_source_bytes(source.path), source.source_file, source.manifest_row)
        entry = DocumentCache(cache_dir).load(key)
    except (InputError, CorruptEntry, OSError):
        return None
    return None if entry is None else replace(entry, cache="hit")


def _chunk_hits(cache_dir: Path, keys: dict[str, str], sources: list[Source]) -> DocumentChunk | None:
    """`cache_hit` of every document of a chunk, as one chunk; None unless all are hits (then a worker goes)."""
    hits = []
    for source in sources:
        rows = cache_hit(cache_dir, source, keys.get(source.source_file))
        if rows is None:
            _prepare_workers()  # the pool starts at the first chunk left to it
            return None
        hits.append(rows)
    return chunk_rows(hits)


def _hit_or_prepare(cache_dir: Path, keys: dict[str, str], pool: bool, source: Source) -> DocumentRows | None:
    """`cache_hit`, and at the first miss `_prepare_workers` if a `pool` is to start then."""
    rows = cache_hit(cache_dir, source, keys.get(source.source_file))
    if rows is None and pool:
        _prepare_workers()
    return rows


@dataclass(frozen=True)
class _Segment:
    """Consecutive documents of a rebuild: a run the last build's snapshot holds, or one document it does not."""

    sources: list[Source]
    held: bool


def _segments(sources: list[Source], keys: dict[str, str], snapshot: Snapshot) -> list[_Segment]:
    """`sources` cut into runs of documents whose rows are consecutive in `snapshot`, and the others one by one."""
    segments: list[_Segment] = []
    for source in sources:
        key = keys.get(source.source_file)
        last = segments[-1] if segments else None
        if not snapshot.holds(key):
            segments.append(_Segment([source], held=False))
        elif last is not None and last.held and snapshot.follows(keys[last.sources[-1].source_file], key):  # type: ignore[arg-type]
            last.sources.append(source)
        else:
            segments.append(_Segment([source], held=True))
    return segments


def _segment_rows(cache_dir: Path, segment: _Segment) -> DocumentRows:
    """A worker's unit of a rebuild: the one document of a segment the snapshot does not hold."""
    return cached_document_rows(cache_dir, segment.sources[0])


def _segment_lookup(
    cache_dir: Path, keys: dict[str, str], snapshot: Snapshot, pool: bool, segment: _Segment
) -> DocumentChunk | DocumentRows | None:
    """A held run from the snapshot, else `_hit_or_prepare` of the one document."""
    if segment.held:
        return snapshot.run([keys[s.source_file] for s in segment.sources])
    return _hit_or_prepare(cache_dir, keys, pool, segment.sources[0])


def _told(options: BuildOptions, sources: list[Source], done: int, documents: int) -> int:
    """Tell progress of the next `documents` of `sources` after `done`; the new count done."""
    for source in sources[done : done + documents]:
        done += 1
        if options.progress:
            options.progress(done, len(sources), source.source_file)
    return done


def _results(
    sources: list[Source],
    options: BuildOptions,
    keys: dict[str, str] | None = None,
    snapshot: Snapshot | None = None,
) -> Iterator[tuple[dict, tuple[DocumentRows, ...]]]:
    """(tables, documents) of consecutive documents, in order: one document at a time, or several at once.

    A build in several processes sends chunks of `CHUNK_DOCUMENTS` (progress
    is then told as each chunk arrives), through the cache when there is one;
    a rebuild with a snapshot of the last build takes its unchanged documents
    from it a run at a time and the others one by one; one process goes one
    document at a time.
    """
    jobs = options.jobs or default_jobs()
    keys = keys or {}
    if options.cache is not None and snapshot is not None:
        segments = _segments(sources, keys, snapshot)
        if options.engine == "local" and sum(1 for s in segments if not s.held) <= FEW_DOCUMENTS:
            # A nightly rebuild changes a few documents: starting workers (forking this process, with the
            # last build's rows mapped) costs more than processing them here.
            jobs = 1
        work = partial(_segment_rows, options.cache)
        lookup = partial(_segment_lookup, options.cache, keys, snapshot, jobs > 1)
        done = 0
        for found in iter_results(segments, work, jobs, options.engine, options.scheduler, lookup=lookup):
            documents = found.documents if isinstance(found, DocumentChunk) else (found,)
            yield found.tables, documents
            done = _told(options, sources, done, len(documents))
        return
    if (jobs > 1 or options.engine == "dask") and len(sources) > 1:
        if options.cache is None:
            _prepare_workers()  # every document is processed
            work, chunk_lookup = document_chunk, None
        else:  # a cold cache, or a new folder: documents go in chunks too, hits are served a chunk at a time
            work = partial(cached_document_chunk, options.cache)
            chunk_lookup = partial(_chunk_hits, options.cache, keys)
        chunks = [sources[k : k + CHUNK_DOCUMENTS] for k in range(0, len(sources), CHUNK_DOCUMENTS)]
        done = 0
        for chunk in iter_results(chunks, work, jobs, options.engine, options.scheduler, lookup=chunk_lookup):
            yield chunk.tables, chunk.documents
            done = _told(options, sources, done, len(chunk.documents))
        return
    if options.cache is None:
        if jobs > 1:
            _prepare_workers()
        work, lookup = document_rows, None
    else:
        pool = jobs > 1
        work, lookup = partial(cached_document_rows, options.cache), partial(_hit_or_prepare, options.cache, keys, pool)
    for rows in iter_results(sources, work, jobs, options.engine, options.scheduler, options.progress, lookup):
        yield rows.tables, (rows,)


def stream_documents(
    sources: list[Source],
    writer: PackageWriter,
    options: BuildOptions,
    cache_counts: dict[str, int] | None = None,
    keys: dict[str, str] | None = None,
    previous: Snapshot | None = None,
    kept: SnapshotWriter | None = None,
) -> tuple[list[Row], list[str]]:
    """Process every document and append its rows as results arrive, in document-id order.

    Only one window of documents is in memory at a time; the agencies
    mentioned are folded as they come (`AgencyMentions`) and merged at the
    end.  Returns the agency rows and the warnings; `cache_counts` counts the
    documents by cache outcome (hit, miss, off); `keys` are the cache keys
    already computed, by source file.  `previous`: the last build's snapshot
    to take unchanged documents from; `kept`: the writer of this build's,
    told where each document's rows are (the writer's mirror gives it the
    rows).  Both through the cache only, whose results come one document at
    a time.
    """
    cache_counts = {} if cache_counts is None else cache_counts
    mentioned = AgencyMentions()
    warnings: list[str] = []
    batches = RowBatches()
    cache_notes = str(options.cache)
    done = 0
    for tables, documents in _results(sources, options, keys, previous):
        for name, data in batches.add_tables(tables, len(documents)):
            writer.append(name, data)
        for rows in documents:
            cache_counts[rows.cache] = cache_counts.get(rows.cache, 0) + 1
            if rows.text_layer is not None:
                writer.text_layer(text_layer_path(rows.document_id), rows.text_layer)
            mentioned.add(rows.agencies)
            warnings.extend(rows.warnings)
            if kept is not None:
                key = (keys or {}).get(sources[done].source_file, "")
                kept.document(key, rows, tuple(w for w in rows.warnings if not w.startswith(cache_notes)))
            done += 1
    for name, data in batches.flush():
        writer.append(name, data)
    agency_rows = mentioned.rows()
    writer.append("agencies", arrow_table(AGENCIES, agency_rows))
    return agency_rows, warnings


def build(raw_dir: Path, out_dir: Path, options: BuildOptions | None = None) -> BuildSummary:
    """Build, validate and publish the package from `raw_dir` into `out_dir`, one document at a time."""
    options = options or BuildOptions()
    sources, warnings = plan_sources(raw_dir)
    out_dir = check_output_dir(out_dir, raw_dir)  # refuses to replace anything but a previous package
    if options.cache is not None:
        try:
            DocumentCache(options.cache).prepare()
        except OutputError as error:  # an unwritable cache slows the build down; it does not stop it
            warnings.append(f"{error}; built without the cache")
            options = replace(options, cache=None)
    cache_counts: dict[str, int] = {}
    steps: dict[str, float] = {}
    step = options.steps or no_steps
    key, keys = None, {}
    record: PackageRecord | None = None
    if options.cache is not None:
        started = time.monotonic()
        step("checking whether the package is up to date")
        record = read_record(options.cache, out_dir)
        digests = SourceDigests(record)
        key, keys = _build_key(sources, options, digests)
        fresh = key is not None and up_to_date(record, out_dir, key)
        step(None)
        if fresh and record is not None:
            steps["up-to-date check"] = time.monotonic() - started
            return BuildSummary(
                out_dir, record.counts, warnings + record.warnings, record.unknown_agencies, None, steps, {},
                options.cache, up_to_date=True,
            )  # fmt: skip
    staging: Path | None = None
    kept: SnapshotWriter | None = None
    try:
        staging = make_staging(out_dir)  # inside the try: an interrupt from here on removes it
        started = time.monotonic()
        previous = None
        if options.cache is not None:
            previous = _previous_snapshot(options.cache, record)
            kept, note = _snapshot_writer(options.cache, out_dir)
            warnings += note
        writer = PackageWriter(staging, kept.append if kept is not None else None)
        try:
            agency_rows, doc_warnings = stream_documents(sources, writer, options, cache_counts, keys, previous, kept)
            step("writing the package: agencies, Parquet footers, descriptor, README")
            writer.finish(package_metadata())
        finally:
            writer.close()
        steps["package"] = time.monotonic() - started
        warnings += doc_warnings
        started = time.monotonic()
        if options.exports:
            exported = export_steps(options.exports, step)
            export_package(staging, options.exports, options.jobs or default_jobs(), exported)
            steps["export (" + ", ".join(options.exports) + ")"] = time.monotonic() - started
        started = time.monotonic()
        step("validating the package")
        report = validate_package(staging)
        steps["validate"] = time.monotonic() - started
        if not report.valid:
            raise ValidationFailed("the built package is invalid; previous output kept:\n" + "\n".join(report.lines()))
        step("publishing")
        swap_into_place(staging, out_dir)
        if options.cache is not None and key is not None:
            unknown = _unknown(agency_rows)
            # The cache's own notes (an entry rebuilt) are about this run, not the package: not repeated later.
            notes = [w for w in doc_warnings if not w.startswith(str(options.cache))]
            record = PackageRecord(key, "", writer.counts, notes, unknown, files=digests.seen)
            warnings += _save_record(options.cache, out_dir, record, kept)
            kept = None  # published, or discarded by _save_record
    finally:
        step(None)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if kept is not None:
            kept.discard()
    counts = cache_counts if options.cache is not None else {}
    unknown = _unknown(agency_rows)
    return BuildSummary(out_dir, writer.counts, warnings, unknown, report, steps, counts, options.cache)


def _unknown(agency_rows: list[Row]) -> list[str]:
    return sorted({r["name_zh"] for r in agency_rows if not r["in_registry"]})


def _previous_snapshot(cache_dir: Path, record: PackageRecord | None) -> Snapshot | None:
    """The snapshot the last build into the folder left, if it is whole (package/snapshot.py)."""
    if record is None or record.snapshot is None or record.snapshot_sha256 is None:
        return None
    return Snapshot.open(cache_dir / RECORDS / record.snapshot, record.snapshot_sha256)


def _snapshot_writer(cache_dir: Path, out_dir: Path) -> tuple[SnapshotWriter | None, list[str]]:
    """A writer of this build's snapshot; None, with a warning, where the cache cannot hold one."""
    try:
        return SnapshotWriter(cache_dir / RECORDS, record_stem(out_dir)), []
    except (OSError, pa.ArrowException) as error:
        return None, [f"{cache_dir}: the package's snapshot cannot be written ({_reason(error)}); next build slower"]


def _save_record(cache_dir: Path, out_dir: Path, record: PackageRecord, kept: SnapshotWriter | None) -> list[str]:
    """Keep the record of the package just published in `out_dir`, with its snapshot; warnings if it cannot be."""
    warnings = []
    try:
        if kept is not None:
            try:
                record = replace(record, snapshot=kept.folder.name, snapshot_sha256=kept.close())
            except (OSError, pa.ArrowException) as error:
                kept.discard()
                kept = None
                warnings.append(f"{cache_dir}: the package's snapshot cannot be written ({_reason(error)})")
        # The data files were hashed for the descriptor, and validation checked them against it.
        digest = package_digest(out_dir, described_digests(out_dir))
        save_record(cache_dir, out_dir, replace(record, package_sha256=digest))
    except OSError as error:
        if kept is not None:
            kept.discard()
            kept = None
        warnings.append(f"{cache_dir}: the package's record cannot be written ({_reason(error)})")
    remove_other_snapshots(cache_dir / RECORDS, record_stem(out_dir), kept.folder.name if kept else None)
    return warnings


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error)


def _build_key(
    sources: list[Source], options: BuildOptions, digests: SourceDigests
) -> tuple[str | None, dict[str, str]]:
    """The up-to-date check's key of this build (package/uptodate.py), and each document's cache key.

    The key is None when a file cannot be read (the build reports it; such a
    build is never taken as up to date).  `digests` gives each file's sha256,
    hashing only those that changed since the last record.
    """
    keys: dict[str, str] = {}
    readable = True
    for source in sources:
        try:
            digest = digests.digest(source.source_file, source.path, read_source_bytes)
        except (InputError, OSError):  # the build reports it, when the document is read
            readable = False
            continue
        keys[source.source_file] = entry_key_of(digest, source.source_file, source.manifest_row)
    return (build_key([keys[s.source_file] for s in sources], options.exports) if readable else None), keys
