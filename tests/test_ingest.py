"""Stage 1: text checks, the manifest and the listing of raw/ (decoding: test_decoding.py).

The rejections themselves, end to end through the command line, are the
bad-input corpus (tests/bad_inputs/, run by test_reliability.py); here are
the accepted inputs and the details behind the messages.
"""

from __future__ import annotations

import codecs
import hashlib
import shutil
from pathlib import Path

import pytest

from plandata.errors import InputError
from plandata.model import RawDocument
from plandata.read.ingest import (
    MANIFEST_COLUMNS,
    check_content,
    check_text,
    document_id_for,
    ingest,
    list_sources,
    read_manifest,
    read_source,
    text_warnings,
)
from plandata.read.normalise import normalise

REPO = Path(__file__).resolve().parents[1]
PLAN = (Path(__file__).parent / "bad_inputs" / "files" / "plan.txt").read_text(encoding="utf-8")
HEADER = ",".join(MANIFEST_COLUMNS)


def write_raw(tmp: Path, files: dict[str, bytes], manifest: list[str] | None = None) -> Path:
    raw = tmp / "raw"
    raw.mkdir()
    for name, data in files.items():
        (raw / name).write_bytes(data)
    if manifest is not None:
        (raw / "documents.csv").write_text("\n".join([HEADER, *manifest]) + "\n", encoding="utf-8")
    return raw


def test_ingest_records_encoding_per_document(tmp_path: Path) -> None:
    raw = write_raw(tmp_path, {"a.txt": PLAN.encode("gbk"), "b.txt": codecs.BOM_UTF8 + PLAN.encode("utf-8")})
    corpus = ingest(raw)
    assert [(d.document_id, d.encoding, d.raw_text) for d in corpus.documents] == [
        ("a", "gb18030", PLAN),
        ("b", "utf-8-sig", "\ufeff" + PLAN),
    ]
    assert corpus.warnings == [
        "a.txt: no row in documents.csv; metadata inferred or left empty",
        "b.txt: no row in documents.csv; metadata inferred or left empty",
    ]


def test_manifest_saved_by_excel_in_gbk(tmp_path: Path) -> None:
    raw = write_raw(tmp_path, {"plan.txt": PLAN.encode("utf-8")})
    row = 'plan.txt,some_plan,某区教育发展规划,某区,district,2021,2025,"note, with a comma"'
    (raw / "documents.csv").write_bytes(f"{HEADER}\r\n{row}\r\n".encode("gbk"))
    rows, warnings = read_manifest(raw)
    assert rows == {
        "plan.txt": {
            "source_file": "plan.txt",
            "document_id": "some_plan",
            "title": "某区教育发展规划",
            "jurisdiction": "某区",
            "admin_level": "district",
            "plan_period_start": "2021",
            "plan_period_end": "2025",
            "source_notes": "note, with a comma",
        }
    }
    assert warnings == []


def test_manifest_short_rows_and_unknown_columns(tmp_path: Path) -> None:
    raw = write_raw(tmp_path, {"plan.txt": PLAN.encode("utf-8")})
    (raw / "documents.csv").write_text("source_file,jurisdiction,url\nplan.txt,某区\n", encoding="utf-8-sig")
    rows, warnings = read_manifest(raw)
    assert rows == {"plan.txt": {"source_file": "plan.txt", "jurisdiction": "某区"}}
    assert warnings == [f"{raw}/documents.csv: unknown column(s) ignored: 'url'"]


def test_manifest_line_numbers_count_multiline_values(tmp_path: Path) -> None:
    raw = write_raw(
        tmp_path, {"plan.txt": PLAN.encode("utf-8")}, ['plan.txt,,,,,,,"a note\nover two lines"', "gone.txt,,,,,,,"]
    )
    with pytest.raises(InputError, match=r", line 4: source_file 'gone.txt' does not exist"):
        read_manifest(raw)


def test_manifest_absent(tmp_path: Path) -> None:
    raw = write_raw(tmp_path, {"plan.txt": PLAN.encode("utf-8")})
    assert read_manifest(raw) == ({}, [])


def test_manifest_allows_a_link_inside_raw(tmp_path: Path) -> None:
    raw = write_raw(tmp_path, {"plan.txt": PLAN.encode("utf-8")}, ["copy.txt,,,,,,,"])
    (raw / "copy.txt").symlink_to("plan.txt")
    assert set(read_manifest(raw)[0]) == {"copy.txt"}
    assert [d.source_file for d in ingest(raw).documents] == ["copy.txt", "plan.txt"]


