"""Task-division lists: the units a measure's text makes responsible, as written.

Formats, tried in this order (`find_task_lists`):

1. a parenthesised block opening with a label: `(任务分工:A、B、C)`,
   `(牵头单位:A;配合单位:B、C)`, `(责任单位:A、B)`;
2. a parenthesised block of units followed by role words: `(A牵头,B、C配合)`,
   or such a sentence (or the last clauses of one) in prose: `由A牵头,B、C配合。`;
3. a labelled sentence at a line start or after `。`/`;`:
   `牵头单位:A;配合单位:B、C。`, `【责任单位】A、B`;
4. table cells under a responsibility column (`read_cell`): `主要责任单位`,
   `协同配合单位`, `牵头责任单位`, `责任单位` …; `分管领导` columns name people
   and are skipped.

Labels and role words, with the relation each states, live in
`data/task_division_labels.csv`.  Units are separated by `、` `,` `，` `;`, `会同` or
white space; a closing `。`, `等`, and a `(牵头)` marker are not part of a name.
A relation is `lead` or `support` only where a label or role word says so
(a plain list beside a lead list, as a plain column beside a lead column, is the
support: `牵头单位:A;责任单位:B`); otherwise `assigned`.  Nothing is inferred from order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from plandata.errors import RuleTableError
from plandata.model import RELATIONS
from plandata.rules.lexicon import read_table

PERSON = "person"  # relation of labels that head lists of people: the list is skipped
LIST_RELATIONS = tuple(r for r in RELATIONS if r != "mentioned")
# Characters that separate units in a list (full-width ones survive in table cells), and parentheses; and
# 会同 after a unit's name (`由A会同B负责`: A together with B), not opening one (会同县教育局: 会同县 is a county).
_ITEM_MARK_RE = re.compile(r"[()、,，;；\s]|(?<=[委局办部厅院校会组室处心位门府构团区县镇乡所站馆社司队])会同")
# Not part of a name: a leading 由 (由市教委牵头) and trailing 等/等有关部门, 按职责分工(负责), 分别, also in
# brackets closing the list (A、B(按职责分工负责)).
NAME_LEAD_RE = re.compile(r"^(?:由|请)")
NAME_TRAIL_RE = re.compile(
    r"\(?(?:等(?:有关|相关)?(?:部门|单位)?|按职责(?:分工)?(?:负责)?|分别(?:负责)?|共同(?:负责)?)\)?$"
)
NAME_STRIP = " \t\n。.:：;；,，、()（）[]【】〔〕"
MAX_NAME_CHARS = 30
# Another field of the same block ends a list: (责任单位:A、B;完成时限:2023年).
OTHER_FIELD_RE = re.compile(r"[\u4e00-\u9fff]{2,8}\s*:")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
# Brackets a task-division block is set in: parentheses (full-width ones are folded to these by
# normalise), the tortoise-shell brackets of official documents (〔责任单位:…〕) and square brackets.
BLOCK_BRACKETS = {"(": ")", "〔": "〕", "[": "]"}
_BRACKET_OR_LINE_END_RE = {c: re.compile(f"[{re.escape(o)}{re.escape(c)}\n]") for o, c in BLOCK_BRACKETS.items()}
_HEADER_ROLE_RE = re.compile(r"[((]([\u4e00-\u9fff]{1,4})[))]$")
# Last character of a unit's name, for blocks without a label: (A牵头,B配合).  A collective name may end in
# the levels it takes in brackets (各县(市、区), 各乡镇(街道)) or in 街 (各镇街: its towns and subdistricts).
UNIT_END_RE = re.compile(r"(?:[委局办部厅院校会组室处心位门府构团区县镇乡所站馆社司队街]|\([^()]*[区县市镇乡街道]\))$")


@dataclass(frozen=True)
class ListedUnit:
    """One unit named in a task-division list, with its span in the text."""

    name: str
    start: int
    end: int
    relation: str


@dataclass(frozen=True)
class TaskList:
    """A task-division block (its span) and the units it names, in order."""

    start: int
    end: int
    units: tuple[ListedUnit, ...]


@dataclass(frozen=True)
class Vocabulary:
    """Labels (任务分工, 牵头单位 …) and role words (牵头, 配合 …) with their relations."""

    labels: dict[str, str]
    roles: dict[str, str]

    @cached_property
    def label_re(self) -> re.Pattern[str]:
        """A label, written `【label】` or `label:`: every match holds a 【 or a colon."""
        return _label_re(tuple(sorted(self.labels, key=len, reverse=True)))

    @cached_property
    def role_re(self) -> re.Pattern[str]:
        """A role word closing an item: `A牵头`, `A(牵头)`."""
        words = "|".join(sorted(self.roles, key=len, reverse=True))
        return re.compile(rf"(?:\((?P<p>{words})\)|(?P<w>{words}))$")

    def header_relation(self, header: str) -> str | None:
        """Relation of a table column from its header: the longest label it contains.

        A role word in brackets closing the header (`责任单位(配合)`, as the
        table reader qualifies a plain column beside a lead column) says it.
        """
        header = re.sub(r"\s+", "", header)
        if (m := _HEADER_ROLE_RE.search(header)) and m.group(1) in self.roles and self.labels_in(header):
            return self.roles[m.group(1)]
        found = self.labels_in(header)
        return self.labels[max(found, key=len)] if found else None

    def labels_in(self, header: str) -> list[str]:
        """The labels a header (white space removed) contains."""
        return [label for label in self.labels if label in header]


@lru_cache(maxsize=8)
def _label_re(labels: tuple[str, ...]) -> re.Pattern[str]:
    words = "|".join(map(re.escape, labels))
    # `责任单位:A、B`, `【责任单位】A、B`, and in prose `责任单位为A、B`.
    return re.compile(rf"【(?P<b>{words})】\s*:?|(?P<l>{words})\s*(?::|为)")


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """`data/task_division_labels.csv`, checked."""
    labels: dict[str, str] = {}
    roles: dict[str, str] = {}
    rows = read_table("task_division_labels.csv", ("word", "kind", "relation", "seen_in"), "word")
    for line, row in enumerate(rows, 2):
        if row["relation"] not in (*LIST_RELATIONS, PERSON) or row["kind"] not in ("label", "role"):
            raise RuleTableError(f"data/task_division_labels.csv, line {line}: bad kind or relation")
        (labels if row["kind"] == "label" else roles)[row["word"]] = row["relation"]
    return Vocabulary(labels, roles)


def find_task_lists(text: str, base: int = 0, vocab: Vocabulary | None = None) -> list[TaskList]:
    """Task-division blocks in `text` (offsets shifted by `base`), in text order."""
    vocab = vocab or load_vocabulary()
    blocks = _paren_blocks(text, vocab)
    taken = [(b.start, b.end) for b in blocks]
    blocks += [b for b in _sentence_blocks(text, vocab) if not any(s <= b.start < e for s, e in taken)]
    taken = [(b.start, b.end) for b in blocks]
    blocks += [b for b in _role_sentences(text, vocab) if not any(s < b.end and b.start < e for s, e in taken)]
    if not blocks:  # most measures
        return []
    blocks.sort(key=lambda b: b.start)
    return [TaskList(b.start + base, b.end + base, tuple(_shift(u, base) for u in b.units)) for b in blocks]


def read_cell(text: str, base: int, header: str, vocab: Vocabulary | None = None) -> list[ListedUnit]:
    """Units in a table cell whose column `header` is a responsibility column.

    A cell that opens with labels of its own (`牵头单位:A 配合单位:B、C` under a
    plain 责任单位 column) is read by them, as the same block in prose is.
    """
    vocab = vocab or load_vocabulary()
    relation = vocab.header_relation(header)
    if relation is None or relation == PERSON:
        return []
    units = _labelled_units(text, 0, len(text), vocab, anchored=True)
    if units is None:
        units = parse_units(text, 0, len(text), relation, vocab)
    return [_shift(u, base) for u in units]


def parse_units(text: str, start: int, end: int, relation: str, vocab: Vocabulary) -> list[ListedUnit]:
    """The units of one list `text[start:end]`, each with its relation.

    A role word closing an item (`A牵头`, `B、C配合`) applies to it and to the
    items before it back to the previous role word; other items take `relation`.
    """
    units: list[ListedUnit] = []
    pending: list[tuple[str, int, int]] = []
    for item in _items(text, start, end):
        name, s, e, role = _clean(text, *item, vocab)
        if name:
            pending.append((name, s, e))
        if role:
            units += [ListedUnit(n, a, b, role) for n, a, b in pending]
            pending = []
    return units + [ListedUnit(n, a, b, relation) for n, a, b in pending]


def _items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the items between separators (parentheses inside a name are kept)."""
    spans: list[tuple[int, int]] = []
    depth, item_start = 0, start
    for m in _ITEM_MARK_RE.finditer(text, start, end):
        depth += {"(": 1, ")": -1}.get(m.group(), 0)
        if depth <= 0 and m.group() not in "()":
            if m.start() > item_start:
                spans.append((item_start, m.start()))
            item_start, depth = m.end(), 0
    if depth <= 0 and end > item_start:  # the end closes the last item, unless a parenthesis is still open
        spans.append((item_start, end))
    return spans


