"""Consortium builder: proven-optimal teams of a lead, SMEs and startups for an opportunity (pure core)."""

from kscity.core.consortium.explain import Reason, explain_infeasible
from kscity.core.consortium.greedy import greedy_team
from kscity.core.consortium.model import (
    Candidate,
    Consortium,
    Constraints,
    Member,
    Need,
    build_instance,
    candidate_from_company,
    covers,
    needs_from_classification,
    parse_need,
)
from kscity.core.consortium.topk import ConsortiumResult, best_consortia

__all__ = [
    "Candidate",
    "Consortium",
    "ConsortiumResult",
    "Constraints",
    "Member",
    "Need",
    "Reason",
    "best_consortia",
    "build_instance",
    "candidate_from_company",
    "covers",
    "explain_infeasible",
    "greedy_team",
    "needs_from_classification",
    "parse_need",
]
