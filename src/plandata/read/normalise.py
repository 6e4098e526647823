"""Stage 2: normalise raw text, keeping a map back to raw offsets.

Steps, in this order (each keeps the offset map exact):

1. line endings: CRLF and CR become LF; a byte-order mark is dropped;
   HTML character references left in text copies (`&quot;`, `&nbsp;`,
   `&#8220;`) are decoded; a private-use character after a digit that opens
   a line (a font's own dot: `1\ue010加强…`) becomes `.`, other private-use,
   control and zero-width characters are dropped;
2. pinyin glosses scraped from annotated web pages (`北(bei)京(jing)(jing)`,
   `設(shè)`) are removed, but only in documents dense with them, so a real
   parenthesis such as `(steam)` in an ordinary document is never touched;
3. full-width ASCII forms and the ideographic space fold to half-width; a
   table drawn with box characters (`┌─┬─┐`, `│序号│…│`) or ASCII art
   (`+----+`) becomes a pipe table: its rule lines go, its `│` become `|`;
4. the text goes through OpenCC `t2s` (traditional becomes simplified; on
   simplified text it changes next to nothing, and mixed pages come out simplified);
5. noise rules from `data/noise.csv` (spam, site chrome, footers) fire;
6. spaces at line ends and blank lines go;
7. layout of document-sharing copies is undone: a line of doubled characters
   (`杭杭州州市市…`, a bold title extracted twice) is read once; a page number alone
   on its line (`2`, `2、`, `- 2 -`, `— 2 —`, `第2页`) that cuts a sentence is dropped and the
   sentence joined, and one that cannot be a table's cell (`— 2 —`, `第2页 共9页`: a
   text copy of a PDF) is dropped wherever it stands; in a text hard-wrapped at a
   fixed width, a full-width line that ends mid-sentence is joined to the next.
"""

from __future__ import annotations

import html
import re
from array import array
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate, compress

import numpy as np

from plandata.model import MappedText, NormalisedDocument, RawDocument
from plandata.rules.lexicon import NoiseRule, load_noise_rules
from plandata.rules.rule_regex import required_strings

OPENCC_CONFIG = "t2s"

# A gloss is a run of lowercase pinyin (tone marks allowed) in ASCII parentheses
# straight after a Han character; scraped pages repeat it, `(jing)(jing)`.
# The pattern opens with the literal `(` (the Han character is checked behind
# it) so that the regex engine can skip ahead to each parenthesis.
PINYIN_LETTERS = r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ]{1,7}"
# A space may pad the letters inside the brackets (`设( shè )`).
_GLOSS = rf"\(\s?(?:{PINYIN_LETTERS})\s?\)"
PINYIN_GLOSS_RE = re.compile(rf"\((?<=[\u3400-\u9fff]\()\s?(?:{PINYIN_LETTERS})\s?\)(?:{_GLOSS})*")
# Below this many glosses per 1,000 characters a document is not glossed.
PINYIN_MIN_DENSITY = 5.0
# Share of Han characters that t2s changes above which a text is traditional.
TRADITIONAL_MIN_SHARE = 0.03

_WIDTH_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WIDE_RE = re.compile("[\uff01-\uff5e\u3000]")
_HAN_RUN_RE = re.compile(r"[\u3400-\u9fff]+")
_HAN_RE = re.compile(r"[\u3400-\u9fff]")
# An HTML character reference: named (`&quot;`, `&nbsp;`) or numeric (`&#8220;`, `&#x201c;`).
_ENTITY_RE = re.compile(r"&(?:[a-zA-Z]{2,8}|#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6});")
# A private-use character right after the number that opens a line: a font's own
# dot glyph (`1\ue010`), read as `.` so that the numbering stays an item label.
_PRIVATE_USE = "\ue000-\uf8ff"
_PRIVATE_DOT_RE = re.compile(rf"^[ \t]*[0-9]{{1,3}}(?P<dot>[{_PRIVATE_USE}])", re.MULTILINE)
# Characters no text means: private-use glyphs, C0/C1 controls (tab and line feed kept),
# zero-width spaces and joiners, the word joiner and soft hyphen.
_INVISIBLE_RE = re.compile(rf"[{_PRIVATE_USE}\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200d\u2060]")


