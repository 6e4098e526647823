"""A PDF page's text lines from pypdfium2, as pdfplumber's `extract_text_lines` would give them.

pdfplumber interprets every content stream in Python (pdfminer) and turns
every object into a dict; pdfium interprets them in C, tens of times
faster.  A page without path objects has no rules, so neither a ruled table
(`find_tables`) nor a three-line one: only its text lines are needed, and
they are rebuilt here from pdfium's characters:

- each character's box is the one pdfminer gives it: x0 its origin, x1 the
  origin plus the glyph's advance from the font's widths (not pdfium's
  loose box, which may be the glyph's ink), top and bottom one font size
  apart above the descent of the font's descriptor, as pdfminer reads it
  (pdfium substitutes the font file's for the 0 LibreOffice writes);
- a ligature glyph (`fi`), which pdfium gives as a character per letter,
  is one character with the glyph's advance, as pdfminer has it;
- the characters are grouped into lines by pdfplumber's own rules
  (clusters of `top` within 3 pt, words split at blanks and gaps, a line
  per cluster of word tops), so a line holds the same characters.

Where the two could disagree, `page_chars` gives None and pdfplumber reads
the page: rotated or cropped pages, scaled or turned text, a glyph with no
Unicode mapping, a hyphen pdfium rewrites (U+0002), a font that is not the
page's own (in a form XObject) or is Type 3, vertical or without a ToUnicode
map, and a text object pdfium gave no character of unless it is a blank on
a line of the page (pdfium folds a space into the one before it, and drops
text drawn again over itself, which pdfminer keeps).  Compared on every
page of the benchmark, dev-set and seed PDFs (plain and official layout):
the same text layer as pdfplumber's throughout.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
from pdfminer.pdffont import FontMetricsDB, PDFFont
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFObjRef
from pdfminer.pdftypes import dict_value, list_value, num_value, resolve1
from pdfminer.psparser import LIT, PSLiteral, literal_name

# pdfplumber's defaults for extract_text_lines.
_X_TOLERANCE = 3.0
_Y_TOLERANCE = 3.0
# pdfplumber writes these ligatures out as letters, each letter keeping the ligature's char.
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
# What pdfium puts for a hyphen it takes to break a word at a line's end (U+0002 per character, U+FFFE in
# the page's text; the original, `-` or a soft hyphen, is lost) and for a character it cannot map.
_REWRITTEN = frozenset("\x00\x02\ufffe\uffff")
# The characters pdfium may add itself between words and at line ends (`FPDFText_IsGenerated`).
_WHITESPACE = frozenset(" \r\n")
_SUBSET_PREFIX_RE = re.compile(r"^[A-Z]{6}\+")


@dataclass(frozen=True)
class PageFont:
    """A font of the page as pdfminer reads it: its descent; pdfminer's font is made only when needed."""

    descent: float  # in text space units per font size
    objid: int | None
    spec: Mapping[str, Any]  # empty: two fonts of one name, whose characters cannot be told apart


# Font name (without subset prefix) -> the page's font of that name; None when a font of that name cannot
# be read through pdfium the way pdfminer reads it.
Fonts = dict[str, PageFont | None]


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
_object_bounds = _by_address(pdfium_c.FPDFPageObj_GetBounds)


def _address(handle: Any) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def text_objects(page: pypdfium2.PdfPage) -> list[int] | None:
    """The page's text objects, in its forms too; None where it draws a path (a rule, a box).

    Only a page with paths can hold a table (ruled, or three-line): pdfplumber reads it.
    """
    found: list[int] = []
    return found if _gather_text(_address(page.raw), _count_objects, _get_object, 0, found) else None


