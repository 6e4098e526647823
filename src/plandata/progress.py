"""What a build tells a person: a progress bar while it runs, a one-screen summary at the end.

The bar is drawn only on a terminal (a log or a pipe gets nothing, so CI
output stays clean) and never with `--quiet`.  It is a `Progress` callback,
`(done, total, source_file)`, as `runner.py` calls it after each document.
After the documents come steps with no per-document count (writing the
package, the exports, validation); `StepTicker` shows which one runs and for
how long, so a long step never looks like a hang.
"""

from __future__ import annotations

import shutil
import threading
import time
from typing import TYPE_CHECKING, TextIO

from plandata.errors import SKIPPED
from plandata.runner import Progress, StepReport

if TYPE_CHECKING:
    from plandata.build import BuildSummary

BAR_WIDTH = 24
TICK_SECONDS = 0.5
MAX_LISTED_WARNINGS = 10
MAX_LISTED_FILES = 5
# Summary rows: (label, table whose row count it shows).
SUMMARY_COUNTS = (
    ("documents", "documents"),
    ("measures", "measures"),
    ("indicators", "indicators"),
    ("agencies", "agencies"),
    ("task-division links", "measure_agencies"),
)


class ProgressBar:
    """`[#######.......]  3/12  25%  0:04 left  file.txt`, redrawn in place on one line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()

    def line(self, done: int, total: int, source_file: str) -> str:
        """The bar's text for `done` of `total` documents, fitted to the terminal's width."""
        share = done / total if total else 1.0
        filled = round(BAR_WIDTH * share)
        elapsed = time.monotonic() - self.started
        left = elapsed / done * (total - done) if done else 0.0
        text = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {share:4.0%} {_clock(left)} left  "
        room = shutil.get_terminal_size().columns - 1 - len(text)
        name = source_file if len(source_file) <= room else "…" + source_file[-max(room - 1, 0) :]
        return text + (name if room > 0 else "")

    def __call__(self, done: int, total: int, source_file: str) -> None:
        width = shutil.get_terminal_size().columns - 1
        self.stream.write("\r" + self.line(done, total, source_file).ljust(width))
        if done >= total:
            self.stream.write("\r" + " " * width + "\r")  # leave the line clean for the summary
        self.stream.flush()


class StepTicker:
    """`validating the package … 0:07`: the step under way and its time so far, redrawn every half second.

    Called with a label when a step starts (or its label changes), and with
    None when the steps are over, which clears the line.  The redrawing runs
    on a daemon thread, so an interrupted build never waits for it.
    """

    def __init__(self, stream: TextIO, interval: float = TICK_SECONDS) -> None:
        self.stream = stream
        self.interval = interval
        self.label: str | None = None
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def line(self) -> str:
        """The step's label and time so far, fitted to the terminal's width."""
        clock = f" … {_clock(time.monotonic() - self.started)}"
        room = shutil.get_terminal_size().columns - 1 - len(clock)
        label = self.label or ""
        return (label if len(label) <= room else label[: max(room - 1, 0)] + "…") + clock

    def __call__(self, label: str | None) -> None:
        with self._lock:
            if label != self.label:
                self.label, self.started = label, time.monotonic()
        if label is None:
            self._stop.set()
            if self._thread is not None:
                self._thread.join()
                self._thread = None
            self._draw()
            return
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._tick, name="plandata-steps", daemon=True)
            self._thread.start()
        self._draw()

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self._draw()

    def _draw(self) -> None:
        with self._lock:
            width = shutil.get_terminal_size().columns - 1
            text = "" if self.label is None else self.line()
            self.stream.write("\r" + text.ljust(width) + ("\r" if self.label is None else ""))
            self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    return f"{minutes}:{secs:02d}"


def progress_for(stream: TextIO, quiet: bool) -> Progress | None:
    """A progress bar on `stream` if it is a terminal and not `quiet`; otherwise None (no output)."""
    if quiet or not stream.isatty():
        return None
    return ProgressBar(stream)


def steps_for(stream: TextIO, quiet: bool) -> StepReport | None:
    """A `StepTicker` on `stream` if it is a terminal and not `quiet`; otherwise None (no output)."""
    if quiet or not stream.isatty():
        return None
    return StepTicker(stream)


def summary_lines(summary: BuildSummary, seconds: float) -> list[str]:
    """The end-of-build summary for stdout: counts, agencies outside the registry, steps, warning count."""
    if summary.up_to_date:
        lines = [f"{summary.out_dir} is up to date: its documents, rules and code are those it was built from"]
        lines.append(f"  (checked in {seconds:.1f} s; rebuild with --no-cache to write it anew)")
    else:
        lines = [f"built {summary.out_dir} in {seconds:.1f} s"]
    width = max(len(label) for label, _ in SUMMARY_COUNTS) + 4
    for label, table in SUMMARY_COUNTS:
        lines.append(f"  {label:<{width}}{summary.counts.get(table, 0):>7}")
    if summary.unknown_agencies:
        unknown = summary.unknown_agencies
        shown = "、".join(unknown[:MAX_LISTED_WARNINGS]) + ("…" if len(unknown) > MAX_LISTED_WARNINGS else "")
        lines.append(f"  {'(not in registry)':<{width}}{len(unknown):>7}  {shown}")
    if summary.steps:
        lines.append("  steps: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in summary.steps.items()))
    if summary.cache_dir is not None and not summary.up_to_date:
        hits, misses = summary.cache.get("hit", 0), summary.cache.get("miss", 0)
        lines.append(f"  cache: {hits} documents from {summary.cache_dir}, {misses} processed and stored")
    skipped = sum(w.startswith(SKIPPED) for w in summary.warnings)
    if skipped:
        lines.append(f"  {'not built (unreadable)':<{width}}{skipped:>7}  (listed on stderr)")
    lines.append(f"  {'warnings':<{width}}{len(summary.warnings) - skipped:>7}")
    return lines


def warning_lines(warnings: list[str]) -> list[str]:
    """The build's warnings for stderr: unreadable documents in full, then the rest grouped.

    A document that could not be read is missing from the package, so each
    is listed.  Other warnings are grouped by what they say (the file name
    before the first `: ` aside): one line per kind with the count and the
    first few files, so that 500 files without a manifest row are one line.
    """
    skipped = [w.removeprefix(SKIPPED) for w in warnings if w.startswith(SKIPPED)]
    lines = [f"plandata: not built (unreadable): {w}" for w in skipped]
    groups: dict[str, list[str]] = {}
    for warning in warnings:
        if warning.startswith(SKIPPED):
            continue
        where, sep, what = warning.partition(": ")
        groups.setdefault(what if sep else warning, []).append(where if sep else "")
    for shown, (what, files) in enumerate(groups.items()):
        if shown == MAX_LISTED_WARNINGS:
            lines.append(f"plandata: warning: … and {len(groups) - MAX_LISTED_WARNINGS} more kinds of warning")
            break
        if len(files) == 1:
            lines.append(f"plandata: warning: {files[0]}: {what}" if files[0] else f"plandata: warning: {what}")
            continue
        more = len(files) - MAX_LISTED_FILES
        names = ", ".join(files[:MAX_LISTED_FILES]) + (f" … (+{more})" if more > 0 else "")
        lines.append(f"plandata: warning: {len(files)} files: {what}: {names}")
    return lines
