"""Indicators: one case per rule of the data tables (fixtures/indicators/cases.tsv), plus ids, measures, offsets."""

from __future__ import annotations

import bisect
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.extract import indicator_context
from plandata.extract.indicators import CLAUSE_BREAK_RE, SENTENCE_BREAK_RE, _piece_at, _Pieces, extract_indicators
from plandata.extract.quantities import excluded_spans
from plandata.extract.quantity_rules import (
    load_achievement_cues,
    load_comparators,
    load_not_targets,
    load_phrase_quantities,
    load_units,
    load_year_forms,
)
from plandata.model import Indicator, Measure, NormalisedDocument, RawDocument
from plandata.read.normalise import normalise

FIXTURES = Path(__file__).parent / "fixtures" / "indicators"
PLAN_PERIOD_END = 2025
COLUMNS = ("rule", "text", "value", "unit", "comparator", "word", "year", "source", "kind", "metric")


def load_cases() -> list[dict[str, str]]:
    """Rows of cases.tsv as dicts; `#` lines are comments, 无 means empty."""
    cases = []
    for line in (FIXTURES / "cases.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        cases.append(dict(zip(COLUMNS, cells + [""] * (len(COLUMNS) - len(cells)), strict=True)))
    return cases


def document(text: str) -> NormalisedDocument:
    """A normalised one-file document of `text`."""
    return normalise(RawDocument("t", "t.txt", "0" * 64, "utf-8", text))


def whole_measure(doc: NormalisedDocument, start: int = 0, end: int | None = None, n: int = 1) -> Measure:
    """A measure spanning `doc.text[start:end]`."""
    end = len(doc.text) if end is None else end
    raw_start, raw_end = doc.mapped.raw_span(start, end)
    return Measure(
        f"t:m{n:04d}",
        "t",
        None,
        1,
        "paragraph",
        None,
        n,
        n,
        doc.text[start:end][:10],
        doc.text[start:end],
        start,
        end,
        raw_start,
        raw_end,
    )


def run(text: str, include_achievements: bool = True) -> tuple[NormalisedDocument, list[Indicator]]:
    doc = document(text)
    found = extract_indicators(doc, [whole_measure(doc)], PLAN_PERIOD_END, include_achievements=include_achievements)
    return doc, found


def _empty(cell: str) -> str | None:
    return None if cell in ("", "无") else cell


@pytest.mark.parametrize("case", load_cases(), ids=lambda c: c["rule"])
def test_case(case: dict[str, str]) -> None:
    doc, found = run(case["text"])
    if case["value"] == "无":
        assert found == []
        kind, rule_id = case["rule"].split(":", 1)
        if kind == "not_target":  # the row's own pattern is what keeps the number out
            assert rule_id in {r for _, _, r in excluded_spans(doc.text)}
        return
    assert len(found) == 1, [i.quote for i in found]
    ind = found[0]
    if "-" in case["value"]:
        low, high = (float(v) for v in case["value"].split("-"))
        assert (ind.value, ind.value_min, ind.value_max) == (None, low, high)
    else:
        assert (ind.value, ind.value_min, ind.value_max) == (float(case["value"]), None, None)
    assert ind.unit == case["unit"]
    assert (ind.comparator, ind.comparator_word) == (case["comparator"], _empty(case["word"]))
    year = _empty(case["year"])
    assert (ind.target_year, ind.target_year_source) == (int(year) if year else None, _empty(case["source"]))
    assert ind.kind == case["kind"]
    if _empty(case["metric"]):
        assert ind.metric == case["metric"]
    assert ind.quote == doc.text[ind.start : ind.end]


def _covered(prefix: str) -> set[str]:
    return {c["rule"].split(":", 1)[1] for c in load_cases() if c["rule"].startswith(prefix + ":")}


def test_every_rule_table_entry_has_a_case() -> None:
    assert set(load_units()) <= _covered("unit")
    assert set(load_comparators()) <= _covered("comparator")
    assert {r.rule_id for r in load_not_targets()} <= _covered("not_target")
    assert {r.rule_id for r in load_year_forms()} <= _covered("year")
    assert {r.rule_id for r in load_achievement_cues()} <= _covered("cue")
    assert {r.rule_id for r in load_phrase_quantities()} <= _covered("phrase")


def test_unit_cases_check_their_unit() -> None:
    for case in load_cases():
        if case["rule"].startswith("unit:"):
            assert case["unit"] == case["rule"].split(":", 1)[1]


def test_normalised_values_use_the_unit_multiplier() -> None:
    _, (ind,) = run("全区五年投入教育经费100亿元以上。")
    assert (ind.value_normalised, ind.unit_normalised) == (10_000_000_000, "CNY")
    _, (ind,) = run("招聘教师200~300名。")
    assert (ind.value_min_normalised, ind.value_max_normalised, ind.unit_normalised) == (200, 300, "person")


def test_quote_is_the_clause_cut_at_joiners() -> None:
    _, found = run("深化名师工程,培养20个名校长、20名名师和5个创新团队。")
    assert [i.quote for i in found] == ["培养20个名校长", "20名名师", "5个创新团队"]
    assert [i.metric for i in found] == ["名校长", "名师", "创新团队"]


def test_an_opening_year_governs_its_sentence_its_paragraph_then_its_section() -> None:
    _, found = run("到2025年,新建学校10所,改扩建学校5所。完善机制,打造品牌3个。\n另行打造品牌4个。")
    years = [(i.value, i.target_year, i.target_year_source) for i in found]
    assert years == [(10, 2025, "stated"), (5, 2025, "stated"), (3, 2025, "paragraph"), (4, 2025, "section")]


def test_a_year_further_into_a_line_governs_no_later_line() -> None:
    _, found = run("完善机制,推进改革,深化评价,到2025年新建学校10所。\n另行打造品牌4个。")
    assert [(i.value, i.target_year) for i in found] == [(10, 2025), (4, None)]


def test_achievements_are_left_out_by_default() -> None:
    _, found = run("“十三五”期间,全区新建学校25所。到2025年,再新建学校10所。", include_achievements=False)
    assert [(i.value, i.kind) for i in found] == [(10, "target")]


def test_ids_follow_reading_order_and_raw_offsets_point_at_the_quote() -> None:
    raw = "一、目标\r\n到2025年,新建学校１０所,培训教师2000人次。\r\n二、措施\r\n建设实验室30间。"
    doc = document(raw)
    found = extract_indicators(doc, [whole_measure(doc)], PLAN_PERIOD_END)
    assert [i.indicator_id for i in found] == ["t:i0001", "t:i0002", "t:i0003"]
    for ind in found:
        assert ind.quote == doc.text[ind.start : ind.end]
        assert raw[ind.raw_start : ind.raw_end].replace("１０", "10") == ind.quote


def test_measure_is_the_innermost_holding_the_quote() -> None:
    doc = document("(一)总体目标\n新建学校10所。\n(二)具体措施\n培训教师500名。")
    text = doc.text
    second = text.index("(二)")
    outer = whole_measure(doc, 0, len(text), 1)
    first_item = whole_measure(doc, 0, second - 1, 2)
    found = extract_indicators(doc, [outer, first_item], PLAN_PERIOD_END)
    assert [i.measure_id for i in found] == ["t:m0002", "t:m0001"]


def test_quantities_before_the_first_measure_are_dropped() -> None:
    doc = document("近日,十部门联合印发方案,新建学校10所。\n一、目标\n培训教师500名。")
    start = doc.text.index("一、")
    found = extract_indicators(doc, [whole_measure(doc, start)], PLAN_PERIOD_END)
    assert [i.value for i in found] == [500]


def test_plan_period_end_unknown_leaves_period_targets_with_the_periods_own_year() -> None:
    doc = document("“十四五”时期,新建学校10所。规划期内,培训教师500名。")
    found = extract_indicators(doc, [whole_measure(doc)], None)
    assert [(i.target_year, i.target_year_source) for i in found] == [(2025, "inferred"), (None, None)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([c["text"] for c in load_cases()]), min_size=1, max_size=6),
    st.sampled_from(["\n", "\r\n", ""]),
)
def test_quotes_and_raw_offsets_hold_for_any_mix_of_cases(texts: list[str], joiner: str) -> None:
    raw = joiner.join(texts)
    doc = document(raw)
    found = extract_indicators(doc, [whole_measure(doc)], PLAN_PERIOD_END, include_achievements=True)
    for n, ind in enumerate(found, 1):
        assert ind.indicator_id == f"t:i{n:04d}"
        assert ind.quote == doc.text[ind.start : ind.end]
        assert document(raw[ind.raw_start : ind.raw_end]).text == ind.quote