def _gather_text(parent: int, count: Callable, get: Callable, depth: int, found: list[int]) -> bool:
    """Add the text objects under `parent` to `found`; False on meeting a path (or forms nested past reason)."""
    # The raw API, not `PdfPage.get_objects`, which makes a Python object of every page object.
    for i in range(count(parent)):
        obj = get(parent, i)
        kind = _object_type(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            found.append(obj)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            if depth >= 15 or not _gather_text(obj, _count_form_objects, _get_form_object, depth + 1, found):
                return False
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            return False
    return True


def page_fonts(page: PDFPage, known: dict[int, tuple[str, PageFont | None]]) -> Fonts:
    """The page's own fonts by name (None: a font not readable here).

    `known` keeps, across the pages of one document, what a font object gave (pages share their fonts).
    """
    out: Fonts = {}
    resources = dict_value(page.resources) if page.resources else {}
    for ref in dict_value(resources.get("Font", {})).values():
        objid = ref.objid if isinstance(ref, PDFObjRef) else None
        if objid is None or objid not in known:
            spec = dict_value(ref)
            name = _SUBSET_PREFIX_RE.sub("", literal_name(spec.get("BaseFont", "")) or "")
            descent = _descent(spec)
            entry = (name, None if descent is None else PageFont(descent, objid, spec))
            if objid is not None:
                known[objid] = entry
        else:
            entry = known[objid]
        name, font = entry
        out[name] = _one_of_two(out[name], font) if name in out and out[name] != font else font
    return out


def _one_of_two(a: PageFont | None, b: PageFont | None) -> PageFont | None:
    """What two fonts of one name (two subsets), which pdfium's side cannot tell apart, can both give.

    Their descent, if they share it; never their characters (see `_advance`).
    """
    return PageFont(a.descent, None, {}) if a is not None and b is not None and a.descent == b.descent else None


def _descent(spec: Mapping[str, Any]) -> float | None:
    """pdfminer's descent for the font `spec`, as `PDFResourceManager.get_font` reads it; None: not readable here.

    Not by making pdfminer's font: that parses its ToUnicode map and, for Type 1, its font program.
    """
    subtype = literal_name(spec.get("Subtype", LIT("Type1")))
    if "ToUnicode" not in spec or subtype == "Type3":
        return None  # no map, or glyphs drawn by procedures: pdfium and pdfminer may read other characters
    if subtype == "Type0":
        encoding = resolve1(spec.get("Encoding"))
        descendants = list_value(spec.get("DescendantFonts", []))
        if not isinstance(encoding, PSLiteral) or encoding.name != "Identity-H" or not descendants:
            return None  # a CMap that may set vertical writing
        spec = dict_value(descendants[0])
        subtype = literal_name(spec.get("Subtype", LIT("Type1")))
        if subtype == "Type0":
            return None
    if subtype in ("CIDFontType0", "CIDFontType2"):
        descriptor = dict_value(spec.get("FontDescriptor", {}))
    else:  # Type1, MMType1, TrueType and any other name, which pdfminer reads as Type 1
        try:
            descriptor, _ = FontMetricsDB.get_metrics(literal_name(spec.get("BaseFont", LIT("unknown"))))
        except KeyError:
            descriptor = dict_value(spec.get("FontDescriptor", {}))
    # pdfminer takes a positive descent (PScript5.dll writes them) as negative.
    return -abs(num_value(descriptor.get("Descent", 0))) * 0.001


def _font_name(font: int) -> str:
    size = _font_base_name(font, None, 0)
    buffer = ctypes.create_string_buffer(size)
    _font_base_name(font, buffer, size)
    return buffer.value.decode("utf-8", "replace")


# A text object as read here: (pdfium font, font size, the page's font).
_Object = tuple[int, float, PageFont]


def page_chars(
    page: pypdfium2.PdfPage,
    textpage: pypdfium2.PdfTextPage,
    objects_on_page: list[int],
    fonts: Fonts,
    make_font: Callable[..., PDFFont],
) -> list[dict] | None:
    """The page's characters in content order as {text, x0, x1, top, bottom}, or None (see the module docstring).

    `objects_on_page` are the page's text objects (`text_objects`); `make_font(objid, spec)` is pdfminer's
    `PDFResourceManager.get_font`, for the widths of ligatures.
    """
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
    at_width = ctypes.byref(width)
    objects: dict[int, _Object | None] = {}
    names: dict[int, str] = {}
    widths: dict[tuple[int, str, float], float] = {}
    chars: list[dict] = []
    baselines: list[float] = []
    previous: tuple[int | None, float, float] = (None, 0.0, 0.0)
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
        font, size, page_font = entry
        _char_origin(raw, i, at_x, at_y)
        x0, y0 = x.value, y.value
        if obj == previous[0] and x0 == previous[1] and y0 == previous[2]:
            # One glyph the font maps to several characters (a ligature `fi`): pdfium gives a character for
            # each, pdfminer one character with them all and the glyph's own advance.
            last = chars[-1]
            last["text"] += char
            advance = _advance(page_font, last["text"], make_font)
            if advance is None:
                return None
            last["x1"] = last["x0"] + advance * size
            continue
        previous = (obj, x0, y0)
        glyph = (font, char, size)
        advance = widths.get(glyph)
        if advance is None:
            # The advance from the font's widths, as pdfminer takes it (the loose box may be the glyph's ink).
            if not _glyph_width(font, ord(char), size, at_width):
                return None
            advance = widths[glyph] = width.value
        base = y0 + page_font.descent * size
        chars.append(
            {"text": char, "x0": x0, "x1": x0 + advance, "top": height - (base + size), "bottom": height - base}
        )
        baselines.append(y0)
    unread = [obj for obj in objects_on_page if obj not in objects]
    return chars if not unread or _blank(unread, set(baselines)) else None


def _blank(objects: list[int], baselines: set[float]) -> bool:
    """Whether text objects pdfium gave no character of are blanks on lines the page's characters sit on.

    pdfium folds a space following a space into it (so a text object of one space may give none); it also
    drops a text object drawn again over itself (bold faked by overprinting), whose glyphs pdfminer keeps.
    A blank has no ink (its bounds are a point); on a baseline of its own it would stand for a line in
    pdfplumber's clusters.
    """
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for obj in objects:
        if not _object_bounds(obj, *map(ctypes.byref, (left, bottom, right, top))):
            return False
        if (
            right.value != left.value
            or top.value != bottom.value
            or not any(abs(bottom.value - y) < 0.01 for y in baselines)
        ):
            return False
    return True


def _advance(font: PageFont, text: str, make_font: Callable[..., PDFFont]) -> float | None:
    """pdfminer's advance, per font size, of the one glyph `font` maps to `text`; None unless exactly one does."""
    if not font.spec:
        return None
    miner_font = make_font(font.objid, font.spec)
    unicode_map = getattr(miner_font, "unicode_map", None)
    cids = [cid for cid, chars in unicode_map.cid2unichr.items() if chars == text] if unicode_map else []
    return miner_font.char_width(cids[0]) if len(cids) == 1 else None


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
    page_font = fonts.get(names[font])
    if page_font is None:
        return None
    return font, _font_size(raw, index), page_font


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
