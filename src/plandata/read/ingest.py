"""Stage 1: read raw/ — the source files and the curated manifest.

The manifest `raw/documents.csv` holds one row of curated metadata per file.
A `.txt` file without a row still builds, with a warning, its metadata
inferred later or left empty.

Maintainers drop whatever they downloaded into raw/, so everything is checked
here before any work is done.  Nothing is repaired silently: a file or
manifest row that cannot be used raises an `InputError` naming the file (and
the byte offset, or the manifest line), the build stops and the previous
package stays in place.

Bytes become text in `decoding.py` (which encodings, and what is refused);
here the text itself must look like a plan: some Chinese, no control
characters, not an HTML page.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from plandata.errors import InputError
from plandata.model import NormalisedDocument, RawDocument
from plandata.read.decoding import PRIVATE_USE_RE, decode
from plandata.read.formats import EXTENSIONS, format_of, read_layer

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
# Columns a manifest may add: where and by whom the document was published (a page may say so itself).
PUBLICATION_COLUMNS = ("source_url", "issuer", "issue_date")
REQUIRED_MANIFEST_COLUMNS = ("source_file",)
SOURCE_SUFFIXES = tuple(EXTENSIONS)
SOURCE_GLOBS = "*.txt, *.html, *.docx, *.pdf, *.doc, *.wps, *.odt"
ADMIN_LEVELS = ("national", "province", "municipality", "prefecture", "district", "county")
DOCUMENT_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
YEAR_RE = re.compile(r"^[0-9]{4}$")
YEAR_RANGE = (1949, 2100)

# The longest plan documents (national five-year plans) run to a few hundred
# kilobytes.  A file this large is a dump or an archive, and building it would
# only exhaust memory in the character-level offset map of normalisation.
MAX_SOURCE_BYTES = 8 * 1024 * 1024
# PDF and Word files carry images and fonts: a long plan with photos runs to tens of megabytes.
MAX_BINARY_SOURCE_BYTES = 96 * 1024 * 1024

# C0 and C1 control characters other than tab, LF, VT, FF and CR: they never
# occur in plan text, and spreadsheets (XLSX) cannot even store them.
CONTROL_CHAR_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
HTML_RE = re.compile(r"^\s*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)
HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@dataclass
class RawCorpus:
    """The readable documents of raw/ plus warnings met on the way."""

    documents: list[RawDocument]
    warnings: list[str] = field(default_factory=list)


def document_id_for(source_file: str, sha256: str) -> str:
    """A stable ASCII id: the file stem in snake_case, else a digest prefix."""
    stem = re.sub(r"[^a-z0-9]+", "_", Path(source_file).stem.lower()).strip("_")
    return stem if stem and stem[0].isalnum() else f"doc_{sha256[:12]}"


# --- text ------------------------------------------------------------------


def check_text(text: str, name: str) -> None:
    """Reject decoded text that cannot be a plan document, naming the file."""
    body = text.replace("\ufeff", "")
    if not body.strip():
        raise InputError(f"{name}: holds only whitespace; there is no text to build from")
    if control := CONTROL_CHAR_RE.search(body):
        line = body.count("\n", 0, control.start()) + 1
        raise InputError(
            f"{name}: line {line}: control character U+{ord(control.group()):04X}; "
            f"plan text holds none (a binary file, or text mis-encoded on its way here?)"
        )
    if HTML_RE.match(body):
        raise InputError(f"{name}: this is an HTML page; save the page's text (not its source) as a .txt file")
    if not HAN_RE.search(body):
        raise InputError(f"{name}: holds no Chinese text; a plan document is expected")


def text_warnings(raw: RawDocument) -> list[str]:
    """Signs that a readable text was damaged or mis-decoded before it reached raw/."""
    warnings = []
    if replaced := raw.raw_text.count("\ufffd"):
        warnings.append(f"{raw.source_file}: {replaced} replacement character(s) U+FFFD: the text was damaged")
    if private := len(PRIVATE_USE_RE.findall(raw.raw_text)):
        warnings.append(
            f"{raw.source_file}: {private} private-use character(s): the file may be in another encoding (Big5?)"
        )
    return warnings


def check_content(doc: NormalisedDocument) -> None:
    """Reject a document that holds nothing but web-page noise once normalised."""
    if not HAN_RE.search(doc.text):
        fired = f" (noise rules fired: {', '.join(doc.removed)})" if doc.removed else ""
        raise InputError(f"{doc.raw.source_file}: nothing is left once web-page noise is removed{fired}")


# --- the manifest ------------------------------------------------------------


def read_manifest(raw_dir: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Manifest rows keyed by source file, and warnings; rejects bad rows naming their line."""
    path = raw_dir / MANIFEST_NAME
    if not path.exists() and not path.is_symlink():
        return {}, []
    text, _encoding = decode(read_source_bytes(path), str(path))  # Excel on Chinese Windows saves GBK
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header, warnings = _manifest_header(path, next(reader, None))
        rows: dict[str, dict[str, str]] = {}
        id_lines: dict[str, int] = {}
        line = reader.line_num + 1
        for cells in reader:
            if cells:
                row = _manifest_row(path, line, header, cells)
                _check_manifest_row(raw_dir, f"{path}, line {line}", row)
                _check_unique_row(path, line, row, rows, id_lines)
                rows[row["source_file"]] = row
            line = reader.line_num + 1
    except csv.Error as error:
        raise InputError(f"{path}, line {reader.line_num}: not valid CSV: {error}") from None
    return rows, warnings


