"""The generated README and data dictionary: complete, current, and its DuckDB queries run."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from consumers_support import ROOT, build_real_package
from plandata import __version__
from plandata.package.datadict import dictionary_rows, document_counts, readme_diff, readme_text
from plandata.package.files import README_PATH
from plandata.package.package_meta import LICENSES
from plandata.package.readme_sections import DUCKDB_HEADING, DUCKDB_QUERIES
from plandata.package.rows import samples
from plandata.package.tables import TABLES

COMMITTED = ROOT / "datapackage"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_real_package(tmp_path_factory.mktemp("datadict") / "datapackage")


def test_committed_readme_is_current() -> None:
    diff = readme_diff(COMMITTED)
    assert not diff, "datapackage/README.md is stale: run `plandata build`\n" + "\n".join(diff[:40])


def test_stale_readme_is_detected(package: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(package, tmp_path / "copy"))
    assert readme_diff(copy) == []
    readme = copy / README_PATH
    readme.write_text(readme.read_text(encoding="utf-8").replace("| `title` |", "| `titel` |", 1), encoding="utf-8")
    assert any(line.startswith("-") and "`titel`" in line for line in readme_diff(copy))


def test_readme_documents_every_table_and_field(package: Path) -> None:
    text = (package / README_PATH).read_text(encoding="utf-8")
    for table in TABLES:
        section = text.split(f"### `{table.name}`", 1)[1].split("\n### ", 1)[0]
        for field in table.fields:
            assert f"| `{field.name}` | {field.type} |" in section
            for code in field.enum or ():
                assert f"`{code}`" in section
    assert f"Version **{__version__}**" in text
    assert all(lic["name"] in text for lic in LICENSES)
    assert "## How to cite" in text


def test_row_counts_per_document(package: Path) -> None:
    measures = pq.read_table(package / "data" / "measures.parquet", columns=["document_id"]).column(0).to_pylist()
    rows = document_counts(package)
    documents = pq.read_table(package / "data" / "documents.parquet", columns=["document_id"]).column(0).to_pylist()
    assert [r[0] for r in rows[:-1]] == documents
    assert all(r[3] == measures.count(r[0]) for r in rows[:-1])
    assert rows[-1][3] == len(measures)
    text = (package / README_PATH).read_text(encoding="utf-8")
    assert all(f"| {r[0]} |" in text for r in rows[:-1])


def test_dictionary_has_one_entry_per_field(package: Path) -> None:
    entries = dictionary_rows(samples(package))
    assert [(e["table_name"], e["field_name"]) for e in entries] == [(t.name, f.name) for t in TABLES for f in t.fields]
    assert all(e["codelist"] for e in entries if e["table_name"] == "measures" and e["field_name"] == "kind")


def test_readme_is_deterministic(package: Path) -> None:
    assert readme_text(package) == (package / README_PATH).read_text(encoding="utf-8")


def _readme_sql(text: str, heading: str) -> list[str]:
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)\n```", section, re.S)


def test_readme_shows_the_duckdb_queries(package: Path) -> None:
    assert _readme_sql((package / README_PATH).read_text(encoding="utf-8"), DUCKDB_HEADING) == list(DUCKDB_QUERIES)


@pytest.mark.parametrize("query", DUCKDB_QUERIES, ids=lambda q: q.splitlines()[0])
def test_duckdb_runs_readme_query_over_parquet(query: str, package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(package)  # the README says: run duckdb in the package folder
    rows = duckdb.connect().execute(query).fetchall()
    assert rows, "the README's query finds nothing in the built package"


def test_duckdb_reads_declared_types(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(package)
    duck_types = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN"}
    db = duckdb.connect()
    for table in TABLES:
        described = db.execute(f"DESCRIBE SELECT * FROM 'data/{table.name}.parquet'").fetchall()
        assert [(name, kind) for name, kind, *_ in described] == [(f.name, duck_types[f.type]) for f in table.fields]