def _clean(text: str, s: int, e: int, vocab: Vocabulary) -> tuple[str, int, int, str | None]:
    """Name, its span and role word of one item: `市教委(牵头)` is 市教委, lead."""
    role = None
    for _ in range(3):  # strip in any order: 市教委等牵头。 → 市教委
        before = (s, e)
        while s < e and text[s] in NAME_STRIP:
            s += 1
        while e > s and text[e - 1] in NAME_STRIP and not (text[e - 1] == ")" and "(" in text[s : e - 1]):
            e -= 1
        if m := vocab.role_re.search(text[s:e]):
            role = role or vocab.roles[m.group("p") or m.group("w")]
            e = s + m.start()
        if m := NAME_TRAIL_RE.search(text[s:e]):
            e = s + m.start()
        if m := NAME_LEAD_RE.search(text[s:e]):
            s += m.end()
        if (s, e) == before:
            break
    name = text[s:e]
    if not _HAN_RE.search(name) or len(name) > MAX_NAME_CHARS or len(name) < 2:
        name = ""
    return name, s, e, role


def _shift(u: ListedUnit, base: int) -> ListedUnit:
    return ListedUnit(u.name, u.start + base, u.end + base, u.relation)


def _matching_paren(text: str, i: int, close: str = ")") -> int | None:
    """Index of the bracket closing the one at `i` (`close`: its closer); None when the line ends first."""
    depth = 0
    steps = {text[i]: 1, close: -1}
    for m in _BRACKET_OR_LINE_END_RE[close].finditer(text, i):
        depth += steps.get(m.group(), 0)
        if depth == 0:
            return m.start()
        if m.group() == "\n":
            return None
    return None


