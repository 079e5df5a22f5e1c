"""Alert runs: 1,000 saved profiles over 100,000 stored opportunities, e-mail to a local SMTP sink and Atom feeds.

The store is built the way a deployment grows: the shared notices (../shared/data) are ingested by
`kscity.services.ingest`, then their opportunity rows are replicated under new ocids (values scaled,
publication dates spread) until 100,000 are stored, as if ingested two days earlier. 1,000 profiles mix
services, countries (those stored), keywords (Spanish, Portuguese, Ukrainian, English, Korean), CPV/UNSPSC
codes (taken from the stored items, sometimes one level up) and minimum values, in Korean and English,
80 % with an e-mail address. Two runs are timed through `kscity.services.alerts.run_alerts`, the function
`kscity alerts run` calls, with delivery to an SMTP sink on 127.0.0.1 and then every profile's Atom feed:
(1) the first run, where everything stored is new to every profile; (2) the next day's run after 2,000
new opportunities. Baseline in the same run: one SQL query per profile with the same filters (codes left
out, no delivery), the naive way to run saved searches.
Run: `.venv/bin/python bench/bench_alerts.py [--quick]` (KSCITY_BENCH_DATABASE_URL to use PostgreSQL).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for tests.smtp_sink
from tests.smtp_sink import smtp_sink

SHARED = Path(os.environ.get("KSCITY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
QUICK_DIRS = ("ocds/ukraine", "ocds/uk-contracts-finder", "ocds/portugal", "ted/ted-xml")
FULL_DIRS = ("ocds", "ted")
SERVICES = ("safety", "transport", "eco", "energy", "healthcare", "administration", "data")
KEYWORDS = ("videovigilancia", "cámaras", "alumbrado", "agua", "residuos", "software", "vigilância", "iluminação",
            "água", "відеоспостереження", "освітлення", "водопостачання", "CCTV", "lighting", "water", "waste",
            "traffic", "parking", "solar", "energy", "hospital", "platform", "sensor", "network", "digital",
            "security", "transport", "smart", "CCTV 영상", "스마트")


def _app(tmp: Path) -> Any:
    from kscity.app import App
    from kscity.settings import Settings
    from kscity.store.migrate import upgrade

    url = os.environ.get("KSCITY_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'alerts.db'}"
    kapp = App(Settings(database_url=url))
    upgrade(kapp.engine)
    return kapp


def _wipe(kapp: Any) -> None:
    """Empty the tables the bench fills (a PostgreSQL bench database is reused between runs)."""
    from kscity.store.tables.alerts import AlertDeliveryRow, AlertProfileRow
    from kscity.store.tables.pipeline import OpportunityRow

    with kapp.transaction() as s:
        for table in (AlertDeliveryRow, AlertProfileRow):
            s.execute(delete(table))
        s.execute(delete(OpportunityRow).where(OpportunityRow.ocid.like("%~r%")))


def _base_rows(kapp: Any, dirs: tuple[str, ...]) -> list[dict[str, Any]]:
    """Ingest the shared notices (reference data and sample catalogue first); their opportunity rows."""
    from kscity.services.catalogue import load_sample_catalogue
    from kscity.services.ingest import ingest_paths
    from kscity.services.reference_load import load_reference
    from kscity.store.tables.pipeline import OpportunityRow

    with kapp.read() as s:
        have = s.scalar(select(func.count(OpportunityRow.id)))
    if not have:
        with kapp.transaction() as s:
            load_reference(session=s)
            load_sample_catalogue(session=s)
        ingest_paths(kapp, [SHARED / d for d in dirs])
    cols = [c for c in OpportunityRow.__table__.columns if c.name != "id"]
    with kapp.read() as s:
        return [dict(r._mapping) for r in s.execute(select(*cols).where(~OpportunityRow.ocid.like("%~r%"))
                                                    .order_by(OpportunityRow.id))]


def _replicate(kapp: Any, base: list[dict[str, Any]], start: int, count: int, stamp: datetime,
               rng: np.random.Generator) -> None:
    """Insert `count` copies of the base rows (copy numbers from `start`), updated at `stamp`."""
    from kscity.store.tables.pipeline import OpportunityRow

    chunk: list[dict[str, Any]] = []
    scale = rng.lognormal(0.0, 0.8, count)
    shift = rng.integers(0, 730, count)
    for k in range(count):
        row = dict(base[(start + k) % len(base)])
        row["ocid"] = f"{row['ocid']}~r{start + k}"
        if row["value_usd"] is not None:
            row["value_usd"] = float(row["value_usd"]) * float(scale[k])
        if row["published"] is not None:
            row["published"] = row["published"] + timedelta(days=int(shift[k]))
        row["updated_at"] = stamp
        chunk.append(row)
        if len(chunk) == 5000 or k == count - 1:
            with kapp.transaction() as s:
                s.execute(insert(OpportunityRow), chunk)
            chunk = []


def _profiles(kapp: Any, n: int, rng: np.random.Generator) -> None:
    """Save `n` profiles through the alerts service, criteria drawn from what is stored."""
    from kscity.services.alerts import add_profile
    from kscity.store.tables.catalogue import CompanyRow
    from kscity.store.tables.pipeline import OpportunityRow

    with kapp.read() as s:
        countries = [c for c, in s.execute(select(OpportunityRow.country).where(OpportunityRow.country.is_not(None))
                                           .group_by(OpportunityRow.country))]
        codes = sorted({f"{i.get('scheme', '').upper()}:{i.get('code', '')}"
                        for items, in s.execute(select(OpportunityRow.items).where(~OpportunityRow.ocid.like("%~r%")))
                        for i in items or [] if isinstance(i, dict) and i.get("code")
                        and str(i.get("scheme", "")).upper() in ("CPV", "UNSPSC")})
        firms = list(s.scalars(select(CompanyRow.id)))
    with kapp.transaction() as s:
        for i in range(n):
            kinds: dict[str, Any] = {}
            topical = rng.random()
            if topical < 0.75:
                kinds["services"] = list(rng.choice(SERVICES, int(rng.integers(1, 3)), replace=False))
            if topical >= 0.6 or rng.random() < 0.2:
                kinds["keywords"] = list(rng.choice(KEYWORDS, int(rng.integers(1, 4)), replace=False))
            if codes and (topical >= 0.9 or rng.random() < 0.15):
                picked = [str(c) for c in rng.choice(codes, int(rng.integers(1, 3)))]
                # sometimes one level up, as a firm would save its division rather than one code
                kinds["codes"] = [c[:-3] + "000" if rng.random() < 0.3 and c.startswith("CPV:") else c for c in picked]
            if rng.random() < 0.5:
                kinds["countries"] = list(rng.choice(countries, int(rng.integers(1, 4)), replace=False))
            if rng.random() < 0.3:
                kinds["min_value_usd"] = float(rng.choice([1e4, 1e5, 5e5, 1e6, 5e6]))
            add_profile(session=s, name=f"profile {i}", language="ko" if i % 2 else "en",
                        firm_id=int(rng.choice(firms)) if firms and rng.random() < 0.8 else None,
                        email=f"firm{i}@example.org" if rng.random() < 0.8 else "", **kinds)


def _timed_run(kapp: Any, smtp: Any) -> tuple[float, float, dict[str, Any]]:
    """Seconds for `run_alerts` (committed) and for every profile's Atom feed; the run's report."""
    from kscity.services.alerts import list_profiles, profile_feed, run_alerts

    t = time.perf_counter()
    with kapp.transaction() as s:
        rep = run_alerts(session=s, smtp=smtp)
    run_s = time.perf_counter() - t
    t = time.perf_counter()
    with kapp.read() as s:
        for p in list_profiles(session=s):
            profile_feed(session=s, profile_id=p["id"], base_url="http://localhost:8000")
    return run_s, time.perf_counter() - t, rep


def _naive(kapp: Any, since: datetime | None) -> float:
    """One SQL query per profile with its filters (codes left out, nothing delivered): the baseline."""
    from kscity.store.tables.alerts import AlertProfileRow
    from kscity.store.tables.pipeline import OpportunityRow as O

    t = time.perf_counter()
    with kapp.read() as s:
        for p in s.scalars(select(AlertProfileRow)).all():
            conds = [O.updated_at > since] if since else []
            if p.services:
                conds.append(O.service.in_(p.services))
            if p.countries:
                conds.append(O.country.in_(p.countries))
            if p.min_value_usd:
                conds.append(O.value_usd >= p.min_value_usd)
            if p.keywords:
                conds.append(or_(*[func.lower(O.title + " " + O.description).contains(k.lower()) for k in p.keywords]))
            s.execute(select(O.id, O.ocid, O.title).where(and_(*conds))).all()
    return time.perf_counter() - t


def _deliveries(s: Session) -> int:
    from kscity.store.tables.alerts import AlertDeliveryRow

    return int(s.scalar(select(func.count(AlertDeliveryRow.id))) or 0)


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Benchmark rows {figure, value, unit, baseline, ratio, target, ok} for `make bench`."""
    from kscity.services.alerts import SmtpConfig

    if not SHARED.is_dir():
        return []
    n_opps, n_profiles, n_new, dirs = (20_000, 200, 500, QUICK_DIRS) if quick else (100_000, 1_000, 2_000, FULL_DIRS)
    rng = np.random.default_rng(11)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="kscity-alerts-") as tmp:
        kapp = _app(Path(tmp))
        _wipe(kapp)
        base = _base_rows(kapp, dirs)
        now = datetime.now(UTC).replace(tzinfo=None)
        _replicate(kapp, base, 0, n_opps - n_new - len(base), now - timedelta(days=2), rng)
        _profiles(kapp, n_profiles, rng)
        size = f"{n_profiles:,} profiles, {n_opps - n_new:,} opportunities"
        with smtp_sink() as server:
            smtp = SmtpConfig("127.0.0.1", server.server_address[1])
            naive = _naive(kapp, None)
            run_s, feed_s, rep = _timed_run(kapp, smtp)
            with kapp.read() as s:
                delivered = _deliveries(s)
            total = run_s + feed_s
            rows += [
                {"figure": f"alerts first run, {size} all new: run + e-mail + every Atom feed (vs one SQL query "
                 "per profile)", "value": round(total, 2), "unit": "s", "baseline": round(naive, 2),
                 "ratio": round(total / naive, 2), "target": "<= 30 s", "ok": total <= 30},
                {"figure": f"alerts first run: {rep['new_items']:,} items delivered ({delivered:,} rows), "
                 f"{len(server.messages)} e-mails; the run alone (feeds {feed_s:.2f} s)", "value": round(run_s, 2),
                 "unit": "s", "baseline": None, "ratio": None, "target": "", "ok": True},
            ]
            mails = len(server.messages)
            _replicate(kapp, base, n_opps, n_new, datetime.now(UTC).replace(tzinfo=None), rng)
            since = now + timedelta(seconds=1)
            naive = _naive(kapp, since)
            run_s, feed_s, rep = _timed_run(kapp, smtp)
            total = run_s + feed_s
            rows += [
                {"figure": f"alerts next run, {n_profiles:,} profiles after {n_new:,} new opportunities "
                 f"({n_opps:,} stored): run + e-mail + every Atom feed (vs one SQL query per profile)",
                 "value": round(total, 2), "unit": "s", "baseline": round(naive, 2),
                 "ratio": round(total / naive, 2), "target": "<= 30 s", "ok": total <= 30},
                {"figure": f"alerts next run: {rep['new_items']:,} items delivered, {len(server.messages) - mails} "
                 f"e-mails; the run alone (feeds {feed_s:.2f} s)", "value": round(run_s, 2), "unit": "s",
                 "baseline": None, "ratio": None, "target": "", "ok": True},
            ]
        _wipe(kapp)
        kapp.dispose()
    return rows


def main() -> None:
    """Print the table."""
    for r in run(quick="--quick" in sys.argv):
        print(f"{r['figure']:<120} {r['value']!s:>14} {r['unit']:<2} {r['baseline']!s:>7} {r['ratio']!s:>6} "
              f"{r['target']:<8} {'yes' if r['ok'] else 'NO'}")


if __name__ == "__main__":
    main()
