"""Plain dataclasses passed between the pipeline stages.

Every stage is a pure function from these to these: ingest makes
`RawDocument`, normalise makes `NormalisedDocument`, parse makes `Measure`,
the extractors make `Indicator` and `TaskAssignment`, assemble turns them all
into table rows.  Offsets named `start`/`end` index the *normalised* text;
`raw_start`/`raw_end` index the decoded raw file (characters, not bytes).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Codelists: the values a coded column may take.  They live here, beside the
# dataclasses that carry them, so every stage can check a value without
# importing the package stage (`package/tables.py` declares them as enums).
COMPARATORS = ("eq", "gt", "gte", "lt", "lte", "approx", "range")
MEASURE_KINDS = (
    "chapter",
    "section",
    "article",
    "part",
    "subpart",
    "item",
    "subitem",
    "point",
    "bullet",
    "paragraph",
    "table_row",
)
RELATIONS = ("assigned", "lead", "support", "mentioned")
AGENCY_TYPES = ("party_organ", "government_department", "government", "institution", "group", "other")
NAME_EN_STATUSES = ("official", "secondary", "constructed")
# How an agency's name_zh was found (extract/registry.py): official, from the registry's forms and a place of the
# division table; derived, from a form and a place the table does not know; collective, a group of bodies, which
# has no official name; unresolved, kept as written.
NAME_STATUSES = ("official", "derived", "collective", "unresolved")
ADMIN_LEVELS = ("national", "province", "municipality", "prefecture", "district", "county", "township")
SCRIPTS = ("zh-Hans", "zh-Hant")
# How an indicator's target year was found, nearest evidence first (extract/indicators.py).
TARGET_YEAR_SOURCES = ("stated", "deadline", "paragraph", "section", "period", "inferred")


SOURCE_FORMATS = ("txt", "html", "docx", "pdf", "doc", "wps", "odt")


@dataclass(frozen=True)
class SourceTable:
    """A table as a format reader found it, already written into the text layer.

    Readers write every table into the text layer as one line per row, cells
    separated by a tab, spanning cells repeated into every row and column
    they span, so that later stages read tables from the text alone; this
    record keeps what the text cannot say.
    """

    start: int  # offset in `RawDocument.raw_text` of the table's first row
    end: int  # offset just after its last row
    header_rows: int  # how many of the first rows are header rows (0: unknown)
    rows: tuple[tuple[str, ...], ...]  # cell texts, as written into the text layer
    page: int | None = None  # page of the first row (PDF), from 1


@dataclass(frozen=True)
class RawDocument:
    """One file of raw/ as read from disk, with its manifest row.

    For a `.txt` file `raw_text` is the decoded file; for any other format it
    is the text layer its reader extracted (paragraphs in reading order, one
    per line; tables as tab-separated rows), which the package keeps beside
    the data so that raw offsets point into it.
    """

    document_id: str
    source_file: str
    sha256: str
    encoding: str
    raw_text: str
    manifest: dict[str, str] = field(default_factory=dict)
    format: str = "txt"  # one of SOURCE_FORMATS
    reader: str | None = None  # library and version that extracted the text layer, e.g. "lxml 5.3.0"
    page_count: int | None = None  # pages of a paged format (PDF)
    page_starts: tuple[int, ...] = ()  # offset in raw_text where each page starts (PDF)
    tables: tuple[SourceTable, ...] = ()
    # What the source itself states about the document (an HTML page's meta
    # tags, its 索引号 block): title, issuer, issue_date (YYYY-MM-DD), source_url.
    properties: dict[str, str] = field(default_factory=dict)

    def page_at(self, offset: int) -> int | None:
        """Page (from 1) holding raw offset `offset`; None for unpaged formats."""
        if not self.page_starts:
            return None
        return bisect_right(self.page_starts, offset) or 1


@dataclass(frozen=True)
class MappedText:
    """Normalised text plus, for every character, its offset in the raw text.

    `raw_offsets` has one entry per character of `text` and one more for the
    end, so that `raw_span(s, e)` works for empty and final spans alike.
    """

    text: str
    raw_offsets: Sequence[int]  # an array('q'): 8 bytes per character
    # Where the raw run ends of a character decoded from several raw ones (`&gt;` → `>`), by its raw
    # offset: a span ending in it ends after the whole reference, not after its `&`.
    raw_tails: Mapping[int, int] = field(default_factory=dict)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw `(start, end)` covering normalised `text[start:end]`."""
        if end <= start:
            at = self.raw_offsets[start]
            return at, at
        last = self.raw_offsets[end - 1]
        return self.raw_offsets[start], self.raw_tails.get(last, last + 1)


