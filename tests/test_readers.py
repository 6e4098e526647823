"""Format readers on real files: HTML pages, Word files made by python-docx, PDFs made by pdfium.

Each reader must hand on one shape (text layer + table blocks) and refuse
what it cannot read with a message naming the file.  LibreOffice-made files
(PDF with a text layer, DOC, encrypted PDF) are in the `clients` tests below.
"""

from __future__ import annotations

import ctypes
import io
import zipfile
from pathlib import Path

import docx
import pypdfium2
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import given, settings
from hypothesis import strategies as st

from build_support import REPO, build_into, read_table
from formats_support import convert, soffice, to_docx, to_html
from plandata.errors import InputError
from plandata.read import ingest
from plandata.read.formats import format_of, office, read_layer, sniff_format
from plandata.read.formats.layer import join_pieces
from plandata.read.formats.pdf import _check_mapped, _Line, _line_text, _Table, _unbreakable_lead

TASKS = (REPO / "tests" / "fixtures" / "formats" / "raw" / "tasks_table.txt").read_text(encoding="utf-8")
CHROME = ("首页", "您当前的位置", "索引号", "发布机构", "打印本页", "关闭窗口", "分享到", "版权所有", "var x")


def _layer(data: bytes, name: str):
    return read_layer(data, name, format_of(Path(name)))


def _refusal(data: bytes, name: str) -> str:
    with pytest.raises(InputError) as caught:
        _layer(data, name)
    message = str(caught.value)
    assert message.startswith(f"{name}: "), message
    return message


# HTML ---------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030"])
def test_an_html_page_gives_its_content_without_site_chrome(tmp_path: Path, encoding: str) -> None:
    layer = _layer(to_html(TASKS, tmp_path / "p.html", encoding).read_bytes(), "p.html")
    assert layer.text.splitlines()[0] == TASKS.splitlines()[0]
    assert not [c for c in CHROME if c in layer.text]
    read_as = "utf-8" if encoding == "utf-8" else "gb18030"  # GB18030 is GBK's superset: read as it, never lossy
    assert layer.reader.startswith("lxml ") and f"charset {read_as}" in layer.reader
    # The 索引号 block is metadata: it goes to the document's properties, not its text.
    assert layer.properties == {"issuer": "区教育委员会", "issue_date": "2021-11-05"}


def test_an_html_table_is_a_table_block_with_spans_resolved(tmp_path: Path) -> None:
    layer = _layer(to_html(TASKS, tmp_path / "p.html").read_bytes(), "p.html")
    (table,) = layer.tables
    assert table.header_rows == 1
    assert [row[2] for row in table.rows[1:]] == ["市教育局"] * 3  # one cell with rowspan=3 in the page
    assert layer.text[table.start : table.end].splitlines()[1].split("\t") == list(table.rows[1])


def test_an_html_page_that_lies_about_its_charset_is_read_by_its_bytes() -> None:
    body = "<p>到2025年，全市学前教育毛入园率达到92%，普惠性幼儿园覆盖率达到85%以上。" * 3 + "</p>"
    page = f'<html><head><meta charset="utf-8"><title>规划</title></head><body>{body}</body></html>'
    layer = _layer(page.encode("gb18030"), "lie.html")
    assert "学前教育毛入园率达到92%" in layer.text


def test_html_entities_are_decoded() -> None:
    page = "<html><body><p>&ldquo;十四五&rdquo;时期，建成&nbsp;标准化学校&#x4E00;批&amp;示范校，"
    page += "推进教育现代化。" * 5
    layer = _layer((page + "</p></body></html>").encode(), "e.html")
    assert "“十四五”时期，建成\u00a0标准化学校一批&示范校" in layer.text  # normalise folds the no-break space
    assert "&nbsp;" not in layer.text


def test_a_redirect_page_and_a_login_form_are_refused() -> None:
    redirect = b'<html><head><meta http-equiv="refresh" content="0; url=/art/2021/plan.html"></head><body></body>'
    assert "only redirects to /art/2021/plan.html" in _refusal(redirect, "r.html")
    login = (
        "<html><body><form><p>用户登录</p>用户名<input name='u'>密码<input type='password' name='p'>"
        "<button>登录</button></form></body></html>"
    ).encode()
    assert "a login form" in _refusal(login, "login.htm")


