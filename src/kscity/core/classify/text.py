"""Text classification of notices into the seven services: per-language lexicons, a multilingual
sentence embedding, and the hybrid of both that `classify` uses.

Pure: the lexicons and the encoder are handed in (kscity.reference.classification loads the shipped
ones). The hybrid trusts a lexicon hit first (precise, and it covers Ukrainian and Romanian, which
the embedding model was not trained on) and asks the embedding only when no term matched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from mypy_extensions import mypyc_attr

from kscity.core.marks import ASCII_NON_WORD, without_marks
from kscity.model.opportunity import NOT_SMART_CITY

Encoder = Callable[[list[str]], npt.NDArray[np.float32]]
Method = Literal["lexicon", "embedding", "hybrid"]

SECTOR_WEIGHT = 0.5  # a sector word ("hospital", "water supply") is a hint, not proof
EMBEDDING_MIN_SIMILARITY = 0.45  # below this the nearest description is not close enough to say "smart"
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Letters of Ukrainian and Romanian, two languages the USE multilingual v3 model was not trained on:
# its neighbours for such text are noise (measured: bench/eval_classify.py), so only the lexicon speaks.
_UNSUPPORTED_BY_EMBEDDING = re.compile(r"[іїєґІЇЄҐșțȘȚşţŞŢăĂ]")
_MEMO_SIZE = 20_000  # headlines whose nearest phrase is remembered (≤ 300 characters each)
_LEXICON_MEMO_SIZE = 5_000  # whole texts (title and description) whose lexicon verdict is remembered
_SHORT_TOKEN = 3  # tokens this short ("of", "its", "gis") must be whole words, or they match everything


def normalise(text: str, *, casefold: bool = True) -> str:
    """Casefold and drop accents (Latin, Cyrillic), keeping Hangul syllables whole.

    ASCII text is its own NFKD and NFC form and has no combining mark, so it only needs lower-casing (ASCII's
    casefold); other text drops every character of non-zero combining class."""
    if text.isascii():
        return text.lower() if casefold else text
    decomposed = unicodedata.normalize("NFKD", text.casefold() if casefold else text)
    return unicodedata.normalize("NFC", without_marks(decomposed))


class LazyPattern:
    """A regular expression compiled when first searched: the lexicons hold ~6,000 terms, compiling them all took
    ~1 s in every process that classifies (CLI, ingest's two processes), and the word index of `_Side` searches
    only the few whose words occur in a text."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, source: str) -> None:
        self.pattern = source
        self._compiled: re.Pattern[str] | None = None

    def _re(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        """As re.Pattern.search."""
        return self._re().search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """As re.Pattern.finditer."""
        return self._re().finditer(text)


@dataclass(frozen=True)
class Term:
    """One lexicon term compiled to a pattern: the class it votes for and its weight."""

    text: str
    label: str  # "service/sub", "service", or NOT_SMART_CITY
    weight: float
    pattern: re.Pattern[str] | LazyPattern
    case_sensitive: bool = False  # short acronyms: ITS is a transport system, "its" is not


def _parse_term(raw: str) -> tuple[float, bool, str, bool, list[str]]:
    """A lexicon entry's weight, whole-word flag, body, case sensitivity and normalised tokens."""
    weight, whole = 1.0, False
    body = raw.strip()
    while body[:1] in {"~", "="}:
        weight = SECTOR_WEIGHT if body[0] == "~" else weight
        whole = whole or body[0] == "="
        body = body[1:]
    # An upper-case acronym of up to three letters (ITS, BIS, GIS) must keep its case: in lower case it
    # is an everyday word in some language ("its", German "bis", Italian "cup").
    case_sensitive = body.isupper() and len(re.sub(r"[^A-Za-z]", "", body)) <= _SHORT_TOKEN
    return weight, whole, body, case_sensitive, normalise(body, casefold=not case_sensitive).split()


def compile_term(raw: str, label: str) -> Term:
    """Compile one lexicon entry ("~" sector weight, "=" whole words; tokens are word starts)."""
    weight, whole, body, case_sensitive, tokens = _parse_term(raw)
    if not tokens:
        raise ValueError(f"empty lexicon term for {label}")
    return Term(raw, label, weight, LazyPattern(_pattern_source(body, whole, tokens)), case_sensitive)


def _pattern_source(body: str, whole: bool, tokens: Sequence[str]) -> str:
    parts: list[str] = []
    for i, tok in enumerate(tokens):
        hangul = bool(_HANGUL.search(tok))
        piece = re.escape(tok)
        if i == 0 and not hangul:
            piece = r"(?<!\w)" + piece
        last = i == len(tokens) - 1
        if whole or (len(tok) <= _SHORT_TOKEN and not hangul):
            piece += r"(?!\w)"
        elif not last:
            piece += r"\w*"  # a stem: the rest of the inflected word, then the next word
        parts.append(piece)
    sep = r"\s*" if _HANGUL.search(body) else r"[\s\-'’]+"
    return sep.join(parts)


@mypyc_attr(allow_interpreted_subclasses=True)  # a test's subclass matches by searching every term
@dataclass(frozen=True)
class Lexicon:
    """All languages' terms together: notices are often mislabelled by language, so every term is tried."""

    terms: tuple[Term, ...]
    _index: _TermIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _TermIndex.build(self.terms))

    @staticmethod
    def from_mappings(lexicons: Sequence[Mapping[str, Any]]) -> Lexicon:
        """Build from parsed lexicon YAML documents ({language, services: {label: [terms]}, not_smart_city})."""
        out: dict[tuple[str, str], Term] = {}
        for doc in lexicons:
            groups = [*(doc.get("services") or {}).items(), (NOT_SMART_CITY, doc.get("not_smart_city") or [])]
            for label, terms in groups:
                for raw in terms:
                    term = compile_term(str(raw), str(label))
                    # The same word in two languages (after accent folding) is one piece of evidence.
                    out.setdefault((term.pattern.pattern, term.label), term)
        return Lexicon(tuple(out.values()))

    def matching(self, norm: str, cased: str) -> list[Term]:
        """The terms whose pattern occurs in the text, in lexicon order (`norm` casefolded, `cased` not)."""
        found = self._index.plain.matching(norm) | self._index.cased.matching(cased)
        return [self.terms[i] for i in sorted(found)]


_WORD = re.compile(r"\w+")


def words_of(text: str) -> set[str]:
    """The distinct words (runs of \\w) of a text. ASCII text, most of what is classified once accents are gone,
    has its other characters made spaces and is split there: three times faster than re's \\w+, which looks up
    each character's Unicode category (the findall was 7 % of an ingest's work per release)."""
    if text.isascii():
        return set(text.translate(ASCII_NON_WORD).split())
    return set(_WORD.findall(text))


_SCREEN_TERMS = 200  # a side with at most this many words to look for is screened (`_Side.screen`)
_WORD_MEMO_SIZE = 50_000  # distinct words per side whose leads and one-word terms are remembered (a few MB)


@dataclass(frozen=True)
class _Checked:
    """A term decided by its own pattern, once the words and substrings it needs are all in the text."""

    term: int
    leads: frozenset[int]  # ids of the leading words that some word of the text must start with
    substrings: tuple[str, ...]  # tokens that must occur somewhere in the text
    pattern: re.Pattern[str] | LazyPattern


@dataclass(frozen=True)
class _Side:
    """The terms searched in one form of the text (casefolded, or case kept), indexed by the words of the text.

    In a term without Hangul, every run of word characters in a token matches at the start of a word of the text:
    a token's first run because the pattern puts (?<!\\w) or a separator ([\\s\\-'’]+, never a word character)
    before it, a later run because the token's own non-word character does ("e-health": "e", "health"). So each
    such run (a "leading word") must begin some word of the text. A one-token term whose token is all word
    characters is decided by that alone: a stem matches exactly when some word starts with it, a whole word
    (=term, or three letters or fewer) exactly when it is a word. Any other term is searched with its pattern,
    and only when the text has every leading word it needs and every token with a non-word character (or, with
    Hangul, where spaces are optional and words may run on, every token) as a substring: necessary conditions,
    so the terms found are exactly those that searching every term finds (tests/core/test_classify_equivalence.py).
    """

    leads: dict[str, int]  # leading word -> id
    lengths: tuple[int, ...]  # the distinct lengths of the leading words, ascending
    stems: dict[int, tuple[int, ...]]  # lead id -> one-word stem terms
    wholes: dict[str, tuple[int, ...]]  # word -> one-word whole-word terms
    checked: dict[int, tuple[_Checked, ...]]  # one of its lead ids -> terms searched with their pattern
    # terms with no leading word (Hangul) by a character they need (_first_needed)
    unindexed: dict[str, tuple[_Checked, ...]]
    # any of those first characters, found at C speed: most texts hold none, and making a set of a text's
    # characters to meet them with was 2 µs of the 29 µs classifying a text took
    firsts: re.Pattern[str] | None = None
    # on a side of few terms (the case-sensitive acronyms: "GIS", "5G", "PM2.5"), a text-wide search for something
    # every match needs (each one-word term, or a leading word each longer term is filed under): most texts hold
    # none, and are done without being split into words (5.7 µs a text, most of it the split)
    screen: re.Pattern[str] | None = None
    _memo: dict[str, tuple[frozenset[int], frozenset[int]]] = field(default_factory=dict, repr=False, compare=False)
    _barren: set[str] = field(default_factory=set, repr=False, compare=False)  # words known to bring nothing

    @staticmethod
    def build(terms: Sequence[tuple[int, Term, bool, bool, list[str]]]) -> _Side:
        """Index (term index, term, whole-word flag, Hangul in it, normalised tokens: none for a term to search
        on every text) entries."""
        leads: dict[str, int] = {}
        stems: dict[int, list[int]] = {}
        wholes: dict[str, list[int]] = {}
        checked: dict[int, list[_Checked]] = {}
        unindexed: dict[str, list[_Checked]] = {}
        for i, term, whole, hangul, tokens in terms:
            if len(tokens) == 1 and not hangul and _WORD.fullmatch(tokens[0]):
                tok = tokens[0]
                if whole or len(tok) <= _SHORT_TOKEN:
                    wholes.setdefault(tok, []).append(i)
                else:
                    stems.setdefault(leads.setdefault(tok, len(leads)), []).append(i)
                continue
            need: list[str] = []
            subs: list[str] = []
            for tok in tokens:
                if hangul:
                    subs.append(tok)
                    continue
                need.extend(_WORD.findall(tok))
                if not _WORD.fullmatch(tok):
                    subs.append(tok)
            ids = [leads.setdefault(w, len(leads)) for w in need]
            entry = _Checked(i, frozenset(ids), tuple(subs), term.pattern)
            if ids:  # filed under its longest leading word, the rarest as a rule
                checked.setdefault(ids[max(range(len(need)), key=lambda k: len(need[k]))], []).append(entry)
            else:
                unindexed.setdefault(_first_needed(subs), []).append(entry)
        chars = "".join(sorted(re.escape(first) for first in unindexed if first))
        filed = {w for w, i in leads.items() if i in checked or i in stems}
        needed = sorted(filed | set(wholes), key=lambda t: (-len(t), t))
        screen = (re.compile("|".join(map(re.escape, needed)))
                  if needed and not unindexed and len(needed) <= _SCREEN_TERMS else None)
        return _Side(leads, tuple(sorted({len(w) for w in leads})), _tuples(stems), _tuples(wholes),
                     _tuples(checked), _tuples(unindexed), re.compile(f"[{chars}]") if chars else None, screen)

    def _word(self, word: str) -> tuple[frozenset[int], frozenset[int]]:
        """What one word of a text brings: the ids of the leading words it starts with, and the terms it decides
        alone (one-word stems it starts with, one-word whole terms it is)."""
        known = self._memo.get(word)
        if known is None:
            leads = self.leads
            ids = [leads[p] for n in self.lengths if n <= len(word) and (p := word[:n]) in leads]
            terms = {t for i in ids for t in self.stems.get(i, ())}
            terms.update(self.wholes.get(word, ()))
            known = (frozenset(ids), frozenset(terms))
            if len(self._memo) + len(self._barren) >= _WORD_MEMO_SIZE:
                self._memo.clear()
                self._barren.clear()
            if ids or terms:
                self._memo[word] = known
            else:
                self._barren.add(word)
        return known

    def matching(self, text: str) -> set[int]:
        """Indexes of the terms whose pattern occurs in `text`."""
        found: set[int] = set()
        if not (self.leads or self.wholes or self.unindexed):
            return found
        if self.screen is not None and self.screen.search(text) is None:
            return found
        present: set[int] = set()
        memo, word = self._memo, self._word
        for w in words_of(text) - self._barren:  # most words of a text start no term: skipped at C speed
            leads, terms = memo.get(w) or word(w)
            present |= leads
            found |= terms
        checked = self.checked
        for lead in present & checked.keys():
            for c in checked[lead]:
                if c.leads <= present and all(s in text for s in c.substrings) and c.pattern.search(text):
                    found.add(c.term)
        if self.unindexed:
            firsts = {""} & self.unindexed.keys()  # terms with no text to look for first are searched on every text
            if self.firsts is not None and self.firsts.search(text) is not None:
                firsts |= self.unindexed.keys() & set(text)
            for first in firsts:
                for c in self.unindexed[first]:
                    if all(s in text for s in c.substrings) and c.pattern.search(text):
                        found.add(c.term)
        return found


def _first_needed(substrings: Sequence[str]) -> str:
    """The character a term searched without a leading word is filed under: one that every text it occurs in
    holds, since it needs all its substrings. Its first Hangul syllable where it has one ("ai 진단": '진', not 'a'):
    filed under 'a', 'l' or '3' ("led 조명", "3차원 공간정보"), such terms made nearly every text look for its
    characters among theirs (3.2 µs a text) for terms that cannot occur without Hangul. "" (searched on every
    text) for a term with no substring."""
    joined = "".join(substrings)
    found = _HANGUL.search(joined)
    return found.group() if found is not None else joined[:1]


def _tuples(d: Mapping[Any, list[Any]]) -> dict[Any, tuple[Any, ...]]:
    return {k: tuple(v) for k, v in d.items()}


@dataclass(frozen=True)
class _TermIndex:
    """The casefolded terms and the case-sensitive ones (short acronyms), each matched on its form of the text."""

    plain: _Side
    cased: _Side

    @staticmethod
    def build(terms: Sequence[Term]) -> _TermIndex:
        """Index every term on its side; a term whose pattern is not the one compile_term gives its text (built
        by hand) is searched with its pattern on every text."""
        sides: dict[bool, list[tuple[int, Term, bool, bool, list[str]]]] = {False: [], True: []}
        for i, term in enumerate(terms):
            _, whole, body, case_sensitive, tokens = _parse_term(term.text)
            known = (bool(tokens) and case_sensitive == term.case_sensitive
                     and term.pattern.pattern == _pattern_source(body, whole, tokens))
            hangul = bool(_HANGUL.search(body))
            sides[term.case_sensitive].append((i, term, whole, hangul, tokens if known else []))
        return _TermIndex(_Side.build(sides[False]), _Side.build(sides[True]))


@dataclass(frozen=True)
class TextVerdict:
    """What the text says: the label (service/sub or not_smart_city), a score and the evidence."""

    service: str
    sub_solution: str | None
    score: float
    evidence: tuple[str, ...]


def _split(label: str) -> tuple[str, str | None]:
    service, _, sub = label.partition("/")
    return service, sub or None


@dataclass(frozen=True)
class _Hit:
    """A matched term and where it matched: one word votes once, and a sector word is weighed by its place."""

    term: Term
    spans: tuple[tuple[int, int], ...]
    in_title: bool  # matched on the first line, where the buyer names what is bought


def _hits(terms: Sequence[Term], norm: str, cased: str) -> list[_Hit]:
    ends = {False: _line_end(norm), True: _line_end(cased)}
    out: list[_Hit] = []
    for t in terms:
        spans = tuple(m.span() for m in t.pattern.finditer(cased if t.case_sensitive else norm))
        out.append(_Hit(t, spans, any(a < ends[t.case_sensitive] for a, _ in spans)))
    return out


def _line_end(text: str) -> int:
    end = text.find("\n")
    return len(text) if end < 0 else end


def _one_vote_per_word(hits: Sequence[_Hit]) -> list[_Hit]:
    """The hits that count: where several terms match the same words ("sport"/"sports", a Czech and a Slovak
    stem of one word), only the heaviest (then longest) counts, so one word in the text is one piece of evidence."""
    if len(hits) < 2:
        return list(hits)
    taken: list[tuple[int, int]] = []
    kept: set[int] = set()
    for i, hit in sorted(enumerate(hits), key=lambda ih: (-ih[1].term.weight,
                                                           -max((b - a for a, b in ih[1].spans), default=0))):
        if any(a < y and x < b for a, b in hit.spans for x, y in taken):
            continue
        kept.add(i)
        taken.extend(hit.spans)
    return [h for i, h in enumerate(hits) if i in kept]  # lexicon order, for stable evidence


def _weight(hits: Sequence[_Hit]) -> float:
    """Full terms add up. Sector terms add one sector weight at most ("sewer", "wastewater" and "treatment plant"
    say once that a text is about the water sector), and only in the title or beside a full term: in a description
    alone they mostly name a place or a buyer ("Kelso Waste Management Centre", an airport's ambulance bay)."""
    full = sum(h.term.weight for h in hits if h.term.weight > SECTOR_WEIGHT)
    sector = [h for h in hits if h.term.weight <= SECTOR_WEIGHT and (full or h.in_title)]
    return full + max((h.term.weight for h in sector), default=0.0)


def lexicon_verdict(text: str, lexicon: Lexicon) -> TextVerdict | None:
    """Vote with lexicon hits; None when no term matched. Smart-city needs more weight than not-smart terms."""
    norm, cased = normalise(text), normalise(text, casefold=False)
    found = lexicon.matching(norm, cased)
    if not found:
        return None
    hits = _hits(found, norm, cased)
    negatives = [h.term for h in _one_vote_per_word([h for h in hits if h.term.label == NOT_SMART_CITY])]
    negative = sum(t.weight for t in negatives)
    by_service: dict[str, list[_Hit]] = {}
    for hit in hits:
        if hit.term.label != NOT_SMART_CITY:
            by_service.setdefault(_split(hit.term.label)[0], []).append(hit)
    counted = {s: _one_vote_per_word(hs) for s, hs in by_service.items()}
    per_service = {s: _weight(hs) for s, hs in counted.items()}
    best = max(sorted(per_service), key=lambda s: per_service[s], default=None)
    if best is None or per_service[best] <= negative:
        words = sorted({t.text for t in negatives})
        why = [f"text: '{w}' → {NOT_SMART_CITY}" for w in words[:3]] or [
            f"text: sector word '{w}' only in the description → {NOT_SMART_CITY}"
            for w in sorted({h.term.text.lstrip("~=") for hs in counted.values() for h in hs})[:3]]
        return TextVerdict(NOT_SMART_CITY, None, round(min(0.95, 0.6 + 0.1 * negative), 3), tuple(why))
    by_label: dict[str, list[_Hit]] = {}
    for hit in counted[best]:
        by_label.setdefault(hit.term.label, []).append(hit)
    labels = sorted(by_label, key=lambda lab: (-_weight(by_label[lab]), _split(lab)[1] is None, lab))
    service, sub = _split(labels[0])
    margin = per_service[best] - negative
    score = round(min(0.95, 0.5 + 0.15 * margin), 3)
    target = service + (f"/{sub}" if sub else "")
    evidence = tuple(f"text: '{h.term.text.lstrip('~=')}' → {target} ({score})" for h in by_label[labels[0]][:3])
    return TextVerdict(service, sub, score, evidence)


@dataclass
class EmbeddingIndex:
    """Labelled description phrases and, once first needed, their embeddings (computed lazily, kept)."""

    phrases: tuple[str, ...]
    labels: tuple[str, ...]
    encoder: Encoder
    _matrix: npt.NDArray[np.float32] | None = field(default=None, repr=False)
    _memo: dict[str, tuple[str, float, str]] = field(default_factory=dict, repr=False)

    def matrix(self) -> npt.NDArray[np.float32]:
        """The phrase embeddings, L2-normalised rows."""
        if self._matrix is None:
            self._matrix = _unit(self.encoder(list(self.phrases)))
        return self._matrix

    def nearest(self, texts: Sequence[str]) -> list[tuple[str, float, str]]:
        """For each text: the best class by its closest phrase, the cosine, and that phrase."""
        if not texts:
            return []
        # the encoder is the slowest step of ingest: each distinct text is encoded once (bounded memo)
        known = {t: self._memo[t] for t in texts if t in self._memo}
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        if todo:
            sims = _unit(self.encoder(todo)) @ self.matrix().T
            best = np.argmax(sims, axis=1)
            known.update((todo[i], (self.labels[j], float(sims[i, j]), self.phrases[j])) for i, j in enumerate(best))
            if len(self._memo) + len(todo) > _MEMO_SIZE:
                self._memo.clear()
            self._memo.update((t, known[t]) for t in todo)
        return [known[t] for t in texts]


def _unit(m: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return (m / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def embedding_verdict(nearest: tuple[str, float, str], min_similarity: float = EMBEDDING_MIN_SIMILARITY) -> TextVerdict:
    """Turn the nearest labelled phrase into a verdict; too far from every smart-city phrase is not smart-city."""
    label, sim, phrase = nearest
    score = round(max(0.0, min(1.0, sim)), 3)
    if label == NOT_SMART_CITY or sim < min_similarity:
        why = f"embedding: nearest '{phrase}' → {label} ({score})"
        return TextVerdict(NOT_SMART_CITY, None, round(max(0.5, score), 3), (why,))
    service, sub = _split(label)
    return TextVerdict(service, sub, score, (f"embedding: nearest '{phrase}' → {label} ({score})",))


@dataclass
class TextModel:
    """The text classifier: a lexicon, optionally an embedding index, and which method to use."""

    lexicon: Lexicon
    embedding: EmbeddingIndex | None = None
    method: Method = "hybrid"
    _memo: dict[str, TextVerdict | None] = field(default_factory=dict, repr=False, compare=False)

    def _lexicon_verdict(self, text: str) -> TextVerdict | None:
        # texts recur (re-publications of a notice, its releases over time): each is matched once (bounded memo)
        if text in self._memo:
            return self._memo[text]
        if len(self._memo) >= _LEXICON_MEMO_SIZE:
            self._memo.clear()
        verdict = self._memo[text] = lexicon_verdict(text, self.lexicon)
        return verdict

    def classify_texts(self, texts: Sequence[str]) -> list[TextVerdict]:
        """Classify many texts at once (one encoder batch for those the lexicon leaves open)."""
        lex = [self._lexicon_verdict(t) if self.method != "embedding" else None for t in texts]
        todo = [i for i, v in enumerate(lex) if v is None and texts[i].strip() and embedding_supported(texts[i])]
        use_embedding = self.method != "lexicon" and self.embedding is not None
        near = self.embedding.nearest([_headline(texts[i]) for i in todo]) if use_embedding and self.embedding else []
        out: list[TextVerdict] = []
        by_index = dict(zip(todo, near, strict=False))
        for i, verdict in enumerate(lex):
            if verdict is not None:
                out.append(verdict)
            elif i in by_index:
                out.append(embedding_verdict(by_index[i]))
            else:
                out.append(TextVerdict(NOT_SMART_CITY, None, 0.5, ("text: no smart-city term found",)))
        return out


def embedding_phrases(lexicons: Sequence[Mapping[str, Any]], taxonomy: Mapping[str, Any],
                      languages: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Labelled phrases for the embedding: taxonomy names (ko, en) and the full-word lexicon terms of `languages`."""
    phrases: list[str] = []
    labels: list[str] = []
    for svc in taxonomy.get("services", []):
        for sub in svc.get("subs", []):
            for lang in ("en", "ko"):
                phrases.append(f"{svc[lang]}: {sub[lang]}")
                labels.append(f"{svc['id']}/{sub['id']}")
    for doc in lexicons:
        if doc.get("language") not in languages:
            continue
        groups = [*(doc.get("services") or {}).items(), (NOT_SMART_CITY, doc.get("not_smart_city") or [])]
        for label, terms in groups:
            for term in terms:
                text = str(term).lstrip("~=")
                if len(text) > 3:  # acronyms and stems say little to a sentence encoder
                    phrases.append(text)
                    labels.append(str(label))
    return tuple(phrases), tuple(labels)


def _headline(text: str) -> str:
    """What the encoder sees: the title (first line); a long description dilutes the sentence embedding."""
    return text.strip().split("\n", 1)[0][:300]


def embedding_supported(text: str) -> bool:
    """False for text in a language the sentence encoder was not trained on (Ukrainian, Romanian)."""
    return not _UNSUPPORTED_BY_EMBEDDING.search(text)
