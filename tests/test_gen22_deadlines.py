"""Deadlines written in a measure's prose (`完成时限:2023年底`, `(2024年底前完成)`), on a real build.

fixtures/gen22_probes/raw/gen22_prose_deadlines.txt is a plan snippet written for
these tests; fixtures/gen22_probes/deadlines.tsv says what each measure's
deadline is and which year its indicator takes from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gen22_support import build_probes, read_tsv, table
from plandata.extract.deadlines import load_deadline_labels, prose_deadline, with_prose_deadlines
from plandata.model import Measure

DOCUMENT = "gen22_prose_deadlines"
CASES = read_tsv("deadlines.tsv")


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_probes(tmp_path_factory.mktemp("gen22") / "out")


def _none(cell: str) -> str:
    return "" if cell == "无" else cell


def test_every_deadline_label_has_a_case() -> None:
    assert set(load_deadline_labels()) <= {c["label"] for c in CASES}


def test_measures_take_the_deadline_their_prose_writes(package: Path) -> None:
    measures = [m for m in table(package, "measures") if m["document_id"] == DOCUMENT]
    assert [(m["measure_id"].split(":")[1], m["deadline"]) for m in measures] == [
        (c["measure"], _none(c["deadline"])) for c in CASES
    ]


def test_indicators_take_their_year_from_the_deadline(package: Path) -> None:
    first: dict[str, dict[str, str]] = {}
    for i in table(package, "indicators"):
        if i["document_id"] == DOCUMENT:
            first.setdefault(i["measure_id"].split(":")[1], i)
    assert [(m, i["metric"], i["target_year"], i["target_year_source"]) for m, i in first.items()] == [
        (c["measure"], c["metric"], c["year"], c["source"]) for c in CASES
    ]


def test_a_bracketed_note_after_the_quantity_is_no_metric(package: Path) -> None:
    quotes = {i["quote"]: i["metric"] for i in table(package, "indicators") if i["document_id"] == DOCUMENT}
    assert quotes["新建特殊教育学校2所(2024年底前完成)"] == "新建特殊教育学校"


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("建设项目。(责任单位:市教育局;完成时限:2025年)", "2025年"),  # a field of a task-division block
        ("推进完成时限:2023年", None),  # a label inside a word run is no field
        ("印发《规划(2021—2025年)》。", None),  # a period in a title is no deadline
        ("全面完成。(2023年6月底前)", "2023年6月底前"),
    ],
)
def test_prose_deadline_shapes(text: str, deadline: str | None) -> None:
    assert prose_deadline(text) == deadline


def test_a_table_rows_deadline_cell_is_kept() -> None:
    row = Measure(
        "t:m0001", "t", None, 1, "table_row", "1", 1, 1, "t", "完成时限:2023年", 0, 1, 0, 1, deadline="2025年"
    )
    assert with_prose_deadlines([row])[0].deadline == "2025年"