# DOCX ---------------------------------------------------------------------

_CHINESE_LIST = """<w:abstractNum {ns} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>
<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%1）"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl></w:abstractNum>"""


def _numbered(paragraph, num_id: int, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def test_word_list_numbers_become_the_labels_a_measure_needs() -> None:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_CHINESE_LIST.format(ns=nsdecls("w"))))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    items = (("扩大学前教育资源", 0), ("新建幼儿园", 1), ("改扩建幼儿园", 1), ("发展义务教育", 0), ("建设学校", 1))
    for text, level in items:
        _numbered(document.add_paragraph(text), 90, level)
    buffer = io.BytesIO()
    document.save(buffer)
    layer = _layer(buffer.getvalue(), "n.docx")
    expected = ["（一）扩大学前教育资源", "1.新建幼儿园", "2.改扩建幼儿园", "（二）发展义务教育", "1.建设学校"]
    assert layer.text.splitlines() == expected
    assert layer.reader.startswith("python-docx ")


def test_a_word_paragraph_keeps_tracked_insertions_and_content_controls_and_drops_what_it_does_not_show() -> None:
    w = nsdecls("w")
    document = docx.Document()
    paragraph = document.add_paragraph("到2025年，")
    for xml in (
        f'<w:ins {w} w:id="1" w:author="x"><w:r><w:t>全区学前教育毛入园率</w:t></w:r></w:ins>',
        f'<w:del {w} w:id="2" w:author="x"><w:r><w:delText>不低于</w:delText></w:r></w:del>',
        f'<w:smartTag {w} w:element="x"><w:r><w:t>达到</w:t></w:r></w:smartTag>',
        f"<w:sdt {w}><w:sdtContent><w:r><w:t>95%</w:t></w:r></w:sdtContent></w:sdt>",
        f'<w:moveFrom {w} w:id="3" w:author="x"><w:r><w:t>以下</w:t></w:r></w:moveFrom>',
        f"<w:r {w}><w:t>以上。</w:t></w:r>",
    ):
        paragraph._p.append(parse_xml(xml))
    buffer = io.BytesIO()
    document.save(buffer)
    assert _layer(buffer.getvalue(), "tracked.docx").text == "到2025年，全区学前教育毛入园率达到95%以上。\n"


def test_a_word_table_with_merged_cells_repeats_them(tmp_path: Path) -> None:
    layer = _layer(to_docx(TASKS, tmp_path / "t.docx").read_bytes(), "t.docx")
    (table,) = layer.tables
    assert [row[2] for row in table.rows[1:]] == ["市教育局"] * 3  # merged vertically in the file
    assert table.rows[0] == ("序号", "重点任务", "牵头单位", "配合单位", "完成时限")
    assert layer.text.splitlines() == TASKS.splitlines()


def test_a_corrupt_docx_zip_and_a_zip_that_is_not_word_are_refused(tmp_path: Path) -> None:
    good = to_docx(TASKS, tmp_path / "t.docx").read_bytes()
    assert "a damaged ZIP file" in _refusal(good[: len(good) // 2], "cut.docx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "no Word document in it" in _refusal(buffer.getvalue(), "other.docx")


# PDF ----------------------------------------------------------------------


def _blank_pdf(pages: int = 1) -> bytes:
    pdf = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def test_a_pdf_without_a_text_layer_is_named_a_scan() -> None:
    assert "no text layer — a scan; OCR is not supported" in _refusal(_blank_pdf(2), "scan.pdf")


def test_a_truncated_pdf_is_named_damaged() -> None:
    assert "a damaged PDF that cannot be opened" in _refusal(_blank_pdf()[:150], "cut.pdf")


# Any format -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "found"),
    [
        ("plan.pdf", "到2025年，学前教育毛入园率达到92%".encode(), "not in that format"),
        ("plan.docx", b"%PDF-1.7\n", "a PDF"),
        ("plan.html", b"PK\x03\x04" + b"\0" * 40, "a ZIP archive"),
        ("plan.doc", b"<!DOCTYPE html><html><body></body></html>", "an HTML page"),
    ],
)
def test_an_extension_that_lies_is_named(name: str, data: bytes, found: str) -> None:
    message = _refusal(data, name)
    assert f"but the file is {found}; give it the extension of what it is" in message


def test_the_sniffer_knows_each_format_by_its_bytes(tmp_path: Path) -> None:
    assert sniff_format(to_docx(TASKS, tmp_path / "t.docx").read_bytes()) == "docx"
    assert sniff_format(to_html(TASKS, tmp_path / "t.html", "gbk").read_bytes()) == "html"
    assert sniff_format(_blank_pdf()) == "pdf"
    assert sniff_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) == "doc"
    assert sniff_format(TASKS.encode()) is None


