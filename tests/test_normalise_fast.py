"""The fast paths of the normaliser against plain references, on generated text.

Each fast path (split-based substitution, line-edge spaces by `str.strip`,
width folding by `str.replace`, line rules searched in C loops, the
character test before a case-blind rule) must give exactly what the plain
version gives: the same text and the same offset map.
"""

from __future__ import annotations

import re
from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from plandata.model import MappedText
from plandata.read import normalise
from plandata.rules.lexicon import NoiseRule, load_noise_rules

FAST = settings(max_examples=300, deadline=None)

# Few characters, so that patterns match often; the edge cases of each step are in it.
ALPHABET = "ab京学 \t\u00a0\n\r()，：（）\u3000PG电子版权所有"
texts = st.text(alphabet=ALPHABET, max_size=80)

PATTERNS = [
    re.compile(r"a"),  # same length as some replacements
    re.compile(r"\n\n+"),
    re.compile(r"b*"),  # empty matches
    re.compile(r"(a)(b)?"),  # groups of its own
    re.compile(r"(?i)pg电子"),  # a global flag up front
    re.compile(r"(?<=京)\(a+\)"),  # look-behind
    re.compile(r"(a)\1"),  # a backreference: the match-by-match path
    re.compile(r"(a)?(?(1)b|学)"),  # a conditional group: the same
    re.compile(r"^ +|学$", re.MULTILINE),
]


def plain_sub(mt: MappedText, pattern: re.Pattern[str], repl: str) -> MappedText:
    """Reference: `re.sub` with a per-character offset map built one character at a time."""
    text, offsets, out, new_offsets, pos = mt.text, mt.raw_offsets, [], [], 0
    for match in pattern.finditer(text):
        s, e = match.span()
        out.append(text[pos:s])
        new_offsets += offsets[pos:s]
        out.append(repl)
        new_offsets += list(offsets[s : s + len(repl)]) if len(repl) == e - s else [offsets[s]] * len(repl)
        pos = e
    out.append(text[pos:])
    new_offsets += offsets[pos:]
    return MappedText("".join(out), array("q", new_offsets))


def same(a: MappedText, b: MappedText) -> bool:
    return a.text == b.text and list(a.raw_offsets) == list(b.raw_offsets)


@FAST
@given(texts, st.sampled_from(PATTERNS), st.sampled_from(["", "x", "\n", "yz"]))
def test_substitute_matches_plain_sub(text: str, pattern: re.Pattern[str], repl: str) -> None:
    mt = normalise.identity_map(text)
    fast = normalise.substitute(mt, pattern, repl)
    assert same(fast, plain_sub(mt, pattern, repl))
    assert same(normalise.substitute_by_match(mt, pattern, repl), fast)
    assert fast.text == pattern.sub(repl.replace("\\", "\\\\"), text)


def test_backreferences_take_the_match_by_match_path() -> None:
    assert normalise.split_at_matches("aab", re.compile(r"(a)\1")) is None
    assert normalise.split_at_matches("aab", re.compile(r"a")) == (["", "", "b"], ["a", "a"])


@FAST
@given(texts)
def test_line_edge_spaces_as_the_plain_regex(text: str) -> None:
    mt = normalise.identity_map(text.replace("\r", ""))
    edge_re = re.compile(r"[ \t\u00a0]+(?=\n)|(?<=\n)[ \t\u00a0]+|^[ \t\u00a0]+|[ \t\u00a0]+$")
    assert same(normalise._without_line_edge_spaces(mt), plain_sub(mt, edge_re, ""))


@FAST
@given(texts)
def test_outer_newlines_as_the_plain_regex(text: str) -> None:
    mt = normalise.identity_map(text)
    assert same(normalise._without_outer_newlines(mt), plain_sub(mt, re.compile(r"^\n+|\n+$"), ""))


@FAST
@given(texts)
def test_fold_width_as_translate(text: str) -> None:
    assert normalise.fold_width(text) == text.translate(normalise._WIDTH_TABLE)


def plain_noise(mt: MappedText, rules: tuple[NoiseRule, ...]) -> tuple[MappedText, list[str]]:
    """Reference: every rule on every stripped line, one at a time, until a line cuts the rest."""
    fired: list[str] = []
    for rule in rules:
        if rule.action == "delete":
            new = plain_sub(mt, rule.regex, "")
            if new.text != mt.text:
                fired.append(rule.rule_id)
            mt = new
    keep = [True] * len(mt.text)
    pos, cut_at = 0, len(mt.text)
    for line in mt.text.split("\n"):
        start, end = pos, min(pos + len(line) + 1, len(mt.text))
        pos += len(line) + 1
        for rule in rules:
            if rule.action != "delete" and rule.regex.search(line.strip()):
                fired.append(rule.rule_id)
                if rule.action == "cut_rest":
                    cut_at = min(cut_at, start)
                keep[start:end] = [False] * (end - start)
        if cut_at < len(mt.text):
            break
    kept = [i for i in range(cut_at) if keep[i]]
    offsets = array("q", [mt.raw_offsets[i] for i in kept] + [mt.raw_offsets[cut_at]])
    return MappedText("".join(mt.text[i] for i in kept), offsets), fired


NOISE_LINES = [
    "版权所有 某某",
    "版权所有 本站转载 责任编辑:某",  # three cut rules on one line: all fire
    "  来源:某网站  ",
    "【打印本页】",
    "pg电子官方的",
    "PG电子",
    "正文第一行",
    "",
]


@FAST
@given(st.lists(st.one_of(st.sampled_from(NOISE_LINES), texts), max_size=8))
def test_noise_rules_as_the_plain_loop(lines: list[str]) -> None:
    mt = normalise.identity_map("\n".join(lines).replace("\r", ""))
    fast, fired = normalise._apply_noise(mt, load_noise_rules())
    plain, plain_fired = plain_noise(mt, load_noise_rules())
    assert same(fast, plain)
    assert fired == plain_fired
