"""Stage 4b: task division and agencies.

For every measure, in its own text (from its start to the start of the next
measure, so that a parent never takes its children's lists):

1. task-division lists (`task_division.find_task_lists`) or, for rows of
   task-decomposition tables, the cells of responsibility columns
   (`task_division.read_cell`) give links `assigned`, `lead` or `support`;
2. agencies named in the rest of the text (`mentions.find_mentions`, by a
   `MentionFinder` that scans the document once) give
   links `mentioned`, once per agency and only if no list names it already.

A measure links to an agency once: where its lists name a unit twice (the lead
and the support cell of one row, or a list that repeats it), the link that
says most is kept (`lead` over `support` over `assigned`, the first of equals).

Names resolve against the document's jurisdiction through the registry
(`registry.load_registry`); names a list gives that the registry does not know
are kept as agencies with `in_registry=False` and an id derived from
jurisdiction and name.  Positions number a measure's links from 1: list links
first, in list order, then mentions in text order.
"""

from __future__ import annotations

import re

from plandata.extract.mentions import Mention, MentionFinder
from plandata.extract.registry import Registry, load_registry
from plandata.extract.task_division import ListedUnit, find_task_lists, load_vocabulary, read_cell
from plandata.model import Agency, Measure, NormalisedDocument, TaskAssignment


def extract_task_division(
    doc: NormalisedDocument, measures: list[Measure], jurisdiction: str | None
) -> tuple[list[TaskAssignment], list[Agency]]:
    """Links from measures to agencies, and the agencies they name (each id once)."""
    registry = load_registry()
    regions = own_regions(measures)
    mentions = MentionFinder(doc.text, registry, jurisdiction)
    assignments: list[TaskAssignment] = []
    agencies: dict[str, Agency] = {}
    for measure in measures:
        start, end = regions[measure.measure_id]
        units, covered = _listed_units(doc, measure, start, end)
        units = join_collective(doc.text, units, registry, jurisdiction)
        links = one_link_per_agency([_listed_link(u, registry, jurisdiction) for u in units])
        links += _mention_links(mentions.find(start, end, covered), links, registry, jurisdiction)
        for position, (name, s, e, relation, agency) in enumerate(links, 1):
            agencies.setdefault(agency.agency_id, agency)
            raw_start, raw_end = doc.mapped.raw_span(s, e)
            assignments.append(
                TaskAssignment(measure.measure_id, agency.agency_id, name, position, relation, s, e, raw_start, raw_end)
            )
    return assignments, list(agencies.values())


def unregistered_agencies(agencies: list[Agency]) -> list[Agency]:
    """Agencies the registry does not hold, for the build summary."""
    return [a for a in agencies if not a.in_registry]


def own_regions(measures: list[Measure]) -> dict[str, tuple[int, int]]:
    """Each measure's own text span: up to where the next measure starts.

    Measures starting at the same offset are ordered by `sequence`: the later
    (the child) owns the text, so a heading never takes its items' lists.
    """
    ordered = sorted(measures, key=lambda m: (m.start, m.sequence))
    regions = {}
    for k, m in enumerate(ordered):
        nxt = ordered[k + 1].start if k + 1 < len(ordered) else m.end
        regions[m.measure_id] = (m.start, max(m.start, min(m.end, nxt)))
    return regions


_Link = tuple[str, int, int, str, Agency]  # name as written, start, end, relation, agency
# 市人力资源社会保障局(市公务员局): the body before its second name in parentheses.
_SECOND_NAME_RE = re.compile(r"\(.*\)$")


# 各市、州、县人民政府: a collective name listing levels; the list splits it at each 、.
# 各市(州)、县(市、区)人民政府 too: levels in brackets.
_COLLECTIVE_HEAD_RE = re.compile(r"^各[省市州县区旗盟乡镇()、]+$")
_COLLECTIVE_LEVELS_RE = re.compile(r"^[省市州县区旗盟乡镇()、]+$")
_LEVEL_RUN_RE = re.compile(r"^[、,，\s()省市州县区旗盟乡镇]*$")
LEVEL_CHARS = "省市州县区旗盟乡镇"


