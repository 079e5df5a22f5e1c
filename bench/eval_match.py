"""Matching quality: nDCG@10 and recall@20 of kscity vs a BM25-only baseline on a graded labelled set.

The set's format is in tests/fixtures/matching/README.md. The metric functions are pure; `evaluate`
takes two rankers (ocid → firm ids, best first) so the caller plugs in kscity's ranking over the sample
catalogue and the shared notices, and `bm25_ranker` builds the baseline from the same firms.
Run: `.venv/bin/python bench/eval_match.py` (builds a scratch store from ../shared/data, about a minute).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from kscity.core.match import Firm, Opportunity
from kscity.core.match.index import firm_text, opportunity_text, tokenize

LABELS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "matching" / "labels.json"
Ranker = Callable[[str], Sequence[str]]


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain with log2 discount."""
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with gain 2^grade − 1; 0 when nothing is relevant."""
    ideal = dcg(sorted((2.0 ** g - 1 for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([2.0 ** grades.get(x, 0) - 1 for x in ranked[:k]]) / ideal


def recall_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int = 20) -> float:
    """Share of relevant (grade ≥ 1) items found in the top k; 0 when nothing is relevant."""
    relevant = {x for x, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def load_labels(path: Path = LABELS) -> list[tuple[str, dict[str, int]]]:
    """(ocid, {firm_id: grade}) pairs from a labels.json file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for n, item in enumerate(data["items"]):
        if "ocid" not in item or not isinstance(item.get("grades"), dict):
            raise ValueError(f"{path}: items[{n}]: needs 'ocid' and a 'grades' mapping")
        out.append((str(item["ocid"]), {str(k): int(v) for k, v in item["grades"].items()}))
    return out


def bm25_ranker(firms: Sequence[Firm], opportunities: Mapping[str, Opportunity]) -> Ranker:
    """The BM25-only baseline: firm texts indexed with bm25s, the notice's text as the query."""
    import bm25s

    index = bm25s.BM25()
    index.index(tokenize([firm_text(f.company) for f in firms]), show_progress=False)
    vocab = index.vocab_dict

    def rank(ocid: str) -> list[str]:
        q = [t for t in tokenize([opportunity_text(opportunities[ocid].notice)])[0] if t in vocab]
        if not q:
            return []
        scores = np.asarray(index.get_scores(q))
        return [firms[i].firm_id for i in np.argsort(-scores, kind="stable") if scores[i] > 0]

    return rank


def evaluate(labels: Sequence[tuple[str, Mapping[str, int]]], rankers: Mapping[str, Ranker]
             ) -> dict[str, dict[str, float]]:
    """Mean nDCG@10 and recall@20 per ranker over the labelled items."""
    out: dict[str, dict[str, float]] = {}
    for name, rank in rankers.items():
        nd, rc = [], []
        for ocid, grades in labels:
            ranked = list(rank(ocid))
            nd.append(ndcg_at_k(ranked, grades, 10))
            rc.append(recall_at_k(ranked, grades, 20))
        out[name] = {"ndcg@10": float(np.mean(nd)) if nd else 0.0, "recall@20": float(np.mean(rc)) if rc else 0.0,
                     "items": float(len(nd))}
    return out


def rows_from(result: Mapping[str, Mapping[str, float]]) -> list[dict[str, Any]]:
    """Benchmark rows comparing kscity with the BM25 baseline."""
    k, b = result["kscity"], result["bm25"]
    ratio = k["ndcg@10"] / b["ndcg@10"] if b["ndcg@10"] else float("inf")
    return [
        {"figure": f"matching nDCG@10 ({int(k['items'])} labelled opportunities)", "value": round(k["ndcg@10"], 3),
         "unit": "", "baseline": round(b["ndcg@10"], 3), "ratio": round(ratio, 2), "target": ">= 0.8 and 1.2x",
         "ok": k["ndcg@10"] >= 0.8 and ratio >= 1.2},
        {"figure": "matching recall@20", "value": round(k["recall@20"], 3), "unit": "",
         "baseline": round(b["recall@20"], 3), "ratio": None, "target": "", "ok": True},
    ]


SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
NOTICE_DIRS = ("ocds/mexico/grupo-aeroportuario/sample", "ted/ted-xml")  # where the labelled ocids come from


def _store(tmp: Path, shared: Path) -> Any:
    """A scratch SQLite store with the reference data, the sample catalogue and the labelled notices."""
    from kscity.app import App
    from kscity.services.catalogue import load_sample_catalogue
    from kscity.services.ingest import ingest_paths
    from kscity.services.reference_load import load_reference
    from kscity.settings import Settings
    from kscity.store.migrate import upgrade

    kapp = App(Settings(database_url=f"sqlite:///{tmp / 'eval.db'}"))
    upgrade(kapp.engine)
    with kapp.transaction() as session:
        load_reference(session=session)
        load_sample_catalogue(session=session)
    ingest_paths(kapp, [shared / d for d in NOTICE_DIRS])
    return kapp


def measure(shared: Path = SHARED) -> dict[str, dict[str, float]]:
    """nDCG@10 and recall@20 of kscity and of BM25 only, on the labelled set, from one scratch store."""
    import tempfile

    from sqlalchemy import select

    from kscity.core.match import FirmIndex, rank_firms
    from kscity.services.matching import match_context, opportunity_from_row
    from kscity.store.queries.catalogue import all_companies
    from kscity.store.tables.pipeline import OpportunityRow

    labels = load_labels()
    with tempfile.TemporaryDirectory(prefix="kscity-eval-") as tmp:
        kapp = _store(Path(tmp), shared)
        with kapp.read() as session:
            # firms keyed by registration number, the labels' stable key
            firms = [Firm(c.brn, c) for c in all_companies(session)]
            rows = session.scalars(select(OpportunityRow).where(OpportunityRow.ocid.in_([o for o, _ in labels])))
            opps = {r.ocid: opportunity_from_row(r) for r in rows}
            ctx = match_context(session=session)
        kapp.dispose()
    missing = sorted({o for o, _ in labels} - set(opps))
    if missing:
        raise ValueError(f"{LABELS}: ocids not found in the shared notices: {', '.join(missing)}")
    index = FirmIndex.build(firms)

    def kscity_rank(ocid: str) -> list[str]:
        return [r.firm_id for r in rank_firms(opps[ocid], index, ctx, limit=20)]

    return evaluate(labels, {"kscity": kscity_rank, "bm25": bm25_ranker(firms, opps)})


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Rows for `make bench` (the set is small, so quick changes nothing); empty without labels or data."""
    if not LABELS.exists() or not SHARED.is_dir():
        return []
    return rows_from(measure())


if __name__ == "__main__":
    rows = run()
    if not rows:
        print(f"no labelled set at {LABELS}: nothing to evaluate (format: tests/fixtures/matching/README.md)")
    for r in rows:
        print(r)