# A rule line of a drawn table: box-drawing characters only (`├──┼──┤`, `└──┴──┘`, an empty row `│  │  │`),
# or ASCII art (`+----+----+`).
_DRAWN_RULE_RE = re.compile(r"^[ \t]*(?:[\u2500-\u257f][\u2500-\u257f \t]*|\+(?:[-=]+\+)+[ \t]*)$", re.MULTILINE)
# A row of a drawn table opens with its left border; its borders are the cell separators a pipe table has.
_DRAWN_ROW_RE = re.compile(r"^[ \t]*[\u2502\u2503\u2551].*$", re.MULTILINE)
_DRAWN_BARS = str.maketrans("\u2502\u2503\u2551", "|||")


def identity_map(text: str) -> MappedText:
    """The raw text mapped onto itself."""
    offsets = array("q")
    offsets.frombytes(memoryview(np.arange(len(text) + 1, dtype=np.int64)).cast("B"))  # array(range(n)): 10x slower
    return MappedText(text, offsets)


def substitute(mt: MappedText, pattern: re.Pattern[str], repl: str) -> MappedText:
    """`re.sub` over mapped text, with the literal replacement `repl`.

    A replacement as long as its match maps character for character; any
    other replacement maps every new character to the start of its match.
    The regex engine splits the text at the matches in one call, so a
    document with thousands of matches (a glossed page) costs no Python loop.
    """
    split = split_at_matches(mt.text, pattern)
    if split is None:
        return substitute_by_match(mt, pattern, repl)
    return _replaced(mt, split, repl)


def split_at_matches(text: str, pattern: re.Pattern[str]) -> tuple[list[str], list[str]] | None:
    """`text` split at the matches of `pattern`: (the pieces between, the matches), or None if it cannot be.

    There is one more piece than matches.  None for a pattern that refers to
    its groups, which the capturing group added here would renumber.
    """
    wrapped = _outer_group(pattern)
    if wrapped is None:
        return None
    parts = wrapped.split(text)  # piece, match, its groups…, piece, match, …, piece
    stride = wrapped.groups + 1
    return parts[0::stride], parts[1::stride]


def _replaced(mt: MappedText, split: tuple[list[str], list[str]], repl: str) -> MappedText:
    pieces, matched = split
    if not matched:
        return mt
    piece_len = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    match_len = np.fromiter(map(len, matched), dtype=np.int64, count=len(matched))
    starts = np.cumsum(piece_len[:-1]) + np.cumsum(match_len) - match_len
    changes = match_len != len(repl)
    text = repl.join(pieces)
    if not changes.any():
        return MappedText(text, mt.raw_offsets)
    spans = np.column_stack([starts, starts + match_len, np.full(len(starts), len(repl))])[changes]
    return MappedText(text, _remapped(mt.raw_offsets, spans))


def substitute_by_match(mt: MappedText, pattern: re.Pattern[str], repl: str) -> MappedText:
    """`substitute` one match at a time: the plain reference, and the path for patterns with backreferences."""
    text = mt.text
    pieces: list[str] = []
    spans: list[tuple[int, int, int]] = []  # (start, end, new length) of the matches that change length
    pos = 0
    for match in pattern.finditer(text):
        s, e = match.span()
        pieces += (text[pos:s], repl)
        pos = e
        if len(repl) != e - s:
            spans.append((s, e, len(repl)))
    if not pieces:
        return mt
    pieces.append(text[pos:])
    offsets = _remapped(mt.raw_offsets, np.array(spans, dtype=np.int64).reshape(-1, 3)) if spans else mt.raw_offsets
    return MappedText("".join(pieces), offsets)


_GLOBAL_FLAGS_RE = re.compile(r"^\(\?[aiLmsux]+\)")
# References to groups (backreferences, conditionals), which another group in front could renumber.
_GROUP_REFERENCE_RE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