def _manifest_header(path: Path, header: list[str] | None) -> tuple[list[str], list[str]]:
    if header is None:
        raise InputError(f"{path}: empty; its first line must name the columns ({', '.join(MANIFEST_COLUMNS)})")
    header = [h.strip().lstrip("\ufeff") for h in header]
    if dupes := sorted({h for h in header if header.count(h) > 1}):
        raise InputError(f"{path}, line 1: column {dupes[0]!r} appears twice")
    if missing := [c for c in REQUIRED_MANIFEST_COLUMNS if c not in header]:
        raise InputError(f"{path}, line 1: missing column(s) {', '.join(missing)}")
    unknown = [h for h in header if h not in MANIFEST_COLUMNS + PUBLICATION_COLUMNS]
    return header, [f"{path}: unknown column(s) ignored: {', '.join(map(repr, unknown))}"] if unknown else []


def _manifest_row(path: Path, line: int, header: list[str], cells: list[str]) -> dict[str, str]:
    if len(cells) > len(header):
        raise InputError(
            f"{path}, line {line}: {len(cells)} fields but the header has {len(header)} "
            f"(a value with a comma needs double quotes)"
        )
    cells = cells + [""] * (len(header) - len(cells))
    return {
        name: value.strip()
        for name, value in zip(header, cells, strict=True)
        if name in MANIFEST_COLUMNS + PUBLICATION_COLUMNS
    }


def _check_unique_row(
    path: Path, line: int, row: dict[str, str], rows: dict[str, dict[str, str]], id_lines: dict[str, int]
) -> None:
    if row["source_file"] in rows:
        raise InputError(f"{path}, line {line}: duplicate source_file {row['source_file']!r}")
    doc_id = row.get("document_id", "")
    if doc_id in id_lines:
        raise InputError(f"{path}, line {line}: duplicate document_id {doc_id!r} (also on line {id_lines[doc_id]})")
    if doc_id:
        id_lines[doc_id] = line


def _check_manifest_row(raw_dir: Path, where: str, row: dict[str, str]) -> None:
    name = row.get("source_file", "")
    if not name:
        raise InputError(f"{where}: source_file is empty; every row must name its file")
    if Path(name).is_absolute() or "/" in name or "\\" in name or name in (".", ".."):
        raise InputError(f"{where}: source_file {name!r} must be a plain file name inside raw/, not a path")
    if Path(name).suffix.lower() not in SOURCE_SUFFIXES or name.startswith("."):
        raise InputError(f"{where}: source_file {name!r} is not a source document ({SOURCE_GLOBS})")
    target = raw_dir / name
    if target.is_symlink():
        _check_symlink(target, where)
    elif not target.exists():
        raise InputError(f"{where}: source_file {name!r} does not exist in {raw_dir}")
    _check_manifest_values(where, row)


