"""Numerals as written in Chinese plans: Arabic, full-width and Chinese.

`NUMERAL_RE` finds numeral tokens in running text; `parse_numeral` turns one
token into a float.  Chinese numerals go through cn2an, but only ever one
isolated token at a time: cn2an's whole-text transform rewrites words that
merely contain numeral characters (统一, 一流, 万一).

Rules, in the order `NUMERAL_RE` tries them:

1. ``百分之`` + a numeral (`百分之九十`, `百分之95`): a percentage;
2. an Arabic number with optional thousands separators and decimals
   (`1,200`, `98.5`), full-width digits included (`95`);
3. a Chinese numeral that starts with a digit character (`两`, `十`,
   `三千五百`, `九十八点五`).  A token made only of 百/千/万/亿 is not a
   number (`千家万户`, `百户比`): plans write 一百, 一千.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Characters of Chinese numerals: digits, positional words and the decimal point.
CN_DIGITS = "零〇一二两三四五六七八九"
CN_POSITIONS = "十百千万亿"
CN_NUMERAL_CHARS = CN_DIGITS + CN_POSITIONS + "点"
# Any numeral character, Arabic or Chinese: used by the rule tables' `{num}`.
NUMERAL_CLASS = f"[0-9{CN_DIGITS}{CN_POSITIONS}]"

_FULLWIDTH_DIGITS = {0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF0E: 0x2E, 0xFF0C: 0x2C}

_ARABIC = r"(?<![0-9a-zA-Z.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![0-9])"
_CHINESE = rf"[{CN_DIGITS}十](?:[{CN_DIGITS}{CN_POSITIONS}]|点(?=[{CN_DIGITS}]))*"
_FULLWIDTH = r"[０-９]+(?:[．.][０-９]+)?"

NUMERAL_RE = re.compile(
    rf"(?P<percent>百分之(?P<pnum>{_ARABIC}|{_CHINESE}))"
    rf"|(?P<arabic>{_ARABIC}|{_FULLWIDTH})"
    rf"|(?P<chinese>{_CHINESE})"
)

# Every character a numeral token can start with (百 of 百分之, any Unicode digit
# for `\d`, Chinese digits and 十): scanning for these first lets `next_numeral`
# skip the text between numerals quickly instead of trying `NUMERAL_RE` everywhere.
_NUMERAL_START_RE = re.compile(rf"[百\d０-９{CN_DIGITS}十]")

# Two digit characters in a row (四五, 一二, 二〇二五) make a list or a year
# written digit by digit, not a quantity; 零 may stand before a digit (一百零五).
_DIGIT_RUN_RE = re.compile(r"[〇一二两三四五六七八九]{2}")


# A year written digit by digit: 〇 also as 零, as the circle ○ or as a letter O or a zero.
CN_YEAR = "(?:一九|二[〇零○O0])[〇零○O0一二三四五六七八九]{2}"
# A year as plans write it, Arabic or Chinese (`year_number` reads it); the patterns of
# data/year_forms.csv spell the same.
YEAR = rf"(?:(?:19|20)\d{{2}}|{CN_YEAR})"
_YEAR_DIGITS = str.maketrans("〇零○O0一二三四五六七八九", "00000123456789")


def year_number(text: str) -> int:
    """The year `2025`, `二〇二五` or `二O二五` names."""
    return int(text.translate(_YEAR_DIGITS))


def next_numeral(text: str, pos: int, end: int) -> re.Match[str] | None:
    """Same as `NUMERAL_RE.search(text, pos, end)`, faster on text with few numerals."""
    while (start := _NUMERAL_START_RE.search(text, pos, end)) is not None:
        m = NUMERAL_RE.match(text, start.start(), end)
        if m is not None:
            return m
        pos = start.start() + 1
    return None


def fold_digits(text: str) -> str:
    """Full-width digits, point and comma as ASCII (the text keeps its length)."""
    return text.translate(_FULLWIDTH_DIGITS)


@lru_cache(maxsize=4096)  # tokens repeat (十四, 五) and cn2an is slow
def parse_chinese(token: str) -> float | None:
    """Value of one Chinese numeral token, or None when it is not a number."""
    if not token or _DIGIT_RUN_RE.search(token) or token[0] in CN_POSITIONS.replace("十", ""):
        return None
    # Imported here: it costs 0.15 s, most documents never need it, and a rebuild processes one or two.
    import cn2an

    try:
        value = cn2an.cn2an(token, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    return float(value)


def parse_arabic(token: str) -> float | None:
    """Value of an Arabic token (full-width digits and thousands separators allowed)."""
    try:
        return float(fold_digits(token).replace(",", ""))
    except ValueError:
        return None


@lru_cache(maxsize=4096)  # tokens repeat (一, 十, 100) and cn2an is slow
def parse_numeral(token: str) -> float | None:
    """Value of one numeral token of any script; `百分之九十` is 90 (per cent).

    Returns None for tokens that are not numbers (`十四五`, `百`).
    """
    token = token.strip()
    if token.startswith("百分之"):
        return parse_numeral(token[3:])
    if re.fullmatch(r"[0-9０-９.,．，]+", token):
        return parse_arabic(token)
    return parse_chinese(token)


def is_chinese(token: str) -> bool:
    """True when the token is written in Chinese numerals."""
    return bool(token) and all(ch in CN_NUMERAL_CHARS for ch in token)
