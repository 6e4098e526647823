"""PDF attachments: the text layer page by page, without running heads, with ruled tables.

pypdfium2 opens the file first — it tells an encrypted or damaged file and a
scan with no text layer quickly — then pdfplumber reads each page: ruled
tables (`find_tables`) as table blocks, the text outside them as lines with
their positions.  From the positions:

- running headers and footers go: lines in the top or bottom margin that
  are a page number (`- 3 -`, `第3页`) or repeat on most pages;
- a line that runs to the right margin and does not end its sentence is
  wrapped, and joins the next without a space (CJK has none), across a page
  break too; a short line (a heading) or one ending in `。` ends its paragraph;
- a table that ends one page and starts the next with as many columns is one
  table; its header repeated on the new page is dropped.
"""

from __future__ import annotations

import io
from importlib.metadata import version
import re
from collections import Counter
from dataclasses import dataclass

import pdfplumber
import pypdfium2

from plandata.errors import InputError
from plandata.read.formats.layer import LayerBuilder, TextLayer, join_pieces

# Top and bottom share of the page where running heads and page numbers sit.
_MARGIN_SHARE = 0.09
_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-—–_ ]*\d{1,4}[-—–_ ]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
_SENTENCE_END_RE = re.compile(r"[。！？!?；;：:]$")
# Fewer characters than this per page on average: the pages are images (a scan).
_MIN_CHARS_PER_PAGE = 10


def reader_name() -> str:
    return f"pdfplumber {version('pdfplumber')} (pypdfium2 {version('pypdfium2')})"


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class _Table:
    rows: list[list[str]]
    top: float


def _open_checked(data: bytes, name: str) -> int:
    """Page count, after refusing encrypted, damaged and image-only files."""
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        message = str(error)
        if "password" in message.lower():
            raise InputError(f"{name}: the PDF is encrypted (password protected); save an unprotected copy") from None
        raise InputError(f"{name}: a damaged PDF that cannot be opened ({message})") from None
    try:
        pages = len(pdf)
        if pages == 0:
            raise InputError(f"{name}: the PDF has no pages")
        chars = 0
        for i in range(pages):
            textpage = pdf[i].get_textpage()
            chars += textpage.count_chars()
        if chars < _MIN_CHARS_PER_PAGE * pages:
            raise InputError(f"{name}: no text layer — a scan; OCR is not supported (run OCR first, e.g. ocrmypdf)")
        return pages
    finally:
        pdf.close()


def _page_items(page: pdfplumber.page.Page) -> list[_Line | _Table]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside) if boxes else page
    items: list[_Line | _Table] = [
        _Line(line["text"], line["x0"], line["x1"], line["top"], line["bottom"])
        for line in rest.extract_text_lines(return_chars=False)
        if line["text"].strip()
    ]
    for table in tables:
        rows = [[join_pieces((cell or "").splitlines()) for cell in row] for row in table.extract()]
        items.append(_Table(rows, table.bbox[1]))
    return sorted(items, key=lambda item: item.top)


def _digits_folded(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_running_lines(pages: list[list[_Line | _Table]], heights: list[float]) -> None:
    """Remove page numbers and running heads/footers, in place."""

    def in_margin(item: _Line | _Table, height: float) -> bool:
        return isinstance(item, _Line) and (item.top < _MARGIN_SHARE * height or item.bottom > (1 - _MARGIN_SHARE) * height)

    seen = Counter(
        _digits_folded(item.text)
        for items, height in zip(pages, heights, strict=True)
        for item in {_digits_folded(i.text): i for i in items if in_margin(i, height)}.values()
    )
    repeated = {text for text, n in seen.items() if len(pages) >= 3 and n >= 0.5 * len(pages)}
    for items, height in zip(pages, heights, strict=True):
        items[:] = [
            item
            for item in items
            if not (
                in_margin(item, height)
                and (_PAGE_NUMBER_RE.match(item.text) or _digits_folded(item.text) in repeated)  # type: ignore[union-attr]
            )
        ]


def read_pdf(data: bytes, name: str) -> TextLayer:
    """The text layer of a PDF (see the module docstring)."""
    page_count = _open_checked(data, name)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_page_items(page) for page in pdf.pages]
            heights = [float(page.height) for page in pdf.pages]
    except InputError:
        raise
    except Exception as error:  # pdfminer raises many kinds on a damaged stream
        raise InputError(f"{name}: a damaged PDF: {type(error).__name__}: {error}") from None
    _drop_running_lines(pages, heights)
    lines = [item for items in pages for item in items if isinstance(item, _Line)]
    right = sorted(line.x1 for line in lines)[int(0.9 * (len(lines) - 1))] if lines else 0.0
    builder = LayerBuilder()
    paragraph: list[str] = []
    paragraph_page = 1
    last: _Line | _Table | None = None
    open_table: tuple[list[list[str]], int] | None = None

    def flush_paragraph() -> None:
        if paragraph:
            builder.at_page(paragraph_page)
            builder.paragraph(join_pieces(paragraph))
            paragraph.clear()

    def flush_table() -> None:
        nonlocal open_table
        if open_table:
            builder.at_page(open_table[1])
            builder.table(open_table[0], page=open_table[1])
            open_table = None

    for number, items in enumerate(pages, start=1):
        for k, item in enumerate(items):
            if isinstance(item, _Table):
                flush_paragraph()
                if open_table and k == 0 and isinstance(last, _Table) and len(item.rows[0]) == len(open_table[0][0]):
                    rows = item.rows[1:] if item.rows and item.rows[0] == open_table[0][0] else item.rows
                    open_table[0].extend(rows)  # the table goes on from the page before
                else:
                    flush_table()
                    open_table = (list(item.rows), number)
            else:
                flush_table()
                size = max(item.bottom - item.top, 1.0)
                wrapped = (
                    isinstance(last, _Line)
                    and paragraph
                    and last.x1 >= right - 1.5 * size
                    and not _SENTENCE_END_RE.search(last.text.rstrip())
                )
                if not wrapped:
                    flush_paragraph()
                    paragraph_page = number
                paragraph.append(item.text)
            last = item
    flush_paragraph()
    flush_table()
    builder.at_page(page_count)
    return builder.build(reader_name(), page_count=page_count)
