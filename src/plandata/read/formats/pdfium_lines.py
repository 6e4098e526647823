"""A PDF page's text lines from pypdfium2, as pdfplumber's `extract_text_lines` would give them.

pdfplumber interprets every content stream in Python (pdfminer) and turns
every object into a dict; pdfium does the interpreting in C, tens of times
faster.  On a page without path objects (so without rules, hence without
tables for `find_tables` or a three-line table) only the text lines are
needed, and they are rebuilt here from pdfium's characters:

- each character's box is the one pdfminer gives it: x0 the origin, x1 the
  origin plus the glyph's advance (from the font's widths), top and bottom
  one font size apart above the font descriptor's descent (pdfminer reads
  it from the descriptor, 0 when absent, as LibreOffice writes it; pdfium
  substitutes the font file's, so the descriptor's is read with pdfminer);
- characters are grouped into lines, and lines ordered, by pdfplumber's own
  rules (clusters of `top` within 3 pt, words split at blanks and gaps, a
  line per cluster of word tops), so a line holds the same characters.

Where pdfium and pdfminer could disagree, `page_lines` gives None and the
page is read with pdfplumber: rotated or cropped pages, scaled or turned
text, glyphs with no Unicode mapping, hyphens pdfium rewrites (U+0002),
one glyph read as several characters (ligatures), fonts that are not the
page's own (in a form XObject), Type 3, vertical or without a ToUnicode map.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from collections.abc import Callable
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
from pdfminer.pdffont import PDFFont
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFObjRef
from pdfminer.pdftypes import dict_value
from pdfminer.psparser import literal_name

# pdfplumber's defaults for extract_text_lines.
_X_TOLERANCE = 3.0
_Y_TOLERANCE = 3.0
# pdfplumber writes these ligatures out as letters, each letter keeping the ligature's char.
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
# What pdfium puts for a hyphen at a line's end (the original, `-` or a soft hyphen, is lost) and for a
# character it cannot map.
_REWRITTEN = {0x0, 0x2, 0xFFFE, 0xFFFF}
_WHITESPACE = {0x20, 0x0D, 0x0A}
_SUBSET_PREFIX_RE = re.compile(r"^[A-Z]{6}\+")
# Font name (without subset prefix) -> pdfminer's descent in text space units per font size; None when a
# font of that name cannot be read through pdfium the way pdfminer reads it.
Fonts = dict[str, float | None]


def page_fonts(
    page: PDFPage, make_font: Callable[[int | None, dict], PDFFont], known: dict[int, tuple[str, float | None]]
) -> Fonts:
    """The page's own fonts by name, with the descent pdfminer gives them (None: not readable here).

    `make_font(objid, spec)` is pdfminer's `PDFResourceManager.get_font`; `known` keeps, across the pages
    of one document, what a font object gave (pages share their fonts).
    """
    out: Fonts = {}
    resources = dict_value(page.resources) if page.resources else {}
    for ref in dict_value(resources.get("Font", {})).values():
        objid = ref.objid if isinstance(ref, PDFObjRef) else None
        if objid is None or objid not in known:
            spec = dict_value(ref)
            font = make_font(objid, spec)
            name = _SUBSET_PREFIX_RE.sub("", literal_name(spec.get("BaseFont", "")) or "")
            readable = "ToUnicode" in spec and not font.is_vertical() and literal_name(spec.get("Subtype")) != "Type3"
            entry = (name, font.get_descent() if readable else None)
            if objid is not None:
                known[objid] = entry
        else:
            entry = known[objid]
        name, descent = entry
        # Two fonts of one name (two subsets) that differ cannot be told apart from pdfium's side.
        out[name] = descent if name not in out or out[name] == descent else None
    return out


def _font_name(font: Any) -> str:
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("utf-8", "replace")


# A text object as read here: (pdfium font, its address, font size, pdfminer descent).
_Object = tuple[Any, int, float, float]


def page_chars(page: pypdfium2.PdfPage, textpage: pypdfium2.PdfTextPage, fonts: Fonts) -> list[dict] | None:
    """The page's characters in content order as {text, x0, x1, top, bottom}, or None (see the module docstring)."""
    box = page.get_mediabox()
    if page.get_rotation() or box[:2] != (0, 0) or page.get_cropbox() != box:
        return None  # pdfplumber measures `top` from the media box's top, turned with the page
    height = box[3]
    raw = textpage.raw
    x, y = ctypes.c_double(), ctypes.c_double()
    width = ctypes.c_float()
    matrix = pdfium_c.FS_MATRIX()
    objects: dict[int | None, _Object | None] = {}
    names: dict[int | None, str] = {}
    widths: dict[tuple[int, int, float], float] = {}
    chars: list[dict] = []
    previous: tuple[int | None, float, float] | None = None
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code in _WHITESPACE and pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue  # pdfium's own word and line breaks: not glyphs of the page
        if code in _REWRITTEN or pdfium_c.FPDFText_HasUnicodeMapError(raw, i):
            return None
        obj = pdfium_c.FPDFText_GetTextObject(raw, i)
        key = ctypes.cast(obj, ctypes.c_void_p).value
        if key not in objects:
            objects[key] = _object_font(raw, i, obj, matrix, fonts, names)
        entry = objects[key]
        if entry is None:
            return None
        font, font_key, size, descent = entry
        pdfium_c.FPDFText_GetCharOrigin(raw, i, x, y)
        origin = (key, x.value, y.value)
        if origin == previous:
            return None  # one glyph mapped to several characters (a ligature): pdfminer keeps one
        previous = origin
        glyph = (font_key, code, size)
        if glyph not in widths:
            # The advance from the font's widths, as pdfminer takes it (the loose box may be the glyph's ink).
            if not pdfium_c.FPDFFont_GetGlyphWidth(font, code, size, width):
                return None
            widths[glyph] = width.value
        base = y.value + descent * size
        x0 = x.value
        chars.append(
            {
                "text": chr(code),
                "x0": x0,
                "x1": x0 + widths[glyph],
                "top": height - (base + size),
                "bottom": height - base,
            }
        )
    return chars