def join_collective(
    text: str, units: list[ListedUnit], registry: Registry, jurisdiction: str | None
) -> list[ListedUnit]:
    """Units of one collective name put together again: `各市`, `县人民政府` of `各市、州、县人民政府` are one.

    After a head of 各 and level characters only (各市), the units that follow
    with nothing but separators and level characters between, that start with a
    level character and that name no body of the document's places, belong to
    the head, up to the first with a stem (县人民政府).  `各区、区财政局` in a
    district plan stays two: 区财政局 resolves.
    """
    out: list[ListedUnit] = []
    k = 0
    while k < len(units):
        head, last = units[k], k
        if _COLLECTIVE_HEAD_RE.match(head.name):
            while (
                last + 1 < len(units)
                and (last == k or _COLLECTIVE_LEVELS_RE.match(units[last].name))  # the first unit with a stem ends it
                and units[last + 1].relation == head.relation
                and units[last + 1].name[:1] in LEVEL_CHARS
                and _LEVEL_RUN_RE.match(text[units[last].end : units[last + 1].start])
                and registry.resolve(units[last + 1].name, jurisdiction) is None
            ):
                last += 1
        if last > k:
            end = units[last].end
            out.append(ListedUnit(text[head.start : end], head.start, end, head.relation))
        else:
            out.append(head)
        k = last + 1
    return out


def _listed_units(
    doc: NormalisedDocument, measure: Measure, start: int, end: int
) -> tuple[list[ListedUnit], list[tuple[int, int]]]:
    """Units of the measure's lists (table cells for table rows), and the spans the lists cover."""
    vocab = load_vocabulary()
    if measure.cells:
        cells = [c for c in measure.cells if vocab.header_relation(c.header) is not None]
        units = [u for c in cells for u in read_cell(doc.text[c.start : c.end], c.start, c.header, vocab)]
        return units, [(c.start, c.end) for c in cells]
    lists = find_task_lists(doc.text[start:end], start, vocab)
    return [u for tl in lists for u in tl.units], [(tl.start, tl.end) for tl in lists]


def _listed_link(unit: ListedUnit, registry: Registry, jurisdiction: str | None) -> _Link:
    """A list's unit resolved; unknown names are kept as written."""
    bare = _SECOND_NAME_RE.sub("", unit.name)
    agency = (
        registry.resolve(unit.name, jurisdiction)
        or registry.resolve(bare, jurisdiction)
        or registry.unregistered(unit.name, jurisdiction)
    )
    return unit.name, unit.start, unit.end, unit.relation, agency


# Which relation a measure's link keeps where its lists name one agency twice: the document saying who leads
# (or supports) says more than a plain list (SPEC: lead/support only where the document says so).
_RELATION_STRENGTH = {"lead": 0, "support": 1, "assigned": 2}


def one_link_per_agency(links: list[_Link]) -> list[_Link]:
    """The listed links with each agency once: its strongest relation's link, the first of equals, in list order."""
    best: dict[str, int] = {}
    for k, link in enumerate(links):
        agency_id = link[4].agency_id
        if agency_id not in best or _RELATION_STRENGTH[link[3]] < _RELATION_STRENGTH[links[best[agency_id]][3]]:
            best[agency_id] = k
    kept = set(best.values())
    return [link for k, link in enumerate(links) if k in kept]


def _mention_links(
    found: list[Mention], listed: list[_Link], registry: Registry, jurisdiction: str | None
) -> list[_Link]:
    """`mentioned` links for the agencies `found` in the body that no list of the measure gives."""
    seen = {link[4].agency_id for link in listed}
    links = []
    for m in found:
        agency = m.agency or registry.unregistered(m.name, jurisdiction)
        if agency.agency_id in seen or agency.type == "group":
            continue
        seen.add(agency.agency_id)
        links.append((m.name, m.start, m.end, "mentioned", agency))
    return links
