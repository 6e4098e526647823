"""Indicator tables: each fixtures/indicators/table_*.txt against its .expected.tsv, plus header and cell readers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.extract.indicator_tables import (
    _first_cell,
    _may_start_header,
    find_indicator_tables,
    header_type,
    parse_value,
)
from plandata.extract.indicators import extract_indicators
from plandata.model import Indicator, Measure, RawDocument
from plandata.read.normalise import normalise

FIXTURES = Path(__file__).parent / "fixtures" / "indicators"
TABLES = sorted(FIXTURES.glob("table_*.txt"))


def _empty_or(cell: str, kind: type) -> object:
    return None if cell == "无" else kind(cell)


def _expected(path: Path) -> list[list[str]]:
    lines = path.with_suffix(".expected.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def _extract(path: Path) -> list[Indicator]:
    doc = normalise(RawDocument("t", path.name, "0" * 64, "utf-8", path.read_text(encoding="utf-8")))
    end = len(doc.text)
    measure = Measure("t:m0001", "t", None, 1, "part", None, 1, 1, "x", doc.text, 0, end, *doc.mapped.raw_span(0, end))
    found = extract_indicators(doc, [measure], 2025)
    for ind in found:
        assert ind.quote == doc.text[ind.start : ind.end]
    return found


def test_every_table_fixture_has_expectations() -> None:
    assert len(TABLES) >= 4
    for path in TABLES:
        assert _expected(path), path.name


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.stem)
def test_table_fixture(path: Path) -> None:
    found = _extract(path)
    assert len(found) == len(_expected(path))
    for ind, row in zip(found, _expected(path), strict=True):
        metric, value, unit, comparator, word, year, base, base_year, attribute = row
        assert ind.metric == metric
        if "-" in value:
            assert (ind.value_min, ind.value_max) == tuple(float(v) for v in value.split("-"))
        else:
            assert ind.value == float(value)
        assert (ind.unit, ind.comparator, ind.comparator_word) == (unit, comparator, _empty_or(word, str))
        assert (ind.target_year, ind.target_year_source) == (int(year), "inferred")
        assert (ind.baseline_value, ind.baseline_year) == (_empty_or(base, float), _empty_or(base_year, int))
        assert ind.attribute == _empty_or(attribute, str)
        assert ind.kind == "target"


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("指标", "metric"),
        ("指标名称", "metric"),
        ("类别", "category"),
        ("单位", "unit"),
        ("属性", "attribute"),
        ("指标属性", "attribute"),
        ("备注", "note"),
        ("2020年", "year"),
        ("2025年目标值", "year"),
        ("目标值", "year"),
        ("基期值(2020年)", "year"),
        ("学前教育毛入园率(%)", None),
        ("95", None),
    ],
)
def test_header_type(cell: str, kind: str | None) -> None:
    assert header_type(cell) == kind


@pytest.mark.parametrize(
    ("cell", "reading"),
    [
        ("95", ("eq", 95.0, None, None, None)),
        ("≥98", ("gte", 98.0, None, None, "≥")),
        ("95以上", ("gte", 95.0, None, None, "以上")),
        ("〔120〕", ("eq", 120.0, None, None, None)),
        ("1000—1200", ("range", None, 1000.0, 1200.0, "—")),
        ("—", ("eq", None, None, None, None)),
        ("98.5%", ("eq", 98.5, None, None, None)),
    ],
)
def test_parse_value(cell: str, reading: tuple) -> None:
    assert parse_value(cell) == reading


def test_prose_is_not_a_table() -> None:
    text = "到2025年,主要指标达到全国先进水平。\n指标体系更加完善,2025年全面建成。"
    assert find_indicator_tables(text, 2025) == []


# Lines of header cells, other cells and every separator (tab, |, two spaces), with blanks around them.
LINE_PIECES = [
    "指标",
    "主要指标",
    "2025年目标值",
    "2020年(基期)",
    "基期值",
    " (2025年)",
    "属性",
    "单位",
    "备注",
    "类别",
    "项目",
    "毛入园率",
    "98",
    "\t",
    "|",
    "  ",
    " ",
    "\u3000",
    "",
    "加强",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(LINE_PIECES), max_size=8).map("".join))
def test_lines_skipped_by_their_first_character_have_no_header_first_cell(line: str) -> None:
    if not _may_start_header(line):
        assert header_type(_first_cell(line)) is None
    first = _first_cell(line)
    assert not first or first[0] == next(c for c in line if not c.isspace() and c != "|")


def _one_measure_indicators(text: str) -> list[Indicator]:
    doc = normalise(RawDocument("t", "t.txt", "0" * 64, "utf-8", text))
    end = len(doc.text)
    measure = Measure("t:m0001", "t", None, 1, "part", None, 1, 1, "x", doc.text, 0, end, *doc.mapped.raw_span(0, end))
    return extract_indicators(doc, [measure], 2025)


def test_another_data_table_is_not_mined_for_targets() -> None:
    table = "学校\t班级数\t学生数\n第一小学\t36个\t达到1620人\n第二小学\t24个\t达到1100人\n"
    assert [i.value for i in _one_measure_indicators("一、基本情况\n" + table + "到2025年,新增学位3000个。")] == [3000]
    (other,) = find_indicator_tables(table, 2025)
    assert other.rows == ()


def test_a_task_table_of_tab_separated_rows_is_still_mined() -> None:
    text = "一、重点任务\n序号\t重点任务\t牵头单位\n1\t到2025年新增学位3000个\t区教委\n2\t建设教师发展中心\t区教委\n"
    assert find_indicator_tables(text, 2025) == []
    assert [i.value for i in _one_measure_indicators(text)] == [3000]
