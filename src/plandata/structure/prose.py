"""Sentence-level rules of the outline: titles of items and paragraphs, title lines, closings.

- A numbered item's title is its first clause up to `。`, `;`, `:`, `!` or `?`
  (`1.加快智慧校园建设。完善校园网络…`).
- An unnumbered paragraph is a measure when its first sentence reads as a
  title: short, ended by `。`, followed by a body, not opening like prose
  (`data/prose_cues.csv`: news leads, preambles, subjects, years …).
- A document's title line names a plan type at its end (`data/title_cues.csv`)
  and has no sentence punctuation.
- A bare heading is a short line of words alone (`游戏教学推广计划`), read as a
  measure only where the document sets its headings on lines of their own
  (see `parse.py`).
- Dates, document numbers and signatures close a document; they are no text
  of any measure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from plandata.rules.lexicon import read_table

# Longest first sentence still read as a paragraph's title; the seeds' titles
# have 8–19 characters, their intro paragraphs and news leads open with 33+.
PARAGRAPH_TITLE_MAX_CHARS = 30
PARAGRAPH_TITLE_MIN_CHARS = 2
# A title has at most three clauses (`扩大优质资源,促进均衡发展`).
PARAGRAPH_TITLE_MAX_COMMAS = 2
TITLE_LINE_MIN_CHARS = 5
TITLE_LINE_MAX_CHARS = 80
TITLE_PREFIX_MAX_CHARS = 40
BARE_HEADING_MIN_CHARS = 4
BARE_HEADING_MAX_CHARS = 24

_RUN_IN_END_RE = re.compile(r"[。;!?]|:(?!\d)")
_SENTENCE_END_RE = re.compile(r"[。!?]")
_BODY_PUNCTUATION_RE = re.compile(r"[。!?,;]")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
_NON_SPACE_RE = re.compile(r"\S")  # what `str.strip` keeps
_TITLE_BREAK_RE = re.compile(r"[:;|\t]")  # none in a paragraph's title
_TITLE_FORBIDDEN_RE = re.compile(r"[。,;:!?、]")
_NOT_IN_TITLE_RE = re.compile(r"[<>|/@#=]|\d{4}-\d{1,2}-\d")  # breadcrumbs, addresses, timestamps of web pages
_TITLE_TAIL_RE = re.compile(r"(?:\([^()]{1,20}\))?$")  # (2021—2025年), (试行)
_DATE_RE = re.compile(
    r"^(?:(?:19|20)\d\d年\d{1,2}月\d{1,2}日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)"
    r"(?:印发|发布)?$"
)
_DOCUMENT_NUMBER_RE = re.compile(r"^[\u4e00-\u9fff]{1,10}[〔\[(【]\d{4}[〕\])】]\d{1,4}号$")
_PUBLICATION_NOTE_RE = re.compile(r"^\(此件[^()]{0,12}\)$")  # (此件公开发布)
SIGNATURE_MAX_CHARS = 30
_SIGNATURE_RE = re.compile(r"^[\u4e00-\u9fff()\s]+$")
_ATTACHMENT_RE = re.compile(r"^附件\s*\d{0,2}\s*(?::|$|(?=[\u4e00-\u9fff《]))")
ATTACHMENT_CAPTION_MAX_CHARS = 40


@dataclass(frozen=True)
class ProseCue:
    """A pattern of a sentence's opening that marks it as prose, not a title."""

    cue_id: str
    regex: re.Pattern[str]
    example: str


@lru_cache(maxsize=1)
def prose_cues() -> tuple[ProseCue, ...]:
    """The cues of `data/prose_cues.csv`, compiled."""
    rows = read_table("prose_cues.csv", ("cue_id", "pattern", "example", "seen_in", "note"), "cue_id")
    return tuple(ProseCue(r["cue_id"], re.compile(r["pattern"]), r["example"]) for r in rows)


@lru_cache(maxsize=1)
def title_words() -> tuple[tuple[str, str], ...]:
    """`(cue_id, word)` pairs of `data/title_cues.csv`: plan types that end a title."""
    rows = read_table("title_cues.csv", ("cue_id", "word", "example", "seen_in", "note"), "cue_id")
    return tuple((r["cue_id"], r["word"]) for r in rows)


