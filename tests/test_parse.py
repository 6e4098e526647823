"""The measures parser: readable outline fixtures, the seeds against gold, and properties.

Each file of tests/fixtures/outlines/ holds a plan snippet and the outline
expected from it, one measure a line, indented two spaces per level:

    kind label | title || header=cell; header=cell

(`-` for no label; the cells part only for table rows).  Its header names
the numbering patterns and edge cases it covers (meta-tests below).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.model import Measure, RawDocument
from plandata.package.tables import MEASURE_KINDS
from plandata.read.ingest import ingest
from plandata.read.normalise import PINYIN_GLOSS_RE, normalise
from plandata.structure import numbering
from plandata.structure.parse import find_title, iter_lines, parse_measures, split_lines

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "outlines"
GOLD = ROOT / "tests" / "fixtures" / "gold"  # a copy of shared/gold (see its README)
_t2s = opencc.OpenCC("t2s").convert

# Edge cases named in issue 3; every one needs a fixture that says it covers it.
EDGE_CASES = {
    "heading_own_line",  # a heading alone on its line, its intro paragraph after it
    "run_in_heading",  # 1.加快智慧校园建设。完善校园网络…
    "glued_first_item",  # 一、明确目标任务…发展1、学前三年教育发展目标。
    "continued_numbering",  # 3. under (二) after 1. 2. under (一)
    "mid_document_start",  # an excerpt opening with 3. or with (六) and no part above
    "ranks_from_document",  # ranks learnt from the document, not one global order
    "titled_paragraph",  # 提升…水平。… as a measure
    "intro_paragraph",  # a heading's intro is its text, not a measure
    "lone_paragraph",  # one short-titled paragraph between two headings is the first heading's body
    "news_lead",  # paragraphs summarising the document before its title
    "title_line",  # the document's own title
    "contents",  # a table of contents (目录) repeats the headings: skipped
    "preamble",  # 为贯彻…制定本方案
    "document_number",  # 某教发〔2022〕15号
    "date_signature",  # issuing body and date at the end
    "footer",  # site footers (removed by normalise)
    "table_header",  # column headers are no measures
    "task_table_pipe",  # 序号 | 任务 | 责任单位 rows
    "task_table_flat",  # the same table one cell per line
    "indicator_table_pipe",  # 主要指标 rows are no measures
    "indicator_table_flat",
    "task_table_categories",  # 一、 category rows between rising 序号 of a flattened task table
    "task_table_merged_categories",  # a category cell merged across a separated table, repeated in every column
    "task_table_under_title",  # a task table right under the title: its header opens the body, not its first 一、
    "task_table_pipe_ended",  # every cell a line closed by ` |`, a column naming people
    "bullet_own_line",  # ★ on a line of its own
    "bullet_run_in",  # --- before a run-in title
    "label_alone",  # a label alone on its line, the title on the next
    "attachment",  # an attachment (附件) after the signature is under no heading of the main text
    "fullwidth_labels",  # （一） （1） １．
    "single_char_labels",  # ⒈ ⑴
    "glued_next_item",  # 二、…管理网络3、理顺… after 1、 2、: the next label of an open list, glued
    "bare_subheading",  # a short line alone between running text, in a document of own-line titles
    "private_use_dot",  # 1\ue010加强…: a font's private-use dot after the number
}
# Every numbering style, plus the measures that have no numbering style.
PATTERNS = {s.key for s in numbering.STYLES} | {"bullet", "paragraph", "table_row"}


@dataclass(frozen=True)
class OutlineCase:
    """One fixture: snippet, expected outline and what it covers."""

    name: str
    patterns: frozenset[str]
    cases: frozenset[str]
    title: str | None
    text: str
    outline: tuple[str, ...]


def _meta_list(value: str) -> frozenset[str]:
    return frozenset(v.strip() for v in value.split(",") if v.strip())


def load_case(path: Path) -> OutlineCase:
    """Read one outline fixture file."""
    head, rest = path.read_text(encoding="utf-8").split("---- text\n", 1)
    text, outline = rest.split("---- outline\n", 1)
    meta = dict(line.split(":", 1) for line in head.splitlines() if ":" in line and not line.startswith("#"))
    title = meta["title"].strip()
    return OutlineCase(
        path.stem,
        _meta_list(meta["patterns"]),
        _meta_list(meta["cases"]),
        None if title == "-" else title,
        text.rstrip("\n"),
        tuple(line.rstrip() for line in outline.splitlines() if line.strip()),
    )


CASES = [load_case(p) for p in sorted(FIXTURES.glob("*.txt"))]


def _raw(text: str, document_id: str = "fixture") -> RawDocument:
    return RawDocument(document_id, f"{document_id}.txt", "0" * 64, "utf-8", text)


def render(measures: list[Measure]) -> tuple[str, ...]:
    """The outline of parsed measures in the fixture notation."""
    lines = []
    for m in measures:
        line = f"{'  ' * (m.level - 1)}{m.kind} {m.label or '-'} | {m.title}"
        if m.cells:
            line += " || " + "; ".join(f"{c.header}={c.text}" for c in m.cells)
        lines.append(line)
    return tuple(lines)


def scorer_piece(raw: str, m: Measure) -> str:
    """What the scorer reads at a measure's raw span: glosses dropped, normalised."""
    piece = PINYIN_GLOSS_RE.sub("", raw[m.raw_start : m.raw_end])
    return re.sub(r"\s+", "", _t2s(normalise(_raw(piece)).text))