def test_without_libreoffice_a_doc_names_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    message = _refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.doc")
    assert "LibreOffice" in message and "apt-get install libreoffice-writer" in message


# Builds -----------------------------------------------------------------------


def test_a_mixed_corpus_builds_around_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from plandata.cli import main

    raw = tmp_path / "raw"
    raw.mkdir()
    to_html(TASKS, raw / "tasks.html", "gbk")
    to_docx(TASKS, raw / "tasks_word.docx")
    (raw / "scan.pdf").write_bytes(_blank_pdf())
    out = tmp_path / "datapackage"
    assert main(["build", "--raw", str(raw), "--out", str(out)]) == 0
    printed, errors = capsys.readouterr()
    assert "not built (unreadable)       1  (listed on stderr)" in printed
    assert f"plandata: not built (unreadable): {raw / 'scan.pdf'}: no text layer — a scan" in errors

    documents = {row["source_file"]: row for row in read_table(out, "documents")}
    assert sorted(documents) == ["tasks.html", "tasks_word.docx"]
    assert documents["tasks.html"]["format"] == "html" and documents["tasks.html"]["reader"].startswith("lxml ")
    assert documents["tasks_word.docx"]["format"] == "docx"
    assert documents["tasks.html"]["page_count"] == ""
    # Offsets of a converted document point into its text layer, kept in the package.
    for row in read_table(out, "measures"):
        layer = (out / "text" / f"{row['document_id']}.txt").read_text(encoding="utf-8")
        assert row["title"][:8] in layer[int(row["raw_start"]) : int(row["raw_end"])], row
    assert len(read_table(out, "measures")) == 6 and len(read_table(out, "measure_agencies")) == 16


def test_a_file_over_the_size_limit_is_skipped_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    to_docx(TASKS, raw / "small.docx")
    (raw / "big.pdf").write_bytes(_blank_pdf(40))
    monkeypatch.setattr(ingest, "MAX_BINARY_SOURCE_BYTES", len((raw / "small.docx").read_bytes()) + 1)
    out = tmp_path / "datapackage"
    build_into(raw, out)
    assert [row["source_file"] for row in read_table(out, "documents")] == ["small.docx"]


# LibreOffice-made files ---------------------------------------------------------


@pytest.mark.clients
def test_a_pdf_from_libreoffice_has_pages_and_no_page_numbers_in_its_text(tmp_path: Path) -> None:
    text = "\n".join([TASKS] + ["（一）推进教育数字化转型" + "，建设智慧校园" * 30 + "。"] * 12)
    pdf = convert(to_docx(text, tmp_path / "long.docx"), "pdf", tmp_path)
    layer = _layer(pdf.read_bytes(), "long.pdf")
    assert layer.page_count and layer.page_count >= 2 and len(layer.page_starts) == layer.page_count
    assert layer.reader.startswith("pypdfium2 ") and "pdfplumber " in layer.reader
    lines = layer.text.splitlines()
    assert not [line for line in lines if line.strip().isdigit()]  # the footer's page numbers are gone
    assert "建设智慧校园，建设智慧校园" in layer.text  # wrapped lines join without a space
    (table, *_) = layer.tables
    assert [row[2] for row in table.rows[1:4]] == ["市教育局"] * 3


