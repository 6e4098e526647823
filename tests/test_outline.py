"""Ranks learnt from each document: nesting evidence first, the conventional order as fallback."""

from __future__ import annotations

from plandata.structure.outline import Outline


def _parents(headings: list[tuple[str, int | None] | None]) -> list[int | None]:
    """Parents of a sequence of headings `(style, ordinal)`; None stands for a leaf."""
    outline = Outline()
    return [outline.leaf() if h is None else outline.heading(i, *h) for i, h in enumerate(headings)]


def test_first_labels_nest_under_the_open_heading() -> None:
    seq = [("part", 1), ("subpart", 1), ("item", 1), ("item", 2), ("subpart", 2), ("part", 2)]
    assert _parents(seq) == [None, 0, 1, 1, 0, None]


def test_document_order_beats_the_convention() -> None:
    # this document puts (一) under 1.
    seq = [("item", 1), ("subpart", 1), ("subpart", 2), ("item", 2), ("subpart", 1)]
    assert _parents(seq) == [None, 0, 0, None, 3]


def test_style_met_mid_sequence_takes_its_conventional_place() -> None:
    # an excerpt: 3. then (六) with 1. under it, then 四、 with (一) under it
    seq = [("item", 3), ("subpart", 6), ("item", 1), ("subpart", 7), ("part", 4), ("subpart", 1)]
    assert _parents(seq) == [None, None, 1, None, None, 4]


def test_higher_first_label_under_an_unanchored_style_is_not_nested() -> None:
    # 3. came from before the excerpt, so (一) opening after it is no child of it
    assert _parents([("item", 3), ("subpart", 1), ("item", 1)]) == [None, None, 1]


def test_numbering_continues_across_sections() -> None:
    seq = [("subpart", 1), ("item", 1), ("item", 2), ("subpart", 2), ("item", 3)]
    assert _parents(seq) == [None, 0, 0, None, 3]


def test_skipped_level_and_deeper_style_after_a_known_one() -> None:
    # 一、 > (一) > 1. known; a later (1) under (一) goes below 1. in rank but its parent is (一)
    seq = [("part", 1), ("subpart", 1), ("item", 1), ("subpart", 2), ("subitem", 1), ("item", 1)]
    outline = Outline()
    parents = [outline.heading(i, *h) for i, h in enumerate(seq)]
    assert parents == [None, 0, 1, 0, 3, 3]
    assert outline.ranks == ["part", "subpart", "item", "subitem"]


def test_leaves_hang_under_the_innermost_heading_and_open_nothing() -> None:
    seq = [None, None, ("part", 4), None, ("subpart", 1), None, None]
    assert _parents(seq) == [None, None, None, 2, 2, 4, 4]


def test_bullets_nest_under_the_open_heading() -> None:
    seq = [("part", 1), ("bullet:★", None), ("bullet:★", None), ("bullet:●", None), ("part", 2)]
    assert _parents(seq) == [None, 0, 0, 2, None]
