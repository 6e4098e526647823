"""Document metadata: curated manifest values first, inference from the text second.

Only what the text supports is inferred: the title from the document's own
title line, the jurisdiction from the start of that title, the plan period
from a `(2021—2025年)` span or a `“十四五”` in the title.  Everything else
stays empty.
"""

from __future__ import annotations

import re

from plandata.model import NormalisedDocument

# Five-year plans named in titles, and the years they cover.
FIVE_YEAR_PLANS = {
    "十一五": (2006, 2010),
    "十二五": (2011, 2015),
    "十三五": (2016, 2020),
    "十四五": (2021, 2025),
    "十五五": (2026, 2030),
}
TITLE_PERIOD_RE = re.compile(r"[(（]?((?:19|20)\d{2})\s*[—–\-~至到]\s*((?:19|20)\d{2})年?[)）]?")
# Place names chained at the start of a title (杭州市临平区): the last is the
# issuing jurisdiction, its suffix gives the level.
JURISDICTION_RE = re.compile(r"(?P<name>[\u4e00-\u9fff]{1,7}?(?P<suffix>省|自治区|市|区|县|旗))")
TITLE_ISSUER_PREFIXES = ("中共",)
SUFFIX_LEVELS = {"省": "province", "自治区": "province", "市": None, "区": "district", "县": "county", "旗": "county"}
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


def text_layer_path(document_id: str) -> str:
    """Where the package keeps the text layer of a non-text source, which its raw offsets index."""
    return f"text/{document_id}.txt"


def document_metadata(doc: NormalisedDocument, title_line: str | None) -> dict[str, object]:
    """Metadata of one document: manifest values, else inferred, else None."""
    row = doc.raw.manifest
    stated = doc.raw.properties
    title = row.get("title") or title_line or None
    title_source = "manifest" if row.get("title") else ("text" if title_line else None)
    inferred = _infer_from_title(title or "")
    return {
        "document_id": doc.document_id,
        "source_file": doc.raw.source_file,
        "sha256": doc.raw.sha256,
        "encoding": doc.raw.encoding,
        "title": title,
        "title_source": title_source,
        "jurisdiction": row.get("jurisdiction") or inferred["jurisdiction"],
        "admin_level": row.get("admin_level") or inferred["admin_level"],
        "script": doc.script,
        "plan_period_start": _year(row.get("plan_period_start")) or inferred["plan_period_start"],
        "plan_period_end": _year(row.get("plan_period_end")) or inferred["plan_period_end"],
        "source_notes": row.get("source_notes") or None,
        "raw_chars": len(doc.raw.raw_text),
        "format": doc.raw.format,
        "reader": doc.raw.reader,
        "page_count": doc.raw.page_count,
        "text_path": text_layer_path(doc.document_id) if doc.raw.format != "txt" else None,
        "source_url": row.get("source_url") or stated.get("source_url") or None,
        "issuer": row.get("issuer") or stated.get("issuer") or None,
        "issue_date": row.get("issue_date") or stated.get("issue_date") or None,
    }


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _infer_from_title(title: str) -> dict[str, object]:
    start = end = None
    if m := TITLE_PERIOD_RE.search(title):
        start, end = int(m.group(1)), int(m.group(2))
    else:
        for name, (first, last) in FIVE_YEAR_PLANS.items():
            if name in title:
                start, end = first, last
    jurisdiction = level = None
    pos = len(next((p for p in TITLE_ISSUER_PREFIXES if title.startswith(p)), ""))
    while m := JURISDICTION_RE.match(title, pos):
        jurisdiction, pos = m.group("name"), m.end()
        level = "municipality" if jurisdiction in MUNICIPALITIES else SUFFIX_LEVELS[m.group("suffix")]
    return {"jurisdiction": jurisdiction, "admin_level": level, "plan_period_start": start, "plan_period_end": end}