@lru_cache(maxsize=256)
def _outer_group(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """`pattern` inside one more capturing group, so that `split` returns the matches too.

    None when a reference to a group might change meaning with the groups renumbered.
    """
    if _GROUP_REFERENCE_RE.search(pattern.pattern):
        return None
    flags = _GLOBAL_FLAGS_RE.match(pattern.pattern)
    prefix = flags.group() if flags else ""
    return re.compile(f"{prefix}({pattern.pattern[len(prefix) :]})", pattern.flags)


def _remapped(offsets: array, spans: np.ndarray) -> array:
    """The offset map after replacing each row `(start, end, length)` of `spans` by `length` new characters.

    Each new character maps to the start of its span; an empty span keeps
    its own character after the new ones.  Built as one `numpy.repeat` of
    the old map, so that thousands of replacements (a glossed page) cost no
    Python loop over the characters.
    """
    old = np.frombuffer(offsets, dtype=np.int64)
    starts, ends, lengths = spans[:, 0], spans[:, 1], spans[:, 2]
    inside = np.zeros(len(old) + 1, dtype=np.int64)  # +1 where a span opens, -1 where it closes
    np.add.at(inside, starts, 1)
    np.add.at(inside, ends, -1)
    counts = (np.cumsum(inside[:-1]) == 0).astype(np.int64)  # outside every span: copied once
    counts[starts] = lengths + (starts == ends)
    result = array("q")
    result.frombytes(memoryview(np.repeat(old, counts)).cast("B"))  # no intermediate bytes copy
    return result


def translate_same_length(mt: MappedText, convert: Callable[[str], str]) -> MappedText:
    """Apply a per-character conversion, keeping the map.

    The whole text is converted at once (no rule spans a line break); lines
    whose conversion changes length (rare phrase rules) are converted
    character by character instead so that the map stays exact.
    """
    whole = convert(mt.text)
    if len(whole) == len(mt.text) and whole.count("\n") == mt.text.count("\n"):
        old_lines, new_lines = mt.text.split("\n"), whole.split("\n")
        if all(map(int.__eq__, map(len, old_lines), map(len, new_lines))):
            return MappedText(whole, mt.raw_offsets)
    converted = []
    for line in mt.text.split("\n"):
        new = convert(line)
        if len(new) != len(line):
            new = "".join(c2 if len(c2 := convert(c)) == 1 else c for c in line)
        converted.append(new)
    return MappedText("\n".join(converted), mt.raw_offsets)


def fold_width(text: str) -> str:
    """Full-width ASCII forms and the ideographic space as their half-width forms.

    Same as `text.translate(_WIDTH_TABLE)`, but `translate` looks up every
    character in a dict; a plan uses a handful of distinct wide forms (，：（）),
    and replacing each one is a C scan.
    """
    for wide in set(_WIDE_RE.findall(text)):
        text = text.replace(wide, chr(_WIDTH_TABLE[ord(wide)]))
    return text


@lru_cache(maxsize=1)
def _t2s() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC(OPENCC_CONFIG).convert


def opencc_version() -> str:
    """Version of the OpenCC binding used for `t2s`, for the package metadata."""
    from importlib.metadata import version

    return version("opencc")


def detect_script(text: str) -> str:
    """`zh-Hant` when t2s changes a noticeable share of the Han characters."""
    return to_simplified(identity_map(text))[1]


def to_simplified(mt: MappedText) -> tuple[MappedText, str]:
    """The text through OpenCC t2s, and the script of the text given.

    Every document goes through t2s (on simplified text it changes next to
    nothing), so a page that mixes scripts comes out simplified throughout;
    the script is `zh-Hant` where t2s changed a noticeable share of Han
    characters.
    """
    convert = _t2s()
    whole = convert(mt.text)
    if whole == mt.text:  # simplified text: nothing to map (a C comparison), the script is simplified
        return mt, "zh-Hans"
    old_points, new_points = _code_points(mt.text), _code_points(whole)
    # The whole conversion keeps the map when every line keeps its length: same length, line ends in place.
    if len(whole) == len(mt.text) and np.array_equal(old_points == 10, new_points == 10):
        converted = MappedText(whole, mt.raw_offsets)
        changed = int(np.count_nonzero(old_points != new_points))
    else:
        converted = translate_same_length(mt, convert)
        changed = _changed_characters(mt.text, converted.text) if converted.text != mt.text else 0
    han = sum(map(len, _HAN_RUN_RE.findall(mt.text))) if changed else 0  # runs: far fewer matches than characters
    script = "zh-Hant" if han and changed / han >= TRADITIONAL_MIN_SHARE else "zh-Hans"
    return converted, script


def _changed_characters(old: str, new: str) -> int:
    """How many characters differ between two texts of the same length (compared as code-point arrays)."""
    return int(np.count_nonzero(_code_points(old) != _code_points(new)))


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _undrawn_tables(mt: MappedText) -> MappedText:
    """Step 3: a table drawn with box characters or ASCII art as a pipe table (see the module docstring)."""
    text = mt.text
    if not any(c in text for c in "\u2502\u2503\u2551+"):
        return mt
    rows = [m.span() for m in _DRAWN_ROW_RE.finditer(text)]
    if rows:  # same-length replacement: the offsets stay
        pieces, pos = [], 0
        for start, end in rows:
            pieces += (text[pos:start], text[start:end].translate(_DRAWN_BARS))
            pos = end
        mt = MappedText("".join(pieces) + text[pos:], mt.raw_offsets, mt.raw_tails)
    rules = [m.span() for m in _DRAWN_RULE_RE.finditer(mt.text) if m.end() > m.start()]
    return _without_spans(mt, rules, len(mt.text)) if rules else mt


def _decode_entities(mt: MappedText) -> MappedText:
    """HTML character references decoded; each decoded character maps to the start of its reference.

    The reference's end is kept in `raw_tails`, so that a span ending in it covers all of it.

    A reference `html.unescape` does not know (`&foo;`) stays as written.
    """
    if "&" not in mt.text:
        return mt
    pieces: list[str] = []
    spans: list[tuple[int, int, int]] = []
    tails: dict[int, int] = {}
    pos = 0
    for m in _ENTITY_RE.finditer(mt.text):
        decoded = html.unescape(m.group())
        if decoded == m.group():
            continue
        pieces += (mt.text[pos : m.start()], decoded)
        spans.append((m.start(), m.end(), len(decoded)))
        tails[mt.raw_offsets[m.start()]] = mt.raw_offsets[m.end() - 1] + 1
        pos = m.end()
    if not spans:
        return mt
    pieces.append(mt.text[pos:])
    return MappedText("".join(pieces), _remapped(mt.raw_offsets, np.array(spans, dtype=np.int64)), tails)


def _without_invisible(mt: MappedText) -> MappedText:
    """Private-use dots after a line's number read as `.`; other invisible characters dropped (see steps)."""
    if not _INVISIBLE_RE.search(mt.text):
        return mt
    text = mt.text
    dots = [m.start("dot") for m in _PRIVATE_DOT_RE.finditer(text)]
    if dots:  # same length: the offset map is unchanged
        chars = list(text)
        for at in dots:
            chars[at] = "."
        mt = MappedText("".join(chars), mt.raw_offsets)
    return substitute(mt, _INVISIBLE_RE, "")


def _strip_glosses(mt: MappedText) -> MappedText:
    # Every gloss opens an ASCII parenthesis: too few of them, and the costly search is not needed.
    if not mt.text or mt.text.count("(") * 1000 / len(mt.text) < PINYIN_MIN_DENSITY:
        return mt
    split = split_at_matches(mt.text, PINYIN_GLOSS_RE)
    assert split is not None  # the gloss pattern has no backreferences
    if len(split[1]) * 1000 / len(mt.text) < PINYIN_MIN_DENSITY:
        return mt
    return _replaced(mt, split, "")


def _apply_noise(mt: MappedText, rules: tuple[NoiseRule, ...]) -> tuple[MappedText, list[str]]:
    fired: list[str] = []
    for rule in rules:
        if rule.action == "delete" and _may_match(rule.regex, mt.text):
            new = substitute(mt, rule.regex, "")
            if new is not mt:
                fired.append(rule.rule_id)
            mt = new
    lines = mt.text.split("\n")
    line_starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
    cut_at = len(mt.text)
    drop: list[tuple[int, int]] = []
    # Line rules fire line by line, in table order within a line, up to the line that cuts the rest.
    for line_no, rule in _line_rule_hits(lines, rules):
        start = line_starts[line_no]
        if start > cut_at:
            break
        fired.append(rule.rule_id)
        if rule.action == "cut_rest":
            cut_at = start
        else:
            drop.append((start, min(line_starts[line_no + 1], len(mt.text))))
    return _without_spans(mt, drop, cut_at), fired


def _may_match(regex: re.Pattern[str], text: str) -> bool:
    """False when `text` lacks every string of a clause the matches of `regex` need.

    A substring test is a fast scan; a case-blind regex (the noise rules) is
    not.  Strings (`电子` of `pg电子`), not characters: a plan holds 电 and 子
    apart far more often than 电子.
    """
    return all(any(piece in text for piece in clause) for clause in required_strings(regex))


def _line_rule_hits(lines: list[str], rules: tuple[NoiseRule, ...]) -> list[tuple[int, NoiseRule]]:
    """(line number, rule) for every line rule matching a line with its edge spaces stripped, in line order.

    Each rule is searched over all lines by `map` and `compress`, which loop in C.
    """
    stripped = [line.strip() for line in lines]
    hits = [
        (line_no, order)
        for order, rule in enumerate(rules)
        if rule.action != "delete"
        for line_no in compress(range(len(lines)), map(rule.regex.search, stripped))
    ]
    return [(line_no, rules[order]) for line_no, order in sorted(hits)]


def _without_spans(mt: MappedText, spans: list[tuple[int, int]], cut_at: int) -> MappedText:
    """`mt` up to `cut_at` less the (possibly overlapping) `spans`, by slices."""
    pieces: list[str] = []
    offsets = array("q")
    pos = 0
    for start, end in [*sorted(spans), (cut_at, cut_at)]:
        start, end = min(start, cut_at), min(end, cut_at)
        if start > pos:
            pieces.append(mt.text[pos:start])
            offsets += mt.raw_offsets[pos:start]
        pos = max(pos, end)
    offsets.append(mt.raw_offsets[cut_at])
    return MappedText("".join(pieces), offsets)


# The page numbers nothing else looks like: an official document's `— 3 —` (GB/T 9704 sets the number
# between two 一字线), `- 3 -`, `第3页 共12页`.  A bare `3` may be a flattened table's 序号 cell, so only these
# go wherever they stand; a bare number only where it cuts a sentence.
_UNMISTAKABLE_PAGE_MARK = (
    r"[-—–]{1,2}\s*[0-9]{1,3}\s*[-—–]{1,2}"
    r"|第\s*[0-9]{1,3}\s*页(?:\s*[,/]?\s*共\s*[0-9]{1,3}\s*页)?|共\s*[0-9]{1,3}\s*页\s*[,/]?\s*第\s*[0-9]{1,3}\s*页"
)
_DASHED_PAGE_MARK_RE = re.compile(rf"^\s*(?:{_UNMISTAKABLE_PAGE_MARK})\s*$")
# A page number alone on its line, as document-sharing sites and text copies of PDFs keep them.
_PAGE_MARK_RE = re.compile(rf"^\s*(?:[0-9]{{1,3}}\s*、?|{_UNMISTAKABLE_PAGE_MARK})\s*$")
# What the line after a page number may start with and still continue the sentence it cut.
_CONTINUES_RE = re.compile(r"^[\u3400-\u9fff0-9%％]")
# A line that ends mid-sentence: its last character is a Han character.
_OPEN_END_RE = re.compile(r"[\u3400-\u9fff]$")
# What opens a heading or item: such a line starts anew, it continues nothing.
_LABEL_START_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\(|第[一二三四五六七八九十0-9]+[章节条部篇]|[0-9]+[.、)]|[①-⑳★☆●■□◆▲])"
)
_BARE_NUMBER_RE = re.compile(r"^\s*([0-9]{1,3})\s*$")
# A number alone this few lines below the one before it is the next row's 序号 of a flattened table.
SERIAL_MAX_GAP_LINES = 12
PAGE_CUT_MIN_CHARS = 20  # the line a page number cuts is running text, not a heading
DOUBLED_MIN_CHARS = 8  # a line of at least this many characters, every one written twice
# A hard-wrapped text: at least this many lines, and this share of its long lines of one width.
WRAP_MIN_LINES = 8
WRAP_MIN_SHARE = 0.5
WRAP_MIN_WIDTH = 20
WRAP_MAX_WIDTH = 60
# A wrap width is the text's measure: few long lines run past it (a flattened table's cells of one width,
# among sentences of every length, are no wrap).
WRAP_MAX_OVER_SHARE = 0.2

