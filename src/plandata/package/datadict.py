"""The data dictionary: `datapackage/README.md` and the workbook's dictionary sheet.

Generated from the table definitions in `tables.py` and the built rows, so
it cannot drift from the data: each table and field with its type,
description, codelist and example values; row counts per document; the
version; how to cite; the licences; and how to open the files in
spreadsheets, DuckDB, SQLite/Datasette, pandas and polars.
`readme_diff` tells whether a package's README is stale.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from plandata import HOMEPAGE, RELEASE_DATE, __version__
from plandata.package import readme_sections
from plandata.package.files import README_PATH
from plandata.package.package_meta import CREATOR, LICENSES, PACKAGE_TITLE, SOURCES_NOTE
from plandata.package.rows import Row, format_cell, read_columns, row_count, samples
from plandata.package.tables import DOCUMENTS, INDICATORS, MEASURE_AGENCIES, MEASURES, TABLES, Field, Table

Samples = dict[str, list[Row]]  # table name -> its first rows
EXAMPLES_PER_FIELD = 3
EXAMPLE_CHARS = 30
# Columns of the dictionary sheet and their cell types.
DICTIONARY_COLUMNS = (
    ("table_name", "string"),
    ("field_name", "string"),
    ("type", "string"),
    ("required", "boolean"),
    ("description", "string"),
    ("codelist", "string"),
    ("examples", "string"),
)


def _short(text: str) -> str:
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"


def example_values(field: Field, rows: list[dict[str, Any]]) -> list[str]:
    """Up to three distinct values of a field, in row order; the definition's example if there are none."""
    seen: list[str] = []
    for row in rows:
        text = format_cell(row[field.name]).replace("\n", " ")
        if text and text not in seen:
            seen.append(text)
            if len(seen) == EXAMPLES_PER_FIELD:
                break
    if not seen and field.example:
        seen.append(field.example)
    return [_short(v) for v in seen]


def dictionary_rows(samples: Samples) -> list[dict[str, Any]]:
    """One entry per field of every table: the data dictionary."""
    entries = []
    for table in TABLES:
        for field in table.fields:
            entries.append(
                {
                    "table_name": table.name,
                    "field_name": field.name,
                    "type": field.type,
                    "required": field.required,
                    "description": field.description,
                    "codelist": " | ".join(field.enum) if field.enum else None,
                    "examples": None if field.enum else " | ".join(example_values(field, samples[table.name])) or None,
                }
            )
    return entries


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _per_document(document_ids: pa.ChunkedArray) -> dict[str | None, int]:
    counted = pc.value_counts(document_ids)
    return dict(zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True))


def document_counts(package_dir: Path) -> list[list[object]]:
    """Rows per document: id, jurisdiction, title, measures, indicators, task-division links."""
    # Counted by Arrow over the id columns alone: a Python loop over every row was a tenth of a rebuild.
    measures = read_columns(package_dir, MEASURES, ["measure_id", "document_id"])
    per_measure = pc.index_in(read_columns(package_dir, MEASURE_AGENCIES, ["measure_id"])["measure_id"],
                              value_set=measures["measure_id"].combine_chunks())  # fmt: skip
    link_counts = _per_document(measures["document_id"].take(per_measure))  # a link to no measure: None
    measure_counts = _per_document(measures["document_id"])
    indicator_counts = _per_document(read_columns(package_dir, INDICATORS, ["document_id"])["document_id"])
    rows: list[list[object]] = []
    documents = read_columns(package_dir, DOCUMENTS, ["document_id", "jurisdiction", "title"]).to_pylist()
    for doc in documents:
        doc_id = doc["document_id"]
        counts = [measure_counts.get(doc_id, 0), indicator_counts.get(doc_id, 0), link_counts.get(doc_id, 0)]
        rows.append([doc_id, doc["jurisdiction"] or "", doc["title"] or "", *counts])
    totals = [sum(c.values()) for c in (measure_counts, indicator_counts, link_counts)]
    rows.append(["**total**", "", "", *totals])
    return rows


