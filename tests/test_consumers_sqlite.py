"""The SQLite database, queried by the sqlite3 shell and by Datasette."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from datasette.app import Datasette

from consumers_support import build_real_package
from plandata.export.sqlite import FTS_HASH_BYTES, FTS_TABLE, write_database
from plandata.package.files import DATASETTE_PATH, SQLITE_PATH
from plandata.package.readme_sections import SQLITE_QUERIES
from plandata.package.tables import TABLES, TABLES_BY_NAME


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_real_package(tmp_path_factory.mktemp("sqlite") / "datapackage")


def sqlite3_shell(database: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run an SQL script with the sqlite3 command-line shell."""
    binary = shutil.which("sqlite3")
    assert binary, "the sqlite3 shell is required (apt-get install sqlite3)"
    return subprocess.run([binary, "-bail", str(database)], input=script, capture_output=True, text=True, timeout=60)


@pytest.mark.clients
def test_foreign_keys_hold(package: Path) -> None:
    result = sqlite3_shell(package / SQLITE_PATH, "PRAGMA foreign_keys = ON;\nPRAGMA foreign_key_check;\n")
    assert result.returncode == 0 and result.stdout == ""


@pytest.mark.clients
def test_foreign_keys_are_enforced(package: Path, tmp_path: Path) -> None:
    database = Path(shutil.copy(package / SQLITE_PATH, tmp_path / "copy.sqlite"))
    orphan = (
        "INSERT INTO measures (measure_id, document_id, level, kind, ordinal, sequence, title, text, "
        "raw_start, raw_end) VALUES ('x:m0001', 'no_such_document', 1, 'item', 1, 1, '标题', '正文', 0, 1);"
    )
    result = sqlite3_shell(database, "PRAGMA foreign_keys = ON;\n" + orphan + "\n")
    assert result.returncode != 0
    assert "FOREIGN KEY constraint failed" in result.stderr


def _fts_phrase(title: str) -> str:
    """Three characters from the middle of a title, as an FTS5 phrase inside an SQL string."""
    middle = len(title) // 2
    return '"' + title[middle - 1 : middle + 2].replace('"', '""').replace("'", "''") + '"'


@pytest.mark.clients
def test_full_text_finds_every_measure(package: Path) -> None:
    measures = [r for r in pq.read_table(package / "data" / "measures.parquet").to_pylist() if len(r["title"]) >= 3]
    assert measures
    script = "".join(
        f"SELECT {n}, m.measure_id FROM {FTS_TABLE} JOIN measures AS m ON m.rowid = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH '{_fts_phrase(r['title'])}';\n"
        for n, r in enumerate(measures)
    )
    result = sqlite3_shell(package / SQLITE_PATH, script)
    assert result.returncode == 0, result.stderr
    found = {tuple(line.split("|", 1)) for line in result.stdout.splitlines()}
    assert all((str(n), r["measure_id"]) in found for n, r in enumerate(measures))