# What is cut from every line's edges (structure.parse counts the cut tabs back from the raw text).
LINE_EDGE_SPACES = " \t\u00a0"
_BLANK_LINES_RE = re.compile(r"\n\n+")  # not \n{2,}: a literal prefix lets the engine skip ahead


def _without_line_edge_spaces(mt: MappedText) -> MappedText:
    """`mt` less the spaces that start or end each line."""
    edge: list[tuple[int, int]] = []
    pos = 0
    for line in mt.text.split("\n"):
        end = pos + len(line)
        if line and (line[0] in LINE_EDGE_SPACES or line[-1] in LINE_EDGE_SPACES):  # str.strip only where needed
            edge.append((pos, end - len(line.lstrip(LINE_EDGE_SPACES))))
            edge.append((pos + len(line.rstrip(LINE_EDGE_SPACES)), end))
        pos = end + 1
    return _without_spans(mt, edge, len(mt.text)) if edge else mt


def _without_outer_newlines(mt: MappedText) -> MappedText:
    """`mt` less its leading and trailing newlines."""
    lead = len(mt.text) - len(mt.text.lstrip("\n"))
    trail = len(mt.text) - len(mt.text.rstrip("\n"))
    if not (lead or trail):
        return mt
    return _without_spans(mt, [(0, lead), (len(mt.text) - trail, len(mt.text))], len(mt.text))


