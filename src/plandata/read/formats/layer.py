"""The one shape every format reader hands on: a text layer with table blocks.

Readers add paragraphs and tables in reading order to a `LayerBuilder`; it
writes them into one text — a paragraph per line, a table as one line per
row with its cells separated by a tab (spanning cells repeated into every
row and column they span) — and keeps for each table a `SourceTable` with
its offsets.  The stages after the reader only ever see this text, so they
never ask which format a document was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plandata.model import SourceTable

# Whitespace that may not survive inside a paragraph or a cell: line breaks
# would split a paragraph, tabs would split a cell.
_BREAKS_RE = re.compile(r"[\t\r\n\f\v\u2028\u2029]+")
# Control characters a reader may pass on (PDF text layers hold some); text holds none.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SPACES_RE = re.compile(r"[ \u00a0\u3000]{2,}")
# Only a Latin word or number after one (or after its comma, full stop …) keeps a space.
_WORD_END_RE = re.compile(r"[A-Za-z0-9\u00c0-\u024f][,.;:!?]?$")
_WORD_START_RE = re.compile(r"^[A-Za-z0-9\u00c0-\u024f]")
# A table typed as paragraphs (`序号→重点任务→牵头单位`, tabs in Word, runs of &nbsp; on a web page) keeps
# its cells apart by the gaps between them: a paragraph split by this many cells or more is such a row
# and is written with two spaces between its cells, the space-aligned row the structure stage reads.
# A sentence with one stray gap (after a heading's number, before a signature) is joined as before.
ROW_MIN_CELLS = 3
ROW_GAP = "  "


@dataclass(frozen=True)
class TextLayer:
    """What a reader extracted from one file."""

    text: str
    reader: str  # library and version, e.g. "lxml 6.2.0"
    encoding: str = "utf-8"  # how the text layer is stored in the package (text/<id>.txt)
    tables: tuple[SourceTable, ...] = ()
    page_count: int | None = None
    page_starts: tuple[int, ...] = ()
    properties: dict[str, str] = field(default_factory=dict)


def clean_piece(text: str) -> str:
    """One line's worth of text: breaks and tabs become spaces, runs of spaces one."""
    return _SPACES_RE.sub(" ", _BREAKS_RE.sub(" ", _CONTROL_RE.sub("", text))).strip()


def join_pieces(pieces: list[str]) -> str:
    """Pieces of one paragraph or cell (lines of a cell, text runs) as one line.

    Pieces join without a space (Chinese has none between words, and a break
    after a gloss such as `管理(li)` is inside a word); only two Latin words
    or numbers keep one between them.
    """
    out = ""
    for piece in (clean_piece(p) for p in pieces):
        if not piece:
            continue
        if out and _WORD_END_RE.search(out) and _WORD_START_RE.match(piece):
            out += " "
        out += piece
    return out


def gap_cells(pieces: list[str], gap: re.Pattern[str]) -> list[str]:
    """The non-empty texts between the gaps of `pieces` (one paragraph's text runs), each joined as one line."""
    runs: list[list[str]] = [[]]
    for piece in pieces:
        first, *rest = gap.split(piece)
        runs[-1].append(first)
        runs.extend([part] for part in rest)
    return [text for text in (join_pieces(run) for run in runs) if text]


_CLOSED_RE = re.compile(r"[。；;：:，,、！!？?）)》」』]$")


def join_lines(lines: list[str]) -> str:
    """The lines (paragraphs) of one table cell as one cell text.

    A line that ends its clause (`。`, `；`, `、` …) runs into the next; other
    line breaks become a space, which later stages read as a separator: a
    cell listing one body per line (`市教育局` / `市财政局`) keeps them apart.
    """
    out = ""
    for line in (clean_piece(x) for x in lines):
        if not line:
            continue
        if out and not _CLOSED_RE.search(out):
            out += " "
        out += line
    return out


class LayerBuilder:
    """Accumulates paragraphs, tables and page breaks into a `TextLayer`."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._tables: list[SourceTable] = []
        self._page_starts: list[int] = []

    @property
    def length(self) -> int:
        return self._length

    def _append(self, line: str) -> None:
        self._parts.append(line + "\n")
        self._length += len(line) + 1

    def paragraph(self, text: str) -> None:
        """Add one paragraph (its line breaks become spaces); empty ones are skipped."""
        line = clean_piece(text)
        if line:
            self._append(line)

    def pieces(self, pieces: list[str], gap: re.Pattern[str]) -> None:
        """Add one paragraph of text runs, as a row of cells when `gap` splits it into enough (see `ROW_MIN_CELLS`)."""
        cells = gap_cells(pieces, gap)
        if len(cells) >= ROW_MIN_CELLS:
            self._append(ROW_GAP.join(cells))
        else:
            self.paragraph(join_pieces(pieces))

    def at_page(self, page: int) -> None:
        """Say that the next block begins on `page` (from 1); pages before it end here."""
        while len(self._page_starts) < page:
            self._page_starts.append(self._length)

    def table(self, rows: list[list[str]], header_rows: int = 0, page: int | None = None) -> None:
        """Add a table: rows of cell texts, spans already repeated; empty rows are dropped.

        A table of one column (a layout frame, a boxed note) is not a table:
        its cells become paragraphs.
        """
        rows = [[clean_piece(c) for c in row] for row in rows]
        kept = [row for row in rows if any(row)]
        header_rows = min(header_rows, len(kept))
        width = max((len(row) for row in kept), default=0)
        if width < 2 or len(kept) < 2:
            for row in kept:
                for cell in dict.fromkeys(row):  # a merged frame repeats its cell
                    self.paragraph(cell)
            return
        start = self._length
        for row in kept:
            self._append("\t".join(row))
        self._tables.append(SourceTable(start, self._length, header_rows, tuple(tuple(r) for r in kept), page))

    def build(self, reader: str, **extra: object) -> TextLayer:
        """The text layer of everything added so far."""
        return TextLayer(
            "".join(self._parts),
            reader,
            tables=tuple(self._tables),
            page_starts=tuple(self._page_starts),
            **extra,  # type: ignore[arg-type]
        )
