"""The one definition of every table; all schemas are generated from it.

`TABLES` lists each table's fields once: name, type, whether required, an
English description, and constraints.  `table_schema`, `json_schema` and
`arrow_schema` turn a table into a Frictionless Table Schema, a JSON Schema
(Draft 2020-12) for one row and a pyarrow schema.  Nothing else defines
columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyarrow as pa

from plandata import SCHEMA_BASE_URL
from plandata.model import (  # noqa: F401  (re-exported: the codelists belong to the table definitions)
    ADMIN_LEVELS,
    AGENCY_TYPES,
    COMPARATORS,
    MEASURE_KINDS,
    NAME_EN_STATUSES,
    NAME_STATUSES,
    RELATIONS,
    SCRIPTS,
    SOURCE_FORMATS,
    TARGET_YEAR_SOURCES,
)

_JSON_TYPES = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}
_ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}


@dataclass(frozen=True)
class Field:
    """One column: its type, whether it may be empty, and its constraints."""

    name: str
    type: str
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    example: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str  # "" for a reference to the same table
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table of the package: fields, keys and a description."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


def _id(name: str, what: str, example: str) -> Field:
    return Field(name, "string", what, required=True, pattern=r"^[a-z0-9][a-z0-9_:.\-]*$", example=example)


# What raw offsets index: the file decoded with `documents.encoding` and read
# as Python's open() reads text, so `open(path, encoding=...).read()[s:e]` holds.
RAW_TEXT = "decoded, universal newlines: CRLF counts as one character; a UTF-8 BOM as U+FEFF"


def _raw_span(what: str) -> tuple[Field, Field]:
    return (
        Field(
            "raw_start",
            "integer",
            f"Character offset where the {what} begins in the raw file read as text ({RAW_TEXT}).",
            True,
            minimum=0,
        ),
        Field(
            "raw_end",
            "integer",
            f"Character offset just after the {what} in the raw file read as text.",
            True,
            minimum=0,
        ),
    )


DOCUMENTS = Table(
    "documents",
    "Documents",
    "One row per source document in raw/: provenance and curated metadata.",
    (
        _id(
            "document_id",
            "Stable id of the document: its file stem, or one set in raw/documents.csv.",
            "000_5bfe6dc30e6a3942",
        ),
        Field("source_file", "string", "File name of the source in raw/.", True),
        Field("sha256", "string", "SHA-256 of the raw bytes of the source file.", True, pattern=r"^[0-9a-f]{64}$"),
        Field(
            "encoding",
            "string",
            "Encoding the raw file was decoded with.",
            True,
            enum=("utf-8", "utf-8-sig", "utf-16", "gb18030"),
        ),
        Field(
            "title",
            "string",
            "Title of the plan (simplified Chinese), from the manifest or its title line; empty when unknown.",
        ),
        Field("title_source", "string", "Where the title comes from.", enum=("manifest", "text")),
        Field(
            "jurisdiction",
            "string",
            "Issuing jurisdiction in Chinese, e.g. 北京市, 海淀区; empty when the text does not say.",
        ),
        Field("admin_level", "string", "Administrative level of the jurisdiction.", enum=ADMIN_LEVELS),
        Field("script", "string", "Script of the raw text (the tables hold simplified text).", True, enum=SCRIPTS),
        Field(
            "plan_period_start", "integer", "First year of the plan period, where known.", minimum=1949, maximum=2100
        ),
        Field("plan_period_end", "integer", "Last year of the plan period, where known.", minimum=1949, maximum=2100),
        Field("source_notes", "string", "Curated notes on where the text comes from and what it covers."),
        Field(
            "raw_chars", "integer", f"Length in characters of the raw file read as text ({RAW_TEXT}).", True, minimum=0
        ),
        Field("format", "string", "Format of the source file.", True, enum=SOURCE_FORMATS),
        Field(
            "reader",
            "string",
            "Library and version that extracted the text layer of a non-text source, e.g. lxml 5.3.0; empty for .txt.",
        ),
        Field("page_count", "integer", "Pages of a paged source (PDF); empty otherwise.", minimum=1),
        Field(
            "text_path",
            "string",
            "For a non-text source, the package path of its extracted text layer, which raw offsets index.",
        ),
        Field("source_url", "string", "Where the document was published, from the manifest or the page itself."),
        Field("issuer", "string", "Issuing body as the source states it (发布机构), in Chinese."),
        Field(
            "issue_date",
            "string",
            "Date of issue as the source states it (成文日期/发布日期), YYYY-MM-DD.",
            pattern=r"^\d{4}-\d{2}-\d{2}$",
        ),
    ),
    ("document_id",),
)

MEASURES = Table(
    "measures",
    "Measures",
    "Headings, numbered items and titled paragraphs of each plan, with their hierarchy and source spans.",
    (
        _id(
            "measure_id",
            "Stable id: document id and the measure's place in reading order.",
            "004_517967f07bc3b182:m0005",
        ),
        Field("document_id", "string", "Document the measure belongs to.", True),
        Field("parent_id", "string", "Enclosing measure; empty at the top of the document."),
        Field("level", "integer", "Depth in the outline, 1 at the top.", True, minimum=1),
        Field("kind", "string", "Numbering family of the measure.", True, enum=MEASURE_KINDS),
        Field(
            "label", "string", "Numbering as written (normalised), e.g. (十二) or 3.; empty for unnumbered paragraphs."
        ),
        Field(
            "ordinal",
            "integer",
            "Number the label stands for ((十二) is 12); for unnumbered paragraphs, the position among siblings.",
            True,
            minimum=0,
        ),
        Field(
            "sequence", "integer", "Position of the measure in the document's reading order, from 1.", True, minimum=1
        ),
        Field("title", "string", "Title of the measure, without numbering and final 。.", True),
        Field(
            "text",
            "string",
            "Full normalised text of the measure (its heading line, intro or body), without the numbering.",
            True,
        ),
        *_raw_span("measure"),
        Field(
            "deadline",
            "string",
            "Deadline of the measure as written: a task-division row's deadline cell (完成时限, 时间节点), or a "
            "labelled deadline in its own text (完成时限:2023年底, (2024年底前完成)); empty where none is given.",
        ),
        Field("page", "integer", "Page of the source where the measure begins (PDF); empty otherwise.", minimum=1),
    ),
    ("measure_id",),
    (
        ForeignKey(("document_id",), "documents", ("document_id",)),
        ForeignKey(("parent_id",), "", ("measure_id",)),
    ),
)

INDICATORS = Table(
    "indicators",
    "Indicators",
    "Quantitative targets (and, marked as such, past achievements) stated in the measures.",
    (
        _id(
            "indicator_id",
            "Stable id: document id and the indicator's place in reading order.",
            "003_e82a1150a21434f4:i0001",
        ),
        Field(
            "measure_id",
            "string",
            "Measure whose text states the indicator; empty for a target the document states before its first "
            "measure (the lead of a news digest of the plan).",
        ),
        Field("document_id", "string", "Document the indicator belongs to.", True),
        Field(
            "kind",
            "string",
            "target: a promise of the plan; achievement: a past figure the plan reports.",
            True,
            enum=("target", "achievement"),
        ),
        Field("quote", "string", "The clause stating the quantity, in normalised text.", True),
        Field("metric", "string", "What is counted or measured (best effort), e.g. 智慧校园覆盖率."),
        Field(
            "comparator",
            "string",
            "How the value bounds the target (SPEC: 以上 gte, 超过 gt, 左右 approx ...).",
            True,
            enum=COMPARATORS,
        ),
        Field(
            "comparator_word",
            "string",
            "The word that expressed the comparator, e.g. 以上, 不少于, 左右; empty for a plain number.",
        ),
        Field("value", "number", "The value, for single values."),
        Field("value_min", "number", "Lower end of a range."),
        Field("value_max", "number", "Upper end of a range."),
        Field("unit", "string", "Unit as written: %, 个, 名, 万个, 亿元 ..."),
        Field("value_normalised", "number", "value in unit_normalised (100亿元 is 10000000000 CNY)."),
        Field("value_min_normalised", "number", "value_min in unit_normalised."),
        Field("value_max_normalised", "number", "value_max in unit_normalised."),
        Field("unit_normalised", "string", "Normalised unit: percent, CNY, count, person, m2, year ..."),
        Field("target_year", "integer", "Year by which the target is due.", minimum=1949, maximum=2100),
        Field(
            "target_year_source",
            "string",
            "How the year was found. stated: the quantity's sentence gives it; deadline: the deadline cell of its "
            "task-table row; paragraph: an earlier sentence of its paragraph; section: a line opening its section "
            "or the section's heading; period: the document's plan period, the text giving nothing nearer; "
            "inferred: a five-year period named in the sentence, or an indicator table's column.",
            enum=TARGET_YEAR_SOURCES,
        ),
        Field("baseline_value", "number", "Base-year value, from an indicator table."),
        Field("baseline_year", "integer", "Base year, from an indicator table.", minimum=1949, maximum=2100),
        Field(
            "attribute",
            "string",
            "Indicator attribute from an indicator table: binding (约束性) or expected (预期性).",
            enum=("binding", "expected"),
        ),
        *_raw_span("quote"),
        Field("page", "integer", "Page of the source where the quote begins (PDF); empty otherwise.", minimum=1),
    ),
    ("indicator_id",),
    (
        ForeignKey(("measure_id",), "measures", ("measure_id",)),
        ForeignKey(("document_id",), "documents", ("document_id",)),
    ),
)

AGENCIES = Table(
    "agencies",
    "Agencies",
    "Responsible bodies: the curated registry entries used, and names seen in task-division lists.",
    (
        _id(
            "agency_id",
            "Stable id from the registry, or derived from jurisdiction and name for unknown names.",
            "bj_jw",
        ),
        Field("name_zh", "string", "Full official Chinese name where known, else the name as written.", True),
        Field("name_en", "string", "English name."),
        Field(
            "name_en_status",
            "string",
            "official: used by the body itself; secondary: used by others; constructed: made here.",
            enum=NAME_EN_STATUSES,
        ),
        Field("name_en_source", "string", "Where the English name comes from."),
        Field("short_forms", "string", "Short forms seen in the documents, separated by |."),
        Field("admin_level", "string", "Administrative level of the body.", enum=ADMIN_LEVELS),
        Field("jurisdiction", "string", "Jurisdiction of the body, e.g. 北京市."),
        Field("type", "string", "Kind of body.", enum=AGENCY_TYPES),
        Field("in_registry", "boolean", "True when the body is in plandata's curated registry.", True),
        Field(
            "name_status",
            "string",
            "official: name_zh is the body's full name; derived: built for a place plandata does not know; "
            "collective: a group of bodies, with no official name; unresolved: kept as written.",
            enum=NAME_STATUSES,
        ),
    ),
    ("agency_id",),
)

MEASURE_AGENCIES = Table(
    "measure_agencies",
    "Measure–agency links",
    "Who is responsible for each measure, as the text says.",
    (
        Field("measure_id", "string", "The measure.", True),
        Field("agency_id", "string", "The agency.", True),
        Field("name_in_text", "string", "The agency's name as written in the source (normalised script).", True),
        Field("position", "integer", "Order of the name among the measure's links, from 1.", True, minimum=1),
        Field(
            "relation",
            "string",
            "assigned: listed without a role; lead/support: the text says so; mentioned: named in the body.",
            True,
            enum=RELATIONS,
        ),
        *_raw_span("name"),
    ),
    ("measure_id", "position"),
    (
        ForeignKey(("measure_id",), "measures", ("measure_id",)),
        ForeignKey(("agency_id",), "agencies", ("agency_id",)),
    ),
)

TABLES: tuple[Table, ...] = (DOCUMENTS, MEASURES, INDICATORS, AGENCIES, MEASURE_AGENCIES)
TABLES_BY_NAME = {t.name: t for t in TABLES}


def table_schema(table: Table) -> dict[str, Any]:
    """Frictionless Table Schema of a table."""
    fields = []
    for f in table.fields:
        spec: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.description}
        constraints: dict[str, Any] = {}
        if f.required:
            constraints["required"] = True
        if f.enum:
            constraints["enum"] = list(f.enum)
        if f.pattern:
            constraints["pattern"] = f.pattern
        if f.minimum is not None:
            constraints["minimum"] = f.minimum
        if f.maximum is not None:
            constraints["maximum"] = f.maximum
        if constraints:
            spec["constraints"] = constraints
        fields.append(spec)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""], "primaryKey": list(table.primary_key)}
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(fk.fields), "reference": {"resource": fk.resource, "fields": list(fk.reference)}}
            for fk in table.foreign_keys
        ]
    return schema


def json_schema(table: Table) -> dict[str, Any]:
    """JSON Schema (Draft 2020-12) for one row of a table, empty cells as null."""
    properties: dict[str, Any] = {}
    for f in table.fields:
        prop: dict[str, Any] = {"description": f.description}
        base = _JSON_TYPES[f.type]
        prop["type"] = base if f.required else [base, "null"]
        if f.enum:
            prop["enum"] = list(f.enum) + ([] if f.required else [None])
        if f.pattern:
            prop["pattern"] = f.pattern
        if f.minimum is not None:
            prop["minimum"] = f.minimum
        if f.maximum is not None:
            prop["maximum"] = f.maximum
        if f.type == "string" and f.required:
            prop["minLength"] = 1
        properties[f.name] = prop
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE_URL}{table.name}.json",  # the committed file at the release's tag
        "title": f"plandata {table.name} row",
        "description": table.description,
        "type": "object",
        "properties": properties,
        "required": [f.name for f in table.fields],
        "additionalProperties": False,
    }


@cache
def arrow_schema(table: Table) -> pa.Schema:
    """pyarrow schema of a table, nullability from `required`."""
    return pa.schema(
        [pa.field(f.name, _ARROW_TYPES[f.type], nullable=not f.required) for f in table.fields],
        metadata={"description": table.description},
    )


Columns = dict[str, list[Any]]  # a table's rows as one list per field, in field order


def row_columns(table: Table, rows: list[dict[str, Any]]) -> Columns:
    """Rows (dicts keyed by field name) as one list per field."""
    return {name: [row[name] for row in rows] for name in table.field_names}


def columns_table(table: Table, columns: Columns) -> pa.Table:
    """Columns of a table as an Arrow table with the table's schema.

    Each conversion costs about 10 µs per field whatever the rows, so rows are
    gathered over many documents before converting (`document_rows.RowBatches`).
    """
    schema = arrow_schema(table)
    rows = len(next(iter(columns.values()), ()))
    return pa.Table.from_pydict(columns, schema=schema) if rows else schema.empty_table()