def check_invariants(doc_raw: str, measures: list[Measure]) -> None:
    """Contract of every measure list: ids, parents, levels, text and provenance."""
    ids = [m.measure_id for m in measures]
    for seq, m in enumerate(measures, start=1):
        assert m.sequence == seq and m.measure_id == f"{m.document_id}:m{seq:04d}"
        assert m.kind in MEASURE_KINDS
        assert m.title and not m.title.endswith("。") and m.ordinal >= 0
        assert m.title in m.text
        if m.label:
            assert not m.text.startswith(m.label) or m.kind == "table_row"
        if m.parent_id is None:
            assert m.level == 1
        else:  # the nearest measure above it one level up, so an indented outline fixes every parent
            parent = measures[ids.index(m.parent_id)]
            above = [p for p in measures[: seq - 1] if p.level == m.level - 1]
            assert above and above[-1] is parent
        assert m.start < m.end and m.raw_start < m.raw_end
        assert re.sub(r"\s+", "", _t2s(m.title)) in scorer_piece(doc_raw, m)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fixture_outline(case: OutlineCase) -> None:
    doc = normalise(_raw(case.text, case.name))
    measures = parse_measures(doc)
    assert render(measures) == case.outline
    assert find_title(doc) == case.title
    check_invariants(case.text, measures)


def test_every_numbering_pattern_has_a_fixture() -> None:
    covered = set().union(*(c.patterns for c in CASES))
    assert covered >= PATTERNS, f"no fixture for {sorted(PATTERNS - covered)}"
    assert covered <= PATTERNS, f"unknown pattern names {sorted(covered - PATTERNS)}"


def test_every_edge_case_has_a_fixture() -> None:
    covered = set().union(*(c.cases for c in CASES))
    assert covered >= EDGE_CASES, f"no fixture for {sorted(EDGE_CASES - covered)}"
    assert covered <= EDGE_CASES, f"unknown case names {sorted(covered - EDGE_CASES)}"


def test_fixture_patterns_are_the_kinds_it_shows() -> None:
    for case in CASES:
        kinds = {line.split()[0] for line in case.outline}
        styles = {numbering.STYLES_BY_KEY[p].kind for p in case.patterns if p in numbering.STYLES_BY_KEY}
        plain = {p for p in case.patterns if p not in numbering.STYLES_BY_KEY}
        assert kinds == styles | plain, case.name


def _parsed(case_name: str) -> list[Measure]:
    case = next(c for c in CASES if c.name == case_name)
    return parse_measures(normalise(_raw(case.text, case.name)))


def test_heading_text_holds_its_intro_and_stops_before_the_first_child() -> None:
    measures = _parsed("titled_paragraphs")
    heading = measures[0]
    assert heading.text.startswith("办好人民满意的特殊教育\n以融合教育为重点")
    assert heading.text.endswith("平等接受教育的权利。")
    assert measures[1].text.startswith("扩大特殊教育资源。新建一所")


