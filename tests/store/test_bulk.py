"""insert_many writes what SQLAlchemy's insert writes: same values read back, JSON, packed JSON, dates and nulls."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, text

from kscity.app import App, json_bytes
from kscity.services.opportunity_build import table_of
from kscity.store.bulk import insert_many
from kscity.store.packed import pack
from kscity.store.tables.pipeline import LinkKeyRow, NoticeLinkRow, OpportunityRow


def _opportunity(ocid: str, **over: Any) -> dict[str, Any]:
    row = {"ocid": ocid, "title": "Cámaras 감시", "description": "", "language": "es", "country": "MEX",
           "buyer": "GACM", "procurement_method": "open", "stage": "tender", "value": 1234.5, "currency": "MXN",
           "value_usd": None, "published": datetime(2024, 1, 2, 3, 4, 5), "tender_deadline": datetime(2024, 2, 1),
           "items": [{"scheme": "CPV", "code": "35125300"}], "documents": [{"title": "Pliego", "url": "https://x"}],
           "service": "safety", "sub_solution": None, "class_score": 0.9, "class_method": "codes",
           "evidence": ["CPV 35125300"], "search_text": "cámaras", "updated_at": datetime(2024, 3, 1, 0, 0, 0, 7)}
    return {**row, **over}


def _read(kapp: App, ocid: str) -> dict[str, Any]:
    with kapp.read() as session:
        row = session.scalars(select(OpportunityRow).where(OpportunityRow.ocid == ocid)).one()
        return {c: getattr(row, c) for c in _opportunity("") if c != "ocid"}


def test_rows_read_back_as_sqlalchemy_wrote_them(kapp: App) -> None:
    # COPY's text format (PostgreSQL) escapes tabs, newlines and backslashes, and reads a bare \N as null
    variants = [{}, {"value": None, "published": None, "documents": [], "evidence": [], "country": None},
                {"title": "tab\there\nnew line\\ \x01 \\N", "search_text": "\\N", "evidence": ["a\tb", "\\N"]}]
    with kapp.transaction() as session:
        for i, over in enumerate(variants):
            session.execute(insert(table_of(OpportunityRow)), [_opportunity(f"sa-{i}", **over)])
        insert_many(session, table_of(OpportunityRow), [_opportunity(f"bulk-{i}", **over)
                                                         for i, over in enumerate(variants)])
    for i in range(len(variants)):
        assert _read(kapp, f"bulk-{i}") == _read(kapp, f"sa-{i}")
    written = _opportunity("", items=orjson.Fragment(json_bytes(_opportunity("")["items"])),
                           documents=pack(json_bytes(_opportunity("")["documents"])))
    with kapp.transaction() as session:  # JSON texts written already (ingest writes a notice's parts so)
        insert_many(session, table_of(OpportunityRow), [{**written, "ocid": "texts"}])
    assert _read(kapp, "texts") == _read(kapp, "sa-0")
    with kapp.transaction() as session:  # rows referring to those rows, through the same connection
        opp = session.scalars(select(OpportunityRow.id).where(OpportunityRow.ocid == "bulk-0")).one()
        insert_many(session, table_of(NoticeLinkRow), [
            {"ocid": "n-1", "opportunity_id": opp, "source": "s", "url": "", "link_score": 1.0,
             "link_reasons": ["title"], "notice": {"title": "t"}},
            {"ocid": "n-2", "opportunity_id": opp, "source": "s", "url": "", "link_score": 1.0,
             "link_reasons": [], "notice": pack(json_bytes({"title": "a\tb\\N\u0000"}))}])
        insert_many(session, table_of(LinkKeyRow), [{"key": "MEX|b:gacm", "ocid": "n-1", "publisher": "ocds?"}])
    with kapp.read() as session:
        link = session.get(NoticeLinkRow, "n-1")
        assert link is not None and link.notice == {"title": "t"} and link.link_reasons == ["title"]
        packed = session.get(NoticeLinkRow, "n-2")  # bytes made by pack, written as they are
        assert packed is not None and packed.notice == {"title": "a\tb\\N\u0000"}


def test_an_empty_batch_writes_nothing_and_missing_defaults_are_refused(kapp: App) -> None:
    with kapp.transaction() as session:
        insert_many(session, table_of(OpportunityRow), [])
        row = _opportunity("x")
        del row["documents"]  # has a Python-side default that SQLAlchemy would fill
        with pytest.raises(ValueError, match="documents"):
            insert_many(session, table_of(OpportunityRow), [row])
    with kapp.read() as session:
        assert session.scalars(select(OpportunityRow.id)).all() == []


_SERIAL = itertools.count()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.none(), st.dates(), st.datetimes(),
                 st.datetimes(timezones=st.timezones()).filter(lambda d: d.utcoffset() is not None)))
def test_dates_and_times_are_written_as_sqlalchemy_writes_them(kapp: App, when: Any) -> None:
    """SQLite's datetimes go through a faster processor than SQLAlchemy's (isoformat, not a %-format of their
    fields): the text stored is the same, wall-clock fields and all, for naive and aware values and plain dates.
    PostgreSQL converts an aware time to UTC on INSERT but not by COPY; the store is given UTC-naive times only
    (model.times), so there only those are compared."""
    assume(kapp.engine.dialect.name == "sqlite" or not isinstance(when, datetime) or when.tzinfo is None)
    ocid = f"t-{next(_SERIAL)}"  # the database lives on across examples
    with kapp.transaction() as session:
        session.execute(insert(table_of(OpportunityRow)), [_opportunity(f"sa-{ocid}", published=when)])
        insert_many(session, table_of(OpportunityRow), [_opportunity(f"bulk-{ocid}", published=when)])
    with kapp.read() as session:
        stored = dict(session.execute(text("SELECT ocid, CAST(published AS TEXT) FROM opportunity WHERE ocid IN "
                                           "(:a, :b)"), {"a": f"sa-{ocid}", "b": f"bulk-{ocid}"}).all())
    assert stored[f"bulk-{ocid}"] == stored[f"sa-{ocid}"]
