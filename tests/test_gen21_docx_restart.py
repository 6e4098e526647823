"""Word lists that restart: each part's （一） sections are a new list on the same definition, with an override."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from build_support import read_table
from gen21_support import build_one, docx_bytes

_W = nsdecls("w")


def _level(fmt: str, text: str) -> str:
    return f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'


def _restarting_plan() -> bytes:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(
        0, parse_xml(f'<w:abstractNum {_W} w:abstractNumId="81">{_level("chineseCounting", "%1、")}</w:abstractNum>')
    )
    numbering.insert(
        0, parse_xml(f'<w:abstractNum {_W} w:abstractNumId="82">{_level("chineseCounting", "（%1）")}</w:abstractNum>')
    )
    numbering.append(parse_xml(f'<w:num {_W} w:numId="81"><w:abstractNumId w:val="81"/></w:num>'))
    numbering.append(parse_xml(f'<w:num {_W} w:numId="82"><w:abstractNumId w:val="82"/></w:num>'))
    restart = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
    numbering.append(parse_xml(f'<w:num {_W} w:numId="83"><w:abstractNumId w:val="82"/>{restart}</w:num>'))
    # A list that redefines its level in the override: decimal items under the last part.
    redefined = f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>{_level("decimal", "%1.")}</w:lvlOverride>'
    numbering.append(parse_xml(f'<w:num {_W} w:numId="84"><w:abstractNumId w:val="82"/>{redefined}</w:num>'))
    for text, num_id in (
        ("主要任务", 81),
        ("扩大普惠资源。新建幼儿园12所。", 82),
        ("提升保教质量。培训园长300名。", 82),
        ("保障措施", 81),
        ("加强组织领导。", 83),
        ("加大经费投入。", 83),
        ("加强督导", 81),
        ("开展督导评估。", 84),
    ):
        paragraph = document.add_paragraph(text)
        num_pr = f'<w:numPr {_W}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
        paragraph._p.get_or_add_pPr().append(parse_xml(num_pr))
    return docx_bytes(document)


def test_a_restarted_word_list_numbers_its_sections_from_one_under_each_part(tmp_path: Path) -> None:
    measures = read_table(build_one(tmp_path, "plan.docx", _restarting_plan()), "measures")
    by_id = {m["measure_id"]: m["label"] for m in measures}
    assert [(by_id.get(m["parent_id"], ""), m["label"], m["title"]) for m in measures] == [
        ("", "一、", "主要任务"),
        ("一、", "(一)", "扩大普惠资源"),
        ("一、", "(二)", "提升保教质量"),
        ("", "二、", "保障措施"),
        ("二、", "(一)", "加强组织领导"),
        ("二、", "(二)", "加大经费投入"),
        ("", "三、", "加强督导"),
        ("三、", "1.", "开展督导评估"),
    ]


def _heading_numbered_plan() -> bytes:
    """Headings numbered by their styles: the styles name the list, its levels name the styles."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = (
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>'
        '<w:pStyle w:val="Heading1"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/><w:pStyle w:val="Heading2"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
    )
    numbering.insert(0, parse_xml(f'<w:abstractNum {_W} w:abstractNumId="71">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {_W} w:numId="71"><w:abstractNumId w:val="71"/></w:num>'))
    for name in ("Heading 1", "Heading 2"):
        style = document.styles[name].element
        style.get_or_add_pPr().append(parse_xml(f'<w:numPr {_W}><w:numId w:val="71"/></w:numPr>'))
    for text, style, own_level in (
        ("主要任务", "Heading 1", None),
        ("扩大普惠资源", "Heading 2", None),
        ("新建幼儿园12所。", "Heading 2", 2),  # the paragraph sets its level; its style names the list
        ("提升保教质量", "Heading 2", None),
        ("保障措施", "Heading 1", None),
        ("加强组织领导", "Heading 2", None),
    ):
        paragraph = document.add_paragraph(text, style=style)
        if own_level is not None:
            paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {_W}><w:ilvl w:val="{own_level}"/></w:numPr>'))
    return docx_bytes(document)


def test_headings_numbered_by_their_styles_keep_their_numbers(tmp_path: Path) -> None:
    measures = read_table(build_one(tmp_path, "plan.docx", _heading_numbered_plan()), "measures")
    assert [(m["label"], m["title"]) for m in measures] == [
        ("一、", "主要任务"),
        ("(一)", "扩大普惠资源"),
        ("1.", "新建幼儿园12所"),
        ("(二)", "提升保教质量"),
        ("二、", "保障措施"),
        ("(一)", "加强组织领导"),
    ]