@dataclass(frozen=True)
class NormalisedDocument:
    """A document after normalisation: clean simplified text with an offset map."""

    raw: RawDocument
    mapped: MappedText
    script: str  # script of the raw text: zh-Hans or zh-Hant
    removed: tuple[str, ...] = ()  # ids of noise rules that fired, for the build summary

    @property
    def document_id(self) -> str:
        return self.raw.document_id

    @property
    def text(self) -> str:
        return self.mapped.text


@dataclass(frozen=True)
class TableCell:
    """One cell of a table row that became a measure (header as written)."""

    header: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Measure:
    """One measure (a heading, item or titled paragraph) of a plan."""

    measure_id: str
    document_id: str
    parent_id: str | None
    level: int
    kind: str
    label: str | None
    ordinal: int
    sequence: int
    title: str
    text: str
    start: int
    end: int
    raw_start: int
    raw_end: int
    # For rows of task-decomposition tables: every cell with its column header,
    # so that extractors can read e.g. the 责任单位 column.  Empty otherwise.
    cells: tuple[TableCell, ...] = ()
    deadline: str | None = None  # 完成时限 / 时间节点 of a task-division row, as written
    page: int | None = None  # page of raw_start (PDF)


@dataclass(frozen=True)
class Indicator:
    """One quantitative target stated in a measure."""

    indicator_id: str
    measure_id: str | None  # None: a target of the document before its first measure (a news lead)
    document_id: str
    quote: str
    metric: str | None
    comparator: str
    comparator_word: str | None
    value: float | None
    value_min: float | None
    value_max: float | None
    unit: str | None
    value_normalised: float | None
    value_min_normalised: float | None
    value_max_normalised: float | None
    unit_normalised: str | None
    target_year: int | None
    target_year_source: str | None  # stated | inferred | None
    baseline_value: float | None
    baseline_year: int | None
    attribute: str | None  # 约束性 -> binding, 预期性 -> expected
    kind: str  # target | achievement
    start: int
    end: int
    raw_start: int
    raw_end: int
    page: int | None = None  # page of raw_start (PDF)


@dataclass(frozen=True)
class Agency:
    """A responsible body, from the registry or seen in a task-division list."""

    agency_id: str
    name_zh: str
    name_en: str | None
    name_en_status: str | None  # official | secondary | constructed
    name_en_source: str | None
    short_forms: tuple[str, ...]
    admin_level: str | None
    jurisdiction: str | None
    type: str | None
    in_registry: bool = True
    name_status: str | None = None  # one of NAME_STATUSES


@dataclass(frozen=True)
class TaskAssignment:
    """A link between a measure and an agency named for it."""

    measure_id: str
    agency_id: str
    name_in_text: str
    position: int
    relation: str  # assigned | lead | support | mentioned
    start: int
    end: int
    raw_start: int
    raw_end: int


@dataclass
class DocumentResult:
    """Everything extracted from one document: the unit of parallel work."""

    document: NormalisedDocument
    metadata: dict[str, object]
    measures: list[Measure]
    indicators: list[Indicator]
    assignments: list[TaskAssignment]
    agencies: list[Agency]
    warnings: list[str] = field(default_factory=list)