def _undone_layout(mt: MappedText) -> MappedText:
    """Step 6: doubled lines read once, page numbers that cut a sentence and hard wraps joined."""
    lines = mt.text.split("\n")
    starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
    drop: list[tuple[int, int]] = []
    for k, line in enumerate(lines):
        if len(line) >= DOUBLED_MIN_CHARS and len(line) % 2 == 0 and line[0::2] == line[1::2] and _HAN_RE.search(line):
            drop += [(starts[k] + i, starts[k] + i + 1) for i in range(1, len(line), 2)]
    serials = _serial_lines(lines)
    for k, line in enumerate(lines):
        if not _PAGE_MARK_RE.match(line):
            continue
        before = lines[k - 1].rstrip() if k else ""
        after = lines[k + 1].lstrip() if k + 1 < len(lines) else ""
        if (
            k not in serials
            and len(before) >= PAGE_CUT_MIN_CHARS
            and _OPEN_END_RE.search(before)
            and not _LABEL_START_RE.match(before)  # a heading above a table's serial number cell
            and _CONTINUES_RE.match(after)
            and not _LABEL_START_RE.match(after)  # `1.` starts an item: the sentence before ended
        ):
            drop.append((starts[k] - 1, starts[k + 1]))  # the marker with the line ends around it
        elif _DASHED_PAGE_MARK_RE.match(line):  # the marker's line, between two paragraphs (or last)
            drop.append(
                (starts[k], starts[k + 1]) if k + 1 < len(lines) else (max(starts[k] - 1, 0), starts[k] + len(line))
            )
    width = _wrap_width(lines)
    if width is not None:
        for k in range(len(lines) - 1):
            line, after = lines[k], lines[k + 1]
            if (
                abs(len(line) - width) <= 1
                and _OPEN_END_RE.search(line)
                and not _is_table_row(line)
                and after
                and not _is_table_row(after)
                and not _LABEL_START_RE.match(after)
                and not _PAGE_MARK_RE.match(after)  # a number alone (a table's 序号 cell) continues no sentence
            ):
                drop.append((starts[k + 1] - 1, starts[k + 1]))  # the wrap's line end
    return _without_spans(mt, drop, len(mt.text)) if drop else mt


