"""Linkage of notices across sources: the same project from several publishers becomes one cluster.

features (normalisation) -> block (candidate pairs) -> score (Fellegi–Sunter weights) -> cluster
(union-find, stable ids). Pure: the caller supplies notices and, optionally, a title embedder.
"""

from kscity.core.dedupe.block import blocking_keys, candidate_pairs, linking_keys
from kscity.core.dedupe.cluster import Cluster, TitleEmbedder, cluster_id, link, match_against, score_pairs
from kscity.core.dedupe.features import NoticeFeatures, features_of, normalise, notice_key
from kscity.core.dedupe.score import DEFAULT_THRESHOLD, FieldScore, PairScore, compare

__all__ = [
    "DEFAULT_THRESHOLD",
    "Cluster",
    "FieldScore",
    "NoticeFeatures",
    "PairScore",
    "TitleEmbedder",
    "blocking_keys",
    "candidate_pairs",
    "cluster_id",
    "compare",
    "features_of",
    "link",
    "linking_keys",
    "match_against",
    "normalise",
    "notice_key",
    "score_pairs",
]
