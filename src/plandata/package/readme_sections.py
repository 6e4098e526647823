"""The fixed how-to sections of the package README: files, spreadsheets, DuckDB, SQLite, data frames.

The queries are constants so that tests run exactly what the README shows
(`DUCKDB_QUERIES` with DuckDB over the Parquet files, `SQLITE_QUERIES` with
the sqlite3 command-line shell over `plandata.sqlite`).
"""

from __future__ import annotations

from plandata.package.files import DATASETTE_PATH, SQLITE_PATH, XLSX_PATH, spreadsheet_csv_path
from plandata.package.tables import Table

DUCKDB_HEADING = "## DuckDB: query the Parquet files directly"
SQLITE_HEADING = "## SQLite and Datasette"

DUCKDB_QUERIES = (
    """-- measures per document
SELECT d.document_id, d.jurisdiction, count(m.measure_id) AS measures
FROM 'data/documents.parquet' AS d
LEFT JOIN 'data/measures.parquet' AS m USING (document_id)
GROUP BY ALL
ORDER BY d.document_id;""",
    """-- targets with the title of the measure that states them
SELECT i.indicator_id, i.comparator, i.value, i.unit, i.target_year, m.title AS measure
FROM 'data/indicators.parquet' AS i
JOIN 'data/measures.parquet' AS m USING (measure_id)
WHERE i.kind = 'target'
ORDER BY i.indicator_id
LIMIT 20;""",
    """-- agencies by the number of measures they are responsible for
SELECT a.name_zh, a.name_en, count(DISTINCT ma.measure_id) AS measures
FROM 'data/measure_agencies.parquet' AS ma
JOIN 'data/agencies.parquet' AS a USING (agency_id)
WHERE ma.relation <> 'mentioned'
GROUP BY ALL
ORDER BY measures DESC, a.name_zh
LIMIT 20;""",
)

SQLITE_QUERIES = (
    """-- full-text search over measure titles and text (trigram index: three or more characters)
SELECT m.measure_id, m.title
FROM measures_fts
JOIN measures AS m ON m.rowid = measures_fts.rowid
WHERE measures_fts MATCH '教师队伍'
ORDER BY measures_fts.rank
LIMIT 10;""",
    """-- the outline of one document, with foreign keys enforced
PRAGMA foreign_keys = ON;
SELECT m.sequence, m.level, m.label, m.title
FROM measures AS m
WHERE m.document_id = (SELECT min(document_id) FROM documents)
ORDER BY m.sequence
LIMIT 20;""",
)


def _sql_blocks(queries: tuple[str, ...]) -> list[str]:
    lines: list[str] = []
    for query in queries:
        lines += ["```sql", query, "```", ""]
    return lines


def files(tables: tuple[Table, ...]) -> list[str]:
    """The list of files in the package."""
    names = ", ".join(f"`{t.name}`" for t in tables)
    return [
        "## Files",
        "",
        "| file | for |",
        "|---|---|",
        "| `datapackage.json` | Frictionless descriptor: schemas, primary and foreign keys, sizes and hashes |",
        "| `data/<table>.csv` | the canonical data: UTF-8 without byte-order mark, LF, header row |",
        "| `data/<table>.parquet` | the same rows, typed (int64, double, bool, string), zstd |",
        f"| `{XLSX_PATH}` | spreadsheets: one sheet per table (past Excel's 1,048,575 rows a table continues "
        "on `<table>_2`, `<table>_3` …) and a `data_dictionary` sheet |",
        f"| `{spreadsheet_csv_path('<table>')}` | CSV for Excel: UTF-8 with byte-order mark, CRLF |",
        f"| `{SQLITE_PATH}` | SQLite with keys, indexes and full-text search; ready for Datasette |",
        "",
        f"Tables: {names}. JSON Schemas for one row of each table are in `schemas/` of the source repository "
        "and of the release zip.",
        "",
    ]


