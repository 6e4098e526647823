"""Stage 1: read raw/ — the source files and the curated manifest.

The manifest `raw/documents.csv` holds one row of curated metadata per file.
A `.txt` file without a row still builds, with a warning, its metadata
inferred later or left empty.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from plandata.errors import InputError
from plandata.model import RawDocument

MANIFEST_NAME = "documents.csv"
MANIFEST_COLUMNS = (
    "source_file",
    "document_id",
    "title",
    "jurisdiction",
    "admin_level",
    "plan_period_start",
    "plan_period_end",
    "source_notes",
)
REQUIRED_MANIFEST_COLUMNS = ("source_file",)
SOURCE_SUFFIXES = (".txt",)
ADMIN_LEVELS = ("national", "province", "municipality", "prefecture", "district", "county")
DOCUMENT_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
YEAR_RANGE = (1949, 2100)


@dataclass
class RawCorpus:
    """The readable documents of raw/ plus warnings met on the way."""

    documents: list[RawDocument]
    warnings: list[str] = field(default_factory=list)


def document_id_for(source_file: str, sha256: str) -> str:
    """A stable ASCII id: the file stem in snake_case, else a digest prefix."""
    stem = re.sub(r"[^a-z0-9]+", "_", Path(source_file).stem.lower()).strip("_")
    return stem if stem and stem[0].isalnum() else f"doc_{sha256[:12]}"


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode raw bytes; return `(text, encoding)` or raise naming the byte offset.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are recognised; other
    bytes are tried as GB18030, which covers GBK and GB2312.
    """
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        at = data.index(0)
        raise InputError(f"{name}: byte {at}: NUL byte; this looks like a binary file, not text")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_as(data, "utf-16", name), "utf-16"
    if data.startswith(codecs.BOM_UTF8):
        return _decode_as(data[3:], "utf-8", name), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise InputError(
                f"{name}: byte {utf8_error.start}: not valid UTF-8, UTF-16 or GB18030 "
                f"({data[utf8_error.start:utf8_error.start + 4]!r})"
            ) from None


def _decode_as(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: byte {error.start}: invalid {encoding}") from None


def read_manifest(raw_dir: Path) -> dict[str, dict[str, str]]:
    """Manifest rows keyed by source file; rejects bad rows naming their line."""
    path = raw_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED_MANIFEST_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
        rows: dict[str, dict[str, str]] = {}
        ids: dict[str, int] = {}
        for line, row in enumerate(reader, start=2):
            row = {k: (v or "").strip() for k, v in row.items() if k}
            _check_manifest_row(raw_dir, path, line, row)
            if row["source_file"] in rows:
                raise InputError(f"{path}, line {line}: duplicate source_file {row['source_file']!r}")
            doc_id = row.get("document_id", "")
            if doc_id and doc_id in ids:
                raise InputError(f"{path}, line {line}: duplicate document_id {doc_id!r} (also line {ids[doc_id]})")
            ids[doc_id] = line
            rows[row["source_file"]] = row
    return rows


def _check_manifest_row(raw_dir: Path, path: Path, line: int, row: dict[str, str]) -> None:
    where = f"{path}, line {line}"
    name = row.get("source_file", "")
    if not name:
        raise InputError(f"{where}: source_file is empty")
    if Path(name).is_absolute() or ".." in Path(name).parts or "/" in name or "\\" in name:
        raise InputError(f"{where}: source_file {name!r} must be a plain file name inside raw/")
    target = raw_dir / name
    if not target.exists():
        raise InputError(f"{where}: source_file {name!r} does not exist in {raw_dir}")
    if target.resolve().parent != raw_dir.resolve():
        raise InputError(f"{where}: source_file {name!r} leads outside {raw_dir}")
    doc_id = row.get("document_id", "")
    if doc_id and not DOCUMENT_ID_RE.match(doc_id):
        raise InputError(f"{where}: document_id {doc_id!r} must be lowercase ASCII letters, digits and _")
    if row.get("admin_level") and row["admin_level"] not in ADMIN_LEVELS:
        raise InputError(f"{where}: admin_level {row['admin_level']!r} is not one of {', '.join(ADMIN_LEVELS)}")
    for col in ("plan_period_start", "plan_period_end"):
        value = row.get(col, "")
        if value and not (value.isdigit() and YEAR_RANGE[0] <= int(value) <= YEAR_RANGE[1]):
            raise InputError(f"{where}: {col} {value!r} is not a year between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}")


def list_sources(raw_dir: Path) -> list[Path]:
    """Source files of raw/ in a fixed order (by name), whatever the OS lists."""
    if not raw_dir.is_dir():
        raise InputError(f"{raw_dir}: no such directory")
    return sorted((p for p in raw_dir.iterdir() if p.suffix.lower() in SOURCE_SUFFIXES), key=lambda p: p.name)


def read_document(path: Path, manifest_row: dict[str, str] | None) -> RawDocument:
    """Read and decode one source file."""
    if path.is_symlink() and path.resolve().parent != path.parent.resolve():
        raise InputError(f"{path}: symbolic link leads outside {path.parent}")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    text, encoding = decode(data, str(path))
    sha = hashlib.sha256(data).hexdigest()
    row = dict(manifest_row or {})
    doc_id = row.get("document_id") or document_id_for(path.name, sha)
    return RawDocument(doc_id, path.name, sha, encoding, text, row)


def ingest(raw_dir: Path) -> RawCorpus:
    """Read every source file of `raw_dir` with its manifest row."""
    manifest = read_manifest(raw_dir)
    sources = list_sources(raw_dir)
    if not sources:
        raise InputError(f"{raw_dir}: no source documents (*.txt) to build from")
    corpus = RawCorpus([])
    for path in sources:
        row = manifest.get(path.name)
        if row is None:
            corpus.warnings.append(f"{path.name}: no row in {MANIFEST_NAME}; metadata inferred or left empty")
        corpus.documents.append(read_document(path, row))
    ids = [d.document_id for d in corpus.documents]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(
            f"{raw_dir}: two files give the same document_id {dupes[0]!r}; set document_id in {MANIFEST_NAME}"
        )
    return corpus