@pytest.mark.clients
@pytest.mark.parametrize("official", [False, True])
def test_pdfium_reads_a_libreoffice_pdf_as_pdfplumber_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, official: bool
) -> None:
    # The same text layer whether pdfium gives the lines of the pages without rules or pdfplumber reads all;
    # pinyin glosses, typed spaces, a `fi` ligature and Latin words test the boxes and the lines.
    from plandata.read.formats import pdf as reader

    text = "\n".join(
        [TASKS, "（一）推进教育数字化转型，建设 wifi 全覆盖的智慧校园(xiao)(yuan)。索引号: 1134"]
        + ["到2025年，5 年投入资金 100 亿元以上" + "，建设智慧校园" * 20 + "。"] * 8
    )
    data = convert(to_docx(text, tmp_path / "plan.docx", official), "pdf", tmp_path).read_bytes()
    document = pypdfium2.PdfDocument(data)
    without_rules = sum(reader.text_objects(page) is not None for page in document)
    document.close()
    assert without_rules >= 1
    read = _pdfium_pages(monkeypatch)
    fast = _layer(data, "plan.pdf")
    monkeypatch.setattr(reader, "text_objects", lambda page: None)
    plumbed = _layer(data, "plan.pdf")
    assert (fast.text, fast.tables, fast.page_starts) == (plumbed.text, plumbed.tables, plumbed.page_starts)
    assert len(read) == without_rules and None not in read  # every page without rules was pdfium's
    assert "wifi" in fast.text


@pytest.mark.clients
def test_a_pdf_with_no_unicode_map_in_its_fonts_is_named_so(tmp_path: Path) -> None:
    pdf = convert(to_docx(TASKS, tmp_path / "fonts.docx"), "pdf", tmp_path).read_bytes()
    assert pdf.count(b"/ToUnicode") >= 1
    broken = pdf.replace(b"/ToUnicode", b"/ToUnicodX")  # same length: the cross-reference offsets still hold
    assert "to no text (no ToUnicode map), so its text layer cannot be read" in _refusal(broken, "fonts.pdf")


def _three_line_tables(path: Path) -> Path:
    """The Word file at `path` with its tables ruled as three-line tables: a top and a bottom rule only."""
    document = docx.Document(str(path))
    borders = '<w:tblBorders {}><w:top w:val="single" w:sz="12"/><w:bottom w:val="single" w:sz="12"/>'
    borders += '<w:left w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/>'
    for table in document.tables:
        table.style = None
        table._tbl.tblPr.append(parse_xml(borders.format(nsdecls("w")) + "</w:tblBorders>"))
    document.save(str(path))
    return path


@pytest.mark.clients
def test_a_pdf_table_ruled_above_and_below_only_is_read_by_its_columns(tmp_path: Path) -> None:
    # Without vertical rules pdfplumber finds no cells; the columns come from the text's gaps, and a cell's
    # wrapped lines (the first one indented, as the document's Normal style sets it) stay in their cell.
    pdf = convert(_three_line_tables(to_docx(TASKS, tmp_path / "three.docx")), "pdf", tmp_path)
    layer = _layer(pdf.read_bytes(), "three.pdf")
    (table,) = layer.tables
    expected = [row.split("\t") for row in TASKS.splitlines() if "\t" in row]
    assert table.rows[0] == tuple(expected[0])
    assert [row[1] for row in table.rows[1:]] == [row[1] for row in expected[1:]]  # wrapped cells joined
    assert [row[3] for row in table.rows[1:]] == [row[3] for row in expected[1:]]
    assert [row[4] for row in table.rows[1:]] == [row[4] for row in expected[1:]]


def test_unruled_columns_close_their_narrowest_gaps_down_to_the_header_cells() -> None:
    from plandata.read.formats.pdf import _fit_columns, _runs

    assert _runs([(0, 10), (11, 20), (40, 50)], 12) == [[0, 20], [40, 50]]
    header = [[0, 10], [40, 60], [100, 120]]
    # A wrapped line starting left of its cell's indented first line leaves a stray range before it.
    columns = [[0, 12], [30, 70], [90, 95], [98, 120]]
    assert _fit_columns(columns, header) == [[0, 12], [30, 70], [90, 120]]
    assert _fit_columns([[0, 12], [98, 120]], header) is None  # a header cell over no column
    assert _fit_columns([[0, 120]], header) is None  # body text across every gap: not a table


@pytest.mark.clients
def test_an_encrypted_pdf_is_named_encrypted(tmp_path: Path) -> None:
    options = '{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"x"}}'
    pdf = convert(to_docx(TASKS, tmp_path / "locked.docx"), f"pdf:writer_pdf_Export:{options}", tmp_path)
    assert "the PDF is encrypted (password protected)" in _refusal(pdf.read_bytes(), "locked.pdf")


