"""Sentence rules: one case per prose cue and title cue, titles of items and paragraphs, closings."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.model import RawDocument
from plandata.read.normalise import normalise
from plandata.rules.lexicon import read_table
from plandata.structure import prose
from plandata.structure.parse import find_title, parse_measures

PROSE_CUES = read_table("prose_cues.csv", ("cue_id", "pattern", "example", "seen_in", "note"), "cue_id")
TITLE_CUES = read_table("title_cues.csv", ("cue_id", "word", "example", "seen_in", "note"), "cue_id")
BODY = "完善工作机制,加强统筹协调,确保各项任务落到实处。"


def _parse(text: str) -> list[str]:
    doc = normalise(RawDocument("t", "t.txt", "0" * 64, "utf-8", text))
    return [m.title for m in parse_measures(doc)]


@pytest.mark.parametrize("row", PROSE_CUES, ids=lambda r: r["cue_id"])
def test_prose_cue_keeps_its_example_from_being_a_title(row: dict[str, str]) -> None:
    example = row["example"]
    assert len(example) <= prose.PARAGRAPH_TITLE_MAX_CHARS  # only the cue stops it
    assert row["cue_id"] in {c.cue_id for c in prose.prose_cues() if c.regex.search(example)}
    assert prose.paragraph_title(f"{example}。{BODY}") is None
    assert _parse(f"{example}。{BODY}\n提升教师专业能力。{BODY}") == ["提升教师专业能力"]


def test_every_prose_cue_has_a_case() -> None:
    assert [c.cue_id for c in prose.prose_cues()] == [r["cue_id"] for r in PROSE_CUES]


@pytest.mark.parametrize("row", TITLE_CUES, ids=lambda r: r["cue_id"])
def test_title_cue_recognises_its_example(row: dict[str, str]) -> None:
    example = row["example"]
    assert example.endswith(row["word"])
    assert prose.title_line(example) == example
    assert prose.title_line(f"《{example}》") == example
    assert prose.title_line(f"{example}(2021—2025年)") == f"{example}(2021—2025年)"
    doc = normalise(RawDocument("t", "t.txt", "0" * 64, "utf-8", f"{example}\n一、总体要求\n二、主要任务"))
    assert find_title(doc) == example


def test_every_title_cue_has_a_case() -> None:
    assert [c for c, _ in prose.title_words()] == [r["cue_id"] for r in TITLE_CUES]


@pytest.mark.parametrize(
    "line",
    [
        "近日,市教委印发实施方案",
        "加强组织领导",
        "实施方案",
        "北京市教育委员会关于印发实施方案的通知。",
        "首页 > 政务公开 > 规划计划",
        "发布时间 2022-03-18 某区教育发展规划",
    ],
)
def test_not_title_lines(line: str) -> None:
    assert prose.title_line(line) is None


def test_title_with_period_in_ascii_range() -> None:
    assert prose.title_line("某区教育发展规划(2021-2025年)") == "某区教育发展规划(2021-2025年)"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("提升幼儿园保教质量。开展质量评估。", "提升幼儿园保教质量"),
        ("扩大优质资源,促进均衡发展。新建学校十所。", "扩大优质资源,促进均衡发展"),
        ("加强领导。", None),  # no body
        ("加强领导,完善机制,健全制度,强化保障。完善支持服务体系。", None),  # four clauses
        ("主要目标:到2025年基本实现现代化。全面普及。", None),  # a colon: a lead-in, no title
        ("以提升育人质量为核心,以深化课程改革为抓手,统筹推进各学段课程建设、教学改革。加强督导。", None),
        ("到2025年基本实现现代化。全面普及。", None),  # cue: a year opens it
        ("abc。正文。", None),  # no Chinese title
    ],
)
def test_paragraph_title(text: str, title: str | None) -> None:
    assert prose.paragraph_title(text) == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("加快智慧校园建设。完善校园网络。", "加快智慧校园建设"),
        ("主要目标:到2025年,全面普及。", "主要目标"),
        ("师生比达到1:5的标准", "师生比达到1:5的标准"),
        ("加强组织领导;健全机制", "加强组织领导"),
        ("加强组织领导", "加强组织领导"),
    ],
)
def test_run_in_title(text: str, title: str) -> None:
    assert prose.run_in_title(text) == title


@pytest.mark.parametrize(
    ("line", "closing"),
    [
        ("2022年3月18日", True),
        ("二〇二二年三月十八日", True),
        ("津党发〔2018〕36号", True),
        ("京教人[2022]5号", True),
        ("(此件公开发布)", True),
        ("2022年3月18日召开会议。", False),
        ("加强组织领导", False),
    ],
)
def test_closing_lines(line: str, closing: bool) -> None:
    assert prose.is_closing_line(line) is closing


@pytest.mark.parametrize(
    ("line", "prefix"),
    [("某区教育事业发展", True), ("首页>新闻中心", False), ("发布时间 2022-03-18", False), ("近日,市教委印发", False)],
)
def test_title_prefix(line: str, prefix: bool) -> None:
    assert prose.is_title_prefix(line) is prefix


@pytest.mark.parametrize(
    ("line", "attachment"),
    [
        ("附件", True),
        ("附件2:重点任务分工表", True),
        ("附件 某区教师交流轮岗实施细则", True),
        ("附件所列任务要按期完成。", False),
    ],
)
def test_attachment_lines(line: str, attachment: bool) -> None:
    assert prose.is_attachment_line(line) is attachment


def _plain_paragraph_title(text: str) -> str | None:
    """`paragraph_title` as first written: the body after the first sentence found by stripping it."""
    m = re.search(r"[。!?]", text)
    if not m or not text[m.end() :].strip():
        return None
    title = text[: m.start()].strip()
    if not prose.PARAGRAPH_TITLE_MIN_CHARS <= len(title) <= prose.PARAGRAPH_TITLE_MAX_CHARS:
        return None
    if title.count(",") > prose.PARAGRAPH_TITLE_MAX_COMMAS or re.search(r"[:;|\t]", title):
        return None
    if not re.search(r"[\u4e00-\u9fff]", title):
        return None
    return None if prose.prose_cue(title) else title


PARAGRAPH_PIECES = ["加强组织领导", "。", "!", "?", " ", "\u3000", "\t", ",", ":", "近日", "2025", BODY, "ab"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PARAGRAPH_PIECES), max_size=8).map("".join))
def test_paragraph_titles_are_those_of_the_plain_reading(text: str) -> None:
    assert prose.paragraph_title(text) == _plain_paragraph_title(text)
