"""Each table's JSON Schema, checked column by column as the tables stream, with fastjsonschema.

Every row object has exactly the table's fields (the header is checked)
and each property's subschema constrains that property alone, so a row is
valid iff each of its values is valid for its property: each subschema sees
each distinct value of its column once, or only the extreme values when its
keywords are monotone (`MONOTONE_KEYWORDS`).  The verdict is exact; for a
failing bound, the rows named are those holding the extreme value of a batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import fastjsonschema
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from plandata.check.cellchecks import Column, rows_where
from plandata.check.report import MAX_ERRORS_PER_CHECK, Report
from plandata.package.tables import TABLES_BY_NAME, json_schema


class CheckedTable(Protocol):
    """What the JSON Schema check needs of a streamed table (`fastvalidate.TableCheck`)."""

    name: str
    path: Path


# Keywords whose verdict on a set of values is decided by its extremes: a
# value passes `type` + bounds iff the smallest and largest (or shortest and
# longest) do.  A subschema with any other keyword is checked on every value.
MONOTONE_KEYWORDS = {"description", "type", "minimum", "maximum", "minLength", "maxLength"}


@dataclass(frozen=True)
class _Subschema:
    validate: Callable[[Any], Any]  # fastjsonschema-compiled
    monotone: bool  # only MONOTONE_KEYWORDS, and perhaps a pattern
    pattern: str | None


class JsonSchemaCheck:
    """Each column against its property's subschema, compiled once by fastjsonschema.

    Cells are typed as frictionless types them; empty cells are null and
    cells with a type error are checked as their text (and fail the type).
    The subschema sees each distinct value once, or, when only monotone
    keywords constrain it, the extreme values (plus, for a pattern, the
    values Arrow's RE2 does not find it in: RE2 finding it implies Python's
    `re` does).  Used as the batch hook of `run_checks`.
    """

    def __init__(self, report: Report, limit: int = 10) -> None:
        self.report, self.limit = report, limit
        self.subschemas: dict[tuple[str, str], _Subschema] = {}
        # per table: the tables advance together, messages are reported table by table
        self.messages: dict[str, list[str]] = {}

    def __call__(self, check: CheckedTable, columns: dict[str, Column], offset: int) -> None:
        if check.name not in TABLES_BY_NAME:
            return
        messages = self.messages.setdefault(check.name, [])
        for name, column in columns.items():
            subschema = self._subschema(check.name, name)
            for value in _candidates(column, subschema):
                try:
                    subschema.validate(value)
                except fastjsonschema.JsonSchemaException as error:
                    for i in _value_rows(column, value)[: self.limit]:
                        if len(messages) < MAX_ERRORS_PER_CHECK:  # the report keeps no more
                            where = f"{check.path.name}, line {int(i) + offset + 2}, {name}"
                            messages.append(f"{where}: {error.message}")

    def finish(self, tables: list[str]) -> None:
        """Report the messages of `tables`, in that order."""
        for table in tables:
            for message in self.messages.pop(table, []):
                self.report.add("json-schema", message)

    def _subschema(self, table: str, name: str) -> _Subschema:
        if (table, name) not in self.subschemas:
            schema = json_schema(TABLES_BY_NAME[table])["properties"][name]
            monotone = set(schema) - {"pattern"} <= MONOTONE_KEYWORDS
            self.subschemas[table, name] = _Subschema(fastjsonschema.compile(schema), monotone, schema.get("pattern"))
        return self.subschemas[table, name]


def _candidates(column: Column, subschema: _Subschema) -> list[Any]:
    """The values that decide a column's JSON Schema verdict (see `JsonSchemaCheck`)."""
    errors = bool(column.type_error.true_count)
    typed = pc.filter(column.typed, pc.invert(column.type_error)) if errors else column.typed
    wrong_type = pc.unique(pc.filter(column.text, column.type_error)).to_pylist() if errors else []
    if not subschema.monotone:
        return pc.unique(typed).to_pylist() + wrong_type
    present = len(typed) - typed.null_count
    extremes: list[Any] = [None] if typed.null_count else []
    if present:
        if pa.types.is_string(typed.type):
            lengths = pc.utf8_length(typed)  # (null where typed is: min, max and index skip them)
            bounds = pc.min_max(lengths)
            extremes += [typed[pc.index(lengths, bounds[end]).as_py()].as_py() for end in ("min", "max")]
        else:
            bounds = pc.min_max(typed)
            extremes += [bounds["min"].as_py(), bounds["max"].as_py()]
    if subschema.pattern is not None and present:
        try:  # JSON Schema patterns are searched, not anchored
            found = _search(column, typed, subschema.pattern)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # beyond RE2: every value
            return pc.unique(typed).to_pylist() + wrong_type
        extremes += pc.unique(pc.filter(typed, pc.invert(found))).to_pylist()
    return extremes + wrong_type


def _search(column: Column, typed: pa.Array, pattern: str) -> pa.Array:
    """RE2's search for `pattern` in `typed` (the column's values, or those without a type error).

    On the column's own values the search is shared with the pattern
    constraint when the pattern is anchored: ^p$ and ^^p$$ find the same values.
    """
    if typed is not column.typed:
        return pc.match_substring_regex(typed, pattern)
    anchored = pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$")
    return column.matches(f"^{pattern}$" if anchored else pattern)


def _value_rows(column: Column, value: Any) -> np.ndarray:
    """Rows holding `value` (a typed value, None for empty, or the text of a cell of the wrong type)."""
    if value is None:
        return rows_where(column.missing)
    if isinstance(value, str) and not pa.types.is_string(column.typed.type):
        return rows_where(pc.and_(column.type_error, pc.equal(column.text, value)))
    return rows_where(pc.equal(column.typed, pa.scalar(value, column.typed.type)))
