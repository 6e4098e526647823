"""The JSON Schema check's shortcuts give what searching every value would."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from plandata.check.cellchecks import type_column
from plandata.check.schemacheck import _search

VALUES = ["plan_a:m0001", "Plan_A", "plan a", "plan_a\n", "", "a$b", "中文"]


@pytest.mark.parametrize("pattern", [r"^[a-z0-9][a-z0-9_:.\-]*$", r"^a|b$", r"a\$", r"^[a-z]+\$$", "an"])
def test_search_shared_with_the_constraint_finds_what_a_plain_search_finds(pattern: str) -> None:
    column = type_column(pa.array(VALUES), "string")
    assert _search(column, column.typed, pattern).equals(pc.match_substring_regex(column.typed, pattern))
