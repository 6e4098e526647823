"""Make HTML, DOCX and PDF versions of text documents, as sites publish them.

Used by the format-parity tests: a `.txt` and its other versions must score
the same against one gold.  Runs of tab-separated lines become real tables
(Word tables with borders and a merged cell where a cell repeats the one
above, `<table>` with `rowspan`); the HTML gets site chrome around its
content (navigation, breadcrumbs, a 索引号 block, share and print links) that
the reader must drop; the PDF is LibreOffice's rendering of the DOCX, so it
has running page numbers and wrapped lines.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt


def blocks(text: str) -> list[str | list[list[str]]]:
    """Lines of `text` as paragraphs, runs of two or more tab-separated lines as tables."""
    out: list[str | list[list[str]]] = []
    run: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if "\t" in line:
            run.append(line.split("\t"))
            continue
        if len(run) >= 2:
            width = max(len(r) for r in run)
            out.append([r + [""] * (width - len(r)) for r in run])
        else:
            out.extend("\t".join(r) for r in run)
        run = []
        if line.strip():
            out.append(line)
    return out


def _page_number_footer(document: docx.document.Document) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.text = text
        run._r.append(el)


def to_docx(text: str, path: Path, official: bool = False) -> Path:
    """A Word file of `text`: paragraphs, tables with borders (a repeated cell below its twin merged).

    `official` sets it as official documents are (GB/T 9704): 16 pt, justified, wide margins, a short
    first line centred as the title; otherwise 12 pt, left-aligned.
    """
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(16 if official else 12)
    if official:
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        section = document.sections[0]
        section.left_margin, section.right_margin, section.top_margin = Cm(2.8), Cm(2.6), Cm(3.7)
    style.paragraph_format.first_line_indent = Pt(24)  # two characters, as official documents are set
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Sans CJK SC")
    _page_number_footer(document)
    for k, block in enumerate(blocks(text)):
        if isinstance(block, str):
            paragraph = document.add_paragraph(block)
            if official and k == 0 and len(block) < 40:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph.paragraph_format.first_line_indent = Pt(0)
            continue
        table = document.add_table(rows=len(block), cols=len(block[0]))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, row in enumerate(block):
            for c, value in enumerate(row):
                above = block[r - 1][c] if r > 0 else None
                if r > 1 and value and value == above:
                    table.cell(r - 1, c).merge(table.cell(r, c))  # a vertical merge: the text stays once
                    table.cell(r - 1, c).text = value
                else:
                    table.cell(r, c).text = value
    document.save(str(path))
    return path


CHROME_TOP = """<div class="top-nav"><a href="/">首页</a> | <a href="/zwgk">政务公开</a>
 | <a href="/hd">互动交流</a></div>
<div class="breadcrumb">您当前的位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 规划计划</div>
<table class="xxgk-meta"><tr><td>索引号：</td><td>11000Z001/2021-00123</td><td>发布机构：</td><td>区教育委员会</td></tr>
<tr><td>成文日期：</td><td>2021年11月05日</td><td>发布日期：</td><td>2021年11月12日</td></tr></table>
"""
CHROME_BOTTOM = """<div class="share-box">分享到：微信 微博</div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a>
 <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="footer">主办单位：某区人民政府办公室 版权所有 ICP备00000000号</div>
"""


def to_html(text: str, path: Path, encoding: str = "utf-8") -> Path:
    """A web page of `text` in site chrome, in `encoding` (declared in a meta tag)."""
    body = []
    for block in blocks(text):
        if isinstance(block, str):
            body.append(f'<p style="text-indent:2em">{html.escape(block)}</p>')
            continue
        rows = []
        for r, row in enumerate(block):
            cells = []
            for c, value in enumerate(row):
                if r > 1 and value and value == block[r - 1][c]:
                    continue  # covered by the rowspan of the cell above
                span = 1
                while r >= 1 and value and r + span < len(block) and block[r + span][c] == value:
                    span += 1
                tag = "th" if r == 0 else "td"
                attr = f' rowspan="{span}"' if span > 1 else ""
                cells.append(f"<{tag}{attr}>{html.escape(value)}</{tag}>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        body.append('<table border="1" cellspacing="0">' + "".join(rows) + "</table>")
    page = (
        f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
        f"<title>规划计划_某区人民政府网</title><script>var x = '首页';</script></head><body>"
        f'{CHROME_TOP}<div class="article"><div id="zoom" class="TRS_Editor">{"".join(body)}</div></div>'
        f"{CHROME_BOTTOM}</body></html>"
    )
    path.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))
    return path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(source: Path, target: str, out_dir: Path) -> Path:
    """`source` converted by LibreOffice headless to `target` (pdf, doc, odt) in `out_dir`."""
    program = soffice()
    if program is None:
        raise RuntimeError("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                program,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(out_dir),
                str(source),
            ],  # fmt: skip
            check=True,
            capture_output=True,
            timeout=300,
        )
    return out_dir / f"{source.stem}.{target.split(':')[0]}"


def convert_corpus(raw_dir: Path, out_dir: Path, fmt: str, official: bool = False) -> Path:
    """Every `.txt` of `raw_dir` as `fmt` (html, docx, pdf, doc, odt) in `out_dir`, named as the text was.

    `official`: Word and PDF versions set as official documents are (see `to_docx`).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = sorted(raw_dir.glob("*.txt"))
    for txt in texts:
        text = txt.read_text(encoding="utf-8-sig")
        if fmt == "html":
            to_html(text, out_dir / f"{txt.stem}.html")
        else:
            to_docx(text, out_dir / f"{txt.stem}.docx", official)
    if fmt in ("pdf", "doc", "odt"):
        docxs = [out_dir / f"{t.stem}.docx" for t in texts]
        program = soffice()
        if program is None:
            raise RuntimeError("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [
                    program,
                    f"-env:UserInstallation={Path(profile).as_uri()}",
                    "--headless",
                    "--convert-to",
                    fmt,
                    "--outdir",
                    str(out_dir),
                    *map(str, docxs),
                ],  # fmt: skip
                check=True,
                capture_output=True,
                timeout=600,
            )
        for d in docxs:
            d.unlink()
    return out_dir