@pytest.mark.clients
@pytest.mark.parametrize("target", ["doc", "odt"])
def test_a_word_97_or_opendocument_file_is_read_through_libreoffice(tmp_path: Path, target: str) -> None:
    assert soffice() is not None
    converted = convert(to_docx(TASKS, tmp_path / "t.docx"), target, tmp_path)
    layer = _layer(converted.read_bytes(), f"t.{target}")
    assert layer.text.splitlines() == TASKS.splitlines()
    assert "LibreOffice" in layer.reader


# Line joining ---------------------------------------------------------------


def test_lines_join_without_a_space_unless_both_sides_are_latin_words() -> None:
    assert join_pieces(["深化管理(li)制度(du)", "改革"]) == "深化管理(li)制度(du)改革"
    assert join_pieces(["教(jiao)", "(jiao)師"]) == "教(jiao)(jiao)師"
    assert join_pieces(["建设", "5G网络"]) == "建设5G网络"
    assert join_pieces(["open", "data"]) == "open data" and join_pieces(["2025,", "2035"]) == "2025, 2035"


@pytest.mark.parametrize(
    ("line", "width"),
    [("立”的(de)(de)决定", 3 + 0.55 * 8), ("•【制定机关】杭州", 3), ("(xiang)政治", 0.55 * 7), ("推进教育", 0)],
)
def test_a_pdf_line_may_follow_a_short_line_by_the_width_of_its_unbreakable_start(line: str, width: float) -> None:
    assert _unbreakable_lead(line) == pytest.approx(width)


def test_a_file_of_another_kind_in_raw_is_said_to_be_left_out(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from plandata.cli import main

    raw = tmp_path / "raw"
    raw.mkdir()
    to_docx(TASKS, raw / "tasks.docx")
    (raw / "annex.xlsx").write_bytes(b"PK\x03\x04")
    (raw / ".DS_Store").write_bytes(b"\0")
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "datapackage"), "--quiet"]) == 0
    errors = capsys.readouterr().err
    assert "plandata: warning: annex.xlsx: not a format plandata reads (*.txt, *.html" in errors
    assert ".DS_Store" not in errors


def _chars(*runs: tuple[str, float]) -> list[dict]:
    """Characters of one line, 16 pt: each run is (text, gap before it in points); Chinese 16 pt wide, Latin 8."""
    chars, x = [], 80.0
    for text, gap in runs:
        x += gap
        for ch in text:
            width = 8.0 if ch.isascii() else 16.0
            chars.append({"text": ch, "x0": x, "x1": x + width})
            x += width
    return chars


def test_a_justified_line_keeps_no_stretched_spaces() -> None:
    # Justification widens the gaps beside numbers and between characters; none is a space.
    line = _chars(("有效改善办学条件，", 0), ("5", 3.5), ("年投入资金", 3.5), ("100", 4), ("亿元以上", 4))
    assert _line_text(line, 16) == "有效改善办学条件，5年投入资金100亿元以上"
    stretched = _chars(("促进教", 0), ("师", 5), ("(shi)(shi)", 5), ("心", 5), ("理", 5))
    assert _line_text(stretched, 16) == "促进教师(shi)(shi)心理"


def test_latin_words_and_table_columns_keep_their_spaces() -> None:
    assert _line_text(_chars(("open", 0), (" ", 0), ("data", 0)), 16) == "open data"
    assert _line_text(_chars(("Python", 0), ("3.11", 4)), 16) == "Python 3.11"
    row = _chars(("学前教育毛入园率", 0), ("%", 40), ("88", 40), ("92", 40), ("预期性", 40))
    assert _line_text(row, 16) == "学前教育毛入园率 % 88 92 预期性"


def test_a_space_the_publisher_typed_stays() -> None:
    line = _chars(("索引号:", 0), (" ", 0), ("1134", 0), (" ", 0), ("组配分类:", 0))
    assert _line_text(line, 16) == "索引号: 1134 组配分类:"


