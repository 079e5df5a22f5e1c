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
EMBEDDING_MIN_SIMILARITY = 0.35  # below this the nearest description is not close enough to say "smart"
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


def _prefixes(text: str) -> set[str]:
    out: set[str] = set()
    for w in _WORD.findall(text):
        out.update((w[:1], w[:2], w[:_KEY_LEN]))
    return out


@dataclass(frozen=True)
class _TermIndex:
    """A prefilter, for speed only: a term can match only where its first token does, and a non-Hangul first
    token starts a word (its pattern begins with (?<!\\w)), so the text must have a word starting with the
    token's first letters. Only the terms that pass are searched with their own pattern, so results are
    exactly those of searching every term."""

    by_prefix: dict[str, tuple[int, ...]]  # casefolded terms, by the first ≤3 word letters of the first token
    by_prefix_cased: dict[str, tuple[int, ...]]  # case-sensitive terms, likewise
    by_substring: tuple[tuple[int, str, bool], ...]  # the rest (Hangul, leading symbol): a substring test

    @staticmethod
    def build(terms: Sequence[Term]) -> _TermIndex:
        """Index the terms by the key their first token gives."""
        plain: dict[str, list[int]] = {}
        cased: dict[str, list[int]] = {}
        rest: list[tuple[int, str, bool]] = []
        for i, term in enumerate(terms):
            tok = _first_token(term)
            lead = _WORD.match(tok)
            if _HANGUL.search(tok) or lead is None:
                rest.append((i, tok, term.case_sensitive))
                continue
            (cased if term.case_sensitive else plain).setdefault(lead.group()[:_KEY_LEN], []).append(i)
        return _TermIndex({k: tuple(v) for k, v in plain.items()}, {k: tuple(v) for k, v in cased.items()},
                          tuple(rest))

    def candidates(self, norm: str, cased: str) -> list[int]:
        """Indexes (sorted) of the terms that may match."""
        found: set[int] = set()
        for key in _prefixes(norm):
            found.update(self.by_prefix.get(key, ()))
        if self.by_prefix_cased:
            for key in _prefixes(cased):
                found.update(self.by_prefix_cased.get(key, ()))
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


def lexicon_verdict(text: str, lexicon: Lexicon) -> TextVerdict | None:
    """Vote with lexicon hits; None when no term matched. Smart-city needs more weight than not-smart terms."""
    norm, cased = normalise(text), normalise(text, casefold=False)
    hits: dict[str, list[Term]] = {}
    for term in lexicon.matching(norm, cased):
        hits.setdefault(term.label, []).append(term)
    if not hits:
        return None
    negatives = hits.pop(NOT_SMART_CITY, [])
    negative = sum(t.weight for t in negatives)
    per_service: dict[str, float] = {}
    for label, terms in hits.items():
        service = _split(label)[0]
        per_service[service] = per_service.get(service, 0.0) + sum(t.weight for t in terms)
    best = max(sorted(per_service), key=lambda s: per_service[s], default=None)
    if best is None or per_service[best] <= negative:
        words = sorted({t.text for t in negatives})
        return TextVerdict(NOT_SMART_CITY, None, round(min(0.95, 0.6 + 0.1 * negative), 3),
                           tuple(f"text: '{w}' → {NOT_SMART_CITY}" for w in words[:3]))
    labels = sorted((lab for lab in hits if _split(lab)[0] == best),
                    key=lambda lab: (-sum(t.weight for t in hits[lab]), _split(lab)[1] is None, lab))
    service, sub = _split(labels[0])
    margin = per_service[best] - negative
    score = round(min(0.95, 0.5 + 0.15 * margin), 3)
    target = service + (f"/{sub}" if sub else "")
    evidence = tuple(f"text: '{t.text.lstrip('~=')}' → {target} ({score})" for t in hits[labels[0]][:3])
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
