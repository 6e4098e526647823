"""Curated rule tables shipped as data files in `plandata/rules/data/`.

Each table is a CSV with a header; `read_table` checks the columns it needs
and that ids are unique, so a bad edit fails loudly at import, naming the
file and row.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from plandata.errors import RuleTableError

NOISE_ACTIONS = ("delete", "drop_line", "cut_rest")


def read_table(name: str, required: tuple[str, ...], key: str | None = None) -> list[dict[str, str]]:
    """Rows of `data/<name>` as dicts, checked for columns and unique `key`."""
    path = resources.files("plandata.rules") / "data" / name
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise RuleTableError(f"data/{name}: missing columns {missing}")
        rows = list(reader)
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if None in row:  # csv puts surplus cells under None: an unquoted comma in a pattern
            raise RuleTableError(f"data/{name}, line {line}: more cells than columns; quote cells holding commas")
        for col in required:
            if row.get(col) is None:
                raise RuleTableError(f"data/{name}, line {line}: missing value for {col!r}")
        if key:
            if row[key] in seen:
                raise RuleTableError(f"data/{name}, line {line}: duplicate {key} {row[key]!r}")
            seen.add(row[key])
    return rows


@dataclass(frozen=True)
class NoiseRule:
    """A phrase or pattern of web-page noise and what to do where it fires."""

    rule_id: str
    action: str  # delete: the match; drop_line: its line; cut_rest: its line and all after
    regex: re.Pattern[str]
    seen_in: str


@lru_cache(maxsize=1)
def load_noise_rules() -> tuple[NoiseRule, ...]:
    """The noise table `data/noise.csv`, compiled."""
    rules = []
    for line, row in enumerate(
        read_table("noise.csv", ("rule_id", "action", "pattern", "is_regex", "seen_in"), "rule_id"), 2
    ):
        if row["action"] not in NOISE_ACTIONS:
            raise RuleTableError(f"data/noise.csv, line {line}: action must be one of {NOISE_ACTIONS}")
        pattern = row["pattern"] if row["is_regex"] == "true" else re.escape(row["pattern"])
        rules.append(NoiseRule(row["rule_id"], row["action"], re.compile(pattern, re.IGNORECASE), row["seen_in"]))
    return tuple(rules)
