"""Task-division lists: splitting a list into items."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.extract.task_division import _items, _matching_paren


def items_char_by_char(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Items read one character at a time: separators split them unless inside parentheses."""
    spans, depth, item_start = [], 0, start
    for i in range(start, end + 1):
        ch = text[i] if i < end else "、"
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth <= 0 and (i == end or re.fullmatch(r"[、,，;；\s]", ch)):
            if i > item_start:
                spans.append((item_start, i))
            item_start, depth = i + 1, 0
    return spans


@settings(max_examples=200, deadline=None)
@given(st.text("区教委()、,，;； \n", max_size=30), st.integers(0, 30), st.integers(0, 30))
def test_items_split_at_separators_outside_parentheses(text: str, a: int, b: int) -> None:
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    assert _items(text, start, end) == items_char_by_char(text, start, end)


def test_matching_paren_stops_at_the_line_end() -> None:
    text = "(牵头单位:市教委(市委教育工作领导小组办公室))后(未完\n)"
    assert _matching_paren(text, 0) == text.index("后") - 1
    assert _matching_paren(text, text.index("(未")) is None


def test_a_header_qualified_by_a_role_word_takes_that_role() -> None:
    from plandata.extract.task_division import load_vocabulary, read_cell

    vocab = load_vocabulary()
    assert vocab.header_relation("责任单位(配合)") == "support"
    assert vocab.header_relation("责任单位") == "assigned"
    assert vocab.header_relation("分 管 县领导") is None
    assert vocab.header_relation("(配合)") is None  # a role word alone names no column of units
    assert [(u.name, u.relation) for u in read_cell("区财政局、各街道", 0, "责任单位(配合)")] == [
        ("区财政局", "support"),
        ("各街道", "support"),
    ]


def test_a_block_in_tortoise_shell_or_square_brackets_is_a_task_list() -> None:
    from plandata.extract.task_division import find_task_lists

    for opener, closer in (("〔", "〕"), ("[", "]"), ("(", ")")):
        text = f"每年补充教师1000名以上。{opener}责任单位:省教育厅、省财政厅,各市人民政府{closer}"
        (block,) = find_task_lists(text)
        assert (block.start, block.end) == (text.index(opener), len(text))
        assert [u.name for u in block.units] == ["省教育厅", "省财政厅", "各市人民政府"]
        assert {u.relation for u in block.units} == {"assigned"}
    # A document number in tortoise-shell brackets is no list; nested brackets close at the right one.
    assert find_task_lists("按照京教发〔2022〕5号文件执行。") == []
    text = "〔牵头单位:市教委(市委教育工委);配合单位:市财政局〕"
    (block,) = find_task_lists(text)
    assert [(u.name, u.relation) for u in block.units] == [("市教委(市委教育工委)", "lead"), ("市财政局", "support")]


def test_a_prose_sentence_of_units_and_role_words_is_a_task_list() -> None:
    from plandata.extract.task_division import find_task_lists

    text = "新建幼儿园30所,由市教育局牵头,市发展改革委、市财政局配合。加强监管。"
    (block,) = find_task_lists(text)
    assert text[block.start : block.end] == "由市教育局牵头,市发展改革委、市财政局配合。"  # the task stays out
    assert [(u.name, u.relation) for u in block.units] == [
        ("市教育局", "lead"),
        ("市发展改革委", "support"),
        ("市财政局", "support"),
    ]
    # A sentence that only ends in a role word is no list unless every item is a unit.
    assert find_task_lists("各地要加强统筹,形成工作合力,共同参与。") == []
    assert find_task_lists("新建幼儿园30所配合。") == []  # a count ends in 所 as 研究所 does: no unit has digits


def test_a_label_may_be_followed_by_wei() -> None:
    from plandata.extract.task_division import find_task_lists

    (block,) = find_task_lists("保障校园安全。责任单位为市公安局、市教育局。")
    assert [(u.name, u.relation) for u in block.units] == [("市公安局", "assigned"), ("市教育局", "assigned")]