@pytest.mark.parametrize("query", SQLITE_QUERIES, ids=lambda q: q.splitlines()[0])
@pytest.mark.clients
def test_readme_queries(query: str, package: Path) -> None:
    result = sqlite3_shell(package / SQLITE_PATH, query + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "the README's query finds nothing in the built package"


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_keys_and_join_indexes(table, package: Path) -> None:  # type: ignore[no-untyped-def]
    with sqlite3.connect(package / SQLITE_PATH) as db:
        info = db.execute(f'PRAGMA table_info("{table.name}")').fetchall()
        primary = [name for _, name, *_rest, pk in sorted(info, key=lambda c: c[-1]) if pk]
        assert primary == list(table.primary_key)
        declared = {(row[3], row[2], row[4]) for row in db.execute(f'PRAGMA foreign_key_list("{table.name}")')}
        expected = {
            (c, fk.resource or table.name, r)
            for fk in table.foreign_keys
            for c, r in zip(fk.fields, fk.reference, strict=True)
        }
        assert declared == expected
        leading = set()
        for index in db.execute(f'PRAGMA index_list("{table.name}")').fetchall():
            leading.add(db.execute(f'PRAGMA index_info("{index[1]}")').fetchone()[2])
        assert all(fk.fields[0] in leading for fk in table.foreign_keys)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_rows_equal_parquet(table, package: Path) -> None:  # type: ignore[no-untyped-def]
    expected = pq.read_table(package / "data" / f"{table.name}.parquet").to_pylist()
    with sqlite3.connect(package / SQLITE_PATH) as db:
        db.row_factory = sqlite3.Row
        rows = [dict(r) for r in db.execute(f'SELECT * FROM "{table.name}" ORDER BY rowid')]
    booleans = [f.name for f in table.fields if f.type == "boolean"]
    for row in rows:
        row.update({name: None if row[name] is None else bool(row[name]) for name in booleans})
    assert rows == expected


def test_database_is_byte_identical(package: Path, tmp_path: Path) -> None:
    again = write_database(package, tmp_path / "again.sqlite")
    assert again.read_bytes() == (package / SQLITE_PATH).read_bytes()


def test_datasette_searches_and_links(package: Path) -> None:
    first = pq.read_table(package / "data" / "measures.parquet").to_pylist()[0]

    async def query() -> tuple[dict, dict]:
        datasette = Datasette([str(package / SQLITE_PATH)])
        phrase = first["title"][:4]
        found = await datasette.client.get(f"/plandata/measures.json?_search={phrase}&_shape=objects&_size=max")
        linked = await datasette.client.get("/plandata/measures.json?_shape=objects&_size=1&_labels=on")
        return found.json(), linked.json()

    found, linked = asyncio.run(query())
    assert first["measure_id"] in [row["measure_id"] for row in found["rows"]]
    assert linked["rows"][0]["document_id"]["value"] == first["document_id"]  # a foreign key Datasette follows


def test_full_text_index_is_sound_and_finds_what_like_finds(package: Path) -> None:
    """The index built with the large term buffer passes FTS5's integrity check and agrees with a scan."""
    db = sqlite3.connect(package / SQLITE_PATH)
    try:
        options = dict(db.execute(f"SELECT k, v FROM {FTS_TABLE}_config"))
        assert options.get("hashsize") == FTS_HASH_BYTES
        db.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('integrity-check', 1)")  # raises if corrupt
        titles = [t for (t,) in db.execute("SELECT title FROM measures WHERE length(title) >= 4")]
        assert titles
        for title in titles[::5]:
            needle = title[1:4]
            if needle.lower() != needle.upper():
                continue  # the index is case-blind, instr is not
            phrase = '"' + needle.replace('"', '""') + '"'
            found = {r for (r,) in db.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?", (phrase,))}
            scan = "SELECT rowid FROM measures WHERE instr(title, ?) OR instr(text, ?)"
            scanned = {r for (r,) in db.execute(scan, (needle, needle))}
            assert found == scanned, needle
    finally:
        db.close()


def test_datasette_shows_the_metadata_and_searches_two_character_words(package: Path) -> None:
    metadata = json.loads((package / DATASETTE_PATH).read_text(encoding="utf-8"))
    db = sqlite3.connect(package / SQLITE_PATH)
    try:
        # The words people type: two characters, which FTS5 trigram MATCH cannot find.
        word = next(
            w for (t,) in db.execute("SELECT title FROM measures ORDER BY measure_id") for w in (t[:2], t[2:4]) if w
        )
        expected = {m for (m,) in db.execute("SELECT measure_id FROM measures WHERE title LIKE ?1 OR text LIKE ?1",
                                             (f"%{word}%",))}  # fmt: skip
        assert not list(db.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?", (word,)))
    finally:
        db.close()

    async def query() -> tuple[dict, list[dict], str]:
        datasette = Datasette([str(package / SQLITE_PATH)], metadata=metadata)
        shown = (await datasette.client.get("/-/metadata.json")).json()
        found = await datasette.client.get("/plandata/search.json", params={"q": word, "_shape": "array"})
        page = (await datasette.client.get("/plandata/indicators")).text
        return shown, found.json(), page

    shown, found, page = asyncio.run(query())
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert shown["title"] == descriptor["title"] and shown["license"] == "CC-BY-4.0"
    tables = shown["databases"]["plandata"]["tables"]
    assert {t.name for t in TABLES} <= set(tables)
    assert all(tables[t.name]["columns"] == {f.name: f.description for f in t.fields} for t in TABLES)
    assert expected and {row["measure_id"] for row in found} == expected
    assert TABLES_BY_NAME["indicators"].description[:20] in page  # the table's description on its page
