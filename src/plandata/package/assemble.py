"""Stage 5: assemble per-document results into the rows of the five tables.

Rows are plain dicts keyed by the field names of `tables.py`, in a fixed
order (documents by id, everything else in reading order), so the same
results always give the same tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from plandata.model import Agency, DocumentResult
from plandata.package.tables import TABLES_BY_NAME

Row = dict[str, Any]
Tables = dict[str, list[Row]]


def _project(table: str, record: dict[str, Any]) -> Row:
    """Keep exactly the table's fields, in order."""
    return {name: record.get(name) for name in TABLES_BY_NAME[table].field_names}


def _row(table: str, item: object) -> Row:
    """The table's fields read off a dataclass (a field it lacks is null); no deep copy as `asdict` makes."""
    return {name: getattr(item, name, None) for name in TABLES_BY_NAME[table].field_names}


def _agency_record(agency: Agency) -> dict[str, Any]:
    record = _row("agencies", agency)
    record["short_forms"] = "|".join(agency.short_forms) or None
    return record


class AgencyMentions:
    """Agencies mentioned across documents, folded per id as documents stream in.

    The first mention of an id gives its row; when a later mention differs (a
    document saw other short forms), the row's short forms become the sorted
    union of every mention's.  Memory follows the distinct ids, not the
    documents.
    """

    def __init__(self) -> None:
        self._first: dict[str, Agency] = {}
        self._forms: dict[str, set[str]] = {}
        self._differs: set[str] = set()

    def add(self, agencies: Iterable[Agency]) -> None:
        """Fold the agencies mentioned in one document."""
        for agency in agencies:
            first = self._first.setdefault(agency.agency_id, agency)
            self._forms.setdefault(agency.agency_id, set()).update(agency.short_forms)
            if agency != first:
                self._differs.add(agency.agency_id)

    def rows(self) -> list[Row]:
        """One row per agency id, in id order."""
        out = []
        for agency_id in sorted(self._first):
            row = _project("agencies", _agency_record(self._first[agency_id]))
            if agency_id in self._differs:
                row["short_forms"] = "|".join(sorted(f for f in self._forms[agency_id] if f)) or None
            out.append(row)
        return out


def merge_agencies(agencies: Iterable[Agency]) -> list[Row]:
    """One row per agency id from every mention (see `AgencyMentions`)."""
    mentions = AgencyMentions()
    mentions.add(agencies)
    return mentions.rows()


def assemble(results: list[DocumentResult]) -> Tables:
    """The five tables from the results of every document."""
    results = sorted(results, key=lambda r: r.document.document_id)
    tables: Tables = {name: [] for name in TABLES_BY_NAME}
    for result in results:
        tables["documents"].append(_project("documents", result.metadata))
        tables["measures"].extend(_row("measures", m) for m in result.measures)
        tables["indicators"].extend(_row("indicators", i) for i in result.indicators)
        tables["measure_agencies"].extend(_row("measure_agencies", a) for a in result.assignments)
    tables["agencies"] = merge_agencies(a for r in results for a in r.agencies)
    return tables
