"""Normalisation: one case per noise rule, plus glosses, width, script and the offset map."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from plandata.model import NormalisedDocument, RawDocument
from plandata.read.normalise import detect_script, normalise
from plandata.rules.lexicon import load_noise_rules

FIXTURES = Path(__file__).parent / "fixtures" / "normalise"


def _doc(text: str) -> RawDocument:
    return RawDocument("t", "t.txt", "0" * 64, "utf-8", text)


def _noise_cases() -> list[dict[str, str]]:
    with (FIXTURES / "noise_cases.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _assert_map_exact(raw: str, text: str, offsets: tuple[int, ...]) -> None:
    assert len(offsets) == len(text) + 1
    assert list(offsets) == sorted(offsets)


@pytest.mark.parametrize("case", _noise_cases(), ids=lambda c: c["rule_id"])
def test_noise_rule(case: dict[str, str]) -> None:
    doc = normalise(_doc(case["input"]))
    assert doc.text == case["expected"]
    assert case["rule_id"] in doc.removed


def test_every_noise_rule_has_a_case() -> None:
    covered = {c["rule_id"] for c in _noise_cases()}
    assert {r.rule_id for r in load_noise_rules()} == covered


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("北(bei)京(jing)(jing)市教委等(deng)(deng)十部(bu)门印发" * 3, "北京市教委等十部门印发" * 3),
        ("设(shè)立(lì)师(shī)德(dé)平(píng)台(tái)。" * 2, "设立师德平台。" * 2),
        ("设( shè )立( lì )师( shī )德(dé )平( píng)台(tái)。" * 2, "设立师德平台。" * 2),
    ],
    ids=["ascii-pinyin", "tone-marks", "space-inside-brackets"],
)
def test_pinyin_glosses_removed(raw: str, expected: str) -> None:
    assert normalise(_doc(raw)).text == expected


def test_real_parentheses_survive_in_glossed_document() -> None:
    glossed = "北(bei)京(jing)市(shi)教(jiao)委(wei)" * 4
    raw = glossed + "(任务分工:市教委、市财政局)建设骨干专业(群)。《规划(2021—2025年)》"
    text = normalise(_doc(raw)).text
    assert text.endswith("(任务分工:市教委、市财政局)建设骨干专业(群)。《规划(2021—2025年)》")


def test_sparse_lowercase_parenthesis_is_not_a_gloss() -> None:
    raw = "开展创客(steam)教育,推进课程建设。" + "推进教育现代化。" * 40
    assert "创客(steam)教育" in normalise(_doc(raw)).text


def test_width_crlf_and_blank_lines() -> None:
    raw = "\ufeff（一）加强领导，提高质量：８０％\r\n\r\n  1．建设学校。\r\n"
    assert normalise(_doc(raw)).text == "(一)加强领导,提高质量:80%\n1.建设学校。"


def test_traditional_becomes_simplified_and_is_detected() -> None:
    raw = "北京市新時代基礎教育強師計劃實施方案。加強師德師風建設。"
    doc = normalise(_doc(raw))
    assert doc.script == "zh-Hant"
    assert doc.text == "北京市新时代基础教育强师计划实施方案。加强师德师风建设。"


def test_simplified_text_is_left_alone() -> None:
    assert detect_script("推进教育现代化,建设高质量教育体系。") == "zh-Hans"


@pytest.mark.parametrize("seed", sorted((Path(__file__).parents[1] / "raw").glob("*.txt")), ids=lambda p: p.stem)
def test_offset_map_points_back_into_raw(seed: Path) -> None:
    raw_text = seed.read_text(encoding="utf-8")
    doc = normalise(_doc(raw_text))
    offsets = doc.mapped.raw_offsets
    _assert_map_exact(raw_text, doc.text, offsets)
    # Every normalised character comes from the raw character it maps to,
    # up to width folding and script conversion (same character class).
    for i, ch in enumerate(doc.text):
        source = raw_text[offsets[i]]
        if ch == "\n":
            assert source in "\r\n"
        elif doc.script == "zh-Hans" and not ("\uff01" <= source <= "\uff5e"):
            assert ch == source


def test_mixed_page_comes_out_simplified() -> None:
    """A page that quotes a traditional passage after a long simplified one is simplified throughout."""
    raw = "推进教育现代化,建设高质量教育体系。\n" * 2000 + "加強師德師風建設。"
    doc = normalise(_doc(raw))
    assert doc.text.endswith("加强师德师风建设。")
    assert doc.script == "zh-Hans"  # the recorded script is the document's main one


def _raw_of(doc_text: str, doc: NormalisedDocument) -> str:
    """The raw characters each normalised character maps to, joined."""
    return "".join(doc.raw.raw_text[doc.mapped.raw_offsets[i]] for i in range(len(doc_text)))


def test_html_entities_decoded_with_offsets_to_the_reference() -> None:
    raw = "实施&quot;强师&quot;工程,&nbsp;覆盖率&gt;90%&#65292;新建&#x5B66;校。&foo;留下"
    doc = normalise(_doc(raw))
    assert doc.text == '实施"强师"工程,\u00a0覆盖率>90%,新建学校。&foo;留下'
    quote = doc.text.index('"')
    assert doc.mapped.raw_span(quote, quote + 1) == (2, 8)  # the decoded character covers its reference
    start, end = doc.mapped.raw_span(0, doc.text.index("工程"))
    assert raw[start:end] == "实施&quot;强师&quot;"  # a span that ends in one ends after it, not at its `&`
    start, end = doc.mapped.raw_span(doc.text.index("新建"), doc.text.index("校") + 1)
    assert raw[start:end] == "新建&#x5B66;校"


def test_private_use_dot_after_a_number_reads_as_a_dot() -> None:
    raw = "一、总体要求\n1\ue010加强课程建设。\n12\uf8f0完善评价体系。\n"
    doc = normalise(_doc(raw))
    assert doc.text == "一、总体要求\n1.加强课程建设。\n12.完善评价体系。"
    assert len(doc.mapped.raw_offsets) == len(doc.text) + 1
    dot = doc.text.index(".")
    assert doc.raw.raw_text[doc.mapped.raw_offsets[dot]] == "\ue010"


def test_private_use_and_control_characters_dropped_with_offsets_kept() -> None:
    raw = "推进\ue123学校\u200b建设\x07,覆\x0c盖率\u00ad达到95%。"
    doc = normalise(_doc(raw))
    assert doc.text == "推进学校建设,覆盖率达到95%。"
    assert _raw_of(doc.text, doc) == doc.text  # every kept character maps to itself in the raw text


def test_a_line_of_doubled_characters_is_read_once() -> None:
    doc = normalise(_doc("某某县县教教育育发发展展规规划划\n一、总体要求\n"))
    assert doc.text == "某县教育发展规划\n一、总体要求"
    assert _raw_of(doc.text, doc) == doc.text
    assert normalise(_doc("加快推进推进\n")).text == "加快推进推进"  # too short to be a doubled line


def test_a_page_number_that_cuts_a_sentence_is_dropped_and_the_sentence_joined() -> None:
    raw = "一、主要任务\n全面推进学前教育普及普惠发展,扩大优质学前教\n2、\n育资源供给。\n二、保障措施\n"
    doc = normalise(_doc(raw))
    assert doc.text == "一、主要任务\n全面推进学前教育普及普惠发展,扩大优质学前教育资源供给。\n二、保障措施"
    assert _raw_of(doc.text, doc) == doc.text
    for mark in ("- 3 -", "— 3 —", "—3—", "第3页", "第3页 共12页", "共12页 第3页", "3"):
        assert "优质学前教育资源" in normalise(_doc(raw.replace("2、", mark))).text
    # the sentence may go on with a number: the value an indicator needs
    cut_before_value = "到2025年,全区学前三年教育毛入园率力争达到\n— 3 —\n98%以上。\n"
    assert normalise(_doc(cut_before_value)).text == "到2025年,全区学前三年教育毛入园率力争达到98%以上。"
    # but not with an item's number: that starts anew
    assert normalise(_doc("全面推进学前教育普及普惠发展,扩大优质学前教\n3\n1.加强课程建设\n")).text.count("\n") == 2
    # a label alone under a heading is no page number
    label_alone = "一、主要任务\n1、\n加强课程建设\n"
    assert normalise(_doc(label_alone)).text == "一、主要任务\n1、\n加强课程建设"


def test_the_rows_of_a_table_are_never_joined_as_a_hard_wrap() -> None:
    # A reader's table (cells split by tabs) or a pipe table whose rows share a length and end in a Han character (属性:
    # 预期性/约束性) looked hard-wrapped: each row was joined to the next and the table lost its rows.
    rows = [f"类别{k}\t学前三年毛入园率(%)\t9{k}.5\t≥96\t{'预期性' if k % 2 else '约束性'}" for k in range(10)]
    raw = "一、主要指标\n" + "\n".join(rows) + "\n二、主要任务\n"
    assert normalise(_doc(raw)).text.split("\n")[1:-1] == rows
    piped = [row.replace("\t", " | ") for row in rows]  # a pipe table typed into a page
    raw = "一、主要指标\n" + "\n".join(piped) + "\n二、主要任务\n"
    assert normalise(_doc(raw)).text.split("\n")[1:-1] == piped


def test_a_dashed_page_number_between_paragraphs_goes_and_a_bare_number_stays() -> None:
    # A text copy of an official PDF keeps its page numbers (`— 3 —`) where the pages broke; no cell looks
    # like them.  A bare number between paragraphs may be a flattened table's 序号 cell.
    raw = "一、主要任务\n扩大优质学前教育资源供给。\n— 3 —\n二、保障措施\n完善经费保障。\n- 4 -\n"
    doc = normalise(_doc(raw))
    assert doc.text == "一、主要任务\n扩大优质学前教育资源供给。\n二、保障措施\n完善经费保障。"
    assert _raw_of(doc.text, doc) == doc.text
    paged = normalise(_doc(raw.replace("— 3 —", "第 3 页 共 12 页"))).text
    assert "页" not in paged
    table = "序号\n重点任务\n1\n扩大学前教育资源。\n2\n加强教师队伍建设。\n"
    assert normalise(_doc(table)).text == table.strip()


def test_a_flattened_task_table_is_neither_hard_wrapped_nor_cut_by_page_numbers() -> None:
    # its agency cells and the title happen to share a width, but the task cells and the sentences run
    # longer, as no line of a hard-wrapped text does; a 序号 after a long cell ending mid-word is no page
    # number, as it comes a few lines after the number before it
    rows = [
        (
            "1",
            "实施学前教育普及普惠行动,公办园在园幼儿占比持续提高,普惠性资源供给扩大。",
            "省教育厅",
            "省发展改革委、省财政厅、各市(州)人民政府",
        ),
        ("2", "推进县域义务教育优质均衡发展,缩小城乡差距。", "省教育厅", "省财政厅、省自然资源厅、省住房城乡建设厅"),
        (
            "3",
            "深化职业教育产教融合,建设一批省级产教融合型企业和实训基地。",
            "省发展改革委",
            "省教育厅、省人力资源社会保障厅、省国资委",
        ),
        (
            "4",
            "加强教师队伍建设,落实中小学教师平均工资收入水平不低于当地公务员平均工资收入水平。",
            "省教育厅",
            "省财政厅、省人力资源社会保障厅、省委编办",
        ),
    ]
    text = "\n".join(
        [
            "某省“十四五”教育发展规划重点任务分工方案",
            "为确保规划各项任务落到实处,现制定如下分工方案,请各地各部门认真贯彻执行。",
            "一、重点任务分工",
            "序号\n重点任务\n牵头单位\n配合单位",
            *("\n".join(row) for row in rows),
            "二、保障措施",
            "各市(州)人民政府要切实履行主体责任,省教育厅会同有关部门加强督导检查。",
        ]
    )
    assert normalise(_doc(text)).text == text


def test_a_hard_wrapped_text_is_joined_back_into_its_paragraphs() -> None:
    body = "推进教育优质均衡发展扩大优质资源覆盖面提升办学水平和育人质量加强教师队伍建设深化评价改革"
    width = 24
    wrapped = "\n".join(body[i : i + width] for i in range(0, len(body), width)) + "。"
    raw = "一、主要任务\n" + "\n".join([wrapped] * 4) + "\n二、保障措施\n完善经费保障。"
    doc = normalise(_doc(raw))
    assert doc.text.split("\n") == ["一、主要任务", *[body + "。"] * 4, "二、保障措施", "完善经费保障。"]
    assert _raw_of(doc.text, doc) == doc.text
    unwrapped = "一、主要任务\n加强师德师风建设\n全面提高教师思想政治素质和专业能力。\n"
    assert normalise(_doc(unwrapped)).text == unwrapped.strip()  # lines of many widths: no wrap
    # A flattened table's serial number after a line of about the wrap width is a cell, not the line's end.
    cells = "\n".join(["一、2025年经济社会发展的主要预期目标推进教育优", "3", "固定资产投资增长"])
    assert normalise(_doc(raw + "\n" + cells)).text.endswith(cells)
