"""What an opportunity shows of its notices: the merged view, the row it is stored as, and the exchange rates
its values are converted with.

Pure functions of notices, apart from the build (services.opportunity_build) that links and stores them: the
reading process (services.ingest_worker) works out a lone release's view and row ahead with these, and imports
neither SQLAlchemy nor the settings for it: its imports took 0.77 s with them, 0.25 s without.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from kscity.core.dedupe import NoticeFeatures
from kscity.core.dedupe.features import feature_values
from kscity.model.opportunity import Classification, Notice
from kscity.model.serialize import notice_from_json_text, parts_json
from kscity.store.packing import pack, unpack

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

STAGE_ORDER = ("planning", "tender", "award", "contract", "implementation")
Packs = Callable[[bytes], bytes]  # JSON text -> packed, as the store keeps it (store.packing)


@dataclass
class FxTable:
    """Annual USD rates by currency; a missing year falls back to the nearest year known."""

    rates: dict[str, dict[int, float]]

    @classmethod
    def load(cls, session: Session) -> FxTable:
        """The shipped table, from the store (whose modules are imported here, not by this module: the reading
        process takes an FxTable without them)."""
        from sqlalchemy import select

        from kscity.store.tables.reference import FxRateRow

        rates: dict[str, dict[int, float]] = {}
        for r in session.scalars(select(FxRateRow)):
            rates.setdefault(r.currency, {})[r.year] = r.usd_per_unit
        return cls(rates)

    def lookup(self, currency: str, year: int) -> float | None:
        """USD per unit of a currency in a year (USD is 1)."""
        if currency == "USD":
            return 1.0
        by_year = self.rates.get(currency.upper())
        if not by_year:
            return None
        best = min(by_year, key=lambda y: (abs(y - year), -y))
        return by_year[best]


def stored_notice(packed: bytes) -> Notice:
    """A stored notice read straight from its packed JSON text into a Notice (msgspec, one C call), instead of
    through a dict and notice_from_json."""
    return notice_from_json_text(unpack(bytes(packed)))


class HoldsNotice(Protocol):
    """An item that holds its Notice (`read_notice`), or only the Notice's packed JSON text until asked."""

    @property
    def read_notice(self) -> Notice | None: ...

    @property
    def notice_packed(self) -> bytes | None: ...


def held_notice(holder: HoldsNotice) -> Notice:
    """The Notice an item holds, or, when it holds none, its packed text decoded now and kept in `read_notice`
    (the holders are frozen dataclasses; the Notice is what their packed text says, so nothing else changes)."""
    found = holder.read_notice
    if found is None:
        assert holder.notice_packed is not None, "an item holds its Notice or its packed JSON text"
        found = stored_notice(holder.notice_packed)
        object.__setattr__(holder, "read_notice", found)
    return found


def merge_notices(notices: list[Notice]) -> Notice:
    """One view of a project from its linked notices: the first for identity, others fill what it lacks."""
    first = notices[0]
    if len(notices) == 1 and _distinct(first):  # most projects have one notice: nothing to fill or drop, and a
        return first  # frozen struct costs more to copy than this check (tests/services/test_ingest_fast_paths)
    fields: dict[str, Any] = {}
    for name in ("description", "country", "buyer", "procurement_method", "value", "currency", "value_usd",
                 "tender_deadline", "published", "language"):
        if not getattr(first, name):
            fields[name] = next((getattr(n, name) for n in notices[1:] if getattr(n, name)), getattr(first, name))
    fields["stage"] = max((n.stage for n in notices), key=STAGE_ORDER.index)
    items = {(i.scheme, i.code): i for n in notices for i in n.items}
    docs = {(d.title, d.url): d for n in notices for d in n.documents}
    return msgspec.structs.replace(first, items=tuple(items.values()), documents=tuple(docs.values()), **fields)


def _distinct(n: Notice) -> bool:
    """Whether no two of a notice's items share scheme and code, nor two documents title and url (merge_notices
    keeps one of each)."""
    return (len({(i.scheme, i.code) for i in n.items}) == len(n.items)
            and len({(d.title, d.url) for d in n.documents}) == len(n.documents))


def lone_view(notice: Notice) -> Notice:
    """The opportunity view of a notice that is its project's only source (what most new notices become): the
    reading side works it out ahead (lone_ahead), and the build uses that for this very view only."""
    return merge_notices([notice])


@dataclass(frozen=True, slots=True)
class LoneAhead:
    """What the reading side works out for lone_view(notice), so that the process that stores (the busier one)
    does not, nor even decodes the notice: the view's classification, its opportunity row, its link's url."""

    classification: Classification
    row: tuple[Any, ...]  # opportunity_row(lone_view(notice)): RowValues
    url: str  # notice.source.url, for the notice's link


def lone_ahead(notice: Notice, classification: Classification, pack_documents: Packs = pack) -> LoneAhead:
    """A notice's lone view worked out, given the view's classification (classified in batches by the caller);
    its documents packed by `pack_documents` (opportunity_row)."""
    return LoneAhead(classification, opportunity_row(lone_view(notice), pack_documents), notice.source.url)


def _search_text(n: Notice) -> str:
    codes = (f"{i.scheme} {i.code} {i.description}" for i in n.items)
    parts = [n.title, n.description, n.buyer, n.country or "", *codes]
    return " ".join(p for p in parts if p).casefold()[:20000]


_VIEW_FIELDS = ("title", "description", "language", "country", "buyer", "procurement_method", "stage", "value",
                "currency", "value_usd", "published", "tender_deadline")
ROW_NAMES = (*_VIEW_FIELDS, "items", "documents", "search_text")
# the types of those values, as they cross from the reading process (services.ingest_ready.batch_bytes) and are
# read back: msgpack has no datetime without an offset, so the reader must be told where they are
RowValues = tuple[str, str, str, str | None, str, str, str, float | None, str | None, float | None, datetime | None,
                  datetime | None, bytes, bytes, str]


def opportunity_row(view: Notice, pack_documents: Packs = pack) -> tuple[Any, ...]:
    """The part of an opportunity row a view gives (named by ROW_NAMES): its fields, items as JSON text,
    documents as packed JSON text (as stored), and the search text. An ingest packs the documents with its file's
    notice dictionary (store.packing.Packer.notice: a notice's JSON holds its documents): 3,000 releases, 5.4 ->
    2.2 µs and 465 -> 157 bytes a row, against zstd without a dictionary."""
    items, documents = parts_json(view)
    return (*(getattr(view, name) for name in _VIEW_FIELDS), items, pack_documents(documents), _search_text(view))


# NoticeFeatures' fields in order (core.dedupe.features), as sent_features writes them and held_features reads them
FeatureValues = tuple[str, str, str, str | None, str, str, tuple[str, ...], str, str, tuple[str, ...], float | None,
                      str | None, float | None, int | None, int | None, frozenset[str], str | None, frozenset[str],
                      tuple[float, ...] | None]
_FEATURES_OUT = msgspec.msgpack.Encoder()
_FEATURES_IN = msgspec.msgpack.Decoder(FeatureValues)


def sent_features(features: NoticeFeatures) -> bytes:
    """Linkage features as the reading process sends them: written on their own (msgpack), so that the storing
    process reads them only for a notice that meets candidates (most notices meet none)."""
    return _FEATURES_OUT.encode(feature_values(features))


def held_features(held: NoticeFeatures | bytes) -> NoticeFeatures:
    """Features held as they came: read back from what sent_features wrote, or as they are."""
    return held if isinstance(held, NoticeFeatures) else NoticeFeatures(*_FEATURES_IN.decode(held))