def prose_cue(sentence: str) -> str | None:
    """Id of the first prose cue that fires on `sentence`, if any."""
    return next((c.cue_id for c in prose_cues() if c.regex.search(sentence)), None)


def run_in_title(text: str) -> str:
    """Title of a numbered item: its text up to the first clause end."""
    m = _RUN_IN_END_RE.search(text)
    return (text[: m.start()] if m else text).strip().rstrip("。")


def paragraph_title(text: str) -> str | None:
    """Title of an unnumbered paragraph, or None when it is no titled paragraph."""
    m = _SENTENCE_END_RE.search(text)
    if not m or not _NON_SPACE_RE.search(text, m.end()):  # a body follows the first sentence
        return None
    title = text[: m.start()].strip()
    if not PARAGRAPH_TITLE_MIN_CHARS <= len(title) <= PARAGRAPH_TITLE_MAX_CHARS:
        return None
    if title.count(",") > PARAGRAPH_TITLE_MAX_COMMAS or _TITLE_BREAK_RE.search(title) or not _HAN_RE.search(title):
        return None
    return None if prose_cue(title) else title


def title_line(text: str) -> str | None:
    """The plan title a line holds (`北京市…实施方案`), or None."""
    line = text.strip()
    if line.startswith("《") and line.endswith("》"):
        line = line[1:-1]
    if not TITLE_LINE_MIN_CHARS <= len(line) <= TITLE_LINE_MAX_CHARS or _TITLE_FORBIDDEN_RE.search(line):
        return None
    if _NOT_IN_TITLE_RE.search(line):
        return None
    body = _TITLE_TAIL_RE.sub("", line)
    return line if any(body.endswith(word) for _, word in title_words()) else None


def is_attachment_line(text: str) -> bool:
    """`附件`, `附件2:…任务分工表`: the main text ends, an attachment starts."""
    line = text.strip()
    # a caption, not a sentence that happens to open with 附件 (附件所列任务要…。)
    return bool(_ATTACHMENT_RE.match(line)) and len(line) <= ATTACHMENT_CAPTION_MAX_CHARS and "。" not in line


def is_title_prefix(text: str) -> bool:
    """A line that may be the first half of a title broken over two lines."""
    line = text.strip()
    return (
        0 < len(line) <= TITLE_PREFIX_MAX_CHARS
        and bool(_HAN_RE.search(line))
        and not _TITLE_FORBIDDEN_RE.search(line)
        and not _NOT_IN_TITLE_RE.search(line)
        and not is_closing_line(line)
        and title_line(line) is None
    )


def is_closing_line(text: str) -> bool:
    """A date, document number or publication note: part of no measure's text."""
    line = text.strip()
    return bool(_DATE_RE.match(line) or _DOCUMENT_NUMBER_RE.match(line) or _PUBLICATION_NOTE_RE.match(line))


def is_signature_line(text: str) -> bool:
    """A short line of Chinese words only, such as the issuing bodies above the date."""
    line = text.strip()
    return 0 < len(line) <= SIGNATURE_MAX_CHARS and bool(_SIGNATURE_RE.match(line))


def bare_heading(text: str) -> str | None:
    """A short line of words with no sentence punctuation, which may head the paragraph below it."""
    line = text.strip()
    if not BARE_HEADING_MIN_CHARS <= len(line) <= BARE_HEADING_MAX_CHARS or not _HAN_RE.search(line):
        return None
    if _TITLE_FORBIDDEN_RE.search(line) or _NOT_IN_TITLE_RE.search(line) or _TITLE_BREAK_RE.search(line):
        return None
    if is_closing_line(line) or prose_cue(line):  # a plan name (…计划) may head its paragraph
        return None
    return line


def is_body_line(text: str) -> bool:
    """A line of running text: longer than a heading, and holding a sentence end or a comma (cut off)."""
    line = text.strip()
    return len(line) > BARE_HEADING_MAX_CHARS and bool(_BODY_PUNCTUATION_RE.search(line))