def test_ordinals_labels_and_spans() -> None:
    case = next(c for c in CASES if c.name == "mid_document_start")
    doc = normalise(_raw(case.text))
    measures = parse_measures(doc)
    assert [(m.label, m.ordinal) for m in measures[:3]] == [("3.", 3), ("(五)", 5), ("1.", 1)]
    assert all(doc.text[m.start : m.end].startswith(m.label or "") for m in measures)
    assert [m.ordinal for m in _parsed("excerpt_paragraphs_first")] == [1, 2, 5, 1, 2]  # 五、 is 5


def test_glued_heading_ends_where_its_first_item_starts() -> None:
    part, item = _parsed("glued_first_item")[:2]
    assert part.end == item.start and part.text == "完善普惠保障机制,推动学前教育优质发展"
    assert item.text.startswith("学前教育入园目标。到2025年")


def test_indicator_table_stays_in_the_enclosing_text() -> None:
    for name in ("indicator_table_pipe", "indicator_table_flat"):
        goal = _parsed(name)[0]
        assert "学前三年毛入园率(%)" in goal.text


def test_task_table_rows_keep_agency_cells_out_of_the_title() -> None:
    rows = [m for m in _parsed("task_table_pipe") if m.kind == "table_row"]
    assert [r.title for r in rows] == ["完善教师编制动态调整机制", "落实教师工资待遇保障政策"]
    assert rows[0].text.startswith("完善教师编制动态调整机制。") and "区委编办" in rows[0].text
    assert all(c.start < c.end for r in rows for c in r.cells)


def test_closing_lines_are_in_no_measure() -> None:
    assert _parsed("full_plan")[-1].text.endswith("列入重要议事日程。")
    assert _parsed("attachment")[2].text == "强化督导考核。将落实情况纳入年度督导。"


def test_ids_come_from_the_document_id_and_the_place_only() -> None:
    case = next(c for c in CASES if c.name == "full_plan")
    first = parse_measures(normalise(_raw(case.text, "doc_a")))
    other = parse_measures(normalise(_raw(case.text, "doc_b")))
    again = parse_measures(normalise(_raw(case.text, "doc_a")))
    assert [m.measure_id for m in first] == [m.measure_id for m in again]
    assert [m.measure_id.replace("doc_a", "doc_b") for m in first] == [m.measure_id for m in other]
    assert first[0].measure_id == "doc_a:m0001" and first[0].parent_id is None


def test_crlf_and_fullwidth_raw_offsets_are_exact() -> None:
    raw = "（一）加强领导\r\n１．建立制度。每年召开会议。\r\n２．明确责任。落实到人。\r\n"
    measures = parse_measures(normalise(_raw(raw)))
    assert [raw[m.raw_start : m.raw_end] for m in measures] == [
        "（一）加强领导",
        "１．建立制度。每年召开会议。",
        "２．明确责任。落实到人。",
    ]


# --- the seeds against the gold annotations ---------------------------------------------------------


_SCORER_STRIP = "。,;:,;:.、"  # end punctuation the scorer ignores


def _norm(s: str | None) -> str:
    """The scorer's comparison form of a title."""
    return re.sub(r"\s+", "", _t2s(s or "")).strip(_SCORER_STRIP)


SEED_DOCS = {d.source_file: normalise(d) for d in ingest(ROOT / "raw").documents}


