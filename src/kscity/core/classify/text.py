"""Text classification of notices into the seven services: per-language lexicons, a multilingual
sentence embedding, and the hybrid of both that `classify` uses.

Pure: the lexicons and the encoder are handed in (kscity.reference.classification loads the shipped
ones). The hybrid trusts a lexicon hit first (precise, and it covers Ukrainian and Romanian, which
the embedding model was not trained on) and asks the embedding only when no term matched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

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
    """Casefold and drop accents (Latin, Cyrillic), keeping Hangul syllables whole."""
    decomposed = unicodedata.normalize("NFKD", text.casefold() if casefold else text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


@dataclass(frozen=True)
class Term:
    """One lexicon term compiled to a pattern: the class it votes for and its weight."""

    text: str
    label: str  # "service/sub", "service", or NOT_SMART_CITY
    weight: float
    pattern: re.Pattern[str]
    case_sensitive: bool = False  # short acronyms: ITS is a transport system, "its" is not


def compile_term(raw: str, label: str) -> Term:
    """Compile one lexicon entry ("~" sector weight, "=" whole words; tokens are word starts)."""
    weight, whole = 1.0, False
    body = raw.strip()
    while body[:1] in {"~", "="}:
        weight = SECTOR_WEIGHT if body[0] == "~" else weight
        whole = whole or body[0] == "="
        body = body[1:]
    # An upper-case acronym of up to three letters (ITS, BIS, GIS) must keep its case: in lower case it
    # is an everyday word in some language ("its", German "bis", Italian "cup").
    case_sensitive = body.isupper() and len(re.sub(r"[^A-Za-z]", "", body)) <= _SHORT_TOKEN
    tokens = normalise(body, casefold=not case_sensitive).split()
    if not tokens:
        raise ValueError(f"empty lexicon term for {label}")
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
    return Term(raw, label, weight, re.compile(sep.join(parts)), case_sensitive)


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
        return [self.terms[i] for i in self._index.candidates(norm, cased)
                if self.terms[i].pattern.search(cased if self.terms[i].case_sensitive else norm)]


_WORD = re.compile(r"\w+")
_KEY_LEN = 3


def _first_token(term: Term) -> str:
    body = term.text.strip().lstrip("~=")
    return normalise(body, casefold=not term.case_sensitive).split()[0]


def _words_by_prefix(text: str) -> dict[str, list[str]]:
    """The text's distinct words under each of their first one, two and three letters."""
    out: dict[str, list[str]] = {}
    for w in set(_WORD.findall(text)):
        for key in {w[:1], w[:2], w[:_KEY_LEN]}:
            out.setdefault(key, []).append(w)
    return out


@dataclass(frozen=True)
class _TermIndex:
    """A prefilter, for speed only: a term can match only where its first token does, and a non-Hangul first
    token starts a word (its pattern begins with (?<!\\w)), so the text must have a word that starts with the
    token's leading letters. Only the terms that pass are searched with their own pattern, so results are
    exactly those of searching every term."""

    # casefolded / case-sensitive terms by the first ≤3 letters of their first token: (term index, its leading word)
    by_prefix: dict[str, tuple[tuple[int, str], ...]]
    by_prefix_cased: dict[str, tuple[tuple[int, str], ...]]
    by_substring: tuple[tuple[int, str, bool], ...]  # the rest (Hangul, leading symbol): a substring test

    @staticmethod
    def build(terms: Sequence[Term]) -> _TermIndex:
        """Index the terms by the key their first token gives."""
        plain: dict[str, list[tuple[int, str]]] = {}
        cased: dict[str, list[tuple[int, str]]] = {}
        rest: list[tuple[int, str, bool]] = []
        for i, term in enumerate(terms):
            tok = _first_token(term)
            lead = _WORD.match(tok)
            if _HANGUL.search(tok) or lead is None:
                rest.append((i, tok, term.case_sensitive))
                continue
            word = lead.group()
            (cased if term.case_sensitive else plain).setdefault(word[:_KEY_LEN], []).append((i, word))
        return _TermIndex({k: tuple(v) for k, v in plain.items()}, {k: tuple(v) for k, v in cased.items()},
                          tuple(rest))

    def candidates(self, norm: str, cased: str) -> list[int]:
        """Indexes (sorted) of the terms that may match."""
        found: set[int] = set()
        for index, text in ((self.by_prefix, norm), (self.by_prefix_cased, cased)):
            if not index:
                continue
            for key, words in _words_by_prefix(text).items():
                for i, lead in index.get(key, ()):
                    if len(lead) <= _KEY_LEN or any(w.startswith(lead) for w in words):
                        found.add(i)
        found.update(i for i, tok, cs in self.by_substring if tok in (cased if cs else norm))
        return sorted(found)


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
