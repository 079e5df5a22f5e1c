"""A notice's JSON text as ingest writes it (msgspec, model.serialize.notice_json) reads back as the same Notice,
whichever reader reads it, and the texts stored before it (dataclasses.asdict with ISO dates, written by orjson)
read back too; the
items the reading process sends the storing one arrive equal without their Notice."""

from __future__ import annotations

import pickle
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import msgspec
import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from kscity.app import json_bytes
from kscity.ingest import Accepted, ReadError, Rejected, read_file
from kscity.model.opportunity import Document, ItemCode, Notice, SourceRef
from kscity.model.serialize import (
    notice_from_json,
    notice_from_json_text,
    notice_json,
    parts_json,
)
from kscity.services.ingest_ready import Ready, batch_bytes, batch_from_bytes, ready, worked_ahead
from kscity.services.opportunity_view import held_features
from tests.services.test_ingest_fast_paths import shared_notices

_text = st.text(max_size=40)
_times = st.none() | st.datetimes(timezones=st.none() | st.just(UTC) | st.just(timezone(timedelta(hours=9))))
notices = st.builds(
    Notice, ocid=_text, title=_text, description=_text, language=_text, country=st.none() | _text, buyer=_text,
    procurement_method=_text, stage=st.sampled_from(["planning", "tender", "award", "contract", "implementation"]),
    value=st.none() | st.floats(allow_nan=False, allow_infinity=False), currency=st.none() | _text,
    value_usd=st.none() | st.floats(allow_nan=False, allow_infinity=False), published=_times, tender_deadline=_times,
    tender_start=st.none() | st.dates(),
    source=st.builds(SourceRef, source=_text, notice_id=_text, url=_text, published=_times),
    items=st.lists(st.builds(ItemCode, scheme=_text, code=_text, description=_text), max_size=3).map(tuple),
    documents=st.lists(st.builds(Document, title=_text, url=_text, document_type=_text, language=_text),
                       max_size=4).map(tuple),
)


def _as_dict(value: Any) -> Any:
    """What dataclasses.asdict gave when the model's classes were dataclasses: fields by name, nested."""
    if isinstance(value, msgspec.Struct):
        return {name: _as_dict(getattr(value, name)) for name in value.__struct_fields__}
    return tuple(_as_dict(v) for v in value) if isinstance(value, tuple) else value


def stored_before(n: Notice) -> dict[str, object]:
    """A Notice as kscity stored it before msgspec wrote the texts: dataclasses.asdict, dates in ISO."""
    plain = _as_dict(n)
    plain["source"]["published"] = n.source.published.isoformat() if n.source.published else None
    for key in ("published", "tender_deadline", "tender_start"):
        plain[key] = getattr(n, key).isoformat() if getattr(n, key) is not None else None
    return plain


def _both_ways(n: Notice) -> None:
    text = notice_json(n)
    assert notice_from_json_text(text) == n  # the new reader, the new text
    assert notice_from_json(orjson.loads(text)) == n  # the lenient reader (and the API's), the new text
    assert notice_from_json_text(json_bytes(stored_before(n))) == n  # the new reader, a text stored before
    # the same document as the one stored before, but for how a UTC offset is written
    assert orjson.loads(text) == orjson.loads(json_bytes(stored_before(n)).replace(b'+00:00"', b'Z"'))
    plain = stored_before(n)
    items, documents = parts_json(n)  # an opportunity's items and documents, as ingest writes them
    assert (orjson.loads(items), orjson.loads(documents)) == (list(plain["items"]), list(plain["documents"]))


@settings(max_examples=300, deadline=None)
@given(notices)
def test_a_notice_text_reads_back_as_the_notice(n: Notice) -> None:
    _both_ways(n)


def test_shared_notices_read_back(shared_data: Path) -> None:
    found = shared_notices(shared_data)
    assert len(found) > 100 and any(n.documents for n in found) and any(n.source.published for n in found)
    for n in found:
        _both_ways(n)
    # in one C call, not through the lenient reader (which reads them too, slower): msgspec must know the
    # dataclasses' field types (a class compiled by mypyc gives it `type` for `datetime | None`, and every
    # notice then took the slow path)
    strict = msgspec.json.Decoder(Notice)
    assert [strict.decode(notice_json(n)) for n in found] == found


