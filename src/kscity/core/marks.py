"""Dropping combining marks (accents) from decomposed text, and splitting ASCII text into words: shared by
classification and linkage."""

from __future__ import annotations

import unicodedata


class _CombiningMarks(dict[int, int | None]):
    """A str.translate table that drops every character of non-zero combining class, filled in as characters are
    first met: the marks are spread over the whole of Unicode (listing them up front took ~0.2 s per process), and
    a character-by-character loop in Python was most of the cost of folding a text."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_MARKS = _CombiningMarks()


def without_marks(text: str) -> str:
    """The text without its combining marks (apply to NFKD or NFD text to drop accents)."""
    return text.translate(_MARKS)


# a str.translate table making a space of each ASCII character re's \w does not match (all but letters, digits and
# '_'): ASCII text so translated and split gives the words \w+ finds, without re looking up each character's
# Unicode category (two to three times faster on titles and descriptions)
ASCII_NON_WORD = str.maketrans({chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")})
