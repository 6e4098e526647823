"""The `datapackage.json` descriptor: package metadata and one resource per file.

Names are ASCII snake_case; Chinese appears only in titles and descriptions.
`created` is the release date of the version, never the build time, so that
rebuilds are byte-identical.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from plandata import RELEASE_DATE
from plandata.package.files import consumer_files, file_resources
from plandata.package.tables import TABLES, Table, table_schema

PACKAGE_NAME = "plandata_education_plans"
PACKAGE_TITLE = (
    "plandata: 地方教育规划的措施、指标与责任单位 (measures, indicators and agencies of Chinese local education plans)"
)
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
HOMEPAGE = "https://github.com/plandata/plandata"
CREATOR = "plandata developers"
LICENSES = [
    {
        "name": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 (the extracted data and its documentation)",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    },
    {
        "name": "MIT",
        "title": "MIT License (the plandata code)",
        "path": "https://opensource.org/licenses/MIT",
    },
]
SOURCES_NOTE = (
    "The source texts are official documents of Chinese government bodies, obtained from web pages that "
    "republished them. Under Article 5 of the Copyright Law of the PRC, laws, regulations and other official "
    "documents of a legislative, administrative or judicial nature are not protected by copyright; the web "
    "pages' own additions (leads, footers) are removed and not redistributed as data."
)


FileStats = dict[str, tuple[int, str]]  # path -> (bytes, sha256)


def _csv_resource(table: Table, stats: FileStats) -> dict[str, Any]:
    path = f"data/{table.name}.csv"
    return {
        "name": table.name,
        "type": "table",
        "path": path,
        "scheme": "file",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": table.title,
        "description": table.description,
        "bytes": stats[path][0],
        "hash": f"sha256:{stats[path][1]}",
        "dialect": {"header": True, "delimiter": ",", "lineTerminator": "\n", "quoteChar": '"'},
        "schema": table_schema(table),
    }


def _parquet_resource(table: Table, stats: FileStats) -> dict[str, Any]:
    # A "file" resource: frictionless 5.21 misreads nullable Parquet integers,
    # so it checks only size and hash here; `plandata validate` checks the
    # Parquet schema and rows with pyarrow.
    path = f"data/{table.name}.parquet"
    return {
        "name": f"{table.name}_parquet",
        "type": "file",
        "path": path,
        "scheme": "file",
        "format": "parquet",
        "mediatype": "application/vnd.apache.parquet",
        "title": f"{table.title} (Parquet)",
        "description": f"The rows of `{table.name}`, typed, as Parquet; its schema is the `{table.name}` resource's.",
        "bytes": stats[path][0],
        "hash": f"sha256:{stats[path][1]}",
    }


def _source(document: dict[str, Any]) -> dict[str, Any]:
    # The package does not carry raw/: a source's `path` is where it was published, when the manifest
    # says so; otherwise the description names the file in the project's raw/ folder.
    source: dict[str, Any] = {"title": document["title"] or document["source_file"]}
    if document.get("source_url"):
        source["path"] = document["source_url"]
    source["description"] = f"raw/{document['source_file']} in the plandata repository (not in this package)"
    source["sha256"] = document["sha256"]
    if document.get("text_path"):
        # A PDF's or a web page's raw offsets index the text its reader extracted, kept beside the data.
        source["text"] = {"path": document["text_path"], "encoding": "utf-8", "mediatype": "text/plain"}
    return source


def package_descriptor(
    tables: dict[str, list[dict[str, Any]]], metadata: dict[str, Any], version: str, stats: FileStats
) -> dict[str, Any]:
    """The descriptor for the tables; `metadata` carries tool versions, `stats` file sizes and hashes."""
    resources = [_csv_resource(t, stats) for t in TABLES] + [_parquet_resource(t, stats) for t in TABLES]
    resources += file_resources([t.name for t in TABLES], stats)  # exports present: XLSX, SQLite, spreadsheet CSV
    sources = [_source(d) for d in tables["documents"]]
    return {
        "$schema": PROFILE,
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "description": (
            "Measures, quantitative indicators and responsible agencies extracted from Chinese local education "
            "plans (district and city 十四五 plans, municipal implementation plans), with exact quotes and "
            "character offsets back into the source files. " + SOURCES_NOTE
        ),
        "version": version,
        "created": f"{RELEASE_DATE}T00:00:00Z",
        "homepage": HOMEPAGE,
        "keywords": ["education", "China", "policy", "five-year plan", "十四五", "教育规划"],
        "licenses": LICENSES,
        "sources": sources,
        "contributors": [{"title": CREATOR, "roles": ["creator"]}],
        "resources": resources,
        "plandata": metadata,
    }


def file_stats(package_dir: Path, paths: list[str]) -> FileStats:
    """Size and sha256 of each of `paths` inside the package."""
    stats = {}
    for name in paths:
        with (package_dir / name).open("rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        stats[name] = ((package_dir / name).stat().st_size, digest)
    return stats


def write_descriptor(package_dir: Path, descriptor: dict[str, Any]) -> Path:
    """Write `datapackage.json` (UTF-8, two-space indent, keys in the order given)."""
    path = package_dir / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def register_files(package_dir: Path) -> Path:
    """List every export file present in the package in its descriptor, with size and hash.

    The table resources are kept as they are; export resources are rebuilt
    from the files on disk, in their fixed order, so a package exported in
    one step or in several gets the same descriptor.
    """
    path = package_dir / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    names = [t.name for t in TABLES]
    exports = consumer_files(names)
    kept = [r for r in descriptor["resources"] if r.get("path") not in exports]
    present = [name for name in exports if (package_dir / name).is_file()]
    descriptor["resources"] = kept + file_resources(names, file_stats(package_dir, present))
    return write_descriptor(package_dir, descriptor)