def _codelist_or_examples(field: Field, rows: list[Row]) -> str:
    if field.enum:
        return "one of: " + ", ".join(f"`{v}`" for v in field.enum)
    return ", ".join(f"`{v}`" for v in example_values(field, rows))


def _field_rows(table: Table, rows: list[Row]) -> list[list[object]]:
    return [
        [f"`{f.name}`", f.type, "yes" if f.required else "", f.description, _codelist_or_examples(f, rows)]
        for f in table.fields
    ]


def table_section(table: Table, sample: list[Row], count: int) -> list[str]:
    """The README section of one table: description, files, keys and fields."""
    keys = [f"Primary key: `{', '.join(table.primary_key)}`."]
    for fk in table.foreign_keys:
        target = fk.resource or table.name
        keys.append(f"`{', '.join(fk.fields)}` → `{target}.{', '.join(fk.reference)}`.")
    return [
        f"### `{table.name}` — {table.title}",
        "",
        f"{table.description} {count} rows in `data/{table.name}.csv` and `data/{table.name}.parquet`.",
        "",
        " ".join(keys),
        "",
        *_md_table(["field", "type", "required", "description", "codelist or examples"], _field_rows(table, sample)),
        "",
    ]


def _heading() -> list[str]:
    return [
        f"# {PACKAGE_TITLE}",
        "",
        f"Version **{__version__}**, released {RELEASE_DATE}. Generated by `plandata build` from the table "
        "definitions in `src/plandata/package/tables.py` and the built rows: do not edit by hand.",
        "",
    ]


def _citation() -> list[str]:
    year = RELEASE_DATE[:4]
    return [
        "## How to cite",
        "",
        f"{CREATOR} ({year}). *{PACKAGE_TITLE}*, version {__version__} [data set]. {HOMEPAGE}",
        "",
        "```bibtex",
        f"@misc{{plandata_{__version__.replace('.', '_')},",
        f"  author = {{{{{CREATOR}}}}},",
        f"  title = {{{PACKAGE_TITLE}}},",
        f"  year = {{{year}}},",
        f"  version = {{{__version__}}},",
        f"  url = {{{HOMEPAGE}}},",
        "}",
        "```",
        "",
    ]


def _licences() -> list[str]:
    lines = ["## Licences", ""]
    lines += [f"- **{lic['name']}**: {lic['title']} — {lic['path']}" for lic in LICENSES]
    return [*lines, "", SOURCES_NOTE, ""]


def readme_text(package_dir: Path) -> str:
    """The whole README of the package in `package_dir`, from its Parquet files."""
    first_rows = samples(package_dir)
    lines = _heading()
    lines += readme_sections.files(TABLES)
    lines += ["## Documents", "", "Rows per source document.", ""]
    lines += _md_table(
        ["document_id", "jurisdiction", "title", "measures", "indicators", "task-division links"],
        document_counts(package_dir),
    )
    lines += ["", "## Tables and fields", ""]
    for table in TABLES:
        lines += table_section(table, first_rows[table.name], row_count(package_dir, table))
    lines += readme_sections.spreadsheets()
    lines += readme_sections.duckdb()
    lines += readme_sections.sqlite()
    lines += readme_sections.dataframes()
    lines += _citation() + _licences()
    return "\n".join(lines).rstrip("\n") + "\n"


def write_readme(package_dir: Path) -> Path:
    """Write `README.md` into the package folder, from its data files."""
    path = package_dir / README_PATH
    path.write_text(readme_text(package_dir), encoding="utf-8")
    return path


def readme_diff(package_dir: Path) -> list[str]:
    """Unified diff from the package's README.md to the one its data implies; empty when current."""
    path = package_dir / README_PATH
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    expected = readme_text(package_dir)
    return list(difflib.unified_diff(current.splitlines(), expected.splitlines(), str(path), "expected", lineterm=""))