def _is_table_row(line: str) -> bool:
    """A row of a table: cells split by tabs or pipes (no hard wrap; see `_wrap_width`)."""
    return "\t" in line or "|" in line


def _serial_lines(lines: list[str]) -> set[int]:
    """Lines holding a number alone that follows the one before it a few lines up: a flattened table's 序号.

    Page numbers rise too, but a page of text lies between them.
    """
    found: set[int] = set()
    last: tuple[int, int] | None = None  # (line, number) of the last number alone on its line
    for k, line in enumerate(lines):
        if (m := _BARE_NUMBER_RE.match(line)) is None:
            continue
        number = int(m.group(1))
        if last is not None and number == last[1] + 1 and k - last[0] <= SERIAL_MAX_GAP_LINES:
            found.add(k)
        last = (k, number)
    return found


def _wrap_width(lines: list[str]) -> int | None:
    """The width a text is hard-wrapped at, if most of its long lines share one (±1) and few run past it."""
    # A table's row (cells split by tabs, as the readers of DOCX, PDF and HTML tables write them, or by
    # pipes) is as long as its cells, not a wrap: rows of one table share a length and would pass for one.
    long = [len(line) for line in lines if len(line) >= WRAP_MIN_WIDTH and not _is_table_row(line)]
    if len(long) < WRAP_MIN_LINES:
        return None
    counts: dict[int, int] = {}
    for n in long:
        counts[n] = counts.get(n, 0) + 1
    width = max(counts, key=lambda n: (counts.get(n - 1, 0) + counts[n] + counts.get(n + 1, 0), n))
    share = (counts.get(width - 1, 0) + counts[width] + counts.get(width + 1, 0)) / len(long)
    over = sum(1 for n in long if n > width + 1) / len(long)
    return width if share >= WRAP_MIN_SHARE and over <= WRAP_MAX_OVER_SHARE and width <= WRAP_MAX_WIDTH else None


def normalise(raw: RawDocument, rules: tuple[NoiseRule, ...] | None = None) -> NormalisedDocument:
    """Normalise one raw document (see the module docstring for the steps)."""
    rules = load_noise_rules() if rules is None else rules
    mt = identity_map(raw.raw_text)
    mt = substitute(mt, re.compile(r"\ufeff"), "")
    mt = substitute(mt, re.compile(r"\r\n?"), "\n")
    mt = _decode_entities(mt)
    tails = mt.raw_tails  # kept by raw offset, which the steps below never change for a character kept
    mt = _without_invisible(mt)
    mt = _strip_glosses(mt)
    mt = MappedText(fold_width(mt.text), mt.raw_offsets)
    mt = _undrawn_tables(mt)
    mt, script = to_simplified(mt)
    mt, fired = _apply_noise(mt, rules)
    mt = _without_line_edge_spaces(mt)
    mt = substitute(mt, _BLANK_LINES_RE, "\n")
    mt = _without_outer_newlines(mt)
    mt = _undone_layout(mt)
    if tails:
        mt = MappedText(mt.text, mt.raw_offsets, tails)
    return NormalisedDocument(raw=raw, mapped=mt, script=script, removed=tuple(dict.fromkeys(fired)))
