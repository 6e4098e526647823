"""PDF attachments: the text layer page by page, without running heads, with ruled tables.

pypdfium2 opens the file first — it tells an encrypted or damaged file and a
scan with no text layer quickly — and reads the lines, with their positions,
of every page without path objects (no rules, so no tables: pdfium_lines.py
gives them as pdfplumber would, and says when it cannot).  pdfplumber reads
the other pages: ruled tables (`find_tables`) and three-line tables as table
blocks, the text outside them as lines.  From the positions:

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
import re
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import version

import pdfplumber
import pypdfium2

from plandata.errors import InputError
from plandata.read.formats.layer import LayerBuilder, TextLayer, join_pieces
from plandata.read.formats.pdfium_lines import page_chars, page_fonts, text_lines, text_objects

# Top and bottom share of the page where running heads and page numbers sit.
_MARGIN_SHARE = 0.09
_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-—–_ ]*\d{1,4}[-—–_ ]*|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
_SENTENCE_END_RE = re.compile(r"[。！？!?；;：:]$")
# Line breaking keeps punctuation off a line's start, so a full line may end
# a character or two short; a paragraph's first line is indented (two
# characters in official documents); a numbered heading opens a paragraph.
_WRAP_SLACK = 2.2
_INDENT_CHARS = 0.8
_LABEL_START_RE = re.compile(
    r"^\s*(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、"
    r"|\d{1,2}[.、．]\D|第[一二三四五六七八九十百\d]{1,4}[章节条])"
)
# A Latin word (a pinyin gloss `(xiang)`, a number) is not broken across
# lines, nor split from the Chinese characters it follows (`立”的(de)(de)`),
# so the line before it may end short by the width of that whole run: a
# character for each Chinese one, half for each Latin letter.
# An opening bracket or a bullet cannot end a line either (`•【制定机关】`).
_UNBREAKABLE_LEAD_RE = re.compile(r"^(?:[^\x21-\x7e\s]{0,3}[\x21-\x7e]+|[•·‘“《〈「『【〔（(\[]+.)")


def _unbreakable_lead(text: str) -> float:
    """Width, in characters, of the run a line starts with that cannot be broken (0 for plain Chinese)."""
    lead = _UNBREAKABLE_LEAD_RE.match(text.lstrip())
    if not lead:
        return 0.0
    latin = sum(1 for ch in lead.group() if "\x21" <= ch <= "\x7e")
    return (len(lead.group()) - latin) + 0.55 * latin


# Gaps, in font sizes, read as a space: between Latin words, and anywhere (a typed space, a column gap).
_WORD_GAP = 0.2
_COLUMN_GAP = 0.3
# Fewer characters than this per page on average: the pages are images (a scan).
_MIN_CHARS_PER_PAGE = 10
# pdfminer's text for a glyph its font maps to no character (no ToUnicode map): `(cid:123)`.
_UNMAPPED_GLYPH_RE = re.compile(r"^\(cid:\d+\)$")
_UNMAPPED_IN_TEXT_RE = re.compile(r"\(cid:\d+\)")
# Above this share of unmapped glyphs the text layer is unreadable; below it each one stays as U+FFFD, which
# the build reports as damage (ingest.text_warnings), so a title in a broken font is not lost unseen.
_MAX_UNMAPPED_SHARE = 0.3


def reader_name() -> str:
    return f"pypdfium2 {version('pypdfium2')}, pdfplumber {version('pdfplumber')} (pages with rules)"


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


def _open_checked(data: bytes, name: str) -> tuple[pypdfium2.PdfDocument, list[pypdfium2.PdfTextPage]]:
    """The open document and its pages' text, after refusing encrypted, damaged and image-only files.

    The caller closes the document.
    """
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
        textpages = [pdf[i].get_textpage() for i in range(pages)]
        if sum(t.count_chars() for t in textpages) < _MIN_CHARS_PER_PAGE * pages:
            raise InputError(f"{name}: no text layer — a scan; OCR is not supported (run OCR first, e.g. ocrmypdf)")
        return pdf, textpages
    except BaseException:
        pdf.close()
        raise


def _read_page(
    textpage: pypdfium2.PdfTextPage, page: pdfplumber.page.Page, pdf: pdfplumber.PDF, fonts: dict
) -> list[_Line | _Table]:
    """The page's lines and tables: from pdfium where it can give them as pdfplumber would, else from pdfplumber.

    `fonts` keeps the document's fonts from page to page (see `page_fonts`).
    """
    objects = text_objects(textpage.page)
    if objects is not None:
        chars = page_chars(textpage.page, textpage, objects, page_fonts(page.page_obj, fonts), pdf.rsrcmgr.get_font)
        if chars is not None:
            return _line_items(text_lines(chars))
    return _page_items(page)


def _line_items(lines: list[dict]) -> list[_Line | _Table]:
    """Text lines (pdfplumber's or pdfium_lines') as `_Line`s; lines with no text dropped."""
    items: list[_Line | _Table] = []
    for line in lines:
        text = _line_text(line["chars"], line["bottom"] - line["top"])
        if text:
            items.append(_Line(text, line["x0"], line["x1"], line["top"], line["bottom"]))
    return items


def _page_items(page: pdfplumber.page.Page) -> list[_Line | _Table]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    open_tables = [] if boxes else _unruled_tables(page)
    boxes += [box for box, _ in open_tables]

    def outside(obj: dict) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside) if boxes else page
    items = _line_items(rest.extract_text_lines(return_chars=True))
    for table in tables:
        items.append(_Table(_resolve_spans(table.extract()), table.bbox[1]))
    items += [_Table(rows, box[1]) for box, rows in open_tables]
    return sorted(items, key=lambda item: item.top)


# A rule this share of the text block's width or more can bound a table.
_RULE_SHARE = 0.6
# Between two columns of a table the cells' padding leaves a gap wider than this share of the font size;
# inside a cell characters abut (or a typed space leaves a narrower one).
_COLUMN_GUTTER = 0.4
_MIN_COLUMNS = 3


def _unruled_tables(page: pdfplumber.page.Page) -> list[tuple[tuple[float, float, float, float], list[list[str]]]]:
    """A table drawn with horizontal rules only (a three-line table), as (bbox, rows of cell texts).

    With no vertical rules `find_tables` sees no cells.  Between the first and
    the last long horizontal rule of the page:

    - the header is the first line; its cells are runs of characters split by
      gaps wider than a cell's padding, and there must be `_MIN_COLUMNS`;
    - the columns are the x-ranges some character covers, split where every
      line leaves such a gap.  Where there are more ranges than header cells
      (a cell's first line indented, so its wrapped lines start further left)
      the narrowest gaps close first, never joining two header cells;
    - a line goes on with the row above when it sits as close to it as the
      lines inside a cell do and each of its cells continues a cell of the
      line above that was filled to its column's right edge (a wrapped cell);
      otherwise it opens a row.

    Nothing is returned where body text crosses the region (it covers every
    gap) or fewer than two rows are found.
    """
    chars = [c for c in page.chars if c["text"].strip()]
    if not chars:
        return []
    left, right = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
    rules = sorted(
        {round(e["top"], 1) for e in page.horizontal_edges if e["x1"] - e["x0"] >= _RULE_SHARE * (right - left)}
    )
    if len(rules) < 2:
        return []
    top, bottom = rules[0], rules[-1]
    region = page.crop((0, top, page.width, bottom), strict=False)
    lines = [line for line in region.extract_text_lines(return_chars=True) if line["chars"]]
    if len(lines) < 2:
        return []
    size = sorted(line["bottom"] - line["top"] for line in lines)[len(lines) // 2]
    header = _runs([(c["x0"], c["x1"]) for c in lines[0]["chars"] if c["text"].strip()], size)
    columns = _runs([(c["x0"], c["x1"]) for line in lines for c in line["chars"] if c["text"].strip()], size)
    columns = _fit_columns(columns, header)
    if len(header) < _MIN_COLUMNS or columns is None:
        return []
    gaps = [b["top"] - a["bottom"] for a, b in zip(lines, lines[1:], strict=False)]
    inside_cell = min(gaps, default=0.0) + 0.25 * size
    rows: list[list[str]] = []
    above: list[float | None] = []  # per column: where the text of the line above ends
    for n, line in enumerate(lines):
        cells: list[list[dict]] = [[] for _ in columns]
        for c in line["chars"]:
            middle = (c["x0"] + c["x1"]) / 2
            k = min(range(len(columns)), key=lambda i: max(columns[i][0] - middle, middle - columns[i][1], 0.0))
            cells[k].append(c)
        texts = [_line_text(cell, size) if cell else "" for cell in cells]
        wrapped = (
            n > 0
            and gaps[n - 1] <= inside_cell
            and all(not text or _fills(above[k], columns[k][1], text, size) for k, text in enumerate(texts))
        )
        if wrapped:
            rows[-1] = [join_pieces([a, b]) if b else a for a, b in zip(rows[-1], texts, strict=True)]
        else:
            rows.append(texts)
        above = [max(c["x1"] for c in cell) if cell else None for cell in cells]
    if len(rows) < 2:
        return []
    return [((left, top, right, bottom), [[_CELL_SPACE_RE.sub("", cell) for cell in row] for row in rows])]


def _fills(end: float | None, edge: float, next_text: str, size: float) -> bool:
    """Whether text ending at `end` filled its column up to `edge`, given what the next line starts with."""
    return end is not None and end >= edge - (_WRAP_SLACK + _unbreakable_lead(next_text)) * size


def _runs(spans: list[tuple[float, float]], size: float) -> list[list[float]]:
    """x-ranges covered by `spans`, split where a gap is wider than a cell's padding."""
    runs: list[list[float]] = []
    for x0, x1 in sorted(spans):
        if runs and x0 - runs[-1][1] <= _COLUMN_GUTTER * size:
            runs[-1][1] = max(runs[-1][1], x1)
        else:
            runs.append([x0, x1])
    return runs


def _fit_columns(columns: list[list[float]], header: list[list[float]]) -> list[list[float]] | None:
    """`columns` closed up to one per header cell (narrowest gap first); None when they cannot be."""

    def heads(column: list[float]) -> int:
        return sum(1 for h0, h1 in header if h0 < column[1] and h1 > column[0])

    columns = [list(c) for c in columns]
    while len(columns) > len(header):
        joinable = [k for k in range(len(columns) - 1) if heads(columns[k]) + heads(columns[k + 1]) <= 1]
        if not joinable:
            return None
        k = min(joinable, key=lambda i: columns[i + 1][0] - columns[i][1])
        columns[k : k + 2] = [[columns[k][0], columns[k + 1][1]]]
    fitted = len(columns) == len(header) and all(heads(c) == 1 for c in columns)
    return columns if fitted else None


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _line_text(chars: list[dict], size: float) -> str:
    """A line's text from its characters, with spaces only where the page has them.

    Justified lines (official documents are set justified) stretch the gaps
    around numbers and Latin words, which a fixed tolerance reads as spaces
    (`5 年投入资金 100 亿元`).  A space glyph is a space (the publisher typed
    it: `索引号: …`); between two Latin letters or digits so is a gap of a
    fifth of the font size; next to Chinese only a gap of a third of a
    character that is also wide for this line (a stretched line widens every
    gap) is: a typed space as LibreOffice and Word set it, a table's columns.
    """
    glyphs: list[tuple[dict, bool]] = []  # (char, a space glyph before it)
    spaced = False
    for ch in chars:
        if not ch["text"] or ch["text"].isspace():
            spaced = bool(glyphs)
            continue
        if _UNMAPPED_GLYPH_RE.match(ch["text"]):
            ch = {**ch, "text": "\ufffd"}
        glyphs.append((ch, spaced))
        spaced = False
    gaps = [b["x0"] - a["x1"] for (a, _), (b, _) in zip(glyphs, glyphs[1:], strict=False)]
    # Justification stretches the gaps at Chinese characters, never inside a Latin run such as `(jiao)(jiao)`.
    stretchable = sorted(
        gap
        for gap, (a, _), (b, _) in zip(gaps, glyphs, glyphs[1:], strict=False)
        if not (a["text"][-1].isascii() and b["text"][0].isascii())
    )
    typical = stretchable[len(stretchable) // 2] if stretchable else 0.0
    out: list[str] = []
    for k, (ch, spaced) in enumerate(glyphs):
        if k:
            gap = gaps[k - 1]
            latin = _is_latin(out[-1][-1]) and _is_latin(ch["text"][0])
            column = gap > _COLUMN_GAP * size and gap > typical + 0.2 * size
            if spaced or column or (latin and gap > _WORD_GAP * size):
                out.append(" ")
        out.append(ch["text"])
    return "".join(out).strip()


# pdfplumber reads a cell with a fixed tolerance, so a justified cell comes
# out as `市发改局 、 市 财政 局`: a space is kept only between two Latin words.
_CELL_SPACE_RE = re.compile(r"(?<![A-Za-z0-9]) +| +(?![A-Za-z0-9])")


def _resolve_spans(cells: list[list[str | None]]) -> list[list[str]]:
    """Cell texts with a merged cell repeated into the grid positions it covers.

    pdfplumber gives None where no cell begins (the position is under a
    merged cell) and "" for an empty cell: None takes the text above it (a
    cell merged down), else the text to its left (merged across).
    """
    rows: list[list[str]] = []
    for r, row in enumerate(cells):
        out: list[str] = []
        for c, cell in enumerate(row):
            if cell is not None:
                cell = _UNMAPPED_IN_TEXT_RE.sub("\ufffd", cell)
                out.append(_CELL_SPACE_RE.sub("", join_pieces(cell.splitlines())))
            elif r > 0 and c < len(rows[r - 1]) and rows[r - 1][c]:
                out.append(rows[r - 1][c])
            else:
                out.append(out[-1] if out else "")
        rows.append(out)
    return rows


def _digits_folded(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_running_lines(pages: list[list[_Line | _Table]], heights: list[float]) -> None:
    """Remove page numbers and running heads/footers, in place.

    A page number is a number alone in the margin that counts with the
    pages (page index plus the same offset on most pages), so a table's
    row number that happens to end a page stays; a running head is a margin
    line that repeats, digits aside, on half the pages or more.
    """

    def in_margin(item: _Line | _Table, height: float) -> bool:
        return isinstance(item, _Line) and (
            item.top < _MARGIN_SHARE * height or item.bottom > (1 - _MARGIN_SHARE) * height
        )

    margins = [[i for i in items if in_margin(i, h)] for items, h in zip(pages, heights, strict=True)]
    offsets = Counter(
        int(re.search(r"\d+", line.text).group()) - number  # type: ignore[union-attr]
        for number, lines in enumerate(margins, start=1)
        for line in {id(x): x for x in lines if _PAGE_NUMBER_RE.match(x.text)}.values()  # type: ignore[union-attr]
    )
    offset = offsets.most_common(1)[0][0] if offsets else None
    seen = Counter(text for lines in margins for text in {_digits_folded(x.text) for x in lines})  # type: ignore[union-attr]
    repeated = {text for text, n in seen.items() if len(pages) >= 3 and n >= 0.5 * len(pages)}

    def running(item: _Line, number: int) -> bool:
        if _PAGE_NUMBER_RE.match(item.text):
            return int(re.search(r"\d+", item.text).group()) - number == offset  # type: ignore[union-attr]
        return _digits_folded(item.text) in repeated

    for number, (items, lines) in enumerate(zip(pages, margins, strict=True), start=1):
        dropped = {id(x) for x in lines if running(x, number)}  # type: ignore[arg-type]
        items[:] = [item for item in items if id(item) not in dropped]


def _opens_indented(lines: list[_Line], left: float) -> bool:
    """Whether the document's paragraphs open with an indented line (two characters, as official documents do).

    Said when at least a tenth of the lines (and two) start one to four
    characters in from the left margin.
    """
    indented = sum(1 for line in lines if _INDENT_CHARS <= (line.x0 - left) / max(line.bottom - line.top, 1.0) <= 4.0)
    return indented >= max(2, 0.1 * len(lines))


def _check_mapped(pages: list[list[_Line | _Table]], name: str) -> None:
    """Refuse a text layer whose fonts map most glyphs to no character: its text would be U+FFFD throughout."""
    texts = [item.text for items in pages for item in items if isinstance(item, _Line)]
    texts += [
        cell for items in pages for item in items if isinstance(item, _Table) for row in item.rows for cell in row
    ]
    glyphs = sum(len(text) - text.count(" ") for text in texts)
    unmapped = sum(text.count("\ufffd") for text in texts)
    if glyphs and unmapped > _MAX_UNMAPPED_SHARE * glyphs:
        raise InputError(
            f"{name}: the PDF's fonts map {unmapped} of {glyphs} characters to no text (no ToUnicode map), so its"
            " text layer cannot be read; OCR the rendered pages (e.g. ocrmypdf --force-ocr)"
        )


_SERIAL_RE = re.compile(r"^\d{1,3}$")


def _continues_row(rows: list[list[str]], first: list[str]) -> bool:
    """Whether `first`, the top row of a table's next page, is the rest of the row the page before ended with.

    Word and WPS let a row break across pages; the part on the new page has
    an empty 序号 cell, where every row of a numbered table has its number.
    An unnumbered table (a category column merged down, as in a 主要指标
    table) loses its first cell on a new page either way, so there the part
    must also leave most other cells empty: only the cells that wrapped go
    on, where a row of its own fills its values and attribute.
    """
    last = rows[-1]
    filled = sum(1 for cell in first[1:] if cell.strip())
    return (
        len(rows) > 1
        and len(first) == len(last) >= 2
        and not first[0].strip()
        and filled > 0
        and (bool(_SERIAL_RE.match(last[0].strip())) or 2 * filled < len(first) - 1)
    )


def read_pdf(data: bytes, name: str) -> TextLayer:
    """The text layer of a PDF (see the module docstring)."""
    document, textpages = _open_checked(data, name)
    page_count = len(textpages)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            fonts: dict = {}
            pages = [_read_page(t, page, pdf, fonts) for t, page in zip(textpages, pdf.pages, strict=False)]
            heights = [float(page.height) for page in pdf.pages]
    except InputError:
        raise
    except Exception as error:  # pdfminer raises many kinds on a damaged stream
        raise InputError(f"{name}: a damaged PDF: {type(error).__name__}: {error}") from None
    finally:
        document.close()
    _drop_running_lines(pages, heights)
    lines = [item for items in pages for item in items if isinstance(item, _Line)]
    _check_mapped(pages, name)
    right = max((line.x1 for line in lines), default=0.0)  # the margins of the text block
    left = min((line.x0 for line in lines), default=0.0)
    indented_paragraphs = _opens_indented(lines, left)
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
                    if rows and _continues_row(open_table[0], rows[0]):
                        broken, *rows = rows
                        above = open_table[0][-1]
                        open_table[0][-1] = [join_pieces([a, b]) for a, b in zip(above, broken, strict=True)]
                    open_table[0].extend(rows)  # the table goes on from the page before
                else:
                    flush_table()
                    open_table = (list(item.rows), number)
            else:
                flush_table()
                size = max(item.bottom - item.top, 1.0)
                # A full line ending in `。` goes on too where paragraphs open
                # indented: justified text fills the line whatever it ends with.
                wrapped = (
                    isinstance(last, _Line)
                    and paragraph
                    and last.x1 >= right - (_WRAP_SLACK + _unbreakable_lead(item.text)) * size
                    and (indented_paragraphs or not _SENTENCE_END_RE.search(last.text.rstrip()))
                    and item.x0 < left + _INDENT_CHARS * size  # an indented line opens a paragraph
                    and not _LABEL_START_RE.match(item.text)
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
