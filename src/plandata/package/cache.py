"""The per-document cache: each document's rows, kept between builds so that a hit skips read → extract.

An entry is keyed by everything its rows depend on (`entry_key`): the
sha256 of the source file's bytes, its file name and manifest row, the
plandata version, the versions of the libraries that read and normalise it
(and of LibreOffice, for the formats it converts),
and a digest of the rule tables and of the code of the stages that make the
rows (`stage_digest`).  Change any of them and the entry is simply not
found: a stale entry is never served; `plandata cache prune` removes the
entries no build has used for a while, `plandata cache clear` all of them.

One file per entry, `documents/<2 hex>/<key>.rows`:

    PLANDATA-ROWS 1\\n  <sha256 of the payload, 64 hex>\\n  <payload>

The payload is a JSON head (its length first, 8 bytes big-endian: the key,
the document id, agencies, warnings, text layer and the length of each
table) followed by one Arrow IPC stream per table.  Nothing is pickled.  A
truncated, damaged or foreign file fails the checksum or the key check and
is reported as corrupt (`CorruptEntry`), and the caller rebuilds it.  An
entry is written to a temporary name in its folder and renamed into place,
so two builds sharing one cache never see half an entry.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from importlib import metadata
from pathlib import Path

import pyarrow as pa

from plandata import __version__
from plandata.errors import OutputError
from plandata.model import Agency
from plandata.package.document_rows import DocumentRows, ipc_stream
from plandata.read.formats import format_of
from plandata.read.formats.office import converter_version

CACHE_ENV = "PLANDATA_CACHE_DIR"  # the default cache folder, when set (the tests point it at a temporary one)
MAGIC = b"PLANDATA-ROWS 1\n"
ENTRY_SUFFIX = ".rows"
ENTRIES = "documents"
PACKAGES = "packages"  # each output folder's record and snapshot (package/uptodate.py, package/snapshot.py)
TEMPORARY_MAX_AGE = 3600.0  # seconds: a temporary file older than this was left by a build that died
_PLANDATA = Path(__file__).resolve().parents[1]
# What makes a document's rows: rule tables, the stages up to the package, the orchestrator.
STAGE_PARTS = ("rules", "read", "structure", "extract", "package", "model.py", "errors.py", "build.py")
# Libraries whose version can change what a document's rows hold.
LIBRARIES = (
    "opencc",
    "pyarrow",
    "lxml",
    "charset-normalizer",
    "python-docx",
    "pdfplumber",
    "pdfminer.six",
    "pypdfium2",
)


def default_cache_dir() -> Path:
    """$PLANDATA_CACHE_DIR, else $XDG_CACHE_HOME/plandata, else ~/.cache/plandata: outside the package."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "plandata"


@cache
def stage_digest(root: Path = _PLANDATA, parts: tuple[str, ...] = STAGE_PARTS) -> str:
    """sha256 over the rule tables and the source of every stage that makes rows, in sorted path order.

    `parts`: the files and folders of the plandata package hashed (`("",)`: all of it, as the
    up-to-date check of a whole package needs).  Computed once per process (and inherited by
    forked workers).
    """
    digest = hashlib.sha256()
    files: list[Path] = []
    for part in parts:
        path = root / part
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        data = path.read_bytes()
        name = path.relative_to(root).as_posix().encode("utf-8")
        digest.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@cache
def library_versions() -> str:
    """Python's and each library's version (or "-" where it is not installed), as one string."""
    versions = [f"python {sys.version_info.major}.{sys.version_info.minor}"]
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return "; ".join(versions)


def entry_key(data: bytes, source_file: str, manifest_row: dict[str, str] | None) -> str:
    """The key of a document's entry: what its rows depend on, hashed."""
    return entry_key_of(hashlib.sha256(data).hexdigest(), source_file, manifest_row)