def test_a_comma_between_thousands_is_not_a_clause_break() -> None:
    text = "共1,200所,新增3,45人,12,3456名,a,b"
    assert [text[m.start() - 1 : m.end() + 1] for m in CLAUSE_BREAK_RE.finditer(text)] == [
        "所,新",
        "3,4",
        "人,1",
        "2,3",
        "名,a",
        "a,b",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text("1,2;。!\n\t|a ", max_size=40), st.integers(min_value=0, max_value=40))
def test_the_piece_around_a_position_is_that_of_the_whole_text(text: str, pos: int) -> None:
    pos = min(pos, len(text))
    for breaks in (CLAUSE_BREAK_RE, SENTENCE_BREAK_RE):
        cuts = list(breaks.finditer(text))
        starts, ends = [0, *(m.end() for m in cuts)], [*(m.start() for m in cuts), len(text)]
        k = max(0, bisect.bisect_right(starts, pos) - 1)
        assert _piece_at(text, breaks, pos) == (starts[k], ends[k])


@settings(max_examples=200, deadline=None)
@given(st.text("1,2;。!\n\t|a ", max_size=60), st.lists(st.integers(min_value=0, max_value=60), max_size=12))
def test_pieces_of_many_positions_are_those_of_one_position(text: str, positions: list[int]) -> None:
    for breaks in (CLAUSE_BREAK_RE, SENTENCE_BREAK_RE):
        pieces = _Pieces(text, breaks)
        for pos in [min(p, len(text)) for p in positions]:  # in any order, lines asked again or not
            assert pieces.at(pos) == _piece_at(text, breaks, pos)


