"""Whole builds of the real raw/: valid, deterministic, equal to the committed package, atomic."""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from plandata.build import build
from plandata.check.validate import validate_package
from plandata.cli import main

ROOT = Path(__file__).parents[1]
RAW = ROOT / "raw"
COMMITTED = ROOT / "datapackage"
SEED_HASHES = ROOT / "tests" / "fixtures" / "seeds.sha256"  # sha256sum of shared/seeds/*.txt


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "datapackage"
    build(RAW, out)
    return out


def test_package_is_valid(built: Path) -> None:
    report = validate_package(built)
    assert report.valid, report.lines()
    assert report.rows_checked > 0


def test_frictionless_cli_accepts_package(built: Path) -> None:
    frictionless = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(frictionless), "validate", str(built / "datapackage.json")], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-2000:]


def test_rebuild_is_byte_identical(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "datapackage"
    build(RAW, again)
    assert _files(again) == _files(built)


def test_committed_package_equals_fresh_build(built: Path) -> None:
    assert _files(COMMITTED) == _files(built), "datapackage/ is stale: run `plandata build`"


def test_raw_holds_the_seeds_byte_identical() -> None:
    expected = dict(reversed(line.split("  ")) for line in SEED_HASHES.read_text(encoding="utf-8").splitlines())
    assert len(expected) == 5
    for name, digest in expected.items():
        assert hashlib.sha256((RAW / name).read_bytes()).hexdigest() == digest


def test_descriptor_metadata(built: Path) -> None:
    descriptor = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"].startswith("https://datapackage.org/profiles/2.0/")
    assert descriptor["name"].isascii() and descriptor["version"]
    assert {lic["name"] for lic in descriptor["licenses"]} == {"CC-BY-4.0", "MIT"}
    assert descriptor["created"].endswith("T00:00:00Z")
    conversion = descriptor["plandata"]["normalisation"]["script_conversion"]
    assert conversion["tool"] == "OpenCC" and conversion["config"] == "t2s" and conversion["version"]
    names = {r["name"] for r in descriptor["resources"]}
    for table in ("documents", "measures", "indicators", "agencies", "measure_agencies"):
        assert {table, f"{table}_parquet"} <= names


def test_parquet_reads_back_like_csv(built: Path) -> None:
    import pandas as pd

    for table in ("documents", "measures", "indicators", "agencies", "measure_agencies"):
        parquet = pq.read_table(built / "data" / f"{table}.parquet")
        csv_rows = pd.read_csv(built / "data" / f"{table}.csv", dtype=str, keep_default_na=False)
        assert parquet.num_rows == len(csv_rows)
        assert parquet.column_names == list(csv_rows.columns)


def test_documents_carry_provenance(built: Path) -> None:
    import hashlib

    import pandas as pd

    docs = pd.read_csv(built / "data" / "documents.csv", dtype=str, keep_default_na=False)
    assert sorted(docs["source_file"]) == sorted(p.name for p in RAW.glob("*.txt"))
    for _, row in docs.iterrows():
        assert row["sha256"] == hashlib.sha256((RAW / row["source_file"]).read_bytes()).hexdigest()
    assert set(docs["script"]) == {"zh-Hans", "zh-Hant"}


def test_document_without_manifest_row_builds_with_warning(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "extra_plan.txt").write_text("一、总体要求\n1.建设学校。到2025年建成10所学校。\n", encoding="utf-8")
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "out")]) == 0
    out, err = capsys.readouterr()
    assert "plandata: warning: extra_plan.txt: no row in documents.csv" in err
    assert out.splitlines()[-1].split() == ["warnings", "1"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda raw: None, "no source documents"),
        (lambda raw: (raw / "bad.txt").write_bytes("建设学校".encode() + b"\x80\xff"), "bad.txt: byte"),
    ],
    ids=["empty-folder", "undecodable-file"],
)
def test_bad_input_keeps_previous_output(tmp_path: Path, capsys: pytest.CaptureFixture, setup, message: str) -> None:
    out = tmp_path / "datapackage"
    shutil.copytree(COMMITTED, out)
    before = _files(out)
    raw = tmp_path / "raw"
    raw.mkdir()
    setup(raw)
    assert main(["build", "--raw", str(raw), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err
    assert _files(out) == before


def test_document_rows_cross_processes_intact() -> None:
    """What a worker sends back (tables as Arrow IPC streams) arrives equal, schemas and empty tables too."""
    from plandata.build import document_rows
    from plandata.read.ingest import plan_sources

    sources, _ = plan_sources(Path("raw"))
    for source in sources:
        sent = document_rows(source)
        received = pickle.loads(pickle.dumps(sent))
        assert received.document_id == sent.document_id
        assert received.agencies == sent.agencies and received.warnings == sent.warnings
        assert list(received.tables) == list(sent.tables)
        assert received.tables == sent.tables  # plain columns, pickled
        sent, received = sent.arrow(), pickle.loads(pickle.dumps(sent.arrow()))  # Arrow (cache hits): IPC streams
        for name, table in sent.tables.items():
            assert received.tables[name].schema == table.schema
            assert received.tables[name].equals(table), name
    empty = document_rows(sources[0]).arrow()
    empty = type(empty)(empty.document_id, {n: t.slice(0, 0) for n, t in empty.tables.items()}, (), ())
    assert all(t.num_rows == 0 for t in pickle.loads(pickle.dumps(empty)).tables.values())