def _paren_blocks(text: str, vocab: Vocabulary) -> list[TaskList]:
    """Formats 1 and 2: `(任务分工:…)`, `(牵头单位:…;配合单位:…)`, `(A牵头,B配合)`, in any `BLOCK_BRACKETS`."""
    blocks: list[TaskList] = []
    for opener, closer in BLOCK_BRACKETS.items():
        i = text.find(opener)
        while i != -1:
            j = _matching_paren(text, i, closer)
            if j is None:
                i = text.find(opener, i + 1)
                continue
            units = _labelled_units(text, i + 1, j, vocab, anchored=True)
            if units is None:
                units = _role_units(text, i + 1, j, vocab)
            if units is not None and not any(b.start < j + 1 and i < b.end for b in blocks):
                blocks.append(TaskList(i, j + 1, tuple(units)))
                i = text.find(opener, j + 1)
            else:
                i = text.find(opener, i + 1)
    return sorted(blocks, key=lambda b: b.start)


def _labelled_units(text: str, start: int, end: int, vocab: Vocabulary, anchored: bool) -> list[ListedUnit] | None:
    """Units of `label:list;label:list` in text[start:end]; None unless it opens with a label."""
    heads = list(vocab.label_re.finditer(text, start, end))
    if not heads or (anchored and text[start : heads[0].start()].strip()):
        return None
    relations = [vocab.labels[head.group("b") or head.group("l")] for head in heads]
    units: list[ListedUnit] = []
    for k, (head, relation) in enumerate(zip(heads, relations, strict=True)):
        stop = heads[k + 1].start() if k + 1 < len(heads) else end
        if other := OTHER_FIELD_RE.search(text, head.end(), stop):
            stop = other.start()
        if relation != PERSON:
            units += parse_units(text, head.end(), stop, _beside_lead(relation, relations), vocab)
    return units


