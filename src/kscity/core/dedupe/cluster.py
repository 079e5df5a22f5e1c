"""Clusters of notices that describe one project: blocking, scoring, union-find over accepted pairs.

`link` turns a batch of notices into clusters (every notice in exactly one, singletons included);
`match_against` scores one new notice against candidates already stored, for incremental ingest.
A cluster's id is derived from its smallest member key, so it does not depend on input order; when
two clusters merge, the merged one keeps the id of the member whose key sorts first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kscity.core.dedupe.block import DEFAULT_MAX_BLOCK, DEFAULT_WINDOW, candidate_pairs
from kscity.core.dedupe.features import NoticeFeatures, features_of, notice_key
from kscity.core.dedupe.score import DEFAULT_THRESHOLD, PairScore, compare
from kscity.model.opportunity import Notice

# Embeds titles with a sentence encoder; supplied by the caller so the core reads no model file.
TitleEmbedder = Callable[[Sequence[str]], Sequence[Sequence[float]]]


@dataclass(frozen=True)
class Cluster:
    """One project: its notices (sorted by key) and the accepted pairs that joined them."""

    id: str
    notices: tuple[Notice, ...]
    pairs: tuple[PairScore, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """The member notices' keys, sorted."""
        return tuple(notice_key(n) for n in self.notices)


def cluster_id(member_keys: Sequence[str]) -> str:
    """A stable id for a cluster: a hash of its smallest member key."""
    return "lk-" + hashlib.sha256(min(member_keys).encode("utf-8")).hexdigest()[:16]


def _features(notices: Sequence[Notice], embed: TitleEmbedder | None) -> list[NoticeFeatures]:
    vectors: Sequence[Sequence[float] | None] = [None] * len(notices)
    if embed is not None and notices:
        vectors = list(embed([n.title for n in notices]))
    return [features_of(n, v) for n, v in zip(notices, vectors, strict=True)]


class _UnionFind:
    """Union-find that keeps each root's members, to check cannot-link pairs before a merge."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]  # path halving keeps trees shallow
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            keep, gone = min(ri, rj), max(ri, rj)
            self.parent[gone] = keep
            self.members[keep].extend(self.members.pop(gone))

    def conflicts(self, i: int, j: int, cannot: dict[int, set[int]]) -> bool:
        """Whether merging i's and j's clusters would put a cannot-link pair together."""
        ri, rj = self.find(i), self.find(j)
        small, other = (ri, rj) if len(self.members[ri]) <= len(self.members[rj]) else (rj, ri)
        return any(self.find(y) == other for x in self.members[small] for y in cannot.get(x, ()))


def score_pairs(
    notices: Sequence[Notice],
    *,
    embed: TitleEmbedder | None = None,
    max_block: int = DEFAULT_MAX_BLOCK,
    window: int = DEFAULT_WINDOW,
) -> list[PairScore]:
    """Score every candidate pair that blocking proposes (for evaluation and threshold choice)."""
    feats = _features(notices, embed)
    return [compare(feats[i], feats[j]) for i, j in sorted(candidate_pairs(feats, max_block=max_block, window=window))]


def link(
    notices: Sequence[Notice],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    embed: TitleEmbedder | None = None,
    max_block: int = DEFAULT_MAX_BLOCK,
    window: int = DEFAULT_WINDOW,
) -> list[Cluster]:
    """Group notices that describe the same project; every notice lands in exactly one cluster."""
    feats = _features(notices, embed)
    uf = _UnionFind(len(notices))
    accepted: list[tuple[int, PairScore]] = []
    by_key: dict[str, int] = {}
    for i, f in enumerate(feats):
        # the same notice given twice is one notice
        if f.key in by_key:
            uf.union(by_key[f.key], i)
        else:
            by_key[f.key] = i
    scored: list[tuple[int, int, PairScore]] = []
    cannot: dict[int, set[int]] = {}
    for i, j in candidate_pairs(feats, max_block=max_block, window=window):
        if feats[i].key == feats[j].key:
            continue
        pair = compare(feats[i], feats[j])
        if pair.conflict:
            cannot.setdefault(i, set()).add(j)
            cannot.setdefault(j, set()).add(i)
        elif pair.score >= threshold:
            scored.append((i, j, pair))
    # Strongest pairs first (ties by key, so the result does not depend on input order); a merge that
    # would join two notices with a conflicting field is refused, so one ambiguous notice (a translated
    # title that fits a buyer's two tenders) cannot chain two projects together.
    scored.sort(key=lambda t: (-t[2].weight, t[2].left, t[2].right))
    for i, j, pair in scored:
        if uf.find(i) == uf.find(j):
            accepted.append((i, pair))
        elif not uf.conflicts(i, j, cannot):
            uf.union(i, j)
            accepted.append((i, pair))
    members: dict[int, list[int]] = {}
    for i in range(len(notices)):
        members.setdefault(uf.find(i), []).append(i)
    pairs_of: dict[int, list[PairScore]] = {}
    for i, pair in accepted:
        pairs_of.setdefault(uf.find(i), []).append(pair)
    clusters = []
    for root, idx in members.items():
        unique = {feats[i].key: notices[i] for i in sorted(idx, key=lambda i: feats[i].key)}
        keys = sorted(unique)
        pairs = sorted(pairs_of.get(root, []), key=lambda p: (p.left, p.right))
        clusters.append(Cluster(cluster_id(keys), tuple(unique[k] for k in keys), tuple(pairs)))
    return sorted(clusters, key=lambda c: c.id)


def match_against(
    new: Notice,
    candidates: Sequence[Notice],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    embed: TitleEmbedder | None = None,
) -> list[tuple[Notice, float, tuple[str, ...]]]:
    """Score a new notice against candidates; those at or above the threshold, best first, with reasons."""
    feats = _features([new, *candidates], embed)
    scored = []
    for cand, f in zip(candidates, feats[1:], strict=True):
        pair = compare(feats[0], f)
        if pair.score >= threshold:
            scored.append((cand, pair.score, pair.reasons, f.key))
    scored.sort(key=lambda t: (-t[1], t[3]))
    return [(c, s, r) for c, s, r, _ in scored]