@pytest.mark.parametrize("gold_path", sorted(GOLD.glob("*.json")), ids=lambda p: p.stem[:3])
def test_seed_matches_gold(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    doc = SEED_DOCS[gold["source_file"]]
    measures = parse_measures(doc)
    by_id = {m.measure_id: m for m in measures}
    got = [(_norm(m.title), _norm(by_id[m.parent_id].title) if m.parent_id else "") for m in measures]
    want = [(_norm(g["title"]), _norm(g["parent"])) for g in gold["measures"]]
    assert got == want
    check_invariants(doc.raw.raw_text, measures)
    blob = _norm("".join(m.title + m.text for m in measures))
    assert not [n for n in gold.get("noise", []) if _norm(n) in blob]
    if "title" in gold:
        assert find_title(doc) == gold["title"]


# --- properties -------------------------------------------------------------------------------------

# Fragments of plan text (labels, table headers, cues, glosses, dates) and the whitespace between them.
_WORD_LIST = (
    "一、 二、 (一) (二) （三） 1. 2、 ３． (1) （2） ① ② 第一章 第二节 第一部分 ★ --- —— ⒈ ⑴ 序号 重点任务 责任单位 "
    "指标 2025年 属性 | 加强教师队伍建设 完善制度 推进改革 为贯彻 实施方案 北京市 。 , : ; (bei) 北(bei)京(jing) 1.5 "
    "2021年3月1日 〔2022〕15号"
)
_WORDS = _WORD_LIST.split()
_PIECES = st.sampled_from([*_WORDS, "\t", "\n", "\r\n", " ", "\u3000"])
_TEXTS = st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=60).map("".join)
# Plan-shaped lines: a label or none, a title, an end, a body; table rows and glossed words among them.
_LABELS = st.sampled_from(
    ["", "", "一、", "(二)", "（三）", "3.", "4、", "(5)", "⑥", "第七章 ", "★", "---", "——", "1 | "]
)
_TITLE_WORDS = st.sampled_from(["加强", "教师", "队伍", "建设", "北(bei)京(jing)市", "“双减”", ",", "区教委", " | "])
_PLAN_LINE = st.tuples(
    _LABELS,
    st.lists(_TITLE_WORDS, max_size=8).map("".join),
    st.sampled_from(["。", "", ";", ":"]),
    st.one_of(st.just(""), st.text(max_size=12), _TITLE_WORDS),
).map("".join)
_TABLE_HEADERS = st.sampled_from(["序号 | 重点任务 | 责任单位", "序号\n工作任务\n牵头单位", "指标 | 2025年 | 属性"])
_PLANS = st.lists(st.one_of(_PLAN_LINE, _PLAN_LINE, _TABLE_HEADERS), max_size=20).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_TEXTS, _PLANS))
def test_parsing_arbitrary_text_never_raises_and_spans_hold_titles(text: str) -> None:
    doc = normalise(_raw(text))
    measures = parse_measures(doc)
    find_title(doc)
    for m in measures:
        assert m.title and m.raw_start <= m.raw_end
        assert re.sub(r"\s+", "", _t2s(m.title)) in scorer_piece(text, m)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_TEXTS, _PLANS))
def test_lines_read_one_at_a_time_are_the_split_lines(text: str) -> None:
    assert list(iter_lines(text)) == split_lines(text)


def test_a_title_broken_over_two_lines_is_found_without_splitting_the_rest() -> None:
    text = "北京市教育委员会关于印发\n《教师队伍建设实施方案》的通知\n一、总体要求\n" + "加强教师队伍建设。\n" * 50
    assert find_title(normalise(_raw(text))) == "北京市教育委员会关于印发《教师队伍建设实施方案》的通知"


def _titles(text: str) -> list[tuple[str | None, str]]:
    return [(m.label, m.title) for m in parse_measures(normalise(_raw(text)))]


def test_a_glued_label_that_neither_opens_nor_continues_a_list_stays_in_the_title() -> None:
    # 5、 after 一、 with no list open: the heading's words, not an item
    found = _titles("一、推进学前教育发展5、大力扩大资源。新建幼儿园。\n")
    assert found == [("一、", "推进学前教育发展5、大力扩大资源")]


def test_a_short_line_is_no_heading_where_titles_share_their_labels_line() -> None:
    text = (
        "一、加强教师队伍建设\n全面提高教师思想政治素质和专业能力,完善教师培养培训体系,推进教师管理改革。\n"
        "名师培育计划\n遴选一批骨干教师开展为期三年的跟岗研修,建立名师工作室,发挥示范引领作用。\n"
    )
    assert _titles(text) == [("一、", "加强教师队伍建设")]


def test_article_label_is_not_a_word_beginning_with_di_tiao() -> None:
    assert numbering.match_label("第三条 加强监管。").style_key == "article"  # type: ignore[union-attr]
    assert numbering.match_label("第三条件不符合的不予审批。") is None


def test_task_table_rows_take_their_deadline_and_text_without_borders() -> None:
    rows = [m for m in _parsed("task_table_pipe_ended") if m.kind == "table_row"]
    assert [(r.label, r.deadline) for r in rows] == [("5", "2024年底"), ("6", None)]
    assert all("|" not in r.text for r in rows)


def test_table_problems_are_warnings_naming_the_file_and_line() -> None:
    warnings: list[str] = []
    text = "一、总体要求\n序号\t重点任务\t牵头单位\n1\t新建学校\t区教委\t区财政局\n"
    parse_measures(normalise(_raw(text, "ragged")), warnings)
    assert warnings == ["ragged.txt, line 3: a table row has 4 cells, its header 3"]
