"""What an opportunity shows of its notices: the merged view, the row it is stored as, and the exchange rates
its values are converted with.

Pure functions of notices, apart from the build (services.opportunity_build) that links and stores them: the
reading process (services.ingest_worker) works out a lone release's view and row ahead with these, and imports
neither SQLAlchemy nor the settings for it: its imports took 0.77 s with them, 0.25 s without.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import msgspec
import orjson

from kscity.core.dedupe import NoticeFeatures
from kscity.core.dedupe.features import feature_values
from kscity.ingest import compile_folding, compiles_to_itself, notice_from_release, release_order
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
    (it is what the packed text says, so nothing else changes)."""
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


@dataclass(slots=True)
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


@dataclass
class StoredRelease:
    """One stored release of an ocid as the build needs it: read back from the store, or handed over by the
    ingest that has just stored it (then with its JSON texts, so that nothing is decoded or written twice)."""

    kind: str
    source: str
    read_notice: Notice | None  # the release's Notice, or None: decoded from notice_packed when asked (`notice`)
    payload: dict[str, Any] | None = None  # the release, when at hand as an object
    payload_packed: bytes | None = None  # or as packed JSON (store.packed), decoded only when a merge needs it
    notice_packed: bytes | None = None  # the notice as packed JSON (serialize.notice_json, packed), when known
    self_compiled: bool | None = None  # compiles_to_itself(release), when the reader knows it
    # features_of(notice), when the reader computed them; written (msgpack) when they came from a reading process, and
    # read back only if the notice meets candidates (opportunity_view.sent_features)
    features: NoticeFeatures | bytes | None = None
    link_keys: tuple[str, ...] | None = None  # linking_keys of those features, sorted
    lone: LoneAhead | None = None  # lone_view(notice) worked out ahead (its classification, its row's texts)
    group: GroupAhead | None = None  # on the last of an ocid's releases, the group of them worked out ahead

    @property
    def notice(self) -> Notice:
        """The release's Notice. One handed over without it (a reading process's item: ingest_ready.Ready.notice)
        is decoded only when the build needs more of it than was worked out ahead."""
        return held_notice(self)

    def release(self) -> dict[str, Any]:
        """The release as an object."""
        if self.payload is not None:
            return self.payload
        assert self.payload_packed is not None, "a StoredRelease holds its payload as an object or packed JSON"
        release: dict[str, Any] = orjson.loads(unpack(self.payload_packed))
        return release

    def compiles_to_itself(self) -> bool:
        """Whether this release, alone, compiles to what it says (ingest.compiles_to_itself)."""
        return self.self_compiled if self.self_compiled is not None else compiles_to_itself(self.release())


@dataclass(frozen=True)
class Compiled:
    """An ocid's compiled release, as its link keeps it (notice_link.compiled) to be extended by an update, and
    the order key (ingest.release_order) of the last release merged into it."""

    through: tuple[str, str]
    release: dict[str, Any]

    def stored(self) -> dict[str, Any]:
        """As the column keeps it."""
        return {"through": list(self.through), "release": self.release}

    @classmethod
    def from_stored(cls, kept: dict[str, Any]) -> Compiled:
        """What `stored` gave, read back."""
        return cls((str(kept["through"][0]), str(kept["through"][1])), kept["release"])


def compiled_notice(rows: Sequence[StoredRelease], fx: FxTable) -> tuple[Notice, Compiled | None]:
    """The notice of an ocid's releases (all of them, in storage order), and the compiled release to keep when
    they were merged and may be extended later. The reading side works it out ahead for an ocid's releases read
    together (GroupAhead), the build for the rest."""
    ocds = [r for r in rows if r.kind == "ocds"]
    latest = rows[-1].notice
    if not ocds:
        return merge_notices([r.notice for r in rows]), None
    if len(rows) == 1 and ocds[0].compiles_to_itself():
        return latest, None  # what compiling it would give (checked against ocdsmerge by a test), without the merge
    releases = sorted((r.release() for r in ocds), key=release_order)
    compiled, foldable = compile_folding(releases)
    kept = Compiled(release_order(releases[-1]), compiled) if foldable else None
    return notice_of(compiled, ocds[-1].source, latest, fx), kept


def notice_of(compiled: dict[str, Any], source: str, latest: Notice, fx: FxTable) -> Notice:
    """A compiled release's notice; what it lacks of country, language and buyer taken from the latest release's
    own notice (whose reader knew the package's publisher)."""
    notice = notice_from_release(compiled, source=source, fx=fx.lookup)
    fill = {k: getattr(latest, k) for k in ("country", "language", "buyer") if not getattr(notice, k)}
    return msgspec.structs.replace(notice, **fill) if fill else notice


@dataclass(slots=True)
class GroupAhead:
    """What the reading side works out for an ocid of several OCDS releases read in one chunk, as the build would
    from those releases alone (compiled_notice, its features, its lone view), so that the process that stores does
    not merge them: it takes this only when the releases it stored for the ocid in a batch are these, in this order
    (`positions`), and the ocid is new to the store."""

    positions: tuple[str, ...]  # the releases' places in the file, in the order they were read
    compiled: bytes | None  # the compiled release to keep (Compiled.stored as JSON, packed), or None
    notice_packed: bytes  # the compiled notice (serialize.notice_json, packed as the file's notices are)
    features: NoticeFeatures | bytes  # features_of(notice); written (sent_features) once crossed
    link_keys: tuple[str, ...]  # linking_keys of those features, sorted
    lone: LoneAhead  # lone_view(notice) worked out


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