def spreadsheets() -> list[str]:
    """How spreadsheet users get the Chinese text intact."""
    return [
        "## Opening the data in a spreadsheet",
        "",
        f"- **Use `{XLSX_PATH}`.** Excel, LibreOffice Calc, WPS Office and Numbers open it with the Chinese text "
        "intact and no import settings (a workbook stores its text as UTF-8 by definition). Numbers are "
        "numbers, text stays text (numbering such as `3.` is not turned into the number 3), the header row "
        "is frozen and filterable, and the `data_dictionary` sheet explains every column. Text that a "
        "spreadsheet could take for a formula (starting with `=`, `+`, `-`, `@`) is stored as text with "
        "Excel's quote-prefix mark, so no formula runs and the value is unchanged.",
        f"- **CSV for Excel: `{spreadsheet_csv_path('<table>')}`.** Excel on Windows reads a CSV without a "
        "byte-order mark in the system code page (GBK on Chinese Windows, Windows-1252 on English Windows) "
        "and garbles UTF-8 Chinese when the file is opened by double-click; these copies start with the UTF-8 "
        "byte-order mark, which Excel takes as the signal to read UTF-8. A text cell that starts with `=`, "
        "`+`, `-` or `@` has an apostrophe put in front, so no formula runs. Excel still guesses each cell's "
        "type (`3.` becomes 3): for exact values use the workbook.",
        "- **`data/<table>.csv` is the data for programs** (Frictionless, pandas, R, DuckDB): UTF-8 without a "
        "byte-order mark, every text cell quoted. In Excel use *Data › From Text/CSV* with *File origin: "
        "65001: Unicode (UTF-8)*. In LibreOffice choose *Character set: Unicode (UTF-8)* and tick *Format "
        "quoted field as text* in the Text Import dialog, for either CSV (LibreOffice 7.4 opening a CSV "
        "without these settings reads it as Western text, byte-order mark or not).",
        "",
    ]


def duckdb() -> list[str]:
    """DuckDB queries over the Parquet files."""
    return [
        DUCKDB_HEADING,
        "",
        "Run `duckdb` in this folder; the Parquet files are typed, so no schema is needed.",
        "",
        *_sql_blocks(DUCKDB_QUERIES),
    ]


def sqlite() -> list[str]:
    """Using the SQLite database, from the sqlite3 shell or Datasette."""
    return [
        SQLITE_HEADING,
        "",
        f"`sqlite3 {SQLITE_PATH}` or `datasette {SQLITE_PATH} -m {DATASETTE_PATH}` (the metadata file gives "
        "Datasette the title, licence, source and every table's and column's description, and a `search` "
        "query that finds measures by words of any length, two-character words included). Every table has its "
        "primary key and declared "
        "foreign keys (turn on `PRAGMA foreign_keys = ON` to have SQLite enforce them on changes), the join "
        "columns are indexed, and `measures_fts` is a full-text index over `measures.title` and "
        "`measures.text` (FTS5, trigram tokenizer, so it finds any Chinese substring of three or more "
        "characters; Datasette shows it as a search box on `measures`). The `data_dictionary` table holds "
        "the field descriptions. `measures_fts` indexes `measures` by rowid: after a `VACUUM`, run "
        "`INSERT INTO measures_fts(measures_fts) VALUES ('rebuild')`.",
        "",
        *_sql_blocks(SQLITE_QUERIES),
    ]


def dataframes() -> list[str]:
    """Reading the tables with pandas and polars, with the declared types."""
    return [
        "## pandas and polars",
        "",
        "```python",
        "import pandas as pd",
        'measures = pd.read_parquet("data/measures.parquet", dtype_backend="numpy_nullable")',
        "",
        "import polars as pl",
        'indicators = pl.read_parquet("data/indicators.parquet")',
        "```",
        "",
        "The Parquet files carry the declared types, nullable integers included. From CSV, give the types: "
        'integer columns as `"Int64"`, number as `"Float64"`, boolean as `"boolean"`, text as `"string"` '
        "(pandas), or read with `pl.read_csv(..., schema=...)` (polars).",
        "",
    ]
