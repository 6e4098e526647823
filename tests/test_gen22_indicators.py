"""Indicators of task-table cells that number their items, on a real build of fixtures/gen22_probes/raw."""

from __future__ import annotations

from pathlib import Path

import pytest

from gen22_support import build_probes, read_tsv, table
from test_indicators import run


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_probes(tmp_path_factory.mktemp("gen22") / "out")


def test_a_cells_numbering_stays_out_of_quote_and_metric(package: Path) -> None:
    found = [i for i in table(package, "indicators") if i["document_id"] == "gen22_task_cells"]
    assert [
        (i["measure_id"].split(":")[1], i["quote"], i["metric"], i["target_year"], i["target_year_source"])
        for i in found
    ] == [(c["measure"], c["quote"], c["metric"], c["year"], c["source"]) for c in read_tsv("task_cell_indicators.tsv")]


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("1.新建幼儿园15所,新增学位4500个。", "新建幼儿园15所"),  # an item's label opening its line
        ("推进建设。(2)建设名师工作室50个", "建设名师工作室50个"),  # a label opening a sentence
        ("培训教师;(2)建设名师工作室50个", "建设名师工作室50个"),  # a label opening a clause of a list
        ("1.5万人参加培训", "1.5万人参加培训"),  # a decimal is no label
    ],
)
def test_numbering_labels_before_a_quantity(text: str, quote: str) -> None:
    _, found = run(text)
    assert found[0].quote == quote
