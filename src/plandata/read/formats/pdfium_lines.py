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
_REWRITTEN = frozenset("\x00\x02\ufffe\uffff")
_WHITESPACE = frozenset(" \r\n")
_SUBSET_PREFIX_RE = re.compile(r"^[A-Z]{6}\+")
# Font name (without subset prefix) -> (pdfminer's descent in text space units per font size, pdfminer's
# font); None when a font of that name cannot be read through pdfium the way pdfminer reads it.
Fonts = dict[str, tuple[float, PDFFont | None] | None]


def _by_address(function: Any) -> Any:
    """A function of pdfium's raw API that takes and gives its handles (page, text page, object, font) as ints.

    pypdfium2's typed handle pointers cost several times the call itself, and this is called for every
    character of every page.
    """

    def plain(kind: Any) -> Any:
        return ctypes.c_void_p if kind is not None and kind.__name__.startswith("LP_struct_fpdf_") else kind

    prototype = ctypes.CFUNCTYPE(plain(function.restype), *map(plain, function.argtypes))
    return prototype(ctypes.cast(function, ctypes.c_void_p).value)


_get_unicode = _by_address(pdfium_c.FPDFText_GetUnicode)
_is_generated = _by_address(pdfium_c.FPDFText_IsGenerated)
_unmapped = _by_address(pdfium_c.FPDFText_HasUnicodeMapError)
_text_object = _by_address(pdfium_c.FPDFText_GetTextObject)
_char_origin = _by_address(pdfium_c.FPDFText_GetCharOrigin)
_char_matrix = _by_address(pdfium_c.FPDFText_GetMatrix)
_font_size = _by_address(pdfium_c.FPDFText_GetFontSize)
_object_font_handle = _by_address(pdfium_c.FPDFTextObj_GetFont)
_font_base_name = _by_address(pdfium_c.FPDFFont_GetBaseFontName)
_glyph_width = _by_address(pdfium_c.FPDFFont_GetGlyphWidth)
_count_objects = _by_address(pdfium_c.FPDFPage_CountObjects)
_get_object = _by_address(pdfium_c.FPDFPage_GetObject)
_object_type = _by_address(pdfium_c.FPDFPageObj_GetType)
_count_form_objects = _by_address(pdfium_c.FPDFFormObj_CountObjects)
_get_form_object = _by_address(pdfium_c.FPDFFormObj_GetObject)


