"""Matching: firms for opportunities and opportunities for firms, one scoring model, explained (pure core)."""

from kscity.core.match.index import Encoder, Firm, FirmIndex, Opportunity, OpportunityIndex, default_encoder
from kscity.core.match.rank import (
    Explanation,
    MatchContext,
    RankedFirm,
    RankedOpportunity,
    rank_firms,
    rank_opportunities,
    score_pair,
)
from kscity.core.match.weights import Weights, weights_from_mapping

__all__ = [
    "Encoder",
    "Explanation",
    "Firm",
    "FirmIndex",
    "MatchContext",
    "Opportunity",
    "OpportunityIndex",
    "RankedFirm",
    "RankedOpportunity",
    "Weights",
    "default_encoder",
    "rank_firms",
    "rank_opportunities",
    "score_pair",
    "weights_from_mapping",
]
