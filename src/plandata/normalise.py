"""Stage 2: normalise raw text, keeping a map back to raw offsets.

Steps, in this order (each keeps the offset map exact):

1. line endings: CRLF and CR become LF; a byte-order mark is dropped;
2. pinyin glosses scraped from annotated web pages (`北(bei)京(jing)(jing)`,
   `設(shè)`) are removed, but only in documents dense with them, so a real
   parenthesis such as `(steam)` in an ordinary document is never touched;
3. full-width ASCII forms and the ideographic space fold to half-width;
4. the text goes through OpenCC `t2s` (traditional becomes simplified; on
   simplified text it changes next to nothing, and mixed pages come out simplified);
5. noise rules from `data/noise.csv` (spam, site chrome, footers) fire;
6. spaces at line ends and blank lines go.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from plandata.lexicon import NoiseRule, load_noise_rules
from plandata.model import MappedText, NormalisedDocument, RawDocument

OPENCC_CONFIG = "t2s"

# A gloss is a run of lowercase pinyin (tone marks allowed) in ASCII parentheses
# straight after a Han character; scraped pages repeat it, `(jing)(jing)`.
# The pattern opens with the literal `(` (the Han character is checked behind
# it) so that the regex engine can skip ahead to each parenthesis.
PINYIN_LETTERS = r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ]{1,7}"
PINYIN_GLOSS_RE = re.compile(rf"\((?<=[\u3400-\u9fff]\()(?:{PINYIN_LETTERS})\)(?:\((?:{PINYIN_LETTERS})\))*")
# Below this many glosses per 1,000 characters a document is not glossed.
PINYIN_MIN_DENSITY = 5.0
# Share of Han characters that t2s changes above which a text is traditional.
TRADITIONAL_MIN_SHARE = 0.03

_WIDTH_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_HAN_RUN_RE = re.compile(r"[\u3400-\u9fff]+")


def identity_map(text: str) -> MappedText:
    """The raw text mapped onto itself."""
    offsets = array("q")
    offsets.frombytes(np.arange(len(text) + 1, dtype=np.int64).tobytes())  # array(range(n)) is 10x slower
    return MappedText(text, offsets)


def substitute(mt: MappedText, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> MappedText:
    """`re.sub` over mapped text.

    A replacement as long as its match maps character for character; any
    other replacement maps every new character to the start of its match.
    """
    text, offsets = mt.text, mt.raw_offsets
    out: list[str] = []
    out_offsets = array("q")
    pos = mapped_to = 0  # text copied up to `pos`; offsets copied up to `mapped_to`
    for match in pattern.finditer(text):
        s, e = match.span()
        new = repl if isinstance(repl, str) else repl(match)
        out.append(text[pos:s])
        out.append(new)
        pos = e
        if len(new) != e - s:  # only a change of length breaks the run of offsets
            out_offsets += offsets[mapped_to:s]
            out_offsets += array("q", [offsets[s]]) * len(new)
            mapped_to = e
    if not out:
        return mt
    out.append(text[pos:])
    out_offsets += offsets[mapped_to:]
    return MappedText("".join(out), out_offsets)


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
    converted = translate_same_length(mt, _t2s())
    changed = sum(
        sum(map(str.__ne__, old, new))
        for old, new in zip(mt.text.split("\n"), converted.text.split("\n"), strict=True)
        if old != new
    )
    han = sum(map(len, _HAN_RUN_RE.findall(mt.text))) if changed else 0  # runs: far fewer matches than characters
    script = "zh-Hant" if han and changed / han >= TRADITIONAL_MIN_SHARE else "zh-Hans"
    return converted, script


def _strip_glosses(mt: MappedText) -> MappedText:
    # Every gloss opens an ASCII parenthesis: too few of them, and the costly search is not needed.
    if not mt.text or mt.text.count("(") * 1000 / len(mt.text) < PINYIN_MIN_DENSITY:
        return mt
    count = len(PINYIN_GLOSS_RE.findall(mt.text))
    if not mt.text or count * 1000 / len(mt.text) < PINYIN_MIN_DENSITY:
        return mt
    return substitute(mt, PINYIN_GLOSS_RE, "")


def _apply_noise(mt: MappedText, rules: tuple[NoiseRule, ...]) -> tuple[MappedText, list[str]]:
    fired: list[str] = []
    for rule in rules:
        if rule.action == "delete":
            new = substitute(mt, rule.regex, "")
            if new is not mt:
                fired.append(rule.rule_id)
            mt = new
    cut_at = len(mt.text)
    drop: list[tuple[int, int]] = []
    pos = 0
    for line in mt.text.split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        stripped = line.strip()
        for rule in rules:
            if rule.action == "delete" or not rule.regex.search(stripped):
                continue
            fired.append(rule.rule_id)
            if rule.action == "cut_rest":
                cut_at = min(cut_at, line_start)
            else:
                drop.append((line_start, min(line_end + 1, len(mt.text))))
        if cut_at < len(mt.text):
            break
    return _without_spans(mt, drop, cut_at), fired


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


_LINE_EDGE_SPACE_RE = re.compile(r"[ \t\u00a0]+(?=\n)|(?<=\n)[ \t\u00a0]+|^[ \t\u00a0]+|[ \t\u00a0]+$")
_BLANK_LINES_RE = re.compile(r"\n{2,}")
_LEADING_NEWLINES_RE = re.compile(r"^\n+|\n+$")


def normalise(raw: RawDocument, rules: tuple[NoiseRule, ...] | None = None) -> NormalisedDocument:
    """Normalise one raw document (see the module docstring for the steps)."""
    rules = load_noise_rules() if rules is None else rules
    mt = identity_map(raw.raw_text)
    mt = substitute(mt, re.compile(r"\ufeff"), "")
    mt = substitute(mt, re.compile(r"\r\n?"), "\n")
    mt = _strip_glosses(mt)
    mt = MappedText(mt.text.translate(_WIDTH_TABLE), mt.raw_offsets)
    mt, script = to_simplified(mt)
    mt, fired = _apply_noise(mt, rules)
    mt = substitute(mt, _LINE_EDGE_SPACE_RE, "")
    mt = substitute(mt, _BLANK_LINES_RE, "\n")
    mt = substitute(mt, _LEADING_NEWLINES_RE, "")
    return NormalisedDocument(raw=raw, mapped=mt, script=script, removed=tuple(dict.fromkeys(fired)))
