"""Matching benchmark: 100,000 opportunities × 10,000 firms (synthetic), one query p95, index build and memory.

Synthetic data from a fixed seed: firms with 1–3 solutions in the taxonomy, deployments and exports in
random countries; opportunities classified into the seven services (20 % not smart-city) with short
titles drawn from service word lists. Embeddings are synthetic unit vectors clustered by service
(512-dim, as USE), so the figure is the query path, not the encoder; the encoder's own cost per query
text is measured separately on the real model. Baseline in the same run: a BM25-only query (bm25s scores
for every document + top-k). Run: `.venv/bin/python bench/bench_match.py [--quick]`.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from typing import Any

import numpy as np

from kscity.core.match import (
    Firm,
    FirmIndex,
    MatchContext,
    Opportunity,
    OpportunityIndex,
    default_encoder,
    rank_firms,
    rank_opportunities,
)
from kscity.core.match.index import tokenize
from kscity.model.catalogue import Company, Deployment, ExportRecord, Solution
from kscity.model.opportunity import Classification, Notice, SourceRef

SERVICES = {"safety": ["cctv", "surveillance", "emergency", "platform", "videovigilancia"],
            "transport": ["bus", "transit", "card", "traffic", "parking"],
            "eco": ["water", "sewage", "leak", "air", "waste"],
            "energy": ["solar", "grid", "storage", "lighting", "fuel"],
            "healthcare": ["telemedicine", "hospital", "records", "triage", "clinic"],
            "administration": ["egovernment", "portal", "voting", "twin", "citizen"],
            "data": ["wifi", "5g", "cloud", "iot", "blockchain"]}
NAMES = list(SERVICES)
COUNTRIES = ["MEX", "COL", "PER", "VNM", "IDN", "KEN", "UKR", "PRT", "GBR", "IND", "PHL", "THA"]
DIM = 512


def _emb(rng: np.random.Generator, service_idx: np.ndarray, centres: np.ndarray) -> np.ndarray:
    e = centres[service_idx] + 0.9 * rng.standard_normal((len(service_idx), DIM)).astype(np.float32) / np.sqrt(DIM)
    return e.astype(np.float32)


def generate(n_opps: int, n_firms: int, seed: int = 7) -> tuple[list[Firm], np.ndarray, list[Opportunity], np.ndarray]:
    """Firms and opportunities with their synthetic embeddings (firms: one row per solution)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((len(NAMES) + 1, DIM)).astype(np.float32) / np.sqrt(DIM)
    firms, rows = [], []
    for i in range(n_firms):
        sols = []
        for j in range(int(rng.integers(1, 4))):
            s = int(rng.integers(len(NAMES)))
            words = " ".join(rng.choice(SERVICES[NAMES[s]], 3))
            deps = tuple(Deployment("c", str(rng.choice(COUNTRIES)), 2020) for _ in range(int(rng.integers(0, 3))))
            sols.append(Solution(f"s{i}-{j}", words, words, NAMES[s], None, trl=int(rng.integers(5, 10)),
                                 description_en=words, deployments=deps))
            rows.append(s)
        size = str(rng.choice(["large", "middle", "sme", "startup"], p=[0.1, 0.2, 0.5, 0.2]))
        exports = tuple(ExportRecord(str(rng.choice(COUNTRIES)), 2021, 1e5) for _ in range(int(rng.integers(0, 3))))
        firms.append(Firm(str(i), Company(f"{i}", f"회사{i}", f"Firm {i}", size, solutions=tuple(sols),  # type: ignore[arg-type]
                                          exports=exports)))
    opps, o_rows = [], []
    for i in range(n_opps):
        s = int(rng.integers(len(NAMES) + 1))
        smart = s < len(NAMES)
        words = " ".join(rng.choice(SERVICES[NAMES[s]] if smart else ["road", "paper", "office"], 4))
        n = Notice(f"ocds-{i}", SourceRef("bench", str(i)), f"Supply of {words}", country=str(rng.choice(COUNTRIES)))
        opps.append(Opportunity(n, Classification(NAMES[s], None, 0.8) if smart else None))
        o_rows.append(s)
    return firms, _emb(rng, np.array(rows), centres), opps, _emb(rng, np.array(o_rows), centres)


