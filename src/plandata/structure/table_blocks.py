"""Tables flattened into plan text: task-decomposition tables and indicator tables.

Scraped plans carry their tables either as one row per line with `|` (or tab)
between cells, or flattened to one cell per line.  A table is recognised by
its header row, every cell of which must be a known column header from
`data/table_headers.csv`:

- a *task* table has a task column and a responsibility column
  (序号 | 重点任务 | 牵头单位 | 配合单位 …); each row becomes a measure;
- an *indicator* table has an indicator column and a base-year, target-year,
  year or attribute column (主要指标 tables); its lines are left to the
  indicators stage and never become measures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from plandata.model import TableCell
from plandata.rules.lexicon import read_table
from plandata.rules.rule_regex import FirstMatch, longest_whole_match
from plandata.structure.numbering import chinese_numeral

TASK_ROLES = ("task",)
RESPONSIBILITY_ROLES = ("agency", "lead", "support")
INDICATOR_ROLES = ("indicator",)
INDICATOR_VALUE_ROLES = ("baseline", "target", "year", "attribute")
# Longest line that can still be a cell of a flattened indicator table.
INDICATOR_CELL_MAX_CHARS = 40
# Columns of a `|` header row that may be unknown to data/table_headers.csv.
MAX_UNKNOWN_HEADERS = 1
_SEPARATOR_RE = re.compile(r"[|\t]")
_RULE_ROW_RE = re.compile(r"^[|\s:\-—]+$")  # a Markdown rule row such as |---|---|
_SENTENCE_END_RE = re.compile(r"[。;!?]")


@dataclass(frozen=True)
class Line:
    """One line of the normalised text with its offsets."""

    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class HeaderRule:
    """A known column header and the role of its column."""

    header_id: str
    role: str
    regex: re.Pattern[str]
    example: str


@dataclass(frozen=True)
class TableBlock:
    """A table found at some line: its kind, extent (lines) and data rows."""

    kind: str  # task | indicator
    first_line: int
    end_line: int  # exclusive
    headers: tuple[str, ...]
    roles: tuple[str, ...]
    rows: tuple[tuple[TableCell, ...], ...]


@lru_cache(maxsize=1)
def header_rules() -> tuple[HeaderRule, ...]:
    """The column headers of `data/table_headers.csv`, compiled."""
    rows = read_table("table_headers.csv", ("header_id", "role", "pattern", "example", "seen_in", "note"), "header_id")
    return tuple(HeaderRule(r["header_id"], r["role"], re.compile(r["pattern"]), r["example"]) for r in rows)


@lru_cache(maxsize=1)
def _first_header() -> FirstMatch[HeaderRule]:
    """The header rules as one regex: the first rule matching a cell is found in one search."""
    return FirstMatch(header_rules(), lambda rule: rule.regex)


@lru_cache(maxsize=1)
def _longer_than_headers() -> re.Pattern[str] | None:
    """Matches a cell with more non-space characters than any header pattern accepts; None if one has no limit."""
    limits = [longest_whole_match(rule.regex) for rule in header_rules()]
    if not limits or None in limits:
        return None
    return re.compile(rf"(?:\s*\S){{{max(limits) + 1}}}")  # type: ignore[type-var]


def header_role(cell: str) -> str | None:
    """Role of a column header (`责任单位` is `agency`), None when it is no header.

    The first rule of the table whose pattern matches the cell without its
    white space (`str.split` and the regex `\\s` agree on what that is).
    Most cells tested are whole lines of text, too long for any header: they
    are told apart from their first characters, without squeezing them.
    """
    longer = _longer_than_headers()
    if longer is not None and longer.match(cell):
        return None
    rule = _first_header().match("".join(cell.split()))
    return rule.role if rule else None


def table_kind(roles: tuple[str, ...]) -> str | None:
    """`task`, `indicator` or None for a header row with these column roles."""
    if any(r in roles for r in TASK_ROLES) and any(r in roles for r in RESPONSIBILITY_ROLES):
        return "task"
    if any(r in roles for r in INDICATOR_ROLES) and any(r in roles for r in INDICATOR_VALUE_ROLES):
        return "indicator"
    return None


def find_table(lines: list[Line], at: int, is_heading: Callable[[str], bool]) -> TableBlock | None:
    """The table whose header starts at line `at`, if one does.

    `is_heading` tells whether a line continues the document's outline; it
    ends a flattened indicator table, whose rows have no fixed width.
    """
    if _SEPARATOR_RE.search(lines[at].text):
        return _separated_table(lines, at)
    return _flattened_table(lines, at, is_heading)


def _split_cells(line: Line) -> list[TableCell]:
    cells, pos = [], 0
    text = line.text
    inner_start = 1 if text.startswith("|") else 0
    inner_end = len(text) - 1 if text.endswith("|") and len(text) > 1 else len(text)
    pos = inner_start
    for part in _SEPARATOR_RE.split(text[inner_start:inner_end]):
        lead = len(part) - len(part.lstrip())
        value = part.strip()
        start = line.start + pos + lead
        cells.append(TableCell("", value, start, start + len(value)))
        pos += len(part) + 1
    return cells


def _separated_table(lines: list[Line], at: int) -> TableBlock | None:
    header = _split_cells(lines[at])
    roles = tuple(header_role(c.text) or "" for c in header)
    kind = table_kind(roles)
    # one unknown column in a row of known headers (备注 spelt otherwise, 具体要求 …) is still a header row
    if kind is None or roles.count("") * 2 > len(roles) or roles.count("") > MAX_UNKNOWN_HEADERS:
        return None
    names = tuple(c.text for c in header)
    rows = []
    end = at + 1
    while end < len(lines) and _SEPARATOR_RE.search(lines[end].text):
        if not _RULE_ROW_RE.match(lines[end].text):
            cells = _split_cells(lines[end])
            # a short row lost its leading merged cells: align it to the right
            offset = max(len(names) - len(cells), 0)
            named = tuple(
                TableCell(names[offset + i] if offset + i < len(names) else "", c.text, c.start, c.end)
                for i, c in enumerate(cells)
            )
            rows.append(named)
        end += 1
    return TableBlock(kind, at, end, names, roles, tuple(rows))


def _flattened_header(lines: list[Line], at: int) -> tuple[list[Line], tuple[str, ...]]:
    header: list[Line] = []
    roles: list[str] = []
    while at + len(header) < len(lines):
        line = lines[at + len(header)]
        role = header_role(line.text)
        if role is None:
            break
        header.append(line)
        roles.append(role)
    return header, tuple(roles)


def _flattened_table(lines: list[Line], at: int, is_heading: Callable[[str], bool]) -> TableBlock | None:
    header, roles = _flattened_header(lines, at)
    kind = table_kind(roles)
    if kind is None or len(header) < 2:
        return None
    names = tuple(h.text.strip() for h in header)
    first = at + len(header)
    if kind == "indicator":
        end = first
        while end < len(lines) and _is_indicator_cell(lines[end].text, is_heading):
            end += 1
        return TableBlock(kind, at, end, names, roles, ())
    rows, end = _flattened_task_rows(lines, first, names, roles, is_heading)
    return TableBlock(kind, at, end, names, roles, tuple(rows))


def _is_indicator_cell(text: str, is_heading: Callable[[str], bool]) -> bool:
    return len(text) <= INDICATOR_CELL_MAX_CHARS and not _SENTENCE_END_RE.search(text) and not is_heading(text)


def serial_value(text: str) -> int | None:
    """The number a 序号 cell holds (`3`, `三`), None when it holds none."""
    text = text.strip().rstrip(".、")
    if re.fullmatch(r"[0-9]{1,4}", text):
        return int(text)
    return chinese_numeral(text) if text else None


def _flattened_task_rows(
    lines: list[Line], at: int, names: tuple[str, ...], roles: tuple[str, ...], is_heading: Callable[[str], bool]
) -> tuple[list[tuple[TableCell, ...]], int]:
    """Rows of k lines each; with a 序号 column each row must open with the next number."""
    width = len(names)
    serial_col = roles.index("serial") if "serial" in roles else None
    rows: list[tuple[TableCell, ...]] = []
    expected: int | None = None
    while at + width <= len(lines):
        chunk = lines[at : at + width]
        if serial_col is not None:
            number = serial_value(chunk[serial_col].text)
            if number is None or (expected is not None and number != expected):
                break
            expected = number + 1
        elif any(is_heading(line.text) for line in chunk):
            break
        rows.append(tuple(TableCell(n, ln.text, ln.start, ln.end) for n, ln in zip(names, chunk, strict=True)))
        at += width
    return rows, at
