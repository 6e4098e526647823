"""Deadlines a measure's prose writes, as a task table's deadline cell does.

Two shapes (a table row's deadline cell, set by the structure stage, comes first):

- a labelled field: `完成时限:2023年底`, `(责任单位:A;完成时限:2025年)`,
  `时间节点:持续推进`; the labels are `data/deadline_labels.csv`.  The value
  runs to the next `。`, `;`, bracket or line end.
- a bracketed date closing a task: `(2024年底前完成)`, `(2023年6月底前)`.

The deadline is kept as written; `indicators` reads its year as it reads a
deadline cell's (source `deadline`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from plandata.model import Measure
from plandata.rules.lexicon import read_table

_YEAR = r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:底|末)?"
# A bracketed date: a deadline (…前) or a date of completion (…完成).
_BRACKETED_RE = re.compile(
    rf"\((?P<value>{_YEAR}(?:前|以前|之前))(?:完成|建成|实现)?\)|\((?P<done>{_YEAR})(?:完成|建成)\)"
)
# Where a labelled field may start: the text's start, after a sentence, a clause, or a bracket.
_FIELD_START = "。;,\n( "


@lru_cache(maxsize=1)
def load_deadline_labels() -> tuple[str, ...]:
    """`data/deadline_labels.csv`: the words that label a deadline field, longest first."""
    rows = read_table("deadline_labels.csv", ("word", "seen_in"), "word")
    return tuple(sorted((r["word"] for r in rows), key=len, reverse=True))


@lru_cache(maxsize=1)
def _field_re() -> re.Pattern[str]:
    words = "|".join(map(re.escape, load_deadline_labels()))
    return re.compile(rf"(?:{words})\s*:\s*(?P<value>[^。;\n()]+)")


def prose_deadline(text: str) -> str | None:
    """The deadline `text` (a measure's own text) writes, as written; None when it writes none."""
    if ":" in text:
        for m in _field_re().finditer(text):
            if (m.start() == 0 or text[m.start() - 1] in _FIELD_START) and (value := m.group("value").strip()):
                return value
    if "年" in text and (m := _BRACKETED_RE.search(text)):
        return m.group("value") or m.group("done")
    return None


def with_prose_deadlines(measures: list[Measure]) -> list[Measure]:
    """`measures`, each without a deadline taking the one its own text writes (see the module docstring)."""
    out = []
    for m in measures:
        found = None if m.deadline else prose_deadline(m.text)
        out.append(replace(m, deadline=found) if found else m)
    return out
