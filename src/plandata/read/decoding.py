"""Bytes to text: which encodings a source file may be in, and what is refused.

Policy: UTF-8 (with or without BOM), UTF-16 with a BOM and GB18030 (a
superset of GBK and GB2312) are accepted, and the encoding is recorded per
document.  Nothing is replaced: bytes that do not decode are an `InputError`
naming the file, the byte offset and the bytes; files of other formats
renamed to .txt (PDF, Word, images, archives), UTF-32, UTF-16 without a BOM,
NUL bytes and Big5 are each refused with a message saying what they are.
"""

from __future__ import annotations

import codecs
import re

from plandata.errors import InputError

# Files maintainers download instead of text, recognised by their first bytes
# (their "magic numbers"), so the error can say what the file really is.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.odt document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office 97-2003 file (.doc/.xls/.wps)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
)
UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)  # checked before UTF-16: FF FE 00 00 starts both
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Above this share of NUL bytes, nearly all on one parity, the file is UTF-16 without a BOM.
UTF16_NUL_SHARE = 0.05

PRIVATE_USE_RE = re.compile(r"[\ue000-\uf8ff]")
# Big5 text read as GB18030 decodes without error, into mojibake where private-use
# characters are common; real GBK text has next to none.
BIG5_PRIVATE_USE_SHARE = 0.01


def sniff_binary(data: bytes) -> str | None:
    """What kind of non-text file `data` is, by its first bytes; None for text."""
    return next((kind for signature, kind in BINARY_SIGNATURES if data.startswith(signature)), None)


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode raw bytes; return `(text, encoding)` or raise naming the byte offset.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are recognised; other
    bytes are tried as GB18030, which covers GBK and GB2312.  `encoding` is one
    of `utf-8`, `utf-8-sig`, `utf-16`, `gb18030`.
    """
    if kind := sniff_binary(data):
        raise InputError(f"{name}: this is {kind}, not a text file; save its text as a .txt file first")
    if data.startswith(UTF32_BOMS):
        raise InputError(f"{name}: UTF-32 text is not supported; save the file as UTF-8")
    if data.startswith(UTF16_BOMS):
        return _decode_strict(data, "utf-16", name), "utf-16"
    if data.startswith(codecs.BOM_UTF8):
        # The BOM stays in the text as U+FEFF, as Python's "utf-8" codec reads
        # it: raw offsets then match `open(path, encoding="utf-8")`.
        return _decode_strict(data, "utf-8", name), "utf-8-sig"
    _reject_nul_bytes(data, name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            # Report the encoding that reads furthest: the one the file is in,
            # damaged at that point.
            error, encoding = (utf8_error, "UTF-8") if utf8_error.start >= gb_error.start else (gb_error, "GB18030")
            raise InputError(
                f"{name}: byte {error.start} (line {_line_at(data, error.start)}): "
                f"cannot decode {data[error.start : error.end].hex(' ')} as {encoding}, the encoding of the text "
                f"before it; the file is damaged or in another encoding (tried UTF-8, GB18030, UTF-16 with BOM)"
            ) from None
    if _looks_like_big5(data, text):
        raise InputError(f"{name}: looks like Big5 (traditional Chinese), which is not read; save it as UTF-8")
    return text, "gb18030"


def _looks_like_big5(data: bytes, gb_text: str) -> bool:
    """Big5 bytes read as GB18030 without error, but as mojibake dense with private-use characters."""
    if len(PRIVATE_USE_RE.findall(gb_text)) < max(1.0, BIG5_PRIVATE_USE_SHARE * len(gb_text)):
        return False
    try:
        data.decode("big5")
    except UnicodeDecodeError:
        return False
    return True


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode_strict(data: bytes, encoding: str, name: str) -> str:
    """Decode `data` with the encoding its BOM names."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        at, label = error.start, encoding.upper()
        raise InputError(
            f"{name}: byte {at}: cannot decode {data[at : error.end].hex(' ')} as {label} "
            f"(the byte-order mark says {label}); the file is damaged"
        ) from None


def _reject_nul_bytes(data: bytes, name: str) -> None:
    at = data.find(0)
    if at < 0:
        return
    nul_even = data[0::2].count(0)
    nul_odd = data[1::2].count(0)
    if (nul_even + nul_odd) >= UTF16_NUL_SHARE * len(data) and max(nul_even, nul_odd) >= 0.9 * (nul_even + nul_odd):
        raise InputError(f"{name}: looks like UTF-16 without a byte-order mark; save it as UTF-8")
    raise InputError(f"{name}: byte {at}: NUL byte (0x00); text files hold none, so this looks like a binary file")
