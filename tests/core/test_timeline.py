"""An opportunity's timeline: the dated events of its notices, each once, in the order they happened."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from kscity.core.timeline import KINDS, Event, day_of, notice_events, timeline
from kscity.model.opportunity import Notice, SourceRef


def _notice(**fields: object) -> Notice:
    return Notice(ocid="ocds-x-1", source=SourceRef("ocds", "ocds-x-1"), title="Street lights", **fields)  # type: ignore[arg-type]


def test_days_of_ocds_dates() -> None:
    assert day_of("2016-03-14T08:00:00-04:00") == "2016-03-14"  # the publisher's own day, whatever its offset
    assert day_of("2017-05-16") == "2017-05-16" and day_of(" 2017-05-16T12:00:00Z") == "2017-05-16"
    assert day_of(datetime(2020, 1, 2, 23, 0, tzinfo=UTC)) == "2020-01-02" and day_of(date(2020, 1, 3)) == "2020-01-03"
    for bad in ("2021-02-30", "16/05/2017", "", None, 20170516, "N/A"):
        assert day_of(bad) is None


def test_a_release_tells_its_tender_awards_contracts_and_milestones() -> None:
    release = {
        "date": "2020-01-02T08:00:00+09:00",  # 23:00 UTC the day before: the publisher's day is the one shown
        "planning": {"milestones": [{"title": "Feasibility study", "dueDate": "2019-11-01T00:00:00Z"},
                                    {"title": "No date"}]},
        "tender": {"enquiryPeriod": {"endDate": "2020-01-10T12:00:00+09:00"},
                   "tenderPeriod": {"startDate": "2020-01-02", "endDate": "2020-01-31T17:00:00+09:00"}},
        "awards": [{"date": "2020-02-15", "status": "active", "suppliers": [{"name": "Hanbit Lighting"},
                                                                           {"name": "Seoul ITS"}]},
                   {"date": "2020-02-16", "status": "cancelled", "suppliers": [{"name": "Withdrawn Co"}]}],
        "contracts": [{"title": "Lot 1", "dateSigned": "2020-03-01", "status": "active",
                       "period": {"startDate": "2020-03-02", "endDate": "2022-03-01"},
                       "implementation": {"milestones": [{"title": "Half the lights", "dateMet": "2021-01-20"}]}},
                      {"title": "Lot 2", "dateSigned": "2020-03-05", "status": "cancelled"}],
    }
    events = notice_events("ocds:r1", _notice(published=datetime(2020, 1, 1, 23), stage="tender"), release)
    assert [(e.day, e.kind, e.detail) for e in timeline(events)] == [
        ("2019-11-01", "milestone", "Feasibility study"),
        ("2020-01-02", "published", "tender"),
        ("2020-01-02", "tender_opens", ""),
        ("2020-01-10", "enquiries_close", ""),
        ("2020-01-31", "tender_deadline", ""),
        ("2020-02-15", "award", "Hanbit Lighting, Seoul ITS"),
        ("2020-03-01", "contract_signed", "Lot 1"),
        ("2020-03-02", "contract_start", "Lot 1"),
        ("2021-01-20", "milestone", "Half the lights"),
        ("2022-03-01", "contract_end", "Lot 1"),
    ]
    assert {e.source for e in events} == {"ocds:r1"}


def test_a_compiled_release_was_never_published_and_bad_shapes_are_skipped() -> None:
    notice = _notice(published=datetime(2020, 5, 1), stage="award", tender_deadline=datetime(2020, 4, 1, 17))
    compiled = notice_events("ocds:c", notice, {"date": "2020-05-01", "awards": "none", "tender": ["not", "a", "map"],
                                                "contracts": [None, {"period": [], "dateSigned": "2020-02-30"}]},
                             compiled=True)
    assert compiled == []
    ted = notice_events("ted:1", notice)  # a TED notice: its days from its Notice
    assert [(e.day, e.kind) for e in ted] == [("2020-05-01", "published"), ("2020-04-01", "tender_deadline")]


def test_the_first_notice_to_tell_an_event_keeps_it() -> None:
    first, again = Event("2020-02-15", "award", "Hanbit", "ocds:r2"), Event("2020-02-15", "award", "Hanbit", "ocds:c")
    assert timeline([first, again]) == [first]
    same_day = [Event("2020-01-02", "published", s, "x") for s in ("implementation", "award", "planning", "tender")]
    assert [e.detail for e in timeline(same_day)] == ["planning", "tender", "award", "implementation"]


_events = st.builds(Event, day=st.dates(date(2000, 1, 1), date(2030, 12, 31)).map(date.isoformat),
                    kind=st.sampled_from(KINDS), detail=st.sampled_from(["", "tender", "award", "Lot 1", "Hanbit"]),
                    source=st.sampled_from(["ocds:a", "ocds:b", "ted:c"]))


@given(st.lists(_events, max_size=40))
def test_every_event_once_in_the_order_things_happened(events: list[Event]) -> None:
    out = timeline(events)
    keys = [(e.day, e.kind, e.detail) for e in out]
    assert len(keys) == len(set(keys)) and set(keys) == {(e.day, e.kind, e.detail) for e in events}
    assert [e.day for e in out] == sorted(e.day for e in out)
    for e in out:  # the one kept is the first given
        assert e == next(x for x in events if (x.day, x.kind, x.detail) == (e.day, e.kind, e.detail))
    for a, b in pairwise(out):  # within a day, the procurement's own order
        assert a.day < b.day or KINDS.index(a.kind) <= KINDS.index(b.kind)
