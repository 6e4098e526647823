"""Word files whose plan text sits in containers python-docx does not walk: content controls and text boxes."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from build_support import read_table
from gen21_support import build_one, docx_bytes

_W = nsdecls("w")
_VML = 'xmlns:v="urn:schemas-microsoft-com:vml"'
_MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _wrapped_plan() -> bytes:
    """A plan whose sections sit in a block content control, a text box (written twice) and a wrapped table."""
    document = docx.Document()
    body = document.element.body
    document.add_paragraph("一、主要任务")
    sdt = f"<w:sdt {_W}><w:sdtPr/><w:sdtContent>{_para('（一）扩大普惠资源。新建幼儿园12所。')}</w:sdtContent></w:sdt>"
    body.insert(len(body) - 1, parse_xml(sdt))
    anchor = document.add_paragraph("")
    box = f"<w:txbxContent>{_para('（二）建设智慧校园。建成智慧校园示范校30所。')}</w:txbxContent>"
    # Word writes a text box as a DrawingML shape and again as its VML fallback: one copy is the text.
    anchor._p.append(
        parse_xml(
            f"<w:r {_W} {_VML} {_MC}><mc:AlternateContent><mc:Choice Requires='wps'><w:pict><v:shape><v:textbox>"
            f"{box}</v:textbox></v:shape></w:pict></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{box}"
            "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        )
    )
    document.add_paragraph("二、任务分工")
    table = document.add_table(rows=3, cols=3)
    rows = (("序号", "重点任务", "牵头单位"), ("1", "新增学位8000个", "区教委"), ("2", "培训校长200名", "区人力社保局"))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    # A cell whose paragraph is inside a content control of its own.
    cell = table.cell(2, 1)._tc
    inner = cell.find(qn("w:p"))
    wrapper = parse_xml(f"<w:sdt {_W}><w:sdtContent/></w:sdt>")
    inner.addprevious(wrapper)
    wrapper.find(qn("w:sdtContent")).append(inner)
    holder = parse_xml(f"<w:sdt {_W}><w:sdtPr/><w:sdtContent/></w:sdt>")
    table._tbl.addprevious(holder)
    holder.find(qn("w:sdtContent")).append(table._tbl)
    return docx_bytes(document)


def test_sections_and_tables_inside_content_controls_and_text_boxes_are_measures(tmp_path: Path) -> None:
    out = build_one(tmp_path, "wrapped.docx", _wrapped_plan())
    measures = read_table(out, "measures")
    assert [(m["label"], m["title"]) for m in measures] == [
        ("一、", "主要任务"),
        ("(一)", "扩大普惠资源"),
        ("(二)", "建设智慧校园"),
        ("二、", "任务分工"),
        ("1", "新增学位8000个"),
        ("2", "培训校长200名"),
    ]
    values = sorted(i["value"] for i in read_table(out, "indicators"))
    assert values == ["12", "200", "30", "8000"]
    assert {a["name_in_text"] for a in read_table(out, "measure_agencies")} == {"区教委", "区人力社保局"}
