"""Datasette metadata for the SQLite export, from the one table definition.

`datasette plandata.sqlite -m plandata.datasette.json` then shows the
package's title, licence and source, a description of every table and
column, and a canned query `search` that finds measures by any word —
including the two-character words most Chinese searches are (`教师`), which
the trigram full-text index cannot match (FTS5 trigram needs three
characters; its LIKE support scans for shorter patterns and uses the index
for longer ones).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from plandata.package.tables import TABLES

DATABASE = "plandata"  # Datasette names a database after its file's stem (plandata.sqlite)

SEARCH_SQL = """SELECT m.measure_id, d.title AS document, m.label, m.title, m.text
FROM measures_fts f
JOIN measures m ON m.rowid = f.rowid
JOIN documents d ON d.document_id = m.document_id
WHERE f.title LIKE '%' || :q || '%' OR f.text LIKE '%' || :q || '%'
ORDER BY m.measure_id"""


def datasette_metadata(descriptor: dict[str, Any]) -> dict[str, Any]:
    """Datasette's metadata.json for the package described by `descriptor` (its datapackage.json)."""
    data_licence = next(iter(descriptor.get("licenses", [])), {})
    tables: dict[str, Any] = {
        table.name: {
            "title": table.title,
            "description": table.description,
            "columns": {f.name: f.description for f in table.fields},
        }
        for table in TABLES
    }
    tables["measures_fts"] = {"hidden": True}
    return {
        "title": descriptor.get("title", ""),
        "description": descriptor.get("description", ""),
        "license": data_licence.get("name", ""),
        "license_url": data_licence.get("path", ""),
        "source": f"plandata {descriptor.get('version', '')}",
        "source_url": descriptor.get("homepage", ""),
        "databases": {
            DATABASE: {
                "tables": tables,
                "queries": {
                    "search": {
                        "title": "Search measures",
                        "description": "Measures whose title or text contains the words given (any length).",
                        "sql": SEARCH_SQL,
                    }
                },
            }
        },
    }


def write_datasette_metadata(package_dir: Path, path: Path) -> Path:
    """Write the Datasette metadata of the package in `package_dir` to `path`."""
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    text = json.dumps(datasette_metadata(descriptor), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8", newline="\n")
    return path
