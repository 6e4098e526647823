"""Ranks of numbering styles inside one document, and the parent of each measure.

Documents differ in how they nest their styles (一、 > (一) > 1. in one plan,
(一) > 1. in the next, 1. > (1) > ① in a third), so ranks are learnt while
reading, from the order in which the document opens its styles:

- a style met for the first time with its first label (`1.`, `(一)`, a
  bullet) right under an open heading nests below that heading's style;
- a style met for the first time in the middle of its sequence (`(六)` in an
  excerpt, after `3.`) gives no such evidence: it takes the place the
  conventional order (`numbering.STYLES`) gives it among the known styles.
  A style placed that way is *unanchored*, and a conventionally higher style
  opening under it is placed by convention too.

A heading's parent is then the nearest open heading of a higher rank.
Unnumbered paragraphs and table rows are leaves: their parent is the
innermost open heading, and they open nothing.
"""

from __future__ import annotations

from plandata.structure.numbering import conventional_rank


class Outline:
    """Reads headings in order and answers the parent of each."""

    def __init__(self) -> None:
        self.ranks: list[str] = []  # style keys, outermost first
        self.anchored: set[str] = set()  # styles whose rank the document itself showed
        self._open: list[tuple[int, str]] = []  # (measure index, style key) of open headings

    def heading(self, index: int, style: str, ordinal: int | None) -> int | None:
        """Open heading `index` of `style`; return the index of its parent."""
        if style not in self.ranks:
            self._learn(style, ordinal)
        rank = self.ranks.index(style)
        while self._open and self.ranks.index(self._open[-1][1]) >= rank:
            self._open.pop()
        parent = self._open[-1][0] if self._open else None
        self._open.append((index, style))
        return parent

    def close_all(self) -> None:
        """Close every open heading (an attachment starts); ranks learnt so far stay."""
        self._open.clear()

    def leaf(self) -> int | None:
        """Parent index of a paragraph or table row at the current point."""
        return self._open[-1][0] if self._open else None

    def _learn(self, style: str, ordinal: int | None) -> None:
        opens_sequence = ordinal is None or ordinal == 1
        top = self._open[-1][1] if self._open else None
        conv = conventional_rank(style)
        if opens_sequence and top is not None and (top in self.anchored or conv >= conventional_rank(top)):
            at = self.ranks.index(top) + 1
            # below the open heading, after any known deeper style the convention puts above this one
            while at < len(self.ranks) and conventional_rank(self.ranks[at]) <= conv:
                at += 1
            self.ranks.insert(at, style)
            self.anchored.add(style)
            return
        at = next((i for i, known in enumerate(self.ranks) if conventional_rank(known) > conv), len(self.ranks))
        self.ranks.insert(at, style)
        if opens_sequence and top is None:
            self.anchored.add(style)
