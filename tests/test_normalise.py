"""Normalisation: one case per noise rule, plus glosses, width, script and the offset map."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from plandata.model import RawDocument
from plandata.read.normalise import detect_script, normalise
from plandata.rules.lexicon import load_noise_rules

FIXTURES = Path(__file__).parent / "fixtures" / "normalise"


def _doc(text: str) -> RawDocument:
    return RawDocument("t", "t.txt", "0" * 64, "utf-8", text)


def _noise_cases() -> list[dict[str, str]]:
    with (FIXTURES / "noise_cases.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _assert_map_exact(raw: str, text: str, offsets: tuple[int, ...]) -> None:
    assert len(offsets) == len(text) + 1
    assert list(offsets) == sorted(offsets)


@pytest.mark.parametrize("case", _noise_cases(), ids=lambda c: c["rule_id"])
def test_noise_rule(case: dict[str, str]) -> None:
    doc = normalise(_doc(case["input"]))
    assert doc.text == case["expected"]
    assert case["rule_id"] in doc.removed


def test_every_noise_rule_has_a_case() -> None:
    covered = {c["rule_id"] for c in _noise_cases()}
    assert {r.rule_id for r in load_noise_rules()} == covered


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("北(bei)京(jing)(jing)市教委等(deng)(deng)十部(bu)门印发" * 3, "北京市教委等十部门印发" * 3),
        ("设(shè)立(lì)师(shī)德(dé)平(píng)台(tái)。" * 2, "设立师德平台。" * 2),
    ],
    ids=["ascii-pinyin", "tone-marks"],
)
def test_pinyin_glosses_removed(raw: str, expected: str) -> None:
    assert normalise(_doc(raw)).text == expected


def test_real_parentheses_survive_in_glossed_document() -> None:
    glossed = "北(bei)京(jing)市(shi)教(jiao)委(wei)" * 4
    raw = glossed + "(任务分工:市教委、市财政局)建设骨干专业(群)。《规划(2021—2025年)》"
    text = normalise(_doc(raw)).text
    assert text.endswith("(任务分工:市教委、市财政局)建设骨干专业(群)。《规划(2021—2025年)》")


def test_sparse_lowercase_parenthesis_is_not_a_gloss() -> None:
    raw = "开展创客(steam)教育,推进课程建设。" + "推进教育现代化。" * 40
    assert "创客(steam)教育" in normalise(_doc(raw)).text


def test_width_crlf_and_blank_lines() -> None:
    raw = "\ufeff（一）加强领导，提高质量：８０％\r\n\r\n  1．建设学校。\r\n"
    assert normalise(_doc(raw)).text == "(一)加强领导,提高质量:80%\n1.建设学校。"


def test_traditional_becomes_simplified_and_is_detected() -> None:
    raw = "北京市新時代基礎教育強師計劃實施方案。加強師德師風建設。"
    doc = normalise(_doc(raw))
    assert doc.script == "zh-Hant"
    assert doc.text == "北京市新时代基础教育强师计划实施方案。加强师德师风建设。"


def test_simplified_text_is_left_alone() -> None:
    assert detect_script("推进教育现代化,建设高质量教育体系。") == "zh-Hans"


@pytest.mark.parametrize("seed", sorted((Path(__file__).parents[1] / "raw").glob("*.txt")), ids=lambda p: p.stem)
def test_offset_map_points_back_into_raw(seed: Path) -> None:
    raw_text = seed.read_text(encoding="utf-8")
    doc = normalise(_doc(raw_text))
    offsets = doc.mapped.raw_offsets
    _assert_map_exact(raw_text, doc.text, offsets)
    # Every normalised character comes from the raw character it maps to,
    # up to width folding and script conversion (same character class).
    for i, ch in enumerate(doc.text):
        source = raw_text[offsets[i]]
        if ch == "\n":
            assert source in "\r\n"
        elif doc.script == "zh-Hans" and not ("\uff01" <= source <= "\uff5e"):
            assert ch == source


def test_mixed_page_comes_out_simplified() -> None:
    """A page that quotes a traditional passage after a long simplified one is simplified throughout."""
    raw = "推进教育现代化,建设高质量教育体系。\n" * 2000 + "加強師德師風建設。"
    doc = normalise(_doc(raw))
    assert doc.text.endswith("加强师德师风建设。")
    assert doc.script == "zh-Hans"  # the recorded script is the document's main one
