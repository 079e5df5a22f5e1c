"""Notices to and from plain JSON, for storage and APIs (dates as ISO strings)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import msgspec
import orjson

from kscity.model.opportunity import Document, ItemCode, Notice, SourceRef

_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(Notice)


def json_bytes(value: object) -> bytes:
    """JSON text as the store's JSON columns write it; an `orjson.Fragment` is JSON text already written."""
    # orjson is several times faster than json on the large release payloads; what it cannot write (NaN
    # is written as null by orjson, non-str keys, exotic types) goes to json, as before
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(value).encode()


def _iso(v: date | datetime | None) -> str | None:
    return v.isoformat() if v is not None else None


def _dt(v: Any) -> datetime | None:
    return datetime.fromisoformat(v) if isinstance(v, str) and v else None


def notice_from_json(d: dict[str, Any]) -> Notice:
    """The Notice of a stored JSON document (notice_json's text, or a text an older kscity wrote from
    dataclasses.asdict with ISO dates); lenient: a missing field takes its default."""
    src = d["source"]
    start = d.get("tender_start")
    return Notice(
        ocid=d["ocid"],
        source=SourceRef(src["source"], src["notice_id"], src.get("url", ""), _dt(src.get("published"))),
        title=d.get("title", ""), description=d.get("description", ""), language=d.get("language", ""),
        country=d.get("country"), buyer=d.get("buyer", ""), procurement_method=d.get("procurement_method", ""),
        stage=d.get("stage", "tender"), value=d.get("value"), currency=d.get("currency"), value_usd=d.get("value_usd"),
        published=_dt(d.get("published")), tender_deadline=_dt(d.get("tender_deadline")),
        tender_start=date.fromisoformat(start[:10]) if isinstance(start, str) and start else None,
        items=tuple(ItemCode(**i) for i in d.get("items", ())),
        documents=tuple(Document(**x) for x in d.get("documents", ())),
    )


def notice_json(n: Notice) -> bytes:
    """A Notice as JSON text (dataclasses.asdict with ISO dates), written in one C call: msgspec writes the
    dataclasses as they are. A UTC offset is written 'Z' where isoformat writes '+00:00' (the texts older kscity
    versions stored); both read back as the same time."""
    return _ENCODER.encode(n)


def parts_json(n: Notice) -> tuple[bytes, bytes]:
    """A notice's items and documents as JSON texts (lists of their fields), each written in one C call."""
    return _ENCODER.encode(n.items), _ENCODER.encode(n.documents)


def notice_from_json_text(text: bytes) -> Notice:
    """The Notice of a stored JSON text (see notice_from_json), read in one C call; a text msgspec
    does not take as a Notice (a field missing, a date with a time) is read by notice_from_json, which is lenient."""
    try:
        return _DECODER.decode(text)
    except msgspec.ValidationError:
        return notice_from_json(orjson.loads(text))
