"""Numbering families of Chinese plan documents: the rule table behind the outline.

Every heading or item of a plan starts with a label of one numbering style:
`第一章`, `第一节`, `第一条`, `一、`, `(一)`, `1.`, `(1)`, `1)`, `①`, or a bullet glyph.
`STYLES` lists them once, with the measure kind they give, a pattern for the
label at the start of a line, an example, and the *conventional rank* used in
Chinese official documents (GB/T 9704: 一、 > (一) > 1. > (1); 第X条 of rules sit above them).

The conventional rank is only a fallback.  The rank of a style inside one
document comes from the order in which the document nests its styles (see
`outline.py`); the convention decides only where the document gives no
evidence, e.g. in an excerpt that starts in the middle of a list.

Text reaching this module is normalised: full-width `(`, `1．` and `，` are
already half-width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from plandata.rules.rule_regex import first_chars

# Chinese numerals as written in labels (两 and 〇 occur in real documents).
CHINESE_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_UNITS = {"十": 10, "百": 100}
_CN = "[〇零一二两三四五六七八九十百]"

# Bullet glyphs that open a measure; a run of two or more ASCII hyphens and a
# double em dash do too.  A double em dash also opens subtitles
# (`——在…会议上的讲话`), so parse.py takes it as a bullet only before a run-in
# title, and a line of hyphens alone is a rule, not a bullet.
BULLET_GLYPHS = "★☆●○◆◇■□▲△▶►•◎※➢➤✦✧√✔"
DASH_BULLETS = ("-", "—")  # style keys of the hyphen-run and em-dash bullets
_BULLET_RE = re.compile(rf"[{BULLET_GLYPHS}]|-{{2,}}|——")


@dataclass(frozen=True)
class NumberingStyle:
    """One numbering family: how its label looks and what measure it opens."""

    key: str  # style id, unique
    kind: str  # value of tables.MEASURE_KINDS
    pattern: re.Pattern[str]  # label at the start of a line; group `num` holds the numeral
    conventional_rank: int  # 0 is the outermost
    example: str  # a label of this style, as written
    note: str


def _style(key: str, kind: str, pattern: str, rank: int, example: str, note: str) -> NumberingStyle:
    return NumberingStyle(key, kind, re.compile(pattern), rank, example, note)


STYLES: tuple[NumberingStyle, ...] = (
    _style(
        "division",
        "chapter",
        rf"第(?P<num>{_CN}{{1,4}}|[0-9]{{1,2}})(?:部分|篇)",
        0,
        "第一部分",
        "parts of long plans (第一部分 发展基础)",
    ),
    _style("chapter", "chapter", rf"第(?P<num>{_CN}{{1,4}}|[0-9]{{1,2}})章", 1, "第一章", "chapters of 规划 documents"),
    _style("section", "section", rf"第(?P<num>{_CN}{{1,4}}|[0-9]{{1,2}})节", 2, "第一节", "sections inside a chapter"),
    _style(
        "article",
        "article",
        rf"第(?P<num>{_CN}{{1,4}}|[0-9]{{1,3}})条(?![件款例])",
        3,
        "第一条",
        "articles of 办法, 细则 and 条例-like plans (第一条 为了…); not 条件, 条款",
    ),
    _style("part", "part", rf"(?P<num>{_CN}{{1,4}})[、.]", 4, "一、", "top level of most plans and 意见"),
    _style("subpart", "subpart", rf"\((?P<num>{_CN}{{1,4}})\)", 5, "(一)", "both （一） and (一) (normalised)"),
    _style(
        "item",
        "item",
        r"(?:(?P<num>[0-9]{1,3})[.、](?![0-9])|(?P<dotted>[⒈-⒛]))",
        6,
        "1.",
        "1. 1、 1． (normalised) and the single characters ⒈…⒛; never a decimal such as 1.5",
    ),
    _style(
        "subitem",
        "subitem",
        r"(?:\((?P<num>[0-9]{1,3})\)|(?P<paren>[⑴-⒇]))",
        7,
        "(1)",
        "(1) （1） (normalised) and the single characters ⑴…⒇",
    ),
    _style(
        "halfparen",
        "subitem",
        r"(?P<num>[0-9]{1,2})\)(?=[\u4e00-\u9fff“《])",
        8,
        "1)",
        "1) with a closing bracket only, before the item's words; a style of its own, nested as the document nests it",
    ),
    _style("point", "point", r"(?P<circled>[①-⑳])", 9, "①", "circled numbers ①…⑳"),
)
STYLES_BY_KEY = {s.key: s for s in STYLES}
BULLET_RANK = 10  # bullets sit below every numbered style by convention
BULLET_PREFIX = "bullet:"  # style key of a bullet: prefix + glyph (a hyphen run counts as one glyph)

# A label glued to the end of a heading on the same line:
# `一、明确目标任务,促进学前教育快速发展1、学前三年教育发展目标。`; the first of its
# list (ordinal 1), or the next one of a list already open (`…管理网络3、理顺…` after `2、`).
_RUN_ON_LABEL_RE = re.compile(
    rf"(?<=[\u4e00-\u9fff”》)])(?:[0-9]{{1,2}}[、.](?!\d)|\({_CN}{{1,3}}\)|\([0-9]{{1,2}}\)|[①-⑳])(?=[\u4e00-\u9fff“《])"
)


@dataclass(frozen=True)
class Label:
    """A label found at the start of a line."""

    style_key: str
    kind: str
    text: str  # as written
    ordinal: int | None  # None for bullets: their ordinal is their place among siblings
    end: int  # offset just after the label in the line (spaces after it skipped)


def chinese_numeral(text: str) -> int | None:
    """Value of a Chinese numeral up to 999 (`十二` is 12, `二十` 20, `一百零五` 105)."""
    if not text:
        return None
    if all(c in CHINESE_DIGITS for c in text) and len(text) > 1:  # 二〇二一 style: digit by digit
        return int("".join(str(CHINESE_DIGITS[c]) for c in text))
    total, digit = 0, None
    for c in text:
        if c in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[c]
        elif c in CHINESE_UNITS:
            total += (1 if digit is None else digit) * CHINESE_UNITS[c]
            digit = None
        else:
            return None
    return total + (digit or 0)


def _ordinal(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    if groups.get("dotted"):
        return ord(groups["dotted"]) - ord("⒈") + 1
    if groups.get("paren"):
        return ord(groups["paren"]) - ord("⑴") + 1
    if groups.get("circled"):
        return ord(groups["circled"]) - ord("①") + 1
    num = groups.get("num") or ""
    return int(num) if num.isascii() and num.isdigit() else chinese_numeral(num)


@lru_cache(maxsize=1)
def _labels_by_start() -> dict[str, tuple[tuple[NumberingStyle, ...], bool]] | None:
    """For each character a label can start with: the styles (in order) and whether a bullet can.

    None when the start of some pattern is unknown.  Most lines start with
    none of these characters, and the rest with the characters of one or two
    styles: only those are tried.
    """
    starts = [first_chars(style.pattern) for style in STYLES]
    bullet_starts = first_chars(_BULLET_RE)
    if bullet_starts is None or any(s is None for s in starts):
        return None
    chars = bullet_starts.union(*starts)  # type: ignore[arg-type]
    return {
        c: (tuple(style for style, s in zip(STYLES, starts, strict=True) if c in s), c in bullet_starts)  # type: ignore[operator]
        for c in chars
    }


def match_label(line: str) -> Label | None:
    """The numbering label at the start of `line`, if any (bullets included)."""
    by_start = _labels_by_start()
    styles, bullet = (STYLES, True) if by_start is None else by_start.get(line[:1], ((), False))
    for style in styles:
        m = style.pattern.match(line)
        if m:
            return Label(style.key, style.kind, m.group(0), _ordinal(m), _skip_spaces(line, m.end()))
    m = _BULLET_RE.match(line) if bullet else None
    if m:
        glyph = m.group(0)[0] if m.group(0)[0] in DASH_BULLETS else m.group(0)
        return Label(BULLET_PREFIX + glyph, "bullet", m.group(0), None, _skip_spaces(line, m.end()))
    return None


def _skip_spaces(line: str, at: int) -> int:
    while at < len(line) and line[at] in " \t\u00a0":
        at += 1
    return at


def run_on_label_at(text: str, next_ordinals: dict[str, int] | None = None) -> int | None:
    """Offset in `text` of a label (1、 (一) (1) ①) glued after a heading title.

    The label opens its list (ordinal 1) or continues one: its ordinal is the
    one `next_ordinals` expects for its style (the last seen plus one).
    """
    for m in _RUN_ON_LABEL_RE.finditer(text):
        if m.start() < 2:
            continue
        label = match_label(text[m.start() :])
        if label is None:
            continue
        if label.ordinal == 1 or (next_ordinals or {}).get(label.style_key) == label.ordinal:
            return m.start()
    return None


def conventional_rank(style_key: str) -> int:
    """Rank of a style in the conventional order (0 outermost)."""
    style = STYLES_BY_KEY.get(style_key)
    return style.conventional_rank if style else BULLET_RANK


def kind_of(style_key: str) -> str:
    """Measure kind of a style key."""
    style = STYLES_BY_KEY.get(style_key)
    return style.kind if style else "bullet"
