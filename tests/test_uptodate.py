"""A build whose package is already what it would write keeps it and says so (package/uptodate.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_support import RAW, tree_digest
from plandata.build import BuildOptions, build
from plandata.cli import main
from plandata.package.uptodate import record_path


def _mtimes(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, Path]:
    raw, out, cache = tmp_path / "raw", tmp_path / "datapackage", tmp_path / "cache"
    shutil.copytree(RAW, raw)
    (raw / "notes.xlsx").write_bytes(b"not a plan")  # a planning warning, made afresh each time
    first = build(raw, out, BuildOptions(jobs=1, exports=("xlsx",), cache=cache))
    assert not first.up_to_date and record_path(cache, out).is_file()
    return raw, out, cache


def test_an_unchanged_build_keeps_the_package_and_says_so(built: tuple[Path, Path, Path]) -> None:
    raw, out, cache = built
    before, digest = _mtimes(out), tree_digest(out)
    first_warnings = build(raw, out.with_name("elsewhere"), BuildOptions(jobs=1, exports=("xlsx",))).warnings
    again = build(raw, out, BuildOptions(jobs=1, exports=("xlsx",), cache=cache))
    assert again.up_to_date and again.counts["measures"] == 68
    assert _mtimes(out) == before and tree_digest(out) == digest  # not a byte rewritten
    assert sorted(again.warnings) == sorted(first_warnings)  # the warnings are told again, not lost


@pytest.mark.parametrize("change", ["package", "raw", "exports", "no-cache"])
def test_any_change_builds_again(built: tuple[Path, Path, Path], change: str) -> None:
    raw, out, cache = built
    digest = tree_digest(out)
    exports: tuple[str, ...] = ("xlsx",)
    if change == "package":
        (out / "data" / "measures.csv").write_text("edited by hand\n", encoding="utf-8")
    elif change == "raw":
        plan = sorted(raw.glob("*.txt"))[0]
        plan.write_text(plan.read_text(encoding="utf-8") + "\n到2025年，新建学校3所。\n", encoding="utf-8")
    elif change == "exports":
        exports = ("xlsx", "sqlite")
    summary = build(raw, out, BuildOptions(jobs=1, exports=exports, cache=None if change == "no-cache" else cache))
    assert not summary.up_to_date
    if change in ("package", "no-cache"):
        assert tree_digest(out) == digest  # the same inputs give the same bytes back
    else:
        assert tree_digest(out) != digest


def test_the_cli_reports_an_up_to_date_package(built: tuple[Path, Path, Path], capsys: pytest.CaptureFixture) -> None:
    raw, out, cache = built
    args = ["build", "--raw", str(raw), "--out", str(out), "--cache", str(cache), "--jobs", "1", "--exports", "xlsx"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{out} is up to date")
    assert "notes.xlsx: not a format plandata reads" in captured.err