# Sentences holding year forms and achievement cues, and words around them.
CONTEXT_PIECES = [
    "到2025年",
    "2025年底前",
    "2007年",
    "“十四五”时期",
    "十三五期间",
    "规划期内",
    "已",
    "已经",
    "截至",
    "以来",
    "近五年来",
    "目前",
    "共有",
    "现有",
    "现有基础",
    "累计完成",
    ",",
    ";",
    "\t",
    "建成",
    "学校",
    "12所",
    "全区",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(CONTEXT_PIECES), max_size=12).map("".join),
    st.integers(0, 40),
    st.sampled_from([None, 2020, 2025]),
)
def test_markers_are_those_of_every_rule_in_turn(piece: str, cut: int, plan_period_end: int | None) -> None:
    clause = piece[cut:] if cut % 2 else piece[: cut // 2]  # the end of the sentence piece, or another piece
    years = [
        marker
        for rule in load_year_forms()
        for m in rule.regex.finditer(piece)
        if (marker := indicator_context._year_marker(rule, m, 7, plan_period_end))
    ]  # noqa: SLF001
    cues = load_achievement_cues()
    sentence_cues = [m.start() + 7 for r in cues if r.kind == "sentence" for m in r.regex.finditer(piece)]
    clause_cues = [m.start() + 3 for r in cues if r.kind == "clause" for m in r.regex.finditer(clause)]
    found = indicator_context._markers(piece, 7, plan_period_end, "sentence", (clause, 3))  # noqa: SLF001
    assert found[: len(years)] == years
    assert [mk.pos for mk in found[len(years) :]] == sentence_cues + clause_cues
    assert indicator_context._markers(piece, 7, plan_period_end) == years  # noqa: SLF001


def _parsed(text: str, period: tuple[int | None, int | None] = (None, None)) -> list[Indicator]:
    """Indicators of `text` read with its own outline, as the build reads them."""
    from plandata.structure.parse import parse_measures

    doc = document(text)
    return extract_indicators(doc, parse_measures(doc), period[1], plan_period_start=period[0])


def _years(found: list[Indicator]) -> list[tuple[float | None, int | None, str | None]]:
    return [(i.value, i.target_year, i.target_year_source) for i in found]


def test_a_goals_heading_with_a_year_lead_governs_its_items_until_the_next_section() -> None:
    text = (
        "一、总体目标\n(一)工作目标\n到2018年,实现以下目标:\n1.学前三年毛入园率达到95%。\n2.新建幼儿园10所。\n"
        "(二)主要任务\n1.培训教师500名。\n"
    )
    assert _years(_parsed(text)) == [(95, 2018, "section"), (10, 2018, "section"), (500, None, None)]


def test_a_year_in_the_heading_governs_its_body() -> None:
    text = "一、2026年主要预期目标\n新增学位3000个。\n二、保障措施\n1.培训教师200名。\n"
    assert _years(_parsed(text)) == [(3000, 2026, "section"), (200, None, None)]


def test_a_later_year_line_takes_over_inside_one_section() -> None:
    text = "一、发展目标\n到2023年,新建学校4所。\n培训教师100名。\n到2025年,新建学校6所。\n培训教师300名。\n"
    years = _years(_parsed(text))
    assert years == [(4, 2023, "stated"), (100, 2023, "section"), (6, 2025, "stated"), (300, 2025, "section")]


def test_a_task_table_deadline_cell_gives_the_rows_year() -> None:
    text = "序号\t重点任务\t牵头单位\t完成时限\n1\t新建学校5所,新增学位900个\t区教育局\t2027年底\n"
    assert _years(_parsed(text)) == [(5, 2027, "deadline"), (900, 2027, "stated")]


@pytest.mark.parametrize(("cell", "year"), [("2025年12月", 2025), ("2023—2025年", 2025), ("2024年6月", 2024)])
def test_a_deadline_cell_with_a_month_or_a_span_gives_its_last_year(cell: str, year: int) -> None:
    text = "序号\t重点任务\t牵头单位\t完成时限\n"
    text += f"1\t新建学校5所\t区教育局\t{cell}\n2\t培训教师200名\t区教育局\t持续推进\n"
    assert _years(_parsed(text)) == [(5, year, "deadline"), (200, None, None)]


def test_the_plan_period_is_the_last_resort() -> None:
    text = "一、主要任务\n1.新建学校5所。\n2.到2023年,培训教师100名。\n"
    assert _years(_parsed(text, (2021, 2025))) == [(5, 2025, "period"), (100, 2023, "stated")]


def test_a_year_before_the_plan_period_is_a_baseline_not_a_target_year() -> None:
    text = "一、发展基础\n2019年,全区新建学校5所。\n2019年,工作取得成效。\n二、主要任务\n1.培训教师100名。\n"
    # the stated past year makes an achievement (left out); the past lead year blocks the period for the rest
    found = _parsed(text, (2021, 2025))
    assert _years(found) == [(100, 2025, "period")]
    text = "一、发展基础\n2019年,工作取得成效。\n全区新建学校5所。\n"
    assert _years(_parsed(text, (2021, 2025))) == [(5, None, None)]


def test_a_dated_target_in_a_news_lead_is_the_documents_under_no_measure() -> None:
    text = (
        "近日,某省印发教育事业发展规划。到2030年,全省学前三年毛入园率达到97%。全省共有学校300所。\n"
        "★\n扩大普惠资源\n新建幼儿园20所,完善普惠保障机制,扩大优质学前教育资源供给。\n"
    )
    found = _parsed(text)
    assert [(i.value, i.measure_id, i.target_year) for i in found[:1]] == [(97, None, 2030)]
    assert [i.value for i in found] == [97, 20]  # the undated count of the lead is no target
    assert found[1].measure_id is not None