def test_a_glyph_its_font_maps_to_no_character_is_a_replacement_character() -> None:
    # pdfminer names such a glyph `(cid:N)`; U+FFFD keeps its place, and the build reports the damage.
    line = _chars(("到2025年", 0), ("智", 0), ("校园覆盖率达到95%", 0))
    line[6]["text"] = "(cid:17)"  # one glyph, as pdfminer gives it
    assert _line_text(line, 16) == "到2025年\ufffd校园覆盖率达到95%"


def test_a_pdf_whose_fonts_map_most_glyphs_to_nothing_is_refused() -> None:
    readable = [_Line("全区智慧校园覆盖率达到95%以上。", 0, 1, 0, 1)]
    _check_mapped([readable + [_Line("\ufffd\ufffd", 0, 1, 2, 3)]], "few.pdf")  # a stray glyph or two: kept
    broken = [_Line("\ufffd" * 20 + "95%", 0, 1, 0, 1), _Table([["\ufffd\ufffd", "区教育局"]], 2)]
    with pytest.raises(InputError, match=r"broken.pdf: the PDF's fonts map 22 of 29 characters to no text"):
        _check_mapped([broken], "broken.pdf")


# Characters on a page: (text, x0, top), each 10 pt high and wide. Tops a few points apart (a superscript,
# a rise) test the line clusters; blanks, gaps and characters out of x order test the words.
_PAGE_CHARS = st.lists(
    st.tuples(st.sampled_from("教育a1 ﬁ，"), st.integers(0, 60).map(lambda x: x * 2.5), st.integers(0, 12)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_PAGE_CHARS)
def test_pdfium_characters_are_grouped_into_the_lines_pdfplumber_makes(spec: list[tuple[str, float, int]]) -> None:
    from pdfplumber.utils.text import chars_to_textmap

    from plandata.read.formats.pdfium_lines import text_lines

    chars = [
        {"text": t, "x0": x, "x1": x + 10, "top": top * 1.5, "bottom": top * 1.5 + 10, "upright": True, "n": n}
        for n, (t, x, top) in enumerate(spec)
    ]
    ours = text_lines(chars)
    theirs = chars_to_textmap([{**c, "doctop": c["top"]} for c in chars]).extract_text_lines()
    key = ("x0", "x1", "top", "bottom")
    assert [[line[k] for k in key] for line in ours] == [[line[k] for k in key] for line in theirs]
    assert [[c["n"] for c in line["chars"]] for line in ours] == [[c["n"] for c in line["chars"]] for line in theirs]


@pytest.mark.parametrize(
    "spec",
    [
        {"Subtype": "/TrueType", "BaseFont": "/ABCDEF+DejaVuSerif", "FontDescriptor": {"Descent": -236}},
        {"Subtype": "/TrueType", "BaseFont": "/Arial", "FontDescriptor": {"Descent": 212}},  # PScript5's sign
        {"Subtype": "/Type1", "BaseFont": "/Helvetica", "FontDescriptor": {"Descent": -100}},  # the metrics win
        {"BaseFont": "/NotoSansCJKjp-Regular", "FontDescriptor": {"Descent": 0}},  # no Subtype: read as Type 1
        {"Subtype": "/CIDFontType2", "BaseFont": "/SimSun", "FontDescriptor": {"Descent": -141}},
        {"Subtype": "/CIDFontType0", "BaseFont": "/SimHei"},
    ],
)
def test_the_descent_of_a_pdf_font_is_the_one_pdfminer_gives(spec: dict) -> None:
    # pdfminer places a glyph's box by its font's descent; pdfium_lines reads it without making the font.
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.psparser import LIT

    from plandata.read.formats.pdfium_lines import _descent

    spec = {k: LIT(v[1:]) if isinstance(v, str) and v.startswith("/") else v for k, v in spec.items()}
    if spec.get("Subtype", LIT("Type1")).name.startswith("CIDFont"):
        spec["CIDSystemInfo"] = {"Registry": b"Adobe", "Ordering": b"Identity"}
        spec["Encoding"] = LIT("Identity-H")
    expected = PDFResourceManager().get_font(None, spec).get_descent()
    assert _descent({**spec, "ToUnicode": "a map"}) == expected
    type0 = {"Subtype": LIT("Type0"), "BaseFont": spec.get("BaseFont"), "DescendantFonts": [spec], "ToUnicode": 1}
    if spec.get("Subtype", LIT("Type1")).name.startswith("CIDFont"):
        assert _descent({**type0, "Encoding": LIT("Identity-H")}) == expected
        assert _descent({**type0, "Encoding": LIT("Identity-V")}) is None  # vertical writing: pdfplumber reads it
    assert _descent(spec) is None  # no ToUnicode map: pdfplumber reads the page (its `(cid:N)` glyphs)


_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _made_pdf(lines: list[tuple[str, float]], font_file: Path | None = None) -> bytes:
    """A one-page PDF made by pdfium, in DejaVu Sans (with a ToUnicode map) or standard Helvetica (without).

    Each (text, x shift) is a text object a line below the one before, or, shifted, drawn again over it.
    """
    pdf = pypdfium2.PdfDocument.new()
    page = pdf.new_page(595, 842)
    if font_file:
        program = (ctypes.c_uint8 * font_file.stat().st_size).from_buffer_copy(font_file.read_bytes())
        font = pypdfium2.raw.FPDFText_LoadFont(pdf.raw, program, len(program), pypdfium2.raw.FPDF_FONT_TRUETYPE, 1)
    else:
        font = pypdfium2.raw.FPDFText_LoadStandardFont(pdf.raw, b"Helvetica")
    y = 720.0
    for line, shift in lines:
        y -= 0 if shift else 20
        text = pypdfium2.raw.FPDFPageObj_CreateTextObj(pdf.raw, font, 12.0)
        utf16 = ctypes.create_string_buffer((line + "\0").encode("utf-16-le"))
        pypdfium2.raw.FPDFText_SetText(text, ctypes.cast(utf16, ctypes.POINTER(ctypes.c_ushort)))
        pypdfium2.raw.FPDFPageObj_Transform(text, 1, 0, 0, 1, 72 + shift, y)
        pypdfium2.raw.FPDFPage_InsertObject(page.raw, text)
    pypdfium2.raw.FPDFPage_GenerateContent(page.raw)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _pdfium_pages(monkeypatch: pytest.MonkeyPatch) -> list[list[dict] | None]:
    """What `page_chars` gives for each page read from now on (None: the page went to pdfplumber)."""
    from plandata.read.formats import pdf as reader

    given: list[list[dict] | None] = []
    pdfium_page_chars = reader.page_chars
    monkeypatch.setattr(reader, "page_chars", lambda *a: given.append(pdfium_page_chars(*a)) or given[-1])
    return given


def test_a_pdf_page_pdfium_cannot_read_as_pdfminer_does_is_read_by_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    # pdfium's standard fonts carry no ToUnicode map, so the page goes to pdfplumber.
    given = _pdfium_pages(monkeypatch)
    layer = _layer(_made_pdf([("Education plan 2021-2025.", 0), ("Goal: 95 percent of schools.", 0)] * 3), "std.pdf")
    assert given == [None]
    assert layer.text.startswith("Education plan 2021-2025.") and layer.text.count("percent of schools") == 3


@pytest.mark.skipif(not _DEJAVU.exists(), reason="needs DejaVu Sans (fonts-dejavu-core)")
@pytest.mark.parametrize("overprinted", [False, True])
def test_a_pdf_page_pdfium_reads_gives_the_layer_pdfplumber_gives(
    monkeypatch: pytest.MonkeyPatch, overprinted: bool
) -> None:
    # pdfium drops a text object drawn again over itself (bold faked by overprinting), pdfminer keeps both:
    # such a page goes to pdfplumber, whose layer it always had.
    from plandata.read.formats import pdf as reader

    heading = [("1. Education plan 2021-2025", 0.0)] + ([("1. Education plan 2021-2025", 0.3)] if overprinted else [])
    data = _made_pdf([*heading, ("Goal: 95 percent of schools by 2025.", 0.0)], _DEJAVU)
    given = _pdfium_pages(monkeypatch)
    layer = _layer(data, "made.pdf")
    monkeypatch.setattr(reader, "text_objects", lambda page: None)
    assert layer.text == _layer(data, "made.pdf").text
    assert [chars is None for chars in given] == [overprinted]
    assert "Goal: 95 percent of schools by 2025." in layer.text


def test_sources_point_where_a_document_was_published_not_at_raw(tmp_path: Path) -> None:
    import json

    raw = tmp_path / "raw"
    raw.mkdir()
    to_html(TASKS, raw / "tasks.html")
    to_docx(TASKS, raw / "tasks_word.docx")
    (raw / "documents.csv").write_text(
        "source_file,document_id,title,jurisdiction,admin_level,plan_period_start,plan_period_end,source_notes,"
        "source_url\ntasks.html,,,,,,,An excerpt of the plan,https://example.gov.cn/art/2021/plan.html\n",
        encoding="utf-8",
    )
    out = tmp_path / "datapackage"
    build_into(raw, out)
    sources = {s["description"].split()[0]: s for s in json.loads((out / "datapackage.json").read_text())["sources"]}
    assert sources["raw/tasks.html"]["path"] == "https://example.gov.cn/art/2021/plan.html"
    assert "path" not in sources["raw/tasks_word.docx"]
    assert sources["raw/tasks.html"]["description"].endswith("(not in this package). An excerpt of the plan")
    assert all(not (out / s.get("path", "raw/x")).exists() and len(s["sha256"]) == 64 for s in sources.values())


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [("issue_date", "2021年11月5日", "must be a date written YYYY-MM-DD"), ("source_url", "www.x.cn", "http://")],
)
def test_a_bad_publication_column_names_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture, column: str, value: str, message: str
) -> None:
    from plandata.cli import main

    raw = tmp_path / "raw"
    raw.mkdir()
    to_docx(TASKS, raw / "tasks.docx")
    (raw / "documents.csv").write_text(f"source_file,{column}\ntasks.docx,{value}\n", encoding="utf-8")
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "datapackage")]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"plandata: error: {raw / 'documents.csv'}, line 2: {column} {value!r}")
    assert message in error