def test_a_text_msgspec_refuses_is_read_by_the_lenient_reader() -> None:
    n = Notice(ocid="o-1", source=SourceRef("ocds", "o-1"), title="t", tender_start=datetime(2025, 3, 1).date())
    stored = stored_before(n)
    del stored["title"]  # written by hand or by an older kscity
    stored["tender_start"] = "2025-03-01T00:00:00"
    text = json_bytes(stored)
    assert notice_from_json_text(text) == notice_from_json(orjson.loads(text)) == Notice(
        ocid="o-1", source=SourceRef("ocds", "o-1"), title="", tender_start=datetime(2025, 3, 1).date())


def test_items_sent_to_the_storing_process_arrive_equal(shared_data: Path) -> None:
    """A batch crosses to the storing process as batch_bytes writes it: every item, accepted or rejected, in its
    place and equal, without its Notice (decoded only when asked for) and with its linkage features written apart
    (read back only when a notice meets candidates). Releases of four publishers, TED notices of both schemas."""
    files = [*sorted((shared_data / "ocds" / "portugal").glob("*.json"))[:2],
             *sorted((shared_data / "ocds" / "uk-contracts-finder").rglob("*.json"))[:2],
             *sorted((shared_data / "ocds" / "ukraine").rglob("*.json"))[:2],
             *sorted((shared_data / "ocds" / "mexico").rglob("*.json"))[:2],
             *sorted((shared_data / "ted").rglob("*.xml"))[:6]]
    read = [i for p in files for i in read_file(p)]
    batch = worked_ahead([ready(i) if isinstance(i, Accepted) else i for i in read])
    bad = Rejected("releases[7]", (ReadError("x › releases[7]", "tender.value.amount must be a number, got 'N/A'",
                                             "숫자여야 합니다", "tender.value.amount"),), "ocds-1", "r-1",
                   payload_json=b'{"ocid": "ocds-1"}', snippet="{...}")
    batch = [bad, *batch[:5], bad, *batch[5:], bad]
    sent = [i for i in batch if isinstance(i, Ready)]
    assert len(sent) > 40 and {i.kind for i in sent} >= {"ocds", "ted"}
    assert any(i.lone for i in sent) and any(i.features for i in sent) and any(i.lone is None for i in sent)
    got = batch_from_bytes(memoryview(batch_bytes(batch, b"B"))[1:])
    assert [type(g) for g in got] == [type(b) for b in batch]
    assert [g for g in got if isinstance(g, Rejected)] == [bad, bad, bad]
    back = [g for g in got if isinstance(g, Ready)]
    assert all(g.read_notice is None for g in back), "sent without the Notice, decoded only when asked for"
    assert all(isinstance(g.features, bytes) for g, s in zip(back, sent, strict=True) if s.features is not None)
    assert [held_features(g.features) if g.features is not None else None for g in back] == [
        s.features for s in sent]
    assert [replace(g, features=s.features) for g, s in zip(back, sent, strict=True)] == sent
    # the opportunity rows' values keep their types (a time without offset stays one; msgpack has no such type)
    assert [[type(v) for v in g.lone.row] for g in back if g.lone] == [
        [type(v) for v in s.lone.row] for s in sent if s.lone]
    assert all(g.notice == s.notice and g.notice is not s.notice for g, s in zip(back, sent, strict=True))


@settings(max_examples=100, deadline=None)
@given(notices)
def test_notices_pickle_back_equal(notice: Notice) -> None:
    """The notice's dataclasses are compiled (setup.py NATIVE), where a frozen class cannot be unpickled field by
    field: they pickle as their values, and come back equal."""
    assert pickle.loads(pickle.dumps(notice, protocol=pickle.HIGHEST_PROTOCOL)) == notice


def test_what_the_reading_process_pickles_comes_back_equal(shared_data: Path) -> None:
    """Rejected items (in a batch) and a file's summary with its errors (the last message) cross pickled."""
    reads = [read_file(p) for p in sorted((shared_data / "ocds" / "paraguay").rglob("*.json"))]  # broken files
    rejected = [i for r in reads for i in r if isinstance(i, Rejected)]
    summaries = [r.summary for r in reads if r.summary.errors]
    assert rejected and summaries
    assert pickle.loads(pickle.dumps(rejected)) == rejected
    assert [s.as_dict() for s in pickle.loads(pickle.dumps(summaries))] == [s.as_dict() for s in summaries]
    accepted = [i for i in read_file(sorted((shared_data / "ocds" / "portugal").glob("*.json"))[0])
                if isinstance(i, Accepted)]
    assert pickle.loads(pickle.dumps(accepted)) == accepted
