"""Bytes to text: the accepted encodings, and what is refused with which offset.

The refusals run end to end in the bad-input corpus (tests/bad_inputs/);
here are the accepted encodings and the details behind the messages.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from plandata.errors import InputError
from plandata.read.decoding import BINARY_SIGNATURES, decode, sniff_binary

PLAN = (Path(__file__).parent / "bad_inputs" / "files" / "plan.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (PLAN.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + PLAN.encode("utf-8"), "utf-8-sig"),
        (PLAN.encode("gbk"), "gb18030"),
        (PLAN.encode("gb2312"), "gb18030"),
        (PLAN.encode("gb18030"), "gb18030"),
        (codecs.BOM_UTF16_LE + PLAN.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + PLAN.encode("utf-16-be"), "utf-16"),
    ],
    ids=["utf8", "utf8_bom", "gbk", "gb2312", "gb18030", "utf16_le", "utf16_be"],
)
def test_decode_accepted_encodings(data: bytes, encoding: str) -> None:
    # A UTF-8 BOM stays as U+FEFF, as Python's "utf-8" codec reads it, so raw
    # offsets match open(path, encoding="utf-8"); normalise drops it.
    bom = "\ufeff" if encoding == "utf-8-sig" else ""
    assert decode(data, "plan.txt") == (bom + PLAN, encoding)


def test_decode_gb18030_beyond_gbk() -> None:
    # 𠀀 (U+20000) and € need GB18030's four-byte and extended forms; GBK has neither.
    text = "规划𠀀经费€"
    assert decode(text.encode("gb18030"), "plan.txt") == (text, "gb18030")


def test_decode_reports_the_encoding_that_reads_furthest() -> None:
    damaged = PLAN.encode("gbk") + b"\xff"
    expected = rf"^plan.txt: byte {len(damaged) - 1} \(line 7\): cannot decode ff as GB18030"
    with pytest.raises(InputError, match=expected):
        decode(damaged, "plan.txt")


@pytest.mark.parametrize(("signature", "kind"), BINARY_SIGNATURES)
def test_sniff_binary(signature: bytes, kind: str) -> None:
    assert sniff_binary(signature + b"\x00rest") == kind


def test_sniff_binary_passes_text() -> None:
    assert sniff_binary(PLAN.encode("utf-8")) is None
    assert sniff_binary(PLAN.encode("gbk")) is None


def test_decode_gbk_with_a_user_defined_character_is_not_big5() -> None:
    text = PLAN + "\ue000"  # one character of GBK's user-defined area (bytes AA A1), e.g. from an old font
    assert text.encode("gb18030").endswith(b"\xaa\xa1")
    assert decode(text.encode("gb18030"), "plan.txt") == (text, "gb18030")


def test_decode_refuses_big5() -> None:
    traditional = "二、主要任務\n(一)擴大優質學位供給。新建改擴建中小學校6所,新增學位4000個左右。\n"
    with pytest.raises(InputError, match=r"^plan.txt: looks like Big5"):
        decode(traditional.encode("big5"), "plan.txt")
