"""A rebuild takes its unchanged documents from the last build's snapshot (package/snapshot.py).

Every test builds for real and compares the package with one built from
scratch without the cache, file by file.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest

from build_support import RAW, tree_digest
from plandata import build as build_module
from plandata.build import BuildOptions, _build_key, _segments, build
from plandata.cli import main
from plandata.package import uptodate
from plandata.package.cache import ENTRIES, PACKAGES, DocumentCache
from plandata.package.snapshot import Snapshot
from plandata.package.uptodate import SETTLED_NS, PackageRecord, SourceDigests, read_record, record_stem
from plandata.read.ingest import plan_sources, read_source_bytes

OPTIONS = {"jobs": 1, "exports": ()}


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, Path]:
    raw, out, cache = tmp_path / "raw", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(RAW, raw)
    first = build(raw, out, BuildOptions(cache=cache, **OPTIONS))  # type: ignore[arg-type]
    assert first.cache == {"miss": len(list(raw.glob("*.txt")))}
    return raw, out, cache


def rebuild(raw: Path, out: Path, cache: Path, jobs: int = 1):  # type: ignore[no-untyped-def]
    return build(raw, out, BuildOptions(cache=cache, jobs=jobs, exports=()))


def from_scratch(raw: Path, tmp_path: Path) -> str:
    out = tmp_path / "scratch"
    shutil.rmtree(out, ignore_errors=True)
    build(raw, out, BuildOptions(**OPTIONS))  # type: ignore[arg-type]
    return tree_digest(out)


def snapshots(cache: Path, out: Path) -> list[Path]:
    return sorted(p for p in (cache / PACKAGES).glob(f"{record_stem(out)}.*") if p.is_dir())


def change(plan: Path) -> None:
    plan.write_text(plan.read_text(encoding="utf-8") + "\n到2025年，新建学校3所。\n", encoding="utf-8")


@pytest.mark.parametrize("jobs", [1, 2])
def test_unchanged_documents_come_from_the_snapshot(built: tuple[Path, Path, Path], tmp_path: Path, jobs: int) -> None:
    raw, out, cache = built
    plans = sorted(raw.glob("*.txt"))
    change(plans[1])
    shutil.rmtree(cache / ENTRIES)  # only the snapshot can serve the unchanged documents now
    summary = rebuild(raw, out, cache, jobs)
    assert summary.cache == {"hit": len(plans) - 1, "miss": 1}
    assert tree_digest(out) == from_scratch(raw, tmp_path)
    assert len(snapshots(cache, out)) == 1  # the last build's replaced the one before


def test_added_removed_and_renamed_documents(built: tuple[Path, Path, Path], tmp_path: Path) -> None:
    raw, out, cache = built
    plans = sorted(raw.glob("*.txt"))
    manifest = raw / "documents.csv"
    with manifest.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    plans[0].unlink()
    plans[2].rename(raw / ("zz_" + plans[2].name))
    shutil.copy(plans[3], raw / ("aa_" + plans[3].name))
    with manifest.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            if row["source_file"] == plans[2].name:
                row["source_file"] = "zz_" + plans[2].name
            if row["source_file"] != plans[0].name:
                writer.writerow(row)
    shutil.rmtree(cache / ENTRIES)
    summary = rebuild(raw, out, cache)
    assert summary.cache == {"hit": len(plans) - 2, "miss": 2}  # a renamed file is another document
    assert tree_digest(out) == from_scratch(raw, tmp_path)


def test_the_rows_of_a_text_layer_and_warnings_come_back(tmp_path: Path) -> None:
    raw, out, cache = tmp_path / "raw", tmp_path / "out", tmp_path / "cache"
    raw.mkdir()
    plan = next(p for p in sorted(RAW.glob("*.txt")))
    text = plan.read_text(encoding="utf-8")
    (raw / "page.html").write_text(f"<html><body><p>{'</p><p>'.join(text.splitlines())}</p></body></html>", "utf-8")
    (raw / "empty.txt").write_text("首页 > 通知公告\n", encoding="utf-8")  # nothing but chrome: no measures
    shutil.copy(plan, raw / plan.name)
    first = rebuild(raw, out, cache)
    change(raw / plan.name)
    shutil.rmtree(cache / ENTRIES)
    again = rebuild(raw, out, cache)
    assert again.cache["hit"] == 2
    assert sorted(again.warnings) == sorted(first.warnings)  # the unchanged documents' warnings, from the snapshot
    assert tree_digest(out) == from_scratch(raw, tmp_path)  # the HTML page's text layer too


@pytest.mark.parametrize("damage", ["flip", "truncate", "remove"])
def test_a_damaged_snapshot_is_not_used(built: tuple[Path, Path, Path], tmp_path: Path, damage: str) -> None:
    raw, out, cache = built
    (folder,) = snapshots(cache, out)
    target = folder / "measures.arrow"
    data = bytearray(target.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01  # one bit of a measure's text: only the checksum sees it
        target.write_bytes(bytes(data))
    elif damage == "truncate":
        target.write_bytes(bytes(data[: len(data) // 2]))
    else:
        target.unlink()
    change(sorted(raw.glob("*.txt"))[0])
    shutil.rmtree(cache / ENTRIES)
    summary = rebuild(raw, out, cache)
    assert summary.cache == {"miss": len(list(raw.glob("*.txt")))}  # every document processed again
    assert tree_digest(out) == from_scratch(raw, tmp_path)
    assert [p.name for p in snapshots(cache, out)] != [folder.name]  # replaced by a whole one


def test_an_interrupted_build_keeps_the_last_snapshot(built: tuple[Path, Path, Path]) -> None:
    raw, out, cache = built
    before, digest = snapshots(cache, out), tree_digest(out)
    change(sorted(raw.glob("*.txt"))[0])

    def interrupt(done: int, total: int, label: str) -> None:
        if done == 2:  # Ctrl-C in the middle of the documents, the snapshot half written
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(raw, out, BuildOptions(cache=cache, jobs=1, exports=(), progress=interrupt))
    assert snapshots(cache, out) == before and tree_digest(out) == digest
    record = read_record(cache, out)
    assert record is not None and record.snapshot == before[0].name
    assert [p for p in (cache / PACKAGES).iterdir() if p.is_dir()] == before  # the half-written one is gone


def test_cache_info_counts_and_clear_removes_the_snapshots(
    built: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    raw, out, cache = built
    size = sum(p.stat().st_size for p in (cache / PACKAGES).rglob("*") if p.is_file())
    assert main(["cache", "info", "--cache", str(cache)]) == 0
    assert f"packages  1 (records and snapshots of output folders: {size} bytes)" in capsys.readouterr().out
    (cache / PACKAGES / "mine.txt").write_text("not ours", encoding="utf-8")
    assert main(["cache", "clear", "--cache", str(cache)]) == 0
    assert "and 1 package snapshots" in capsys.readouterr().out
    assert DocumentCache(cache).package_files() == [] and (cache / PACKAGES / "mine.txt").exists()
    assert not rebuild(raw, out, cache).up_to_date  # no record left: built again


def test_a_rebuild_takes_the_unchanged_documents_in_runs(built: tuple[Path, Path, Path]) -> None:
    raw, out, cache = built
    plans = sorted(raw.glob("*.txt"))
    change(plans[2])
    sources, _ = plan_sources(raw)
    record = read_record(cache, out)
    assert record is not None and record.snapshot is not None
    snapshot = Snapshot.open(cache / PACKAGES / record.snapshot, record.snapshot_sha256 or {})
    assert snapshot is not None
    _, keys = _build_key(sources, BuildOptions(cache=cache, **OPTIONS), SourceDigests(record))  # type: ignore[arg-type]
    segments = _segments(sources, keys, snapshot)
    # the documents before the changed one in one run, the changed one alone, the rest in another run
    assert [(len(s.sources), s.held) for s in segments] == [(2, True), (1, False), (len(plans) - 3, True)]
    run = snapshot.run([keys[s.source_file] for s in segments[0].sources])
    assert [d.document_id for d in run.documents] == [s.document_id for s in sources[:2]]
    counts = {name: sum((d.row_counts or {})[name] for d in run.documents) for name in run.tables}
    assert counts == {name: table.num_rows for name, table in run.tables.items()}
    assert counts["measures"] > 0


def test_a_file_whose_stat_is_unchanged_is_not_read_again(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_bytes(b"first")
    reads: list[Path] = []

    def read(path: Path) -> bytes:
        reads.append(path)
        return path.read_bytes()

    later = time.time_ns() + 10 * SETTLED_NS  # as if the build ran well after the file was written
    first = SourceDigests(None, started_ns=later)
    digest = first.digest("plan.txt", plan, read)
    assert digest == hashlib.sha256(b"first").hexdigest() and len(reads) == 1
    record = PackageRecord("key", "", {}, [], [], files=first.seen)
    again = SourceDigests(record, started_ns=later)
    assert again.digest("plan.txt", plan, read) == digest and len(reads) == 1  # taken from the record
    assert again.seen == first.seen
    # Same size, the modification time put back: the change time still tells, and the file is read.
    stat = plan.stat()
    plan.write_bytes(b"other")
    os.utime(plan, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    changed = SourceDigests(record, started_ns=later)
    assert changed.digest("plan.txt", plan, read) == hashlib.sha256(b"other").hexdigest() and len(reads) == 2


def test_a_file_written_as_the_build_starts_is_not_recorded(tmp_path: Path) -> None:
    plan, link = tmp_path / "plan.txt", tmp_path / "link.txt"
    plan.write_bytes(b"fresh")
    link.symlink_to(plan)
    digests = SourceDigests(None)  # the build starts now: the file could still change within the clock's tick
    assert digests.digest("plan.txt", plan, Path.read_bytes) == hashlib.sha256(b"fresh").hexdigest()
    assert digests.seen == {}
    old = SourceDigests(None, started_ns=time.time_ns() + 10 * SETTLED_NS)
    old.digest("link.txt", link, Path.read_bytes)
    assert old.seen == {}  # a link is always read


def test_a_rebuild_reads_only_the_changed_files(built: tuple[Path, Path, Path], tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    raw, out, cache = built
    monkeypatch.setattr(uptodate, "SETTLED_NS", -(10**12))  # every file as if written long before the build
    plans = sorted(raw.glob("*.txt"))
    change(plans[1])
    rebuild(raw, out, cache)  # records the files
    record = read_record(cache, out)
    assert record is not None and record.files is not None and len(record.files) == len(list(raw.glob("*.txt")))
    reads: list[str] = []

    def read(path: Path) -> bytes:
        reads.append(path.name)
        return read_source_bytes(path)

    change(plans[0])
    monkeypatch.setattr(build_module, "read_source_bytes", read)
    summary = rebuild(raw, out, cache)
    assert set(reads) == {plans[0].name}  # hashed for its key, and read again to be processed
    assert summary.cache == {"hit": len(plans) - 1, "miss": 1}
    assert tree_digest(out) == from_scratch(raw, tmp_path)
