"""Helpers of the test_gen22_* tests: one real build of the snippets in fixtures/gen22_probes/raw."""

from __future__ import annotations

import csv
from pathlib import Path

from plandata.cli import main

PROBES = Path(__file__).parent / "fixtures" / "gen22_probes"


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a tab-separated fixture of fixtures/gen22_probes; `#` lines are comments."""
    lines = [ln for ln in (PROBES / name).read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def build_probes(out: Path) -> Path:
    """A real, successful build of fixtures/gen22_probes/raw into `out`."""
    assert main(["build", "--raw", str(PROBES / "raw"), "--out", str(out), "--quiet", "--exports", "none"]) == 0
    return out


def table(package: Path, name: str) -> list[dict[str, str]]:
    """Rows of one CSV table of a built package."""
    with (package / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
