"""Blocking: which pairs of notices are worth scoring, so linkage grows with n, not n².

A notice gets several keys; two notices become a candidate pair when they share at least one key:
- country + CPV division ("DEU|cpv:45"),
- country + a distinctive buyer token (the two longest) and the buyer's acronym ("GBR|b:barnet", "GBR|b:lbb"),
- country + a 14-day bucket of the publication date, on two grids offset by 7 days, so any two dates
  within 7 days share a bucket ("FRA|d0:52630").
A block larger than `max_block` is not compared all-pairs: its notices are sorted by publication
date and key, and each is compared with its next `window` neighbours (sorted neighbourhood).
Keys are also what a store indexes for incremental ingest (`blocking_keys`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from kscity.core.dedupe.features import NoticeFeatures

DEFAULT_MAX_BLOCK = 200
DEFAULT_WINDOW = 20
_BUYER_TOKENS_PER_NOTICE = 2
OWN_ID_PREFIX = "id:"


def blocking_keys(f: NoticeFeatures) -> frozenset[str]:
    """The blocking keys of one notice: its linking keys and its own id key ("id:<ocid>"), which notices of the
    same ocid share (a TED notice and its eForms twin)."""
    keys = linking_keys(f)
    return keys | {f"{OWN_ID_PREFIX}{f.ocid}"} if f.ocid else keys


def linking_keys(f: NoticeFeatures) -> frozenset[str]:
    """The blocking keys under which a store files a notice for notices of other ocids to find: all but its own id
    key. A store keeps one link per ocid and compiles that ocid's notices together, so it never looks for another
    ocid under the id key; filing it anyway was a sixth of the store's key rows, each at a random place of the
    index."""
    country = f.country or "?"
    keys = {f"{country}|cpv:{d}" for d in f.cpv_divisions}
    distinctive = sorted((t for t in f.buyer_tokens if len(t) >= 4 and not t.isdigit()), key=lambda t: (-len(t), t))
    keys.update(f"{country}|b:{t}" for t in distinctive[:_BUYER_TOKENS_PER_NOTICE])
    # short tokens may be acronyms of the other side's name, so they meet its acronym key
    keys.update(f"{country}|b:{t}" for t in f.buyer_tokens if 2 <= len(t) <= 5 and t.isalpha() and t not in distinctive)
    if f.buyer_acronym and len(f.buyer_acronym) >= 2:
        keys.add(f"{country}|b:{f.buyer_acronym}")
    if f.published_day is not None:
        keys.add(f"{country}|d0:{f.published_day // 14}")
        keys.add(f"{country}|d1:{(f.published_day + 7) // 14}")
    return frozenset(keys)


def _sort_key(f: NoticeFeatures) -> tuple[int, str]:
    return (f.published_day if f.published_day is not None else 0, f.key)


def candidate_pairs(
    features: Sequence[NoticeFeatures],
    *,
    max_block: int = DEFAULT_MAX_BLOCK,
    window: int = DEFAULT_WINDOW,
) -> set[tuple[int, int]]:
    """Index pairs (i < j) that share a blocking key, with big blocks cut to a sorted-neighbourhood window."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(features):
        for k in blocking_keys(f):
            blocks[k].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        pairs.update(_pairs_in_block(features, members, max_block, window))
    return pairs


def _pairs_in_block(
    features: Sequence[NoticeFeatures], members: list[int], max_block: int, window: int
) -> Iterable[tuple[int, int]]:
    if len(members) <= max_block:
        for a_pos, i in enumerate(members):
            for j in members[a_pos + 1 :]:
                yield (min(i, j), max(i, j))
        return
    ordered = sorted(members, key=lambda i: _sort_key(features[i]))
    for a_pos, i in enumerate(ordered):
        for j in ordered[a_pos + 1 : a_pos + 1 + window]:
            yield (min(i, j), max(i, j))
