"""The fast lexicon path gives exactly what the straightforward one gives: normalise against the character-by-character
definition, and the word-indexed matching (and so every verdict) against searching every term's pattern."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kscity.core.classify import Lexicon, lexicon_verdict
from kscity.core.classify.text import Term, compile_term, normalise
from kscity.reference.classification import text_model


def reference_normalise(text: str, *, casefold: bool = True) -> str:
    """The definition: casefold, NFKD, drop every combining character, NFC."""
    decomposed = unicodedata.normalize("NFKD", text.casefold() if casefold else text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@dataclass(frozen=True)
class SearchEveryTerm(Lexicon):
    """The same terms, matched by searching each term's own pattern on the text (no index)."""

    def matching(self, norm: str, cased: str) -> list[Term]:
        return [t for t in self.terms if t.pattern.search(cased if t.case_sensitive else norm)]


LEXICON = text_model("lexicon").lexicon
REFERENCE = SearchEveryTerm(LEXICON.terms)
_bodies = sorted({t.text.strip().lstrip("~=") for t in LEXICON.terms})
# the edge cases of the index: whole-word terms ("=term", three letters or fewer), acronyms kept in case, Hangul
_edges = sorted({t.text.strip().lstrip("~=") for t in LEXICON.terms if t.text.lstrip("~").startswith("=")
                 or t.case_sensitive or len(t.text.strip().lstrip("~=")) <= 4 or not t.text.isascii()})
# accents, Cyrillic, Hangul, Greek, ligatures and compatibility forms, combining marks, separators, digits
_odd = list("áÀçÉêïñõøüßŞşțĂăіїєґІЇЄҐёЁйЙ가로등스마트시설ㄱΆάΣσςﬁﬀ①²\u0301\u0308\u0327\u20dd\u302a")
_chars = st.sampled_from(_odd + list("abcdefghiklmnoprstuvwxyzABCDEILMNOPRSTVX0123456789 -'’,.;:/()\n\t_"))
_pieces = st.one_of(
    st.sampled_from(_bodies),
    st.sampled_from(_bodies).map(str.upper),
    st.sampled_from(_bodies).map(str.title),
    st.sampled_from(_bodies).map(lambda b: unicodedata.normalize("NFD", b)),
    st.sampled_from(_bodies).map(lambda b: b[: max(1, len(b) - 2)]),  # a stem cut short
    st.tuples(st.sampled_from(_bodies), st.text(_chars, max_size=4)).map("".join),  # an inflected ending
    st.sampled_from(_edges),
    st.tuples(st.sampled_from(_edges), st.sampled_from(["", "s", "e", "_", "1", "ă", "가"])).map("".join),
    st.text(_chars, max_size=10),
)
_seps = st.sampled_from([" ", "  ", "-", "'", "’", "\n", ", ", ".", "", "/", " - "])
texts = st.lists(st.tuples(_pieces, _seps).map("".join), max_size=10).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(texts, st.text(), st.text(_chars)))
@example("Ｆｕｌｌｗｉｄｔｈ ＣＣＴＶ ﬁbre")
@example("Встановлення камер відеоспостереження")
@example("e\u0301clairage public intelligent")
def test_normalise_is_the_definition(text: str) -> None:
    assert normalise(text) == reference_normalise(text)
    assert normalise(text, casefold=False) == reference_normalise(text, casefold=False)


@settings(max_examples=500, deadline=None)
@given(texts)
@example("ITS and its partners; GIS-based e-government")
@example("지능형 교통체계(ITS) 구축 사업\nCCTV 설치")
@example("Lucrări de reabilitare și semafoare inteligente; veřejné wi-fi")
def test_matching_is_searching_every_term(text: str) -> None:
    norm, cased = reference_normalise(text), reference_normalise(text, casefold=False)
    assert LEXICON.matching(norm, cased) == REFERENCE.matching(norm, cased)


@settings(max_examples=300, deadline=None)
@given(texts, texts)
def test_verdicts_are_those_of_searching_every_term(title: str, description: str) -> None:
    text = f"{title}\n{description}"
    assert lexicon_verdict(text, LEXICON) == lexicon_verdict(text, REFERENCE)


def test_a_term_not_built_by_compile_term_is_still_searched() -> None:
    import re

    odd = Term("cctv", "safety/intelligent_cctv", 1.0, re.compile(r"closed.circuit"))
    lex = Lexicon((compile_term("videovigilancia", "safety/intelligent_cctv"), odd))
    assert lex.matching("closed-circuit cameras", "closed-circuit cameras") == [odd]
    assert lex.matching("cctv", "cctv") == []


@settings(max_examples=100, deadline=None)
@given(st.lists(texts, min_size=2, max_size=6))
def test_matching_stays_exact_when_the_word_memo_fills_and_restarts(some_texts: list[str]) -> None:
    """The index remembers what each word brings (and which words bring nothing) up to a bound, then starts
    again: with a bound of a few words, every text still finds what searching every term finds."""
    import kscity.core.classify.text as text_module

    fresh = Lexicon(LEXICON.terms)  # its own, empty memo
    bound = text_module._WORD_MEMO_SIZE
    text_module._WORD_MEMO_SIZE = 3
    try:
        for text in [*some_texts, *some_texts]:  # the second time, words are remembered or forgotten
            norm, cased = reference_normalise(text), reference_normalise(text, casefold=False)
            assert fresh.matching(norm, cased) == REFERENCE.matching(norm, cased)
    finally:
        text_module._WORD_MEMO_SIZE = bound


@settings(max_examples=800, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=127)), st.text(alphabet=_chars)))
@example("city_light--LED\x1c\x1dlamp\x0b9")
def test_words_of_are_the_runs_of_word_characters(text: str) -> None:
    """The ASCII path (a space for every non-word character, then split) finds what re's \\w+ finds."""
    import re

    from kscity.core.classify.text import words_of

    assert words_of(text) == set(re.findall(r"\w+", text))