def _object_font(
    raw: Any, index: int, obj: Any, matrix: Any, fonts: Fonts, names: dict[int | None, str]
) -> _Object | None:
    """The text object of character `index` as read here; None if pdfium cannot read it as pdfminer does."""
    if not obj or not pdfium_c.FPDFText_GetMatrix(raw, index, matrix):
        return None
    # Only text set upright at its font size: pdfium and pdfminer scale a turned or stretched glyph differently.
    if abs(matrix.a - 1) > 1e-6 or abs(matrix.d - 1) > 1e-6 or matrix.b or matrix.c:
        return None
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    if not font:
        return None
    font_key = ctypes.cast(font, ctypes.c_void_p).value
    if font_key not in names:
        names[font_key] = _font_name(font)
    descent = fonts.get(names[font_key])
    if descent is None or font_key is None:
        return None
    return font, font_key, pdfium_c.FPDFText_GetFontSize(raw, index), descent


def _clusters(values: list[float], tolerance: float) -> dict[float, int]:
    """pdfplumber's `make_cluster_dict`: each value's cluster, values chained while within `tolerance`."""
    out: dict[float, int] = {}
    last: float | None = None
    n = -1
    for value in sorted(set(values)):
        if last is None or value > last + tolerance:
            n += 1
        out[value] = n
        last = value
    return out


def _words(chars: list[dict]) -> list[list[dict]]:
    """pdfplumber's words of one line's characters (sorted by x0): split at blanks and at gaps."""
    words: list[list[dict]] = []
    word: list[dict] = []
    for char in chars:
        if char["text"].isspace():
            if word:
                words.append(word)
            word = []
        elif word and (
            char["x0"] < word[-1]["x0"]
            or char["x0"] > word[-1]["x1"] + _X_TOLERANCE
            or abs(char["top"] - word[-1]["top"]) > _Y_TOLERANCE
        ):
            words.append(word)
            word = [char]
        else:
            word.append(char)
    if word:
        words.append(word)
    return words


def text_lines(chars: list[dict]) -> list[dict]:
    """pdfplumber's `extract_text_lines(return_chars=True)` of upright characters: {x0, x1, top, bottom, chars}."""
    if not chars:
        return []
    by_top = _clusters([c["top"] for c in chars], _Y_TOLERANCE)
    ordered = sorted(chars, key=lambda c: by_top[c["top"]])
    words = [
        word
        for _, line in itertools.groupby(ordered, key=lambda c: by_top[c["top"]])
        for word in _words(sorted(line, key=lambda c: c["x0"]))
    ]
    tops = [min(c["top"] for c in word) for word in words]
    by_word_top = _clusters(tops, _Y_TOLERANCE)
    lines = []
    for _, group in itertools.groupby(zip(words, tops, strict=True), key=lambda wt: by_word_top[wt[1]]):
        line = [c for word, _ in group for c in word for _ in _LIGATURES.get(c["text"], c["text"])]
        if not line or not "".join(c["text"] for c in line).strip():
            continue
        lines.append(
            {
                "x0": min(c["x0"] for c in line),
                "x1": max(c["x1"] for c in line),
                "top": min(c["top"] for c in line),
                "bottom": max(c["bottom"] for c in line),
                "chars": line,
            }  # fmt: skip
        )
    return lines
