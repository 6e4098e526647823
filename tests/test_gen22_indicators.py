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


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("力争“十四五”期间建成示范园100所。", "建成示范园"),  # the period is the target year's, not the metric's
        ("到“十四五”末特殊教育学校达到20所。", "特殊教育学校"),
        ("五年内交流轮岗教师比例不低于10%。", "交流轮岗教师比例"),
        ("公办园在园幼儿占比原则上达到50%。", "公办园在园幼儿占比"),  # an adverb before the verb
        ("教育经费支出占一般公共预算支出比例一般不低于15%。", "教育经费支出占一般公共预算支出比例"),
        ("十五年一贯制学校达到5所。", "十五年一贯制学校"),  # fifteen years, no five-year plan
    ],
)
def test_periods_and_adverbs_stay_out_of_the_metric(text: str, metric: str) -> None:
    _, (found,) = run(text)
    assert found.metric == metric
