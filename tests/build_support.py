"""Helpers for tests that run real builds in temporary folders."""

from __future__ import annotations

import csv
import hashlib
import io
import os
from pathlib import Path

from plandata.cli import main

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "raw"


def tree_digest(root: Path) -> dict[str, str]:
    """Every path under `root` with a digest of its content (links and pipes are not followed)."""
    entries = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = os.path.relpath(path, root)
            if path.is_symlink():
                entries[rel] = "link to " + os.readlink(path)
            elif path.is_file():
                entries[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                entries[rel] = "folder" if path.is_dir() else "special file"
    return entries


def build_into(raw: Path, out: Path) -> None:
    """A real, successful build through the command line."""
    assert main(["build", "--raw", str(raw), "--out", str(out), "--quiet"]) == 0


def read_table(package: Path, name: str) -> list[dict[str, str]]:
    """Rows of one CSV table of a built package."""
    return list(csv.DictReader(io.StringIO((package / "data" / f"{name}.csv").read_text(encoding="utf-8"))))