def test_list_sources_sorted_and_hidden_skipped(tmp_path: Path) -> None:
    raw = write_raw(tmp_path, {n: PLAN.encode("utf-8") for n in ("b.txt", "A.TXT", ".a.txt", "c.md", "a.txt")})
    assert [p.name for p in list_sources(raw)] == ["A.TXT", "a.txt", "b.txt"]


def test_read_source(tmp_path: Path) -> None:
    raw = write_raw(tmp_path, {"plan.txt": PLAN.encode("utf-16")})
    document, warnings = read_source(raw / "plan.txt", {"document_id": "own_id", "jurisdiction": "某区"})
    assert (document.document_id, document.source_file, document.encoding) == ("own_id", "plan.txt", "utf-16")
    assert document.manifest == {"document_id": "own_id", "jurisdiction": "某区"}
    assert document.sha256 == hashlib.sha256(PLAN.encode("utf-16")).hexdigest()
    assert warnings == []


def test_read_source_sha256_is_of_the_raw_bytes(tmp_path: Path) -> None:
    data = PLAN.encode("gbk")
    raw = write_raw(tmp_path, {"plan.txt": data})
    assert read_source(raw / "plan.txt", None)[0].sha256 == hashlib.sha256(data).hexdigest()


def test_check_text_accepts_page_and_line_breaks() -> None:
    # pdftotext ends pages with a form feed, Word exports manual line breaks as a vertical tab
    check_text(PLAN.replace("\n二、", "\f二、").replace("。新建", "。\v新建"), "plan.txt")


def test_text_warnings() -> None:
    damaged = RawDocument("d", "d.txt", "0" * 64, "utf-8", "规划\ufffd\ufffd目标\ue000", {})
    assert text_warnings(damaged) == [
        "d.txt: 2 replacement character(s) U+FFFD: the text was damaged",
        "d.txt: 1 private-use character(s): the file may be in another encoding (Big5?)",
    ]
    assert text_warnings(RawDocument("d", "d.txt", "0" * 64, "utf-8", PLAN, {})) == []


def test_check_content_passes_a_plan() -> None:
    check_content(normalise(RawDocument("d", "d.txt", "0" * 64, "utf-8", PLAN, {})))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("000_5bfe6dc30e6a3942.txt", "000_5bfe6dc30e6a3942"),
        ("Haidian Plan-2021.txt", "haidian_plan_2021"),
        ("海淀区规划.txt", "doc_abcdef012345"),
        ("__.txt", "doc_abcdef012345"),
    ],
)
def test_document_id_for(name: str, expected: str) -> None:
    assert document_id_for(name, "abcdef0123456789" * 4) == expected


def test_ingest_of_the_repository_raw(tmp_path: Path) -> None:
    shutil.copytree(REPO / "raw", tmp_path / "raw")
    corpus = ingest(tmp_path / "raw")
    assert corpus.documents and corpus.warnings == []
    assert all(d.encoding == "utf-8" for d in corpus.documents)


def test_raw_offsets_match_text_mode_reading_of_crlf_files(tmp_path: Path) -> None:
    """CRLF counts as one character, as open(path, encoding=...).read() gives it."""
    import csv

    from plandata.build import build

    plan = "\r\n".join(
        [
            "一、发展目标",
            "到2025年,全区学前教育毛入园率达到95%以上。",
            "二、主要任务",
            "(一)扩大优质学位供给。新建学校6所。",
        ]
    )
    raw = write_raw(tmp_path, {"crlf.txt": plan.encode("utf-8"), "bom.txt": codecs.BOM_UTF8 + plan.encode("utf-8")})
    build(raw, tmp_path / "out")
    with (tmp_path / "out" / "data" / "measures.csv").open(encoding="utf-8", newline="") as fh:
        measures = list(csv.DictReader(fh))
    assert len(measures) == 6
    for m in measures:
        text = (raw / f"{m['document_id']}.txt").open(encoding="utf-8").read()
        assert m["title"] in text[int(m["raw_start"]) : int(m["raw_end"])]
        assert text[int(m["raw_start"]) :].startswith(("一、", "二、", "(一)"))
