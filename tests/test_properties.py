"""Property tests (Hypothesis) over the normaliser, the parser and the extractors.

On arbitrary text and on text assembled from plan-like pieces (numbering,
targets, task division, web-page noise): nothing raises, every offset is in
bounds and maps back to the raw text, every quote is its normalised slice,
ids are unique, and adding a document never changes an existing id.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from plandata.build import process_document
from plandata.errors import InputError
from plandata.extract import agencies, indicators
from plandata.model import DocumentResult, NormalisedDocument, RawDocument
from plandata.package.assemble import assemble
from plandata.read.normalise import normalise
from plandata.structure import parse

EXAMPLES = 200
PROPERTY_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of invented plan text: each kind of thing the stages look for, and the noise they must survive.
LABELS = ["一、", "十二、", "(一)", "(十三)", "（二）", "(1)", "1.", "12.", "1、", "①", "第一章", "第二节", "第三条"]
CLAUSES = [
    "推进学前教育普惠发展",
    "到2025年,",
    "新增学位3000个以上",
    "培训骨干教师不少于500名",
    "覆盖率达到95%",
    "每校配备8—10名",
    "建设3-5个示范区",
    "约20所",
    "100亿元左右",
    "“十四五”时期,",
    "超过",
    "不低于",
    "以内",
    "两届",
    "十个",
    "(任务分工:市教委、区财政局、各区政府)",
    "牵头单位:区教委;配合单位:区人力社保局",
    "责任单位:市教委",
    "《某市教育现代化2035》",
    "“四个一”工程",
    "主要指标",
    "约束性",
    "预期性",
    "|",
    " | ",
]
NOISE = [
    "北(bei)京(jing)(jing)",
    "設(shè)",
    "pg电子官方的",
    "本文仅代表作者观点",
    "网站地图",
    "版权所有",
    "\r\n",
    "\r",
    "\u3000",
    "\ufeff",
    "ＡＢＣ１２３",
    "國家教育發展",
    "互联网 ",
    "5g wifi",
    "\t",
    "\u00a0",
]
PUNCTUATION = ["\n", "\n", "。", ",", ";", ":", "、", "(", ")", " "]

piece = st.one_of(
    st.sampled_from(CLAUSES),
    st.sampled_from(CLAUSES),
    st.sampled_from(NOISE),
    st.sampled_from(PUNCTUATION),
    st.text(max_size=8),
)
# Lines that start like an outline (a label, or none) and go on with clauses, noise and junk.
plan_line = st.tuples(st.sampled_from([*LABELS, *LABELS, ""]), st.lists(piece, max_size=8)).map(
    lambda line: line[0] + "".join(line[1])
)
plan_like_text = st.lists(plan_line, max_size=16).map("\n".join)
piece_soup = st.lists(st.one_of(st.sampled_from(LABELS), piece), max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=400), piece_soup, plan_like_text)
years = st.one_of(st.none(), st.integers(min_value=2000, max_value=2040))
jurisdictions = st.sampled_from([None, "北京市", "海淀区", "某区", "临平区"])


def raw_document(text: str, document_id: str = "doc") -> RawDocument:
    sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return RawDocument(document_id, f"{document_id}.txt", sha, "utf-8", text, {})


def check_span(doc: NormalisedDocument, start: int, end: int, raw_start: int, raw_end: int) -> None:
    assert 0 <= start <= end <= len(doc.text)
    assert 0 <= raw_start <= raw_end <= len(doc.raw.raw_text)
    assert (raw_start, raw_end) == doc.mapped.raw_span(start, end)


@PROPERTY_SETTINGS
@given(any_text)
def test_normalise(text: str) -> None:
    doc = normalise(raw_document(text))
    offsets = doc.mapped.raw_offsets
    assert len(offsets) == len(doc.text) + 1
    assert all(0 <= o <= len(text) for o in offsets)
    assert list(offsets) == sorted(offsets)  # reading order is kept
    assert "\r" not in doc.text and "\ufeff" not in doc.text
    assert doc.text == doc.text.strip("\n") and "\n\n" not in doc.text
    assert doc.script in ("zh-Hans", "zh-Hant")


@PROPERTY_SETTINGS
@given(any_text, years, jurisdictions)
def test_parse_and_extract(text: str, plan_period_end: int | None, jurisdiction: str | None) -> None:
    doc = normalise(raw_document(text))
    parse.find_title(doc)
    measures = parse.parse_measures(doc)
    ids = [m.measure_id for m in measures]
    assert len(ids) == len(set(ids))
    for m in measures:
        check_span(doc, m.start, m.end, m.raw_start, m.raw_end)
        assert m.text in doc.text[m.start : m.end]
        assert m.document_id == doc.document_id and m.measure_id.startswith(doc.document_id)
        assert m.parent_id is None or m.parent_id in ids[: ids.index(m.measure_id)]

    found = indicators.extract_indicators(doc, measures, plan_period_end)
    assert len({i.indicator_id for i in found}) == len(found)
    for i in found:
        check_span(doc, i.start, i.end, i.raw_start, i.raw_end)
        assert i.quote == doc.text[i.start : i.end]
        # A target stated before the first measure (a news digest's lead) belongs to the document alone.
        assert i.measure_id is None or i.measure_id in ids

    links, named = agencies.extract_task_division(doc, measures, jurisdiction)
    agency_ids = [a.agency_id for a in named]
    assert len(agency_ids) == len(set(agency_ids))
    for link in links:
        check_span(doc, link.start, link.end, link.raw_start, link.raw_end)
        assert link.name_in_text == doc.text[link.start : link.end]
        assert link.measure_id in ids and link.agency_id in agency_ids
    event(f"measures found: {bool(measures)}, indicators: {bool(found)}, task division links: {bool(links)}")
    for measure_id in ids:
        positions = [link.position for link in links if link.measure_id == measure_id]
        assert positions == list(range(1, len(positions) + 1))


@PROPERTY_SETTINGS
@given(any_text)
def test_process_document_fails_only_as_bad_input(text: str) -> None:
    try:
        result = process_document(raw_document(text))
    except InputError as error:
        assert str(error).startswith("doc.txt: ")  # a text of nothing but noise: a clear message naming the file
    else:
        assert result.document.document_id == "doc"


def rows_by_id(result_tables: dict[str, list[dict]], document_id: str) -> dict[str, dict]:
    keys = {"documents": "document_id", "measures": "measure_id", "indicators": "indicator_id"}
    return {
        f"{table}:{row[key]}": row
        for table, key in keys.items()
        for row in result_tables[table]
        if row["document_id"] == document_id
    }


def result_of(text: str, document_id: str) -> DocumentResult | None:
    try:
        return process_document(raw_document(text, document_id))
    except InputError:
        return None


@PROPERTY_SETTINGS
@given(plan_like_text, plan_like_text)
def test_adding_a_document_keeps_ids(first: str, second: str) -> None:
    alone = result_of(first, "first_doc")
    added = result_of(second, "second_doc")
    assume(alone is not None and added is not None)
    before = assemble([alone])
    after = assemble([added, alone])
    assert rows_by_id(after, "first_doc") == rows_by_id(before, "first_doc")
    links_after = after["measure_agencies"]
    assert all(link in links_after for link in before["measure_agencies"])
    names_after = {a["agency_id"]: a["name_zh"] for a in after["agencies"]}
    assert all(names_after[a["agency_id"]] == a["name_zh"] for a in before["agencies"])
    # and the document's own results do not depend on the other document
    again = result_of(first, "first_doc")
    assert again is not None and [asdict(m) for m in again.measures] == [asdict(m) for m in alone.measures]
