"""Helpers for the gen21 probe tests: build one source file, read its measures and task-division links."""

from __future__ import annotations

import io
from pathlib import Path

import docx

from build_support import build_into, read_table


def build_one(tmp_path: Path, name: str, data: bytes | str) -> Path:
    """Build a raw folder holding one source file; the built package's folder."""
    raw = tmp_path / "raw"
    raw.mkdir()
    if isinstance(data, str):
        (raw / name).write_text(data, encoding="utf-8")
    else:
        (raw / name).write_bytes(data)
    build_into(raw, tmp_path / "out")
    return tmp_path / "out"


def build_converted(tmp_path: Path, source: Path, target: str) -> Path:
    """Build `source` converted by LibreOffice to `target` (pdf, doc …); the built package's folder."""
    from formats_support import convert

    converted = convert(source, target, tmp_path)
    (tmp_path / "build").mkdir()
    return build_one(tmp_path / "build", converted.name, converted.read_bytes())


def headed_table(document: docx.document.Document, header: tuple[str, ...]) -> docx.table.Table:
    """A ruled table added to `document` with `header` as its first row."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for i, text in enumerate(header):
        table.cell(0, i).text = text
    return table


def docx_bytes(document: docx.document.Document) -> bytes:
    """A python-docx document as the bytes of its file."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def links(package: Path, key: str) -> list[tuple[str, str, str]]:
    """(the measure's `key` column, name as written, relation) of each task-division link, in table order."""
    by_id = {m["measure_id"]: m[key] for m in read_table(package, "measures")}
    return [(by_id[a["measure_id"]], a["name_in_text"], a["relation"]) for a in read_table(package, "measure_agencies")]