def _p95(xs: list[float]) -> float:
    return float(np.percentile(xs, 95))


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Benchmark rows {figure, value, unit, baseline, ratio, target, ok} for `make bench`."""
    n_opps, n_firms, queries = (20_000, 2_000, 30) if quick else (100_000, 10_000, 100)
    firms, f_emb, opps, o_emb = generate(n_opps, n_firms)
    ctx = MatchContext(region_of={c: ("latam" if c in ("MEX", "COL", "PER") else "other") for c in COUNTRIES},
                       support={"UKR": frozenset({"ksure_special"}), "KEN": frozenset({"edcf"})})
    tracemalloc.start()
    t = time.perf_counter()
    f_index = FirmIndex.build(firms, embeddings=f_emb)
    f_build = time.perf_counter() - t
    t = time.perf_counter()
    o_index = OpportunityIndex.build(opps, embeddings=o_emb)
    o_build = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rng = np.random.default_rng(1)
    for i in range(5):  # warm-up
        rank_firms(opps[i], f_index, ctx, 10, o_emb[i])
        rows = slice(f_index.starts[i], f_index.starts[i] + len(firms[i].company.solutions))
        rank_opportunities(firms[i], o_index, ctx, 10, f_emb[rows])
    t_firms, t_opps, t_bm25 = [], [], []
    for q in rng.integers(0, n_opps, queries):
        t = time.perf_counter()
        rank_firms(opps[q], f_index, ctx, 20, o_emb[q])
        t_firms.append(time.perf_counter() - t)
    for q in rng.integers(0, n_firms, queries):
        f = firms[q]
        e = f_emb[f_index.starts[q]:f_index.starts[q] + len(f.company.solutions)]
        t = time.perf_counter()
        rank_opportunities(f, o_index, ctx, 20, e)
        t_opps.append(time.perf_counter() - t)
        tokens = [x for x in sorted(set(tokenize([" ".join(s.name_en for s in f.company.solutions)])[0]))
                  if x in o_index.bm25.vocab_dict]
        t = time.perf_counter()
        scores = o_index.bm25.get_scores(tokens)
        np.argpartition(-scores, 20)[:20]
        t_bm25.append(time.perf_counter() - t)
    texts = [o.notice.title for o in opps[:50]]
    default_encoder(texts[:2])
    t = time.perf_counter()
    for x in texts:
        default_encoder([x])
    enc = (time.perf_counter() - t) / len(texts)
    size = f"{n_opps:,} opportunities × {n_firms:,} firms"
    pf, po, pb = _p95(t_firms) * 1000, _p95(t_opps) * 1000, _p95(t_bm25) * 1000
    return [
        {"figure": f"match {size}: rank firms for an opportunity, p95", "value": round(pf, 2), "unit": "ms",
         "baseline": None, "ratio": None, "target": "<= 50 ms", "ok": pf <= 50},
        {"figure": f"match {size}: rank opportunities for a firm, p95 (vs BM25-only top-20)", "value": round(po, 2),
         "unit": "ms", "baseline": round(pb, 2), "ratio": round(po / pb, 2), "target": "<= 50 ms", "ok": po <= 50},
        {"figure": f"match {size}: index build (firms + opportunities, embeddings given)",
         "value": round(f_build + o_build, 2), "unit": "s", "baseline": None, "ratio": None, "target": "", "ok": True},
        {"figure": f"match {size}: index build peak memory (Python allocations)", "value": round(peak / 2**20, 1),
         "unit": "MiB", "baseline": None, "ratio": None, "target": "", "ok": True},
        {"figure": "match: USE multilingual encoding of one query text (real model)", "value": round(enc * 1000, 2),
         "unit": "ms", "baseline": None, "ratio": None, "target": "", "ok": True},
    ]


def main() -> None:
    """Print the table."""
    rows = run(quick="--quick" in sys.argv)
    print(f"{'figure':<86} {'value':>9} {'unit':<4} {'baseline':>8} {'ratio':>6} {'target':<9} ok")
    for r in rows:
        print(f"{r['figure']:<86} {r['value']!s:>9} {r['unit']:<4} {r['baseline']!s:>8} {r['ratio']!s:>6} "
              f"{r['target']:<9} {'yes' if r['ok'] else 'NO'}")


if __name__ == "__main__":
    main()