LAYOUT_PAGE = """<html><head><meta charset="utf-8"><title>规划计划_某区人民政府</title></head><body>
<table width="1000"><tr><td><img src="logo.png"></td>
<td><a href="/">首页</a> <a href="/zwgk">政务公开</a></td></tr></table>
<table width="1000"><tr><td width="200">
<ul><li><a href="/a">通知公告</a></li><li><a href="/b">政策文件</a></li></ul></td>
<td width="800"><table width="100%"><tr><td align="center"><h2>某区教育发展“十四五”规划（节选）</h2></td></tr>
<tr><td>发布时间：2022-03-01 来源：区教育局</td></tr>
<tr><td class="zw">{body}</td></tr></table></td></tr></table>
<table width="1000"><tr><td>主办单位：某区人民政府办公室</td></tr></table></body></html>"""


def test_a_page_laid_out_with_tables_gives_its_article() -> None:
    # Older government sites frame the page with tables: a frame holding tables, a one-column table of the
    # title row, the dateline and the article. None of them is data; the short article is not a metadata block.
    article = [
        "（一）推进教育数字化转型",
        "1.完善智慧教育基础设施。到2025年，全区智慧校园覆盖率达到95%以上。（责任单位：区教育局、区财政局）",
        "2.深化信息技术与教育教学融合。遴选建设区级智慧教育示范学校20所。（责任单位：区教育局）",
    ]
    layer = _layer(LAYOUT_PAGE.format(body="".join(f"<p>{line}</p>" for line in article)).encode(), "old_site.html")
    lines = layer.text.splitlines()
    assert lines == ["某区教育发展“十四五”规划（节选）", *article]  # the title row is outside the article's cell
    assert layer.properties == {"issuer": "区教育局", "issue_date": "2022-03-01"}  # the dateline
    assert not layer.tables and "首页" not in layer.text and "通知公告" not in layer.text


def test_a_data_table_inside_a_layout_table_stays_a_table() -> None:
    body = "<p>（一）推进教育数字化转型。</p><table><tr><th>序号</th><th>任务</th><th>责任单位</th></tr>"
    body += "<tr><td>1</td><td>建设智慧校园示范学校</td><td>区教育局</td></tr>"
    body += "<tr><td>2</td><td>完善教育信息化基础设施</td><td>区财政局</td></tr></table>"
    layer = _layer(LAYOUT_PAGE.format(body=body).encode(), "old_site.html")
    (table,) = layer.tables
    assert [row[2] for row in table.rows] == ["责任单位", "区教育局", "区财政局"]
