"""Progress and the build summary: a bar on a real terminal (a pty), nothing when piped or --quiet."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

from plandata.build import BuildOptions, BuildSummary, build
from plandata.errors import SKIPPED
from plandata.progress import (
    MAX_LISTED_FILES,
    MAX_LISTED_WARNINGS,
    ProgressBar,
    StepTicker,
    progress_for,
    steps_for,
    summary_lines,
    warning_lines,
)

ROOT = Path(__file__).parents[1]


def _run_build(out: Path, *flags: str, tty: bool) -> str:
    """Run `plandata build` with stdout and stderr on a pseudo-terminal or a pipe; return what it printed."""
    command = [sys.executable, "-m", "plandata", "build", "--raw", str(ROOT / "raw"), "--out", str(out), *flags]
    env = os.environ | {"PYTHONPATH": str(ROOT / "src"), "COLUMNS": "100"}
    if not tty:
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
        assert result.returncode == 0, result.stderr
        return result.stdout + result.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the build is over
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=300) == 0
    return b"".join(chunks).decode("utf-8")


def test_bar_on_a_terminal(tmp_path: Path) -> None:
    output = _run_build(tmp_path / "datapackage", tty=True)
    documents = len([p for p in (ROOT / "raw").glob("*.txt")])
    assert f"] {documents}/{documents} 100%" in output
    assert "\r[" in output and "#" in output
    assert "built " in output and "warnings" in output
    # The steps after the documents are named while they run, then the line is cleared for the summary.
    assert "\rexporting xlsx, sqlite, spreadsheet … 0:0" in output and "\rvalidating the package … 0:0" in output


def test_no_bar_when_piped(tmp_path: Path) -> None:
    output = _run_build(tmp_path / "datapackage", tty=False)
    assert "\r" not in output and "[#" not in output
    assert output.startswith("built ")
    for label in ("documents", "measures", "indicators", "agencies", "warnings"):
        assert f"\n  {label} " in output


def test_quiet_on_a_terminal_prints_nothing(tmp_path: Path) -> None:
    assert _run_build(tmp_path / "datapackage", "--quiet", tty=True) == ""


def test_progress_for() -> None:
    assert progress_for(io.StringIO(), quiet=False) is None
    assert progress_for(Terminal(), quiet=True) is None
    assert isinstance(progress_for(Terminal(), quiet=False), ProgressBar)


@pytest.mark.parametrize(
    ("done", "total", "bar"), [(0, 4, "[" + "." * 24 + "]"), (2, 4, "[" + "#" * 12 + "." * 12 + "]")]
)
def test_bar_line(done: int, total: int, bar: str) -> None:
    line = ProgressBar(io.StringIO()).line(done, total, "003_plan.txt")
    assert line.startswith(bar) and line.endswith("003_plan.txt")
    assert f"{done}/{total}" in line


def test_summary_fits_one_screen_and_warnings_are_grouped() -> None:
    warnings = [f"raw/{n:03d}.txt: no measures found" for n in range(25)]
    warnings += [f"raw/t{n}.txt, line {n}: a ragged row" for n in range(2)] + [f"{SKIPPED}raw/scan.pdf: a scan"]
    summary = BuildSummary(Path("datapackage"), {"documents": 25, "measures": 0}, warnings, ["某区教育工作小组"])
    lines = summary_lines(summary, 1.25)
    assert lines[0] == "built datapackage in 1.2 s"
    assert lines[-2:] == ["  not built (unreadable)       1  (listed on stderr)", "  warnings                    27"]
    assert warning_lines(warnings) == [
        "plandata: not built (unreadable): raw/scan.pdf: a scan",
        "plandata: warning: 25 files: no measures found: raw/000.txt, raw/001.txt, raw/002.txt, raw/003.txt,"
        f" raw/004.txt … (+{25 - MAX_LISTED_FILES})",
        "plandata: warning: 2 files: a ragged row: raw/t0.txt, line 0, raw/t1.txt, line 1",
    ]


def test_at_most_ten_kinds_of_warning_are_listed() -> None:
    lines = warning_lines([f"raw/{n}.txt: problem {n}" for n in range(MAX_LISTED_WARNINGS + 4)])
    assert len(lines) == MAX_LISTED_WARNINGS + 1 and lines[-1].endswith("… and 4 more kinds of warning")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_steps_for() -> None:
    assert steps_for(io.StringIO(), quiet=False) is None
    assert steps_for(Terminal(), quiet=True) is None
    assert isinstance(steps_for(Terminal(), quiet=False), StepTicker)


def test_a_build_names_each_step_after_the_documents(tmp_path: Path) -> None:
    labels: list[str | None] = []
    build(ROOT / "raw", tmp_path / "datapackage", BuildOptions(jobs=1, steps=labels.append))
    assert labels == [
        "writing the package: agencies, Parquet footers, descriptor, README",
        "exporting xlsx, sqlite, spreadsheet",
        "exporting sqlite, spreadsheet (1 of 3 written)",
        "exporting spreadsheet (2 of 3 written)",
        "validating the package",
        "publishing",
        None,
    ]


def test_an_interrupted_build_still_ends_the_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import plandata.build

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C while the exports are written

    monkeypatch.setattr(plandata.build, "export_package", interrupted)
    labels: list[str | None] = []
    with pytest.raises(KeyboardInterrupt):
        build(ROOT / "raw", tmp_path / "datapackage", BuildOptions(jobs=1, steps=labels.append))
    assert labels[-2:] == ["exporting xlsx, sqlite, spreadsheet", None]  # the ticker is stopped, its line cleared


def test_the_ticker_redraws_on_its_own_and_clears_its_line() -> None:
    stream = Terminal()
    ticker = StepTicker(stream, interval=0.01)
    ticker("validating the package")
    deadline = time.monotonic() + 10
    while stream.getvalue().count("\rvalidating the package … 0:00") < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stream.getvalue().count("\rvalidating the package … 0:00") >= 3  # redrawn without being called
    ticker(None)
    written = len(stream.getvalue())
    assert stream.getvalue().endswith("\r") and stream.getvalue().rsplit("\r", 2)[-2].strip() == ""
    time.sleep(0.05)
    assert len(stream.getvalue()) == written  # stopped: nothing is drawn after the steps are over


def test_a_long_label_is_cut_to_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    ticker = StepTicker(Terminal())
    ticker.label = "exporting xlsx, sqlite, spreadsheet (1 of 3 written)"
    line = ticker.line()
    assert len(line) == 29 and line.endswith("… 0:00") and line.startswith("exporting")
