"""An opportunity's timeline (pure): the dated events its notices tell, one line each, in the order they happened.

A firm deciding whether to chase a project asks when it was planned, when tenders opened and closed, who won it and
when, and how long the contract runs. Those dates are spread over the opportunity's notices: each OCDS release of
its ocids (planning, tender, award, contract, implementation), each TED notice. Every notice yields its own events
(its publication; the tender's dates; awards, contracts and milestones of an OCDS release), and `timeline` keeps
each event once: later releases repeat what earlier ones said, and a compiled release repeats them all.

Days only: publishers give dates in their own time zones, or no time at all, so ordering within a day by clock time
would mislead; events of one day follow the procurement's own order (plans, publication, tender, award, contract).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, get_args

from kscity.model.opportunity import Notice, Stage

# the procurement's own order: events of one day are shown in it
KINDS = ("milestone", "published", "enquiries_close", "tender_opens", "tender_deadline", "award", "contract_signed",
         "contract_start", "contract_end")
_ORDER = {k: i for i, k in enumerate(KINDS)}
_STAGES = {s: i for i, s in enumerate(get_args(Stage))}  # a day's publications in the procurement's order
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DROPPED = {"cancelled", "unsuccessful"}  # awards and contracts that did not happen (OCDS status codelists)


@dataclass(frozen=True)
class Event:
    """One dated event: its day (ISO 8601), what happened (one of KINDS), a detail (a stage, a supplier, a
    milestone's title) and the notice that tells it first ("source:id")."""

    day: str
    kind: str
    detail: str = ""
    source: str = ""


def day_of(value: Any) -> str | None:
    """The calendar day of an OCDS date (a date-time with any offset, or a date), as YYYY-MM-DD; None when it is
    not a real date."""
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if not isinstance(value, str):
        return None
    m = _DAY.match(value.strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:  # 2021-02-30
        return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _milestones(block: Mapping[str, Any]) -> Iterable[tuple[Any, str, str]]:
    for m in _dicts(block.get("milestones")):
        title = _text(m.get("title")) or _text(m.get("description")) or _text(m.get("code"))
        yield m.get("dateMet") or m.get("dueDate"), "milestone", title


def _release_dates(release: Mapping[str, Any]) -> Iterable[tuple[Any, str, str]]:
    """(date, kind, detail) of what an OCDS release says beyond its publication."""
    yield from _milestones(_map(release.get("planning")))
    tender = _map(release.get("tender"))
    yield _map(tender.get("enquiryPeriod")).get("endDate"), "enquiries_close", ""
    period = _map(tender.get("tenderPeriod"))
    yield period.get("startDate"), "tender_opens", ""
    yield period.get("endDate"), "tender_deadline", ""
    yield from _milestones(tender)
    for award in _dicts(release.get("awards")):
        if award.get("status") not in _DROPPED:
            names = [_text(s.get("name")) for s in _dicts(award.get("suppliers"))]
            yield award.get("date"), "award", ", ".join(n for n in names if n)
    for contract in _dicts(release.get("contracts")):
        if contract.get("status") in _DROPPED:
            continue
        title = _text(contract.get("title"))
        yield contract.get("dateSigned"), "contract_signed", title
        period = _map(contract.get("period"))
        yield period.get("startDate"), "contract_start", title
        yield period.get("endDate"), "contract_end", title
        yield from _milestones(contract)
        yield from _milestones(_map(contract.get("implementation")))


def notice_events(source: str, notice: Notice, release: Mapping[str, Any] | None = None,
                  compiled: bool = False) -> list[Event]:
    """The events one notice tells: its publication (not for a compiled release, which no one published as
    such), its tender's opening and deadline, and, for an OCDS release, its awards, contracts and milestones. An
    OCDS release's days are read from the release as published (the publisher's own day: the Notice keeps its
    times in UTC, which can be the day before or after); a TED notice's from its Notice."""
    found: list[tuple[Any, str, str]]
    if release is not None:
        found = [] if compiled else [(release.get("date"), "published", notice.stage)]
        found += _release_dates(release)
    else:
        found = [(notice.published, "published", notice.stage), (notice.tender_start, "tender_opens", ""),
                 (notice.tender_deadline, "tender_deadline", "")]
    return [Event(day, kind, detail, source) for when, kind, detail in found if (day := day_of(when))]


def timeline(events: Iterable[Event]) -> list[Event]:
    """Each event once (the same day, kind and detail: the first notice to tell it keeps it), in the order things
    happened."""
    kept: dict[tuple[str, str, str], Event] = {}
    for e in events:
        kept.setdefault((e.day, e.kind, e.detail), e)
    return sorted(kept.values(), key=lambda e: (e.day, _ORDER.get(e.kind, len(KINDS)), _STAGES.get(e.detail, 9),
                                                e.detail))