def entry_key_of(sha256: str, source_file: str, manifest_row: dict[str, str] | None) -> str:
    """`entry_key` of a file whose bytes have the digest `sha256`."""
    parts = {
        "plandata": __version__,
        "stages": stage_digest(),
        "libraries": library_versions(),
        "source_file": source_file,
        "manifest_row": manifest_row,
        "sha256": sha256,
        "converter": converter_version(format_of(Path(source_file))),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


class CorruptEntry(Exception):
    """An entry file that is not a whole entry for its key; the message says why."""


@dataclass(frozen=True)
class CacheInfo:
    """What `plandata cache info` reports."""

    location: Path
    entries: int
    bytes: int  # of the entries
    packages: int = 0  # output folders with a record (and a snapshot of their rows)
    package_bytes: int = 0  # of the records and snapshots


_AGENCY_FIELDS = tuple(f.name for f in dataclasses.fields(Agency))


def agency_json(agency: Agency) -> list[object]:
    """An agency as a JSON list of its fields (tuples as lists); `agency_from_json` reads it back."""
    # getattr, not `dataclasses.astuple`, which deep-copies every field: ten times slower.
    values = [getattr(agency, name) for name in _AGENCY_FIELDS]
    return [list(v) if isinstance(v, tuple) else v for v in values]


def agency_from_json(values: list[object]) -> Agency:
    """The agency `agency_json` gave `values` for; `CorruptEntry` if they are of another shape."""
    if not isinstance(values, list) or len(values) != len(_AGENCY_FIELDS):
        raise CorruptEntry("an agency of another shape")
    fields = dict(zip(_AGENCY_FIELDS, values, strict=True))
    fields["short_forms"] = tuple(fields["short_forms"])  # type: ignore[arg-type]
    return Agency(**fields)  # type: ignore[arg-type]


def encode_entry(key: str, entry: DocumentRows) -> bytes:
    """The bytes of an entry file."""
    streams = [(name, ipc_stream(table).to_pybytes()) for name, table in entry.arrow().tables.items()]
    head = {
        "key": key,
        "document_id": entry.document_id,
        "agencies": [agency_json(a) for a in entry.agencies],
        "warnings": list(entry.warnings),
        "text_layer": entry.text_layer,
        "tables": [[name, len(stream)] for name, stream in streams],
    }
    head_bytes = json.dumps(head, ensure_ascii=False, sort_keys=True).encode("utf-8")
    payload = b"".join([len(head_bytes).to_bytes(8, "big"), head_bytes, *(stream for _, stream in streams)])
    return MAGIC + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n" + payload


def decode_entry(key: str, data: bytes) -> DocumentRows:
    """An entry from the bytes of its file; `CorruptEntry` unless they are a whole entry for `key`."""
    if not data.startswith(MAGIC):
        raise CorruptEntry("not a plandata cache entry" if data else "empty file")
    checksum, payload = data[len(MAGIC) : len(MAGIC) + 64], data[len(MAGIC) + 65 :]
    if data[len(MAGIC) + 64 : len(MAGIC) + 65] != b"\n" or hashlib.sha256(payload).hexdigest().encode() != checksum:
        raise CorruptEntry("checksum mismatch: truncated or damaged")
    try:
        size = int.from_bytes(payload[:8], "big")
        head = json.loads(payload[8 : 8 + size].decode("utf-8"))
        if head["key"] != key:
            raise CorruptEntry("the entry of another key")
        tables, offset = {}, 8 + size
        for name, length in head["tables"]:
            tables[name] = pa.ipc.open_stream(pa.py_buffer(payload[offset : offset + length])).read_all()
            offset += length
        if offset != len(payload):
            raise CorruptEntry("bytes beyond its tables")
        agencies = tuple(agency_from_json(values) for values in head["agencies"])
        return DocumentRows(head["document_id"], tables, agencies, tuple(head["warnings"]), head["text_layer"])
    except CorruptEntry:
        raise
    except (ValueError, KeyError, TypeError, pa.ArrowException) as error:  # a well-summed file of another shape
        raise CorruptEntry(f"unreadable content: {type(error).__name__}") from None


def _is_package_file(path: Path) -> bool:
    # `<64 hex>.json` records and `<64 hex>.<random>` snapshot folders, nothing else of anyone's.
    stem, _, rest = path.name.partition(".")
    return len(stem) == 64 and all(c in "0123456789abcdef" for c in stem) and bool(rest)


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


class DocumentCache:
    """The entries under one cache folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / ENTRIES / key[:2] / f"{key}{ENTRY_SUFFIX}"

    def prepare(self) -> None:
        """Create the folder (`OutputError`, naming it, where it cannot be written); compute the key's digests."""
        try:
            (self.root / ENTRIES).mkdir(parents=True, exist_ok=True)
            if not os.access(self.root / ENTRIES, os.W_OK):
                raise PermissionError(13, "permission denied")
        except OSError as error:
            raise OutputError(f"{self.root}: cache folder cannot be written: {error.strerror or error}") from None
        stage_digest(), library_versions()  # once, before the workers fork: they inherit both

    def load(self, key: str) -> DocumentRows | None:
        """The entry of `key`, None if there is none; `CorruptEntry` if its file is not a whole entry."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        entry = decode_entry(key, data)
        # The access time says when a build last used the entry (for `prune`), set here since file systems
        # mounted relatime or noatime do not; the modification time stays when it was written.
        with contextlib.suppress(OSError):  # a read-only shared cache still serves its entries
            os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))
        return entry

    def store(self, key: str, entry: DocumentRows) -> None:
        """Write the entry under a temporary name in its folder, then rename it into place."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(encode_entry(key, entry))
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def files(self) -> list[Path]:
        """Every entry file (and leftover temporary file) of this cache."""
        folder = self.root / ENTRIES
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob("*/*") if p.suffix in (ENTRY_SUFFIX, ".tmp") and p.is_file())

    def package_files(self) -> list[Path]:
        """The records of output folders and the snapshots' folders (package/uptodate.py, package/snapshot.py)."""
        folder = self.root / PACKAGES
        return sorted(p for p in folder.iterdir() if _is_package_file(p)) if folder.is_dir() else []

    def info(self) -> CacheInfo:
        """How many entries the cache holds and their bytes, and how many package records (with snapshots)."""
        self._check_folder()
        entries = [p for p in self.files() if p.suffix == ENTRY_SUFFIX]
        packages = self.package_files()
        records = sum(1 for p in packages if p.suffix == ".json")
        package_bytes = sum(_size(p) for p in packages)
        return CacheInfo(self.root, len(entries), sum(p.stat().st_size for p in entries), records, package_bytes)

    def clear(self) -> CacheInfo:
        """Remove every entry, record and snapshot (only files this cache wrote); return what was removed."""
        return self._remove(lambda temporary, age: True, "clear")

    def prune(self, days: float, now: float | None = None) -> CacheInfo:
        """Remove the entries no build has used for `days` days (and temporary files left over an hour).

        An entry was last used when it was written or last served (`load`
        sets its access time), so what a nightly build keeps using stays and
        entries of documents removed from raw/, or made by older code, go.
        A package's record and snapshot go when no build has written into
        its folder for `days` days.
        """
        limit = days * 86400
        return self._remove(lambda temporary, age: age > (TEMPORARY_MAX_AGE if temporary else limit), "prune", now)

    def _remove(self, doomed: Callable[[bool, float], bool], verb: str, now: float | None = None) -> CacheInfo:
        """Remove what `doomed(is a temporary file, seconds since last used)` says."""
        self._check_folder()
        now = time.time() if now is None else now
        removed = CacheInfo(self.root, 0, 0)
        try:
            for path in self.files():
                stat = path.stat()
                if not doomed(path.suffix != ENTRY_SUFFIX, now - max(stat.st_atime, stat.st_mtime)):
                    continue
                path.unlink(missing_ok=True)
                if path.suffix == ENTRY_SUFFIX:
                    removed = CacheInfo(self.root, removed.entries + 1, removed.bytes + stat.st_size)
            for folder in (self.root / ENTRIES).glob("*"):
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
            for path in self.package_files():
                # A record is rewritten by every build into its folder, a snapshot made by one: their age is
                # since the last build; one whose record is gone is never read again.
                if not doomed(False, now - path.stat().st_mtime):
                    continue
                size = _size(path)
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink(missing_ok=True)
                removed = replace(removed, packages=removed.packages + (path.suffix == ".json"),
                                  package_bytes=removed.package_bytes + size)  # fmt: skip
        except OSError as error:
            raise OutputError(f"{error.filename or self.root}: cannot {verb}: {error.strerror or error}") from None
        return removed

    def _check_folder(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise OutputError(f"{self.root}: not a folder; give a cache folder with --cache DIR")
