"""Dropping combining marks (accents) from decomposed text, shared by classification and linkage."""

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
