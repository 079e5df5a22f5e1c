"""Catalogue benchmark: XLSX import of N firms × 3 solutions vs reading the same workbook with openpyxl alone,
and catalogue search p95 on that data set (vs a bare SQL scan with the same text predicate).

The workbook comes from the synthetic generator (`kscity demo catalogue`, seed 2019): 10,000 firms, 30,000
solutions with deployments and export records, Korean headers. The import is the full use case: read,
validate every cell (checksums, taxonomy, countries), then upsert in one transaction on SQLite.
Run: `.venv/bin/python bench/bench_catalogue.py [--quick]`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import load_workbook
from sqlalchemy import func, select

from kscity.app import App
from kscity.core.catalogue.generate import generate_catalogue
from kscity.services import catalogue as svc
from kscity.services.catalogue_io import write_workbook
from kscity.settings import Settings
from kscity.store.migrate import upgrade
from kscity.store.tables.catalogue import SolutionRow

QUERIES = ("교통카드", "water", "스마트 물관리", "platform 9", "cctv", "원격의료", "ess", "solution 00042",
           "zero-energy", "드론")


def _openpyxl_only(path: Path) -> tuple[float, int]:
    t = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    cells = sum(len(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    wb.close()
    return time.perf_counter() - t, cells


def _searches(kapp: App, rng: np.random.Generator, n: int) -> tuple[list[float], list[float]]:
    services = [s["id"] for s in svc.taxonomy_data()["services"]]
    full, bare = [], []
    with kapp.read() as session:
        for _ in range(n):
            q = str(rng.choice(QUERIES))
            f = svc.make_filter(q_text=q, service=str(rng.choice(services)) if rng.random() < 0.5 else None,
                                min_trl=int(rng.integers(5, 10)) if rng.random() < 0.3 else None,
                                size="sme" if rng.random() < 0.2 else None)
            t = time.perf_counter()
            svc.list_solutions(session=session, filters=f, limit=20)
            full.append(time.perf_counter() - t)
            t = time.perf_counter()
            stmt = select(func.count()).select_from(SolutionRow)
            for term in q.lower().split():
                stmt = stmt.where(SolutionRow.search_text.contains(term, autoescape=True))
            session.scalar(stmt)
            bare.append(time.perf_counter() - t)
    return full, bare


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Benchmark rows {figure, value, unit, baseline, ratio, target, ok} for `make bench`."""
    firms = 1_000 if quick else 10_000
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="kscity-bench-cat-") as tmp:
        path = Path(tmp) / "catalogue.xlsx"
        companies = generate_catalogue(firms, np.random.default_rng(2019), svc.taxonomy_data())
        write_workbook(path, companies, "ko")
        base_s, cells = _openpyxl_only(path)
        kapp = App(Settings(database_url=f"sqlite:///{tmp}/bench.db"))
        upgrade(kapp.engine)
        t = time.perf_counter()
        with kapp.transaction() as session:
            report = svc.import_catalogue(session=session, path=path)
        import_s = time.perf_counter() - t
        assert not report.refused and report.imported == firms
        rows.append({"figure": f"catalogue import {firms:,} firms × 3 solutions from XLSX ({cells:,} cells), "
                               "vs openpyxl read alone", "value": round(import_s, 2), "unit": "s",
                     "baseline": round(base_s, 2), "ratio": round(import_s / base_s, 2), "target": "ratio <= 4",
                     "ok": import_s / base_s <= 4})
        full, bare = _searches(kapp, np.random.default_rng(7), 60 if quick else 300)
        p95, bare95 = float(np.percentile(full, 95)) * 1000, float(np.percentile(bare, 95)) * 1000
        rows.append({"figure": f"catalogue search p95 over {firms * 3:,} solutions (text + filters, first 20), "
                               "vs bare SQL count", "value": round(p95, 1), "unit": "ms", "baseline": round(bare95, 1),
                     "ratio": round(p95 / bare95, 2), "target": "<= 200 ms", "ok": p95 <= 200})
        rows.append({"figure": "catalogue search p50", "value": round(float(np.percentile(full, 50)) * 1000, 1),
                     "unit": "ms", "baseline": None, "ratio": None, "target": "", "ok": True})
        kapp.dispose()
    return rows


def main() -> None:
    """Print the table."""
    rows = run(quick="--quick" in sys.argv)
    print(f"{'figure':<100} {'value':>8} {'unit':<4} {'baseline':>9} {'ratio':>6} {'target':<11} ok")
    for r in rows:
        print(f"{r['figure']:<100} {r['value']!s:>8} {r['unit']:<4} {r['baseline']!s:>9} {r['ratio']!s:>6} "
              f"{r['target']:<11} {'yes' if r['ok'] else 'NO'}")


if __name__ == "__main__":
    main()