def _address(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def has_paths(page: pypdfium2.PdfPage) -> bool:
    """Whether the page draws any path (a rule, a box), in its forms too: only then can it hold a table."""
    return _holds_path(_address(page.raw), _count_objects, _get_object, 0)


def _holds_path(parent: int, count: Callable, get: Callable, depth: int) -> bool:
    # The raw API, not `PdfPage.get_objects`, which makes a Python object of every text object on the way.
    for i in range(count(parent)):
        obj = get(parent, i)
        kind = _object_type(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            return True
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM and (
            depth >= 15 or _holds_path(obj, _count_form_objects, _get_form_object, depth + 1)
        ):
            return True  # nested past any sensible depth: say yes, so pdfplumber reads it
    return False


def page_fonts(
    page: PDFPage, make_font: Callable[[int | None, dict], PDFFont], known: dict[int, tuple[str, PDFFont, bool]]
) -> Fonts:
    """The page's own fonts by name, with what pdfminer makes of them (None: not readable here).

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
            entry = (name, font, readable)
            if objid is not None:
                known[objid] = entry
        else:
            entry = known[objid]
        name, font, readable = entry
        value = (font.get_descent(), font) if readable else None
        out[name] = _one_of_two(out[name], value) if name in out and out[name] != value else value
    return out


def _one_of_two(a: tuple[float, PDFFont | None] | None, b: tuple[float, PDFFont | None] | None) -> Any:
    """What two fonts of one name (two subsets), which pdfium's side cannot tell apart, can both give.

    Their descent, if they share it; never their characters (see `_advance`).
    """
    return (a[0], None) if a is not None and b is not None and a[0] == b[0] else None


def _font_name(font: int) -> str:
    size = _font_base_name(font, None, 0)
    buffer = ctypes.create_string_buffer(size)
    _font_base_name(font, buffer, size)
    return buffer.value.decode("utf-8", "replace")


# A text object as read here: (pdfium font, font size, pdfminer descent, pdfminer font).
_Object = tuple[int, float, float, PDFFont | None]


def page_chars(page: pypdfium2.PdfPage, textpage: pypdfium2.PdfTextPage, fonts: Fonts) -> list[dict] | None:
    """The page's characters in content order as {text, x0, x1, top, bottom}, or None (see the module docstring)."""
    box = page.get_mediabox()
    if page.get_rotation() or box[:2] != (0, 0) or page.get_cropbox() != box:
        return None  # pdfplumber measures `top` from the media box's top, turned with the page
    height = box[3]
    raw = _address(textpage.raw)
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # pdfium gives one UTF-16 unit per character: one outside the BMP takes two
        text = "".join(chr(_get_unicode(raw, i)) for i in range(count))
    x, y = ctypes.c_double(), ctypes.c_double()
    at_x, at_y = ctypes.byref(x), ctypes.byref(y)
    width = ctypes.c_float()
    objects: dict[int, _Object | None] = {}
    names: dict[int, str] = {}
    widths: dict[tuple[int, str, float], float] = {}
    chars: list[dict] = []
    previous: tuple[int, float, float] | None = None
    for i, char in enumerate(text):
        if char in _WHITESPACE and _is_generated(raw, i) == 1:
            continue  # pdfium's own word and line breaks: not glyphs of the page
        if char in _REWRITTEN or _unmapped(raw, i):
            return None
        obj = _text_object(raw, i)
        if obj not in objects:
            objects[obj] = _object_font(raw, i, obj, fonts, names)
        entry = objects[obj]
        if entry is None:
            return None
        font, size, descent, miner_font = entry
        _char_origin(raw, i, at_x, at_y)
        origin = (obj, x.value, y.value)
        if origin == previous:
            # One glyph the font maps to several characters (a ligature `fi`): pdfium gives a character for
            # each, pdfminer one character with them all and the glyph's own advance.
            last = chars[-1]
            last["text"] += char
            advance = _advance(miner_font, last["text"])
            if advance is None:
                return None
            last["x1"] = last["x0"] + advance * size
            continue
        previous = origin
        glyph = (font, char, size)
        if glyph not in widths:
            # The advance from the font's widths, as pdfminer takes it (the loose box may be the glyph's ink).
            if not _glyph_width(font, ord(char), size, ctypes.byref(width)):
                return None
            widths[glyph] = width.value
        base = y.value + descent * size
        x0 = x.value
        chars.append(
            {"text": char, "x0": x0, "x1": x0 + widths[glyph], "top": height - (base + size), "bottom": height - base}
        )
    return chars


def _advance(font: PDFFont | None, text: str) -> float | None:
    """pdfminer's advance, per font size, of the one glyph `font` maps to `text`; None unless exactly one does."""
    unicode_map = getattr(font, "unicode_map", None)
    cids = [cid for cid, chars in unicode_map.cid2unichr.items() if chars == text] if unicode_map else []
    return font.char_width(cids[0]) if font and len(cids) == 1 else None


def _object_font(raw: int, index: int, obj: int | None, fonts: Fonts, names: dict[int, str]) -> _Object | None:
    """The text object of character `index` as read here; None if pdfium cannot read it as pdfminer does."""
    matrix = pdfium_c.FS_MATRIX()
    if not obj or not _char_matrix(raw, index, ctypes.byref(matrix)):
        return None
    # Only text set upright at its font size: pdfium and pdfminer scale a turned or stretched glyph differently.
    if abs(matrix.a - 1) > 1e-6 or abs(matrix.d - 1) > 1e-6 or matrix.b or matrix.c:
        return None
    font = _object_font_handle(obj)
    if not font:
        return None
    if font not in names:
        names[font] = _font_name(font)
    known = fonts.get(names[font])
    if known is None:
        return None
    return font, _font_size(raw, index), known[0], known[1]


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
