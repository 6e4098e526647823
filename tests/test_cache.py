"""The per-document cache: real builds, cold, warm and without it, give byte-identical packages."""

from __future__ import annotations

import csv
import os
import shutil
import time
from pathlib import Path

import pytest

from build_support import RAW, tree_digest
from plandata.build import BuildOptions, build
from plandata.cli import main
from plandata.package import cache as cache_module
from plandata.package.cache import DocumentCache, stage_digest


def raw_copy(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    return raw


def cached_build(raw: Path, out: Path, cache: Path | None, jobs: int = 1):  # type: ignore[no-untyped-def]
    return build(raw, out, BuildOptions(cache=cache, jobs=jobs, exports=()))


def entry_times(cache: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in DocumentCache(cache).files()}


@pytest.mark.parametrize("jobs", [1, 2])  # 2: documents go to the workers, and hits are served, in chunks
def test_cold_warm_and_uncached_builds_are_identical(tmp_path: Path, jobs: int) -> None:
    raw, cache = raw_copy(tmp_path), tmp_path / "cache"
    documents = len(list(raw.glob("*.txt")))
    cold = cached_build(raw, tmp_path / "cold", cache, jobs)
    assert cold.cache == {"miss": documents}
    stored = entry_times(cache)
    assert len(stored) == documents
    warm = cached_build(raw, tmp_path / "warm", cache, jobs)
    assert warm.cache == {"hit": documents}
    assert entry_times(cache) == stored  # served, not rewritten
    none = cached_build(raw, tmp_path / "none", None)
    assert none.cache == {} and none.cache_dir is None
    assert tree_digest(tmp_path / "cold") == tree_digest(tmp_path / "warm") == tree_digest(tmp_path / "none")
    assert cold.warnings == warm.warnings == none.warnings


def test_the_cli_builds_identically_with_and_without_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for out in ("cold", "warm"):
        assert main(["build", "--out", str(tmp_path / out), "--quiet", "--cache", str(cache)]) == 0
    assert main(["build", "--out", str(tmp_path / "none"), "--quiet", "--no-cache"]) == 0
    assert tree_digest(tmp_path / "cold") == tree_digest(tmp_path / "warm") == tree_digest(tmp_path / "none")
    assert len(DocumentCache(cache).files()) == len(list(RAW.glob("*.txt")))


def test_changed_rules_bytes_or_manifest_row_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, cache = raw_copy(tmp_path), tmp_path / "cache"
    documents = len(list(raw.glob("*.txt")))
    cached_build(raw, tmp_path / "first", cache)
    # The rule tables or stage code changed: every entry misses, none is served stale.
    monkeypatch.setattr(cache_module, "stage_digest", lambda: "changed rules")
    assert cached_build(raw, tmp_path / "rules", cache).cache == {"miss": documents}
    monkeypatch.undo()
    # One file's bytes changed: that document alone misses.
    first = sorted(raw.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cached_build(raw, tmp_path / "bytes", cache).cache == {"hit": documents - 1, "miss": 1}
    # One manifest row changed: that document alone misses, and the package shows the new row.
    manifest = raw / "documents.csv"
    rows = list(csv.DictReader(manifest.open(encoding="utf-8", newline="")))
    rows[-1]["source_notes"] = (rows[-1]["source_notes"] + " (checked again)").strip()
    with manifest.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert cached_build(raw, tmp_path / "row", cache).cache == {"hit": documents - 1, "miss": 1}
    assert "(checked again)" in (tmp_path / "row" / "data" / "documents.csv").read_text(encoding="utf-8")
    assert tree_digest(tmp_path / "row") == tree_digest(cached_build(raw, tmp_path / "fresh", None).out_dir)


def test_the_stage_digest_covers_the_rule_tables(tmp_path: Path) -> None:
    copy = tmp_path / "plandata"
    shutil.copytree(Path(cache_module.__file__).parents[1], copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = stage_digest(copy)
    assert before == stage_digest(Path(cache_module.__file__).parents[1])
    units = copy / "rules" / "data" / "units.csv"
    units.write_bytes(units.read_bytes() + b"\n")
    stage_digest.cache_clear()
    assert stage_digest(copy) != before


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign", "empty"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_corrupt_entry_is_rebuilt_with_a_warning(tmp_path: Path, damage: str, jobs: int) -> None:
    raw, cache = raw_copy(tmp_path), tmp_path / "cache"
    cached_build(raw, tmp_path / "first", cache)
    victim, other = DocumentCache(cache).files()[:2]
    data = victim.read_bytes()
    if damage == "truncate":
        victim.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        victim.write_bytes(data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:])
    elif damage == "foreign":
        victim.write_bytes(other.read_bytes())  # a whole entry, of another key
    else:
        victim.write_bytes(b"")
    summary = cached_build(raw, tmp_path / "again", cache, jobs)
    assert summary.cache["miss"] == 1
    assert [w for w in summary.warnings if "cache entry" in w] == [
        w for w in summary.warnings if w.startswith(f"{victim}: cache entry of ") and w.endswith("; rebuilt")
    ]
    assert len([w for w in summary.warnings if "cache entry" in w]) == 1
    assert tree_digest(tmp_path / "again") == tree_digest(tmp_path / "first")
    assert victim.read_bytes() == data  # rewritten whole
    assert cached_build(raw, tmp_path / "third", cache).cache == {"hit": len(list(raw.glob("*.txt")))}


def test_an_unreadable_document_is_not_cached(tmp_path: Path) -> None:
    raw, cache = raw_copy(tmp_path), tmp_path / "cache"
    (raw / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf\n")
    first = cached_build(raw, tmp_path / "first", cache)
    assert first.cache["off"] == 1 and any(w.startswith("skipped: ") for w in first.warnings)
    again = cached_build(raw, tmp_path / "again", cache)
    assert again.cache["off"] == 1 and again.warnings == first.warnings
    assert tree_digest(tmp_path / "again") == tree_digest(tmp_path / "first")


def test_cache_info_and_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = tmp_path / "cache"
    assert main(["cache", "info", "--cache", str(cache)]) == 0
    assert "entries   0" in capsys.readouterr().out
    assert main(["build", "--out", str(tmp_path / "out"), "--quiet", "--exports", "none", "--cache", str(cache)]) == 0
    capsys.readouterr()
    assert main(["cache", "info", "--cache", str(cache)]) == 0
    out = capsys.readouterr().out
    documents = len(list(RAW.glob("*.txt")))
    size = sum(p.stat().st_size for p in DocumentCache(cache).files())
    assert f"location  {cache}" in out and f"entries   {documents}" in out and f"bytes     {size}" in out
    (cache / "keep.txt").write_text("not ours", encoding="utf-8")
    assert main(["cache", "clear", "--cache", str(cache)]) == 0
    assert f"removed {documents} entries" in capsys.readouterr().out
    assert DocumentCache(cache).files() == [] and (cache / "keep.txt").exists()  # only its own files go


def test_the_default_cache_is_the_environment_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANDATA_CACHE_DIR", str(tmp_path / "env-cache"))
    assert main(["build", "--out", str(tmp_path / "out"), "--quiet", "--exports", "none"]) == 0
    assert len(DocumentCache(tmp_path / "env-cache").files()) == len(list(RAW.glob("*.txt")))


def test_a_cache_path_that_is_a_file_is_an_error_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["cache", "info", "--cache", str(tmp_path / "file")]) == 2
    assert f"{tmp_path / 'file'}: not a folder" in capsys.readouterr().err
    assert (
        main(
            ["build", "--out", str(tmp_path / "out"), "--quiet", "--exports", "none", "--cache", str(tmp_path / "file")]
        )
        == 0
    )
    assert "built without the cache" in capsys.readouterr().err


def test_the_libreoffice_version_is_in_the_key_of_the_files_it_converts(monkeypatch: pytest.MonkeyPatch) -> None:
    from plandata.package.cache import entry_key
    from plandata.read.formats import office

    def keys() -> tuple[str, str]:
        return entry_key(b"x", "plan.doc", None), entry_key(b"x", "plan.txt", None)

    monkeypatch.setattr(office, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(office, "soffice_version", lambda program: "LibreOffice 7.4.7.2")
    doc_74, txt_74 = keys()
    monkeypatch.setattr(office, "soffice_version", lambda program: "LibreOffice 24.2.1.2")
    doc_24, txt_24 = keys()
    assert doc_74 != doc_24 and txt_74 == txt_24  # an upgrade re-converts .doc files only
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    assert keys()[0] not in (doc_74, doc_24)


def test_prune_removes_the_entries_no_build_has_used_lately(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = tmp_path / "cache"
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    cached_build(raw, tmp_path / "first", cache)
    entries = [p for p in DocumentCache(cache).files() if p.suffix == ".rows"]
    month_ago = time.time() - 31 * 86400
    for path in entries:
        os.utime(path, (month_ago, month_ago))
    leftover = entries[0].parent / ".dead.tmp"
    leftover.write_bytes(b"half an entry")
    os.utime(leftover, (month_ago, month_ago))
    gone = sorted(raw.glob("*.txt"))[0]
    gone.unlink()  # one document leaves raw/ and its manifest: its entry is never used again
    manifest = raw / "documents.csv"
    manifest.write_text(
        "".join(line for line in manifest.read_text(encoding="utf-8").splitlines(True) if gone.name not in line),
        encoding="utf-8",
    )
    cached_build(raw, tmp_path / "second", cache)  # the others are served, which marks them used
    assert main(["cache", "prune", "--cache", str(cache), "--days", "30"]) == 0
    assert "removed 1 entries" in capsys.readouterr().out
    left = DocumentCache(cache).files()
    assert len(left) == len(entries) - 1 and leftover not in left
    again = cached_build(raw, tmp_path / "third", cache)
    assert again.cache == {"hit": len(entries) - 1}  # what is still used stays
