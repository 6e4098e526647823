"""Document metadata: curated manifest values first, inference from the text second.

Only what the text supports is inferred: the title from the document's own
title line, the jurisdiction from the start of that title, the plan period
from a `(2021—2025年)` span or a `“十四五”` (`第十四个五年`) in the title.  Everything else
stays empty.
"""

from __future__ import annotations

import re

from plandata.model import NormalisedDocument
from plandata.rules.places import Jurisdiction, Places, load_places

# Five-year plans named in titles, and the years they cover.
FIVE_YEAR_PLANS = {
    "十一五": (2006, 2010),
    "十二五": (2011, 2015),
    "十三五": (2016, 2020),
    "十四五": (2021, 2025),
    "十五五": (2026, 2030),
}
# A five-year plan named in full (`…发展第十四个五年规划`, as 纲要-style titles write it) is the same plan.
LONG_PLAN_NAME_RE = re.compile(r"第(十[一二三四五])个五年")
TITLE_PERIOD_RE = re.compile(r"[(（]?((?:19|20)\d{2})\s*[—–\-~至到]\s*((?:19|20)\d{2})年?[)）]?")
# Place names chained at the start of a title (杭州市临平区): the last is the
# issuing jurisdiction, its suffix gives the level.
JURISDICTION_RE = re.compile(r"(?P<name>[\u4e00-\u9fff]{1,7}?(?P<suffix>省|自治区|市|区|县|旗))")
TITLE_ISSUER_PREFIXES = ("中共",)
SUFFIX_LEVELS = {"省": "province", "自治区": "province", "市": None, "区": "district", "县": "county", "旗": "county"}
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# Without a title line, the jurisdiction is looked for at the start of this many first lines.
TEXT_HEAD_LINES = 4
# Where a plan's own name starts inside a notice's title: after 关于印发 or an opening 《.
TITLE_INNER_RE = re.compile(r"关于(?:印发|转发|公布)?|《")
# A news copy's label before its headline (原标题:…), and the plan a report says was issued (印发了《…》).
TITLE_LABEL_RE = re.compile(r"^(?:原标题|标题|题目)[:：]\s*")
ISSUED_PLAN_RE = re.compile(r"(?:印发|发布|出台)了?《")
MIN_PLACE_CHARS = 2  # 城区, 郊区 … are places too, but a one-character alias is not read


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
    place, level = infer_jurisdiction(title or "", doc.text)
    if place is not None:
        inferred["jurisdiction"], inferred["admin_level"] = place, level
    if row.get("jurisdiction"):  # a curated name shared by several places (朝阳区) is resolved on the text's evidence
        inferred["jurisdiction"], level = resolve_place(row["jurisdiction"], [], doc.text)
        inferred["admin_level"] = level or inferred["admin_level"]
    return {
        "document_id": doc.document_id,
        "source_file": doc.raw.source_file,
        "sha256": doc.raw.sha256,
        "encoding": doc.raw.encoding,
        "title": title,
        "title_source": title_source,
        "jurisdiction": inferred["jurisdiction"],
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


def infer_jurisdiction(title: str, text: str) -> tuple[str | None, str | None]:
    """The document's jurisdiction as the division table names it (长春市朝阳区), and its level.

    Place names chained at the start of the title, of the plan's name inside
    it (关于印发《…》), or else of one of the first lines, are read longest
    first; the last is the issuer.
    A name several places have (朝阳区) resolves only with evidence: a parent
    named before it, or named in the text; otherwise it is returned as
    written, unresolved, with the level its suffix gives (None: no place of
    the table opens the title).
    """
    registry = load_places()
    heads = [title] if title else []
    heads += [title[m.end() :] for m in TITLE_INNER_RE.finditer(title)]  # 关于印发《武汉市…方案》的通知
    lines = [TITLE_LABEL_RE.sub("", line.strip()) for line in text.lstrip().splitlines()[:TEXT_HEAD_LINES]]
    heads += [line for line in lines if line]
    heads += [line[m.end() :] for line in lines for m in ISSUED_PLAN_RE.finditer(line)]  # 印发了《浙江省…规划》
    for head in heads:
        names = _leading_places(head, registry)
        if names:
            return resolve_place(names[-1], names[:-1], text)
    return None, None


def resolve_place(name: str, named_before: list[str], text: str) -> tuple[str, str | None]:
    """`name` as the table's full name where the evidence singles out one place, else as given.

    Evidence: the names chained before it (湖北省武汉市…), then a parent
    named anywhere in `text`.
    """
    registry = load_places()
    places = registry.candidates(name)
    if len(places) > 1 and named_before:
        places = [p for p in places if set(named_before) & {n for a in registry.ancestors(p) for n in a.names}]
    if len(places) > 1:
        places = [p for p in places if _named_in(text, registry, p, name)]
    if len(places) == 1:
        return places[0].name, places[0].admin_level
    j = registry.jurisdiction(name)
    return name, j.admin_level if j else None


def _leading_places(head: str, registry: Places) -> list[str]:
    """Names of places the division table knows, chained at the start of `head`: 湖北省, 武汉市, 江岸区."""
    pos = len(next((p for p in TITLE_ISSUER_PREFIXES if head.startswith(p)), ""))
    names: list[str] = []
    while True:
        hit = registry.leading(head, pos)
        if hit is None or len(hit) < MIN_PLACE_CHARS:
            return names
        names.append(hit)
        pos += len(hit)


def _named_in(text: str, registry: Places, place: Jurisdiction, name: str) -> bool:
    """Whether a parent of `place` (not the country) is named in `text`: evidence for the shared `name`.

    A parent's name that is `name` itself (吉林 for 吉林市, in 吉林省) proves nothing.
    """
    names = {n for a in registry.ancestors(place) if a.admin_level != "national" for n in a.names if n != name}
    return any(n in text for n in names)


def _year(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _infer_from_title(title: str) -> dict[str, object]:
    start = end = None
    if m := TITLE_PERIOD_RE.search(title):
        start, end = int(m.group(1)), int(m.group(2))
    else:
        short = LONG_PLAN_NAME_RE.sub(lambda m: f"{m.group(1)}五", title)
        for name, (first, last) in FIVE_YEAR_PLANS.items():
            if name in short:
                start, end = first, last
    jurisdiction = level = None
    pos = len(next((p for p in TITLE_ISSUER_PREFIXES if title.startswith(p)), ""))
    while m := JURISDICTION_RE.match(title, pos):
        jurisdiction, pos = m.group("name"), m.end()
        level = "municipality" if jurisdiction in MUNICIPALITIES else SUFFIX_LEVELS[m.group("suffix")]
    return {"jurisdiction": jurisdiction, "admin_level": level, "plan_period_start": start, "plan_period_end": end}