def _check_manifest_values(where: str, row: dict[str, str]) -> None:
    doc_id = row.get("document_id", "")
    if doc_id and not DOCUMENT_ID_RE.match(doc_id):
        raise InputError(f"{where}: document_id {doc_id!r} must be lowercase ASCII letters, digits and _")
    if row.get("admin_level") and row["admin_level"] not in ADMIN_LEVELS:
        raise InputError(f"{where}: admin_level {row['admin_level']!r} is not one of {', '.join(ADMIN_LEVELS)}")
    for col in ("plan_period_start", "plan_period_end"):
        value = row.get(col, "")
        if value and not (YEAR_RE.match(value) and YEAR_RANGE[0] <= int(value) <= YEAR_RANGE[1]):
            raise InputError(f"{where}: {col} {value!r} is not a year between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}")
    if row.get("issue_date") and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["issue_date"]):
        raise InputError(f"{where}: issue_date {row['issue_date']!r} must be a date written YYYY-MM-DD")
    if row.get("source_url") and not re.match(r"https?://\S+$", row["source_url"]):
        raise InputError(f"{where}: source_url {row['source_url']!r} must be an http:// or https:// address")
    start, end = row.get("plan_period_start", ""), row.get("plan_period_end", "")
    if start and end and int(start) > int(end):
        raise InputError(f"{where}: plan_period_start {start} is after plan_period_end {end}")


# --- files -------------------------------------------------------------------


def _check_symlink(path: Path, where: str) -> None:
    """A symbolic link may only lead to another file of the same folder."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing target, or a loop
        raise InputError(f"{where}: {path.name!r} is a broken symbolic link (no target, or a loop)") from None
    if target.parent != path.parent.resolve():
        raise InputError(f"{where}: {path.name!r} is a symbolic link leading outside {path.parent}")


def read_source_bytes(path: Path) -> bytes:
    """The bytes of a regular file, refusing links out of its folder and oversized files."""
    limit = MAX_SOURCE_BYTES if format_of(path) in ("txt", "html", None) else MAX_BINARY_SOURCE_BYTES
    if path.is_symlink():
        _check_symlink(path, str(path.parent))
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)  # never more, whatever the file claims
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(data) > limit:
        raise InputError(
            f"{path}: larger than {limit // 2**20} MiB, far beyond any plan document; is it a dump or an archive?"
        )
    return data


def list_sources(raw_dir: Path) -> list[Path]:
    """Source files of raw/ in a fixed order (by name), whatever the OS lists.

    Hidden files (`.name.txt`, editor and OS leftovers) are skipped; names that
    are not UTF-8, links out of raw/ and anything but a regular file are refused.
    """
    if not raw_dir.is_dir():
        raise InputError(f"{raw_dir}: no such folder")
    candidates = (p for p in raw_dir.iterdir() if p.suffix.lower() in SOURCE_SUFFIXES and not p.name.startswith("."))
    sources = sorted(candidates, key=lambda p: p.name)  # sorted first, so the first error is always the same
    for path in sources:
        try:
            path.name.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(f"{raw_dir}: file name {path.name!r} is not valid UTF-8; rename the file") from None
        if re.search(r"[\x00-\x1f\x7f-\x9f]", path.name):  # a line break in a name would split CSV rows
            raise InputError(f"{raw_dir}: file name {path.name!r} holds a control character; rename the file")
        if path.is_symlink():
            _check_symlink(path, str(path.parent))
        if not path.is_file():  # a folder, a FIFO (reading it would hang) or a device
            raise InputError(f"{path}: not a regular file")
    return sources


def as_read_by_text_mode(text: str) -> str:
    """The text as Python's `open(path, encoding=...)` reads it: universal newlines.

    Raw offsets index this text, so that `raw[raw_start:raw_end]` holds for
    anyone reading the file as text; CRLF and a lone CR count as one character.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


class UnreadableSource(InputError):
    """A published file (HTML, PDF, Word) that cannot be read: the build goes on without it.

    A .txt file is curated by hand, so an error in it stops the build; a
    published file is what a site gave, and one bad attachment should not
    keep the rest of the corpus from being built.
    """


def read_source(path: Path, manifest_row: dict[str, str] | None) -> tuple[RawDocument, list[str]]:
    """Read, decode and check one source file (see `check_text`); return it with warnings."""
    fmt = format_of(path) or "txt"
    if fmt != "txt":
        try:
            return _read_published(path, fmt, manifest_row)
        except UnreadableSource:
            raise
        except InputError as error:
            raise UnreadableSource(str(error)) from None
    data = read_source_bytes(path)
    if not data:
        raise InputError(f"{path}: file is empty")
    text, encoding = decode(data, str(path))
    text = as_read_by_text_mode(text)
    check_text(text, str(path))
    sha = hashlib.sha256(data).hexdigest()
    row = dict(manifest_row or {})
    doc_id = row.get("document_id") or document_id_for(path.name, sha)
    document = RawDocument(doc_id, path.name, sha, encoding, text, row)
    return document, text_warnings(document)


