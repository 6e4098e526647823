"""Write the JSON Schemas of `schemas/`, generated from `tables.py`."""

from __future__ import annotations

import json
from pathlib import Path

from plandata.package.tables import TABLES, json_schema


def schema_files() -> dict[str, str]:
    """File name -> content of every JSON Schema, exactly as committed."""
    return {
        f"{table.name}.json": json.dumps(json_schema(table), ensure_ascii=False, indent=2) + "\n" for table in TABLES
    }


def write_schemas(out_dir: Path) -> list[Path]:
    """Write `schemas/<table>.json` for every table; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in schema_files().items():
        path = out_dir / name
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths
