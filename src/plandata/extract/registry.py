"""The agency registry: curated bodies, generic local forms and jurisdictions.

Three data files, loaded and checked once:

- `data/jurisdictions.csv`: places with their parent, level, an ASCII slug and
  English names (`北京市海淀区` is in `北京市`, which is in the country);
- `data/agencies.csv`: bodies curated one by one, with official Chinese and
  English names and the short forms documents write (`市教委`);
- `data/agency_forms.csv`: generic local forms (`区教委`, `县教育局`,
  `各乡镇人民政府`): a scope (`区`, `县`, `市`, `省`, or `*` for the document's
  own jurisdiction), the stems written after it, and patterns for the full
  Chinese and English names.

A name is resolved against the document's jurisdiction by walking its chain
(the jurisdiction, its parent, … the country), nearest first: `区教委` in a
Haidian plan is Haidian's commission, `市教委` in the same plan is Beijing's.
A name that starts with a jurisdiction's own name (`北京市教委`,
`中共北京市委宣传部`) resolves to that jurisdiction from anywhere.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from plandata.errors import RuleTableError
from plandata.model import ADMIN_LEVELS, AGENCY_TYPES, NAME_EN_STATUSES, Agency
from plandata.rules.lexicon import read_table
from plandata.rules.places import NATIONAL, Jurisdiction, Places, load_places

T = TypeVar("T")
AGENCY_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_:.\-]*$")
# Levels a scope character written before a stem refers to (`区教委`: district).
SCOPE_LEVELS: dict[str, tuple[str, ...]] = {
    "省": ("province",),
    "市": ("municipality", "prefecture"),
    "区": ("district",),
    "县": ("county",),
}
OWN_SCOPE = "*"  # agency_forms.csv: the stem alone names a body of the document's jurisdiction
PARTY_PREFIX = "中共"  # written before a jurisdiction's name in party organs: 中共北京市委…
PARTY_ORGAN = "party_organ"
# An autonomous region's Party committee is written 党委 (自治区党委, not 自治区委): `AgencyForm.written`.
AUTONOMOUS_REGION, PARTY_COMMITTEE, COMMITTEE = "自治区", "党", "委"
UNREGISTERED_PREFIX = "unregistered."
# Answers kept per memo of the registry (names repeat); past this many a memo starts again.
MEMO_SIZE = 100_000
# Names starting with these are collective (各乡镇…, 相关高校…): typed as groups even when unknown.
GROUP_MARKERS = ("各", "相关", "有关")


@dataclass(frozen=True)
class AgencyForm:
    """A generic local form such as 区教委, expanded per jurisdiction."""

    form_id: str
    scopes: tuple[str, ...]
    stems: tuple[str, ...]
    name_zh: str  # pattern with {full}
    name_en: str  # pattern with {adj} and {place}
    type: str

    def fits(self, j: Jurisdiction) -> bool:
        """Whether this form names a body of `j` (a tier of its scopes)."""
        return _tier(j) in self.scopes

    def written(self, word: str) -> tuple[str, ...]:
        """The stems written with `word` (a scope word or a place's name) in the scope's place: 区 → 区教委.

        An autonomous region's Party committee is its 党委 (自治区党委宣传部, 内蒙古自治区党委编办):
        after a word ending in 自治区 a Party organ's 委… stem is also written 党委….
        """
        out = [stem.replace(SCOPE_SLOT, word) if SCOPE_SLOT in stem else word + stem for stem in self.stems]
        if self.type == PARTY_ORGAN and word.endswith(AUTONOMOUS_REGION):
            out += [word + PARTY_COMMITTEE + stem for stem in self.stems if stem.startswith(COMMITTEE)]
        return tuple(out)

    def surfaces(self, j: Jurisdiction | None, own: bool = True) -> tuple[str, ...]:
        """Written forms naming this body from inside `j` (bare stems of `*` forms only when `own`)."""
        out: list[str] = []
        if own and OWN_SCOPE in self.scopes:
            out.extend(s for s in self.stems if SCOPE_SLOT not in s)
        if j is not None and self.fits(j):
            for word in _scope_words(j):
                out.extend(self.written(word))
        return tuple(dict.fromkeys(out))


SCOPE_SLOT = "{s}"  # agency_forms.csv stems: where the scope goes when not in front (团{s}委: 团市委)
TIER_BY_LEVEL = {"province": "省", "municipality": "市", "prefecture": "市", "district": "区", "county": "县"}


def _tier(j: Jurisdiction) -> str | None:
    return j.tier or TIER_BY_LEVEL.get(j.admin_level)


def _scope_words(j: Jurisdiction) -> tuple[str, ...]:
    return j.scope_words or ((t,) if (t := TIER_BY_LEVEL.get(j.admin_level)) else ())


def derived_agency_id(jurisdiction: str | None, name: str) -> str:
    """Stable ASCII id for a body the registry does not hold."""
    digest = hashlib.sha1(f"{jurisdiction or ''}|{name}".encode()).hexdigest()[:12]
    return UNREGISTERED_PREFIX + digest


def _split(cell: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in cell.split("|") if s.strip())


def _check(ok: bool, file: str, line: int, message: str) -> None:
    if not ok:
        raise RuleTableError(f"data/{file}, line {line}: {message}")


def load_jurisdictions() -> dict[str, Jurisdiction]:
    """`data/jurisdictions.csv` by full name (see `rules.places`), levels checked."""
    places = load_places()
    for j in places.jurisdictions.values():
        _check(j.admin_level in ADMIN_LEVELS, "jurisdictions.csv", 0, f"unknown admin_level of {j.name}")
    return places.jurisdictions


def load_forms() -> tuple[AgencyForm, ...]:
    """`data/agency_forms.csv`, checked."""
    cols = ("form_id", "scopes", "stems", "name_zh", "name_en", "type", "seen_in")
    forms = []
    for line, row in enumerate(read_table("agency_forms.csv", cols, "form_id"), 2):
        scopes = _split(row["scopes"])
        _check(all(s == OWN_SCOPE or s in SCOPE_LEVELS for s in scopes), "agency_forms.csv", line, "bad scope")
        _check(row["type"] in AGENCY_TYPES, "agency_forms.csv", line, "unknown type")
        _check("{full}" in row["name_zh"], "agency_forms.csv", line, "name_zh needs {full}")
        _check(
            "{adj}" in row["name_en"] or "{place}" in row["name_en"],
            "agency_forms.csv",
            line,
            "name_en needs {adj} or {place}",
        )
        forms.append(
            AgencyForm(row["form_id"], scopes, _split(row["stems"]), row["name_zh"], row["name_en"], row["type"])
        )
    return tuple(forms)


# Columns of data/agencies.csv, in order.
REGISTRY_COLUMNS = (
    "agency_id",
    "name_zh",
    "short_forms",
    "name_en",
    "name_en_status",
    "name_en_source",
    "admin_level",
    "type",
    "jurisdiction",
)


def load_curated(jurisdictions: dict[str, Jurisdiction]) -> tuple[Agency, ...]:
    """`data/agencies.csv` as agencies, checked."""
    rows = []
    for line, row in enumerate(read_table("agencies.csv", REGISTRY_COLUMNS, "agency_id"), 2):
        _check(bool(AGENCY_ID_RE.match(row["agency_id"])), "agencies.csv", line, "agency_id must be ASCII")
        _check(row["name_en_status"] in NAME_EN_STATUSES, "agencies.csv", line, "unknown name_en_status")
        _check(bool(row["name_en"] and row["name_en_source"]), "agencies.csv", line, "English name and source needed")
        _check(row["admin_level"] in ADMIN_LEVELS, "agencies.csv", line, "unknown admin_level")
        _check(row["type"] in AGENCY_TYPES, "agencies.csv", line, "unknown type")
        _check(row["jurisdiction"] in jurisdictions, "agencies.csv", line, "unknown jurisdiction")
        rows.append(
            Agency(
                row["agency_id"],
                row["name_zh"],
                row["name_en"],
                row["name_en_status"],
                row["name_en_source"],
                _split(row["short_forms"]),
                row["admin_level"],
                jurisdictions[row["jurisdiction"]].name,
                row["type"],
                name_status=_status(row["type"], "official"),
            )
        )
    return tuple(rows)


def _status(kind: str | None, otherwise: str) -> str:
    """`name_status` of a body of type `kind`: a group has no official name."""
    return "collective" if kind == "group" else otherwise


class Registry:
    """Resolves names as written to agencies, given the document's jurisdiction."""

    def __init__(
        self, jurisdictions: dict[str, Jurisdiction], forms: tuple[AgencyForm, ...], curated: tuple[Agency, ...]
    ) -> None:
        self.jurisdictions = jurisdictions
        self.places = Places(jurisdictions)
        self.forms = forms
        self.curated = curated
        self.curated_by_id = {a.agency_id: a for a in curated}
        # (jurisdiction, written form) -> curated agency
        self._curated_forms: dict[tuple[str | None, str], Agency] = {}
        for a in curated:
            for written in (a.name_zh, *a.short_forms):
                self._curated_forms[(a.jurisdiction, written)] = a
        self._prefixes = self.places.prefixes
        # written after a place's name (`{s}` + 教委, 团{s}委) -> positions in `forms`
        self._forms_by_slot: dict[str, list[int]] = {}
        for k, form in enumerate(forms):
            for stem in dict.fromkeys(form.stems):
                key = stem if SCOPE_SLOT in stem else SCOPE_SLOT + stem
                self._forms_by_slot.setdefault(key, []).append(k)
        self._leads = tuple(sorted({k.split(SCOPE_SLOT)[0] for k in self._forms_by_slot}, key=len, reverse=True))
        # resolve(), unregistered(), expand(), chain() and written() are pure: their answers are kept (see `_kept`)
        self._memos: dict[str, dict[object, object]] = {
            "resolve": {},
            "unregistered": {},
            "expand": {},
            "chain": {},
            "written": {},
        }

    def _kept(self, memo: str, key: object, compute: Callable[[], T]) -> T:
        """`compute()`, kept in the memo under `key`; a memo of MEMO_SIZE answers starts again."""
        kept = self._memos[memo]
        if key not in kept:
            if len(kept) >= MEMO_SIZE:  # bounded on corpora of any size
                kept.clear()
            kept[key] = compute()
        return kept[key]  # type: ignore[return-value]

    # -- jurisdictions -------------------------------------------------------------------------
    def jurisdiction(self, name: str | None) -> Jurisdiction | None:
        """The jurisdiction called `name` (`Places.jurisdiction`: a shared short name is an unknown place)."""
        return self.places.jurisdiction(name)

    def candidates(self, name: str) -> list[Jurisdiction]:
        """Every place `name` may be."""
        return self.places.candidates(name)

    def ancestors(self, j: Jurisdiction) -> list[Jurisdiction]:
        """`j`'s parents up to the country, nearest first."""
        return self.places.ancestors(j)

    def chain(self, name: str | None) -> list[Jurisdiction]:
        """The jurisdiction, its ancestors, and the country, nearest first."""
        j = self.jurisdiction(name)
        out: list[Jurisdiction] = [j, *self.ancestors(j)] if j is not None else []
        root = next((j for j in self.jurisdictions.values() if j.admin_level == NATIONAL), None)
        if root is not None and root not in out:
            out.append(root)
        return out

    # -- resolution ----------------------------------------------------------------------------
    def resolve(self, name: str, jurisdiction: str | None) -> Agency | None:
        """The agency `name` stands for in a document of `jurisdiction`, or None."""
        return self._kept("resolve", (name, jurisdiction), lambda: self._resolve(name, jurisdiction))

    def _resolve(self, name: str, jurisdiction: str | None) -> Agency | None:
        chain = self._kept("chain", jurisdiction, lambda: tuple(self.chain(jurisdiction)))
        hit = self._resolve_prefixed(name, chain)
        if hit is not None:
            return hit
        for depth, j in enumerate(chain):
            own = depth == 0 and bool(jurisdiction)  # 各有关单位 names the document's own bodies only
            hit = self._curated_forms.get((j.name, name)) or self._from_forms(name, j, own)
            if hit is not None:
                return hit
        return None

    def _resolve_prefixed(self, name: str, chain: tuple[Jurisdiction, ...]) -> Agency | None:
        """Names that carry their place: 北京市教委, 中共北京市委宣传部, 团湖北省委, 海淀区教育委员会.

        A place name several places have (朝阳区) counts only for the one in the
        document's chain.  The document's own jurisdiction counts even when the
        registry does not know it, so that 某某区教育委员会 and 区教委 in its plan
        are one body.
        """
        own = chain[0] if chain and chain[0].admin_level != NATIONAL else None
        for lead in self._leads:
            if not name.startswith(lead):
                continue
            rest = name[len(lead) :]
            party = not lead and rest.startswith(PARTY_PREFIX)
            for bare in (rest.removeprefix(PARTY_PREFIX), rest) if party else (rest,):
                hit = self._prefixed_place(name, lead, bare, own, chain, party and bare != rest)
                if hit is not None:
                    return hit
        return None

    def _prefixed_place(
        self, name: str, lead: str, bare: str, own: Jurisdiction | None, chain: tuple, party: bool
    ) -> Agency | None:
        unknown = [own.name] if own is not None and own.slug is None else []
        for prefix in unknown + self._prefixes.get(bare[:1], []):
            if not (bare.startswith(prefix) and len(bare) > len(prefix)):
                continue
            places = [own] if prefix in unknown else self.candidates(prefix)
            if len(places) > 1:
                places = [p for p in places if p in chain]  # 朝阳区: only with evidence
            if len(places) != 1:
                continue
            j = places[0]
            rest = bare[len(prefix) :]
            party_committee = prefix.endswith(AUTONOMOUS_REGION) and rest.startswith(PARTY_COMMITTEE + COMMITTEE)
            if party_committee:  # 内蒙古自治区党委编办: the 委编办 of the region's Party committee
                rest = rest[len(PARTY_COMMITTEE) :]
            key = lead + SCOPE_SLOT + rest
            hit = self._curated_forms.get((j.name, name))
            for k in self._forms_by_slot.get(key, ()) if hit is None else ():
                form = self.forms[k]
                if (party or party_committee) and form.type != PARTY_ORGAN:
                    continue
                if OWN_SCOPE in form.scopes or form.fits(j):
                    hit = self.expand(form, j)
                    break
            if hit is not None:
                return hit
        return None

    def _from_forms(self, name: str, j: Jurisdiction, own: bool) -> Agency | None:
        form = self.written_in(j, own).get(name)
        return self.expand(form, j) if form is not None else None

    def written_in(self, j: Jurisdiction, own: bool) -> dict[str, AgencyForm]:
        """Written form -> form, for the forms naming bodies of `j` by scope word (and bare stems when `own`)."""

        def compute() -> dict[str, AgencyForm]:
            out: dict[str, AgencyForm] = {}
            for form in self.forms:
                for w in form.surfaces(j, own):
                    out.setdefault(w, form)
            return out

        return self._kept("written", (j, own), compute)

    def expand(self, form: AgencyForm, j: Jurisdiction) -> Agency:
        """The body `form` names in `j`: curated if listed, generated otherwise."""
        return self._kept("expand", (form.form_id, j), lambda: self._expand(form, j))

    def _expand(self, form: AgencyForm, j: Jurisdiction) -> Agency:
        name_zh = form.name_zh.format(full=j.full_name)
        if j.slug is None:  # a place the registry does not know: no English, no curated id
            return Agency(
                derived_agency_id(j.name, name_zh),
                name_zh,
                None,
                None,
                None,
                form.surfaces(j),
                j.admin_level,
                j.name,
                form.type,
                in_registry=False,
                name_status=_status(form.type, "derived"),
            )
        agency_id = f"{j.slug}.{form.form_id}"
        if agency_id in self.curated_by_id:
            return self.curated_by_id[agency_id]
        name_en = form.name_en.format(adj=j.name_en_adj, place=j.name_en)
        source = f"plandata: agency_forms.csv {form.form_id} with jurisdictions.csv {j.name}"
        return Agency(
            agency_id,
            name_zh,
            name_en,
            "constructed",
            source,
            form.surfaces(j),
            j.admin_level,
            j.name,
            form.type,
            name_status=_status(form.type, "official"),
        )

    def unregistered(self, name: str, jurisdiction: str | None) -> Agency:
        """An agency row for a name the registry cannot resolve, kept as written with what is known.

        The place is the document's jurisdiction unless the name's scope points
        elsewhere (市教育局 in a district plan: a city we cannot name); a name
        written like a generic form (区教育工作领导小组 with no jurisdiction)
        takes the form's type and the scope's level.
        """
        return self._kept("unregistered", (name, jurisdiction), lambda: self._unregistered_agency(name, jurisdiction))

    def _unregistered_agency(self, name: str, jurisdiction: str | None) -> Agency:
        j = self.jurisdiction(jurisdiction)
        scope = name[:1]
        levels = SCOPE_LEVELS.get(scope, ())
        place = j if j and (not levels or j.admin_level in levels or scope in j.scope_words) else None
        form = next((f for f in self._forms_with_stem(name[1:]) if scope in f.scopes), None)
        kind = form.type if form else ("group" if name.startswith(GROUP_MARKERS) else None)
        level = place.admin_level if place else (levels[0] if len(levels) == 1 else None)
        return Agency(
            derived_agency_id(jurisdiction, name),
            name,
            None,
            None,
            None,
            (name,),
            level,
            place.name if place else None,
            kind,
            in_registry=False,
            name_status=_status(kind, "unresolved"),
        )

    def _forms_with_stem(self, stem: str) -> list[AgencyForm]:
        """Forms writing `stem` after their scope, in table order."""
        return [self.forms[k] for k in self._forms_by_slot.get(SCOPE_SLOT + stem, ())]

    # -- enumeration (mentions, tests) --------------------------------------------------------
    def surfaces(self, jurisdiction: str | None) -> dict[str, Agency]:
        """Every written form that resolves in a document of `jurisdiction`, with its agency."""
        resolved = {w: self.resolve(w, jurisdiction) for w in self.written_forms(jurisdiction)}
        return {w: a for w, a in resolved.items() if a is not None}

    def written_forms(self, jurisdiction: str | None) -> set[str]:
        """The written forms `surfaces` resolves: a superset of its keys, without resolving any.

        Resolving every form costs ten times as much as listing them; a document names few of them.
        """
        written: set[str] = set()
        for depth, j in enumerate(self.chain(jurisdiction)):
            if j.admin_level != NATIONAL:
                written.update(self.written_in(j, depth == 0))
                for form in self.forms:
                    if OWN_SCOPE in form.scopes or form.fits(j):
                        written.update(w for p in j.names or (j.name,) for w in form.written(p))
            written.update(w for a in self.curated if a.jurisdiction == j.name for w in (a.name_zh, *a.short_forms))
        return written

    def expansions(self, j: Jurisdiction) -> list[tuple[str, Agency]]:
        """Every (written form, agency) the forms and curated rows give inside `j`."""
        pairs = [(w, self.expand(f, j)) for w, f in self.written_in(j, True).items()]
        pairs += [(w, a) for a in self.curated if a.jurisdiction == j.name for w in (a.name_zh, *a.short_forms)]
        return pairs


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """The registry shipped in `plandata/rules/data/`, loaded and checked once."""
    jurisdictions = load_jurisdictions()
    return Registry(jurisdictions, load_forms(), load_curated(jurisdictions))