def _read_published(path: Path, fmt: str, manifest_row: dict[str, str] | None) -> tuple[RawDocument, list[str]]:
    """A file of a published format through its reader (see `formats`)."""
    data = read_source_bytes(path)
    if not data:
        raise InputError(f"{path}: file is empty")
    layer = read_layer(data, str(path), fmt)
    if not HAN_RE.search(layer.text):
        raise InputError(f"{path}: its text holds no Chinese; a plan document is expected")
    sha = hashlib.sha256(data).hexdigest()
    row = dict(manifest_row or {})
    doc_id = row.get("document_id") or document_id_for(path.name, sha)
    document = RawDocument(
        doc_id,
        path.name,
        sha,
        layer.encoding,
        layer.text,
        row,
        format=fmt,
        reader=layer.reader,
        page_count=layer.page_count,
        page_starts=layer.page_starts,
        tables=layer.tables,
        properties=layer.properties,
    )
    return document, text_warnings(document)


@dataclass(frozen=True)
class Source:
    """One document of raw/ to process: where it is, its manifest row and its id."""

    path: Path
    document_id: str
    manifest_row: dict[str, str] | None = field(default=None, compare=False)

    @property
    def source_file(self) -> str:
        return self.path.name


def plan_sources(raw_dir: Path) -> tuple[list[Source], list[str]]:
    """Documents of `raw_dir` in document-id order, and warnings; files are read only if an id needs a hash."""
    manifest, warnings = read_manifest(raw_dir)
    paths = list_sources(raw_dir)
    if not paths:
        raise InputError(f"{raw_dir}: no source documents ({SOURCE_GLOBS}) to build from")
    # A file of another kind (.xlsx, .jpg, .zip …) is said to be left out,
    # so that a user who dropped it into raw/ knows it was not built.
    taken = {p.name for p in paths} | {MANIFEST_NAME}
    for other in sorted(p.name for p in raw_dir.iterdir() if p.name not in taken and not p.name.startswith(".")):
        if (raw_dir / other).is_file():
            warnings.append(f"{other}: not a format plandata reads ({SOURCE_GLOBS}); left out")
    sources = []
    for path in paths:
        row = manifest.get(path.name)
        if row is None:
            warnings.append(f"{path.name}: no row in {MANIFEST_NAME}; metadata inferred or left empty")
        doc_id = (row or {}).get("document_id") or _file_document_id(path)
        sources.append(Source(path.absolute(), doc_id, row))
    check_unique_ids([(s.document_id, s.source_file) for s in sources], raw_dir)
    return sorted(sources, key=lambda s: s.document_id), warnings


def _file_document_id(path: Path) -> str:
    # document_id_for falls back to a digest prefix only for names without a
    # usable stem: hash the file only then.
    doc_id = document_id_for(path.name, "")
    if doc_id == "doc_":
        doc_id = document_id_for(path.name, hashlib.sha256(read_source_bytes(path)).hexdigest())
    return doc_id


def ingest(raw_dir: Path) -> RawCorpus:
    """Read every source file of `raw_dir` with its manifest row, in document-id order."""
    sources, warnings = plan_sources(raw_dir)
    corpus = RawCorpus([], warnings)
    for source in sources:
        document, found = read_source(source.path, source.manifest_row)
        corpus.documents.append(document)
        corpus.warnings.extend(found)
    return corpus


def check_unique_ids(ids: list[tuple[str, str]], raw_dir: Path) -> None:
    """Reject two files with one document_id; `ids` holds `(document_id, source_file)` pairs."""
    seen: dict[str, str] = {}
    for doc_id, source_file in ids:
        if doc_id in seen:
            raise InputError(
                f"{raw_dir}: {seen[doc_id]} and {source_file} both get document_id {doc_id!r}; "
                f"give one its own document_id in {MANIFEST_NAME}"
            )
        seen[doc_id] = source_file
