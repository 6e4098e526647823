"""Format readers: each turns one published file into a `TextLayer`.

`sniff_format` tells a file's real format from its first bytes, so that a
file whose extension lies is named as such; `read_layer` dispatches on it.
A `.txt` file is not read here: it is its own text layer (see `ingest`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from plandata.errors import InputError
from plandata.read.formats.layer import TextLayer

# Extensions and the format each promises.
EXTENSIONS = {
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".doc": "doc",
    ".wps": "wps",
    ".odt": "odt",
}
# Formats LibreOffice reads, and which of them are one container family (OLE).
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_RE = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.IGNORECASE | re.DOTALL
)
FORMAT_NAMES = {
    "txt": "plain text",
    "html": "an HTML page",
    "docx": "a Word (.docx) document",
    "pdf": "a PDF",
    "doc": "a Word 97-2003 (.doc) or WPS document",
    "wps": "a Word 97-2003 (.doc) or WPS document",
    "odt": "an OpenDocument text (.odt)",
    "zip": "a ZIP archive",
}


def sniff_format(data: bytes) -> str | None:
    """The format `data` is in by its content: html, docx, odt, pdf, doc (OLE), zip; None for anything else."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(_OLE):
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "content.xml" in names and b"opendocument.text" in data[:200]:
            return "odt"
        return "zip"
    if _HTML_RE.match(head) or re.search(rb"<(?:html|body)[\s>]", data[:4096], re.IGNORECASE):
        return "html"
    return None


def format_of(path: Path) -> str | None:
    """The format a file's extension promises, or None when plandata does not read it."""
    return EXTENSIONS.get(path.suffix.lower())


def check_format(data: bytes, name: str, promised: str) -> None:
    """Refuse a file whose content is not the format its extension says."""
    found = sniff_format(data)
    if promised in ("doc", "wps") and found == "doc":
        return
    if promised == "docx" and found == "zip":
        try:
            zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as error:
            raise InputError(f"{name}: a damaged ZIP file, so no readable Word document ({error})") from None
        raise InputError(f"{name}: a ZIP archive with no Word document in it (word/document.xml missing)")
    if found != promised:
        what = FORMAT_NAMES.get(found or "", "something else") if found else "not in that format"
        if promised == "docx" and data.startswith(b"PK\x03\x04"):
            what = "a damaged ZIP file"
        raise InputError(
            f"{name}: the extension says {FORMAT_NAMES[promised]}, but the file is {what}; "
            f"give it the extension of what it is"
        )


def read_layer(data: bytes, name: str, promised: str) -> TextLayer:
    """The text layer of a file of a published format (html, docx, pdf, doc, wps, odt)."""
    check_format(data, name, promised)
    return _readers()[promised](data, name)


def _readers() -> dict[str, Callable[[bytes, str], TextLayer]]:
    # Imported here: each reader pulls in its library (lxml, pdfplumber …),
    # which a build of .txt files never needs to load.
    from plandata.read.formats.docx import read_docx
    from plandata.read.formats.html import read_html
    from plandata.read.formats.office import read_office
    from plandata.read.formats.pdf import read_pdf

    return {"html": read_html, "docx": read_docx, "pdf": read_pdf, "doc": read_office, "wps": read_office,
            "odt": read_office}  # fmt: skip