def _beside_lead(relation: str, relations: list[str]) -> str:
    """A plain list (`责任单位:B`) beside a lead list and no support list is the support: `牵头单位:A;责任单位:B`.

    The same reading as a table's plain responsibility column beside a lead column
    (structure.table_blocks qualifies it `责任单位(配合)`), so prose and tables agree.
    """
    if relation == "assigned" and "lead" in relations and "support" not in relations:
        return "support"
    return relation


def _role_units(text: str, start: int, end: int, vocab: Vocabulary) -> list[ListedUnit] | None:
    """Units of `A牵头,B、C配合` when every item is a unit and the block ends with a role."""
    inner = text[start:end]
    if "。" in inner or not vocab.role_re.search(inner.rstrip(NAME_STRIP)):
        return None
    units = parse_units(text, start, end, "assigned", vocab)
    if not units or not all(UNIT_END_RE.search(u.name) for u in units):
        return None
    return units


def _sentence_blocks(text: str, vocab: Vocabulary) -> list[TaskList]:
    """Format 3: a label at a line start or after 。/; running to the line end or a 。."""
    blocks: list[TaskList] = []
    if "【" not in text and ":" not in text and "为" not in text:  # no label (see `label_re`): most measures
        return blocks
    for head in vocab.label_re.finditer(text):
        s = head.start()
        if s > 0 and text[s - 1] not in "。;\n ":
            continue
        if blocks and s < blocks[-1].end:
            continue
        line_end = text.find("\n", s)
        line_end = len(text) if line_end == -1 else line_end
        end = _sentence_end(text, s, line_end, vocab)
        units = _labelled_units(text, s, end, vocab, anchored=True)
        if units is not None:
            blocks.append(TaskList(s, end, tuple(units)))
    return blocks


_SENTENCE_RE = re.compile(r"[^。;\n]+")
_CLAUSE_START_RE = re.compile(r"[,，]")
_DIGIT_RE = re.compile(r"\d")


def _role_sentences(text: str, vocab: Vocabulary) -> list[TaskList]:
    """Format 2 without brackets: a sentence, or its last clauses, of units and role words.

    `由市教育局牵头,市财政局、市人社局配合。` closes many measures in prose.  The
    block is the longest run of the sentence's last clauses that is all units
    with a role word at the end (`_role_units`), so the task before it
    (`新建幼儿园30所,由A牵头,B配合`) stays out.
    """
    if not any(word in text for word in vocab.roles):
        return []
    blocks: list[TaskList] = []
    for sentence in _SENTENCE_RE.finditer(text):
        s, e = sentence.span()
        if not vocab.role_re.search(text[s:e].rstrip(NAME_STRIP)):
            continue
        starts = [s] + [m.end() for m in _CLAUSE_START_RE.finditer(text, s, e)]
        for start in starts:
            units = _role_units(text, start, e, vocab)
            # A count ends like a unit's name (新建幼儿园30所 ends in 所 as 研究所 does); no unit has digits.
            if units is not None and not any(_DIGIT_RE.search(u.name) for u in units):
                end = e + 1 if text[e : e + 1] == "。" else e
                blocks.append(TaskList(start, end, tuple(units)))
                break
    return blocks


def _sentence_end(text: str, start: int, line_end: int, vocab: Vocabulary) -> int:
    """End of a labelled sentence: the first 。 not followed by another label, or the line end."""
    pos = start
    while (stop := text.find("。", pos, line_end)) != -1:
        if not vocab.label_re.match(text, stop + 1):
            return stop + 1
        pos = stop + 1
    return line_end
