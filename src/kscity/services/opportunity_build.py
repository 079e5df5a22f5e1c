"""Turn stored releases into opportunities: compile per ocid, link across sources, classify, merge.

Works a whole batch of ocids at a time (one SELECT of their releases, one of their links, bulk Core
inserts and updates) because per-row ORM work dominated ingest time; the results are those of handling
the ocids one by one in sorted order: an ocid linked earlier in the batch is a candidate for later ones.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

import orjson
from sqlalchemy import LargeBinary, Table, func, select, text, type_coerce, update
from sqlalchemy.orm import Session

from kscity.core.classify import classify_many
from kscity.core.dedupe import DEFAULT_THRESHOLD, NoticeFeatures, compare, features_of, linking_keys
from kscity.ingest import compile_folding, release_order
from kscity.model.opportunity import Classification, Notice
from kscity.model.serialize import notice_json
from kscity.model.times import utc_naive
from kscity.services.opportunity_view import (
    ROW_NAMES,
    Compiled,
    FxTable,
    LoneAhead,
    Packs,
    StoredRelease,
    compiled_notice,
    held_features,
    merge_notices,
    notice_of,
    opportunity_row,
    stored_notice,
)
from kscity.store.bulk import insert_many
from kscity.store.chunks import in_chunks
from kscity.store.packing import pack
from kscity.store.tables.pipeline import LinkKeyRow, NoticeLinkRow, OpportunityRow, ReleaseRow

MAX_CANDIDATES = 50
CACHE_SIZE = 5_000
PAIR_MEMO_SIZE = 50_000  # ~0.5 KB each: bounded well under the 400 MB peak RSS budget


@dataclass
class LinkCache:
    """Linkage features of recently seen linked notices, by ocid (LRU, bounded), so that the candidates
    that come up again and again are not re-read and re-normalised. Entries of ocids this process rebuilds
    are replaced; one ingest run owns its cache, so another process's concurrent rewrite of the same ocid's
    compiled notice is the only way an entry can be stale (it then only affects which notices link)."""

    size: int = CACHE_SIZE
    # an entry may be held written (as a reading process sends features: sent_features) until first asked for
    _items: OrderedDict[str, NoticeFeatures | bytes] = field(default_factory=OrderedDict)
    _anon: dict[str, NoticeFeatures] = field(default_factory=dict)  # ocid → anonymous(features), of cached ocids
    _pairs: dict[tuple[NoticeFeatures, NoticeFeatures], tuple[float, tuple[str, ...]]] = field(default_factory=dict)

    def compare(self, new: NoticeFeatures, new_anon: NoticeFeatures,
                cand: NoticeFeatures) -> tuple[float, tuple[str, ...]]:
        """kscity.core.dedupe.compare's score and reasons, remembered: they depend on the two notices' fields,
        not on their ids (unless both have the same ocid, which is never memoised), and projects published
        again under a new id (re-publications, replicated feeds) meet the same candidates again.
        `new_anon` is `anonymous(new)`, computed once per new notice."""
        if new.ocid == cand.ocid:
            pair = compare(new, cand)
            return pair.score, tuple(pair.reasons)
        memo_key = (new_anon, self._anonymous(cand))
        hit = self._pairs.get(memo_key)
        if hit is None:
            pair = compare(new, cand)
            hit = self._pairs[memo_key] = (pair.score, tuple(pair.reasons))
            if len(self._pairs) > PAIR_MEMO_SIZE:  # bounded memory: start afresh rather than track recency
                self._pairs.clear()
        return hit

    def _anonymous(self, cand: NoticeFeatures) -> NoticeFeatures:
        """anonymous(cand), worked out once for the features cached: only notices that come up as candidates need
        it (working it out for every notice cached cost 3 % of the storing process)."""
        if self._items.get(cand.ocid) is not cand:  # (an entry held written is not `cand`, which was decoded)
            return anonymous(cand)
        found = self._anon.get(cand.ocid)
        if found is None:
            found = self._anon[cand.ocid] = anonymous(cand)
        return found

    def get(self, ocid: str) -> NoticeFeatures | None:
        """The cached features of an ocid, or None."""
        f = self._items.get(ocid)
        if f is None:
            return None
        if isinstance(f, bytes):
            f = self._items[ocid] = held_features(f)
        self._items.move_to_end(ocid)
        return f

    def put(self, ocid: str, feats: NoticeFeatures | bytes) -> None:
        """Remember (or replace) an ocid's features, dropping the least recently used beyond the size."""
        self._items[ocid] = feats
        self._anon.pop(ocid, None)
        self._items.move_to_end(ocid)
        while len(self._items) > self.size:
            self._anon.pop(self._items.popitem(last=False)[0], None)


def anonymous(f: NoticeFeatures) -> NoticeFeatures:
    """The features without the notice's identity (key, ocid): what the score of a pair depends on."""
    return replace(f, key="", ocid="")


def _notice_text(column: Any) -> Any:
    """A stored notice column selected as its packed bytes, not decoded to a dict (see stored_notice)."""
    return type_coerce(column, LargeBinary)


def _folded_notice(rows: Sequence[StoredRelease], onto: Compiled, fx: FxTable) -> tuple[Notice, Compiled] | None:
    """The notice of an ocid after an update, merging only the update's releases (`rows`, all OCDS) onto the
    compiled release kept for the ocid; None when one of them comes before `onto.through` or ocdsmerge warned
    while merging them (then the ocid is compiled from its first release: folding would or might differ)."""
    releases = sorted((r.release() for r in rows), key=release_order)
    if release_order(releases[0]) <= onto.through:
        return None
    compiled, foldable = compile_folding(releases, onto=onto.release)
    if not foldable:
        return None
    return notice_of(compiled, rows[-1].source, rows[-1].notice, fx), Compiled(release_order(releases[-1]), compiled)


def publisher_of(ocid: str, kind: str) -> str:
    """Whose ids these are, as far as an id tells: a registered OCDS prefix ('ocds-b5fd17-' is UK Contracts
    Finder), 'ted-' for TED, a list's own id prefix for tables. OCDS ocids without a registered prefix (Mexico's
    GACM publishes "10", "100") form one group, 'ocds?': their publishers cannot be told apart, so they are
    not linked with each other, only with notices of identified publishers."""
    parts = ocid.split("-")
    if kind in ("ocds", "compiled"):
        return "-".join(parts[:2]) + "-" if parts[0] == "ocds" and len(parts) > 2 else "ocds?"
    if kind == "ted":
        return "ted-"
    return parts[0] + "-"


@dataclass
class _Batch:
    """What one batch decided, before it is written: link rows, their keys, updated notices, opportunities."""

    new_links: dict[str, dict[str, Any]] = field(default_factory=dict)  # ocid → notice_link row (opp id may be < 0)
    # blocking key → publisher → ocids linked in this batch (by publisher, so that looking for other publishers'
    # notices does not step over the hundreds of this publisher's own under a common key)
    new_keys: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    keys_of: dict[str, list[str]] = field(default_factory=dict)  # ocid → its blocking keys, to store
    publisher: dict[str, str] = field(default_factory=dict)  # ocid → publisher_of(...), for new links
    updated: dict[str, Any] = field(default_factory=dict)  # ocid → its new compiled notice (JSON, or packed already)
    # ocid → its compiled release to keep (as packed JSON already, when the reading side compiled it: GroupAhead)
    compiled: dict[str, Compiled | bytes | None] = field(default_factory=dict)
    notices: dict[str, Notice] = field(default_factory=dict)  # ocid → its compiled notice, new links and updated
    # ocid → the lone release whose notice is the ocid's compiled one, for those not decoded (see `notice`)
    lone_releases: dict[str, StoredRelease] = field(default_factory=dict)
    lone: dict[str, LoneAhead] = field(default_factory=dict)  # ocid → its lone view worked out ahead, if it was
    new_opps: dict[int, str] = field(default_factory=dict)  # temporary (negative) id → the opportunity's ocid
    touched: set[int] = field(default_factory=set)  # opportunity ids, real or temporary

    def built(self, ocid: str) -> bool:
        """Whether this batch built the ocid's compiled notice."""
        return ocid in self.notices or ocid in self.lone_releases

    def notice(self, ocid: str) -> Notice:
        """The compiled notice this batch built for an ocid (a lone release's, decoded now if it was not)."""
        found = self.notices.get(ocid)
        return found if found is not None else self.lone_releases[ocid].notice


def _candidates(session: Session, keys: list[str], publisher: str) -> list[str]:
    """Up to MAX_CANDIDATES ocids of other publishers that share a blocking key (link_key rows exist only for
    linked notices: their foreign key cascades)."""
    conn = session.connection()
    raw: Any = conn.connection.dbapi_connection
    if conn.dialect.name == "sqlite":
        return _candidates_sqlite(raw, keys, publisher)
    return _candidates_on(raw, "?" if conn.dialect.paramstyle == "qmark" else "%s", keys, publisher)


def _arms(mark: str, keys: list[str], distinct: str, limit: int) -> str:
    # "another publisher" as two ranges of the (key, publisher, ocid) index: the database then reads only the
    # rows it returns instead of stepping over the thousands of this publisher's own notices under a common key.
    # Plain SQL on the driver's connection, inside the session's transaction: it runs once per new notice, and
    # building the statement through SQLAlchemy (expanding IN, cache keys) cost ten times what the database spent
    # answering it, and SQLAlchemy's plain-SQL path still three times (20,000 notices: 1.9 s -> 0.6 s); the
    # drivers keep the few distinct statement texts prepared (sqlite3's statement cache, psycopg's prepare).
    # Both ranges in one statement: one round trip to PostgreSQL per new notice instead of two (20,000 releases:
    # 23.2 s -> 20.2-21.5 s there; SQLite the same within noise)
    marks = ",".join([mark] * len(keys))
    return " UNION ALL ".join(
        f"SELECT {arm} AS arm, ocid FROM (SELECT {distinct}ocid FROM link_key WHERE key IN ({marks}) "
        f"AND publisher {op} {mark} LIMIT {limit:d}) AS range{arm}" for arm, op in ((0, "<"), (1, ">")))


def _candidates_on(raw: Any, mark: str, keys: list[str], publisher: str) -> list[str]:
    """_candidates on the driver's connection (`raw`), whose parameters are written `mark`."""
    rows = raw.execute(_arms(mark, keys, "DISTINCT ", MAX_CANDIDATES), (*keys, publisher, *keys, publisher)).fetchall()
    rows.sort(key=lambda row: row[0])  # the lower range first, each in the order it came (a stable sort)
    return [row[1] for row in rows[:MAX_CANDIDATES]]


def _candidates_sqlite(raw: Any, keys: list[str], publisher: str) -> list[str]:
    """_candidates_on for SQLite, without DISTINCT: SQLite answers DISTINCT with a temporary B-tree built for every
    query, which cost more than the search itself (the storing process: 770,262 -> 725,053 instructions a release;
    a notice's query on the 1 GiB database 100 -> 40 µs). The rows come in the index's order, as with
    DISTINCT (which only drops repeats as they come), and an ocid comes at most once per key, so MAX_CANDIDATES
    rows per key hold the first MAX_CANDIDATES distinct ocids of a range: keeping the first of each gives what
    DISTINCT gave (tests/services/test_link_candidates.py compares the two)."""
    rows = raw.execute(_arms("?", keys, "", MAX_CANDIDATES * len(keys)), (*keys, publisher, *keys, publisher))
    ranges: tuple[dict[str, None], dict[str, None]] = ({}, {})
    for arm, ocid in rows:
        ranges[arm].setdefault(ocid, None)
    return ([*ranges[0]][:MAX_CANDIDATES] + [*ranges[1]][:MAX_CANDIDATES])[:MAX_CANDIDATES]


# _candidates for many notices in one statement: each notice's publisher and keys (a JSON list: a key may hold any
# character, an ocid's included), and a LATERAL subquery with _candidates' two ranges per notice
_MANY_CANDIDATES = (
    "SELECT q.i, r.arm, r.ocid FROM unnest(%s::int[], %s::text[], %s::jsonb[]) AS q(i, pub, keys) CROSS JOIN LATERAL ("
    + " UNION ALL ".join(
        f"SELECT {arm} AS arm, ocid FROM (SELECT DISTINCT ocid FROM link_key WHERE key = "
        f"ANY(ARRAY(SELECT jsonb_array_elements_text(q.keys))) AND publisher {op} q.pub "
        f"LIMIT {MAX_CANDIDATES:d}) AS range{arm}" for arm, op in ((0, "<"), (1, ">")))
    + ") AS r")


def _candidates_many(session: Session, wants: Sequence[tuple[list[str], str]]) -> list[list[str]]:
    """_candidates of each (sorted keys, publisher), in order. PostgreSQL answers 500 notices in one statement: a
    round trip per new notice was a fifth of the storing process's time there (py-spy, 20,000 releases). SQLite
    has no round trips to save (nor LATERAL), so it is asked notice by notice. The store does not change while a
    batch is linked (its writes come after), so asking ahead gives what asking in turn gave."""
    conn = session.connection()
    raw: Any = conn.connection.dbapi_connection  # found once for the batch, not per notice
    if conn.dialect.name == "sqlite":
        return [_candidates_sqlite(raw, keys, publisher) if keys else [] for keys, publisher in wants]
    if conn.dialect.name != "postgresql":
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        return [_candidates_on(raw, mark, keys, publisher) if keys else [] for keys, publisher in wants]
    out: list[list[str]] = []
    for chunk in in_chunks(list(wants)):
        found: list[list[tuple[int, str]]] = [[] for _ in chunk]
        rows = raw.execute(_MANY_CANDIDATES, (list(range(len(chunk))), [p for _, p in chunk],
                                              [orjson.dumps(keys).decode() for keys, _ in chunk])).fetchall()
        for i, arm, ocid in rows:
            found[i].append((arm, ocid))
        for pairs in found:
            pairs.sort(key=lambda pair: pair[0])  # the lower range first, each in the order it came (a stable sort)
            out.append([ocid for _, ocid in pairs[:MAX_CANDIDATES]])
    return out


def _link(session: Session, held: NoticeFeatures | bytes, publisher: str, keys: Collection[str],
          stored_cands: list[str], batch: _Batch, cache: LinkCache) -> tuple[int | None, float, tuple[str, ...]]:
    if not keys:
        return None, 1.0, ()
    # a publisher's own ids are authoritative: only notices of other publishers (publisher_of) can be the same
    # project under another id; `stored_cands` are those in the store (_candidates_many)
    cand_ocids = list(stored_cands)
    if len(cand_ocids) < MAX_CANDIDATES:  # this batch's links are not in the store yet: they can fill the rest
        seen = set(cand_ocids)
        pending = sorted({o for k in keys for pub, ocids in batch.new_keys.get(k, {}).items() if pub != publisher
                          for o in ocids} - seen)
        cand_ocids += pending[:MAX_CANDIDATES - len(cand_ocids)]
    if not cand_ocids:
        return None, 1.0, ()
    opp_of = {o: batch.new_links[o]["opportunity_id"] for o in cand_ocids if o in batch.new_links}
    stored = [o for o in cand_ocids if o not in opp_of]
    missing = [o for o in stored if cache.get(o) is None]
    if stored:
        wanted = (NoticeLinkRow.ocid, NoticeLinkRow.opportunity_id, _notice_text(NoticeLinkRow.notice))
        rows = session.execute(select(*wanted).where(NoticeLinkRow.ocid.in_(stored)) if missing else
                               select(*wanted[:2]).where(NoticeLinkRow.ocid.in_(stored))).all()
        for row in rows:
            opp_of[row[0]] = row[1]
            if missing and cache.get(row[0]) is None:
                cache.put(row[0], features_of(stored_notice(row[2])))
    # the scoring of kscity.core.dedupe.match_against, with the candidates' features taken from the cache
    scored = []
    feats = held_features(held)  # only a notice with candidates needs them
    anon = anonymous(feats)
    for ocid in cand_ocids:
        f = cache.get(ocid)
        if f is None or ocid not in opp_of:
            continue
        score, reasons = cache.compare(feats, anon, f)
        if score >= DEFAULT_THRESHOLD:
            scored.append((ocid, score, reasons, f.key))
    if not scored:
        return None, 1.0, ()
    scored.sort(key=lambda t: (-t[1], t[3]))
    best, score, reasons, _ = scored[0]
    return opp_of[best], score, tuple(reasons)


def _opportunity_values(row: tuple[Any, ...], c: Classification, now: datetime) -> dict[str, Any]:
    values = dict(zip(ROW_NAMES, row, strict=True))
    values["items"] = orjson.Fragment(values["items"])
    return {**values, "service": c.service, "sub_solution": c.sub_solution, "class_score": c.score,
            "class_method": c.method, "evidence": list(c.evidence), "updated_at": now}


def _merged_views(session: Session, batch: _Batch) -> tuple[dict[int, Notice], dict[int, LoneAhead]]:
    """Each touched opportunity's merged view from all its links, this batch's new and updated ones included;
    and, instead of a view, what was worked out ahead for an opportunity whose one link is a notice of this batch
    whose lone view the reading side worked out (its Notice is then never decoded here)."""
    real = sorted(i for i in batch.touched if i > 0)
    by_opp: dict[int, dict[str, Notice | None]] = {i: {} for i in batch.touched}  # None: this batch's notice
    opp_ocid = dict(batch.new_opps)
    if real:
        for chunk in in_chunks(real):
            for o, ocid in _rows(session.execute(select(OpportunityRow.id, OpportunityRow.ocid)
                                                 .where(OpportunityRow.id.in_(chunk)))):
                opp_ocid[o] = ocid
            rows = _rows(session.execute(select(NoticeLinkRow.opportunity_id, NoticeLinkRow.ocid,
                                                _notice_text(NoticeLinkRow.notice))
                                         .where(NoticeLinkRow.opportunity_id.in_(chunk))))
            for o, ocid, stored in rows:  # decoded only when this batch did not build the notice itself
                by_opp[o][ocid] = None if batch.built(ocid) else stored_notice(stored)
    for ocid, link in batch.new_links.items():
        by_opp[link["opportunity_id"]][ocid] = None
    views: dict[int, Notice] = {}
    known: dict[int, LoneAhead] = {}
    for opp_id, links in by_opp.items():
        if not links or opp_id not in opp_ocid:
            continue
        if len(links) == 1:
            ((ocid, stored),) = links.items()
            ahead = batch.lone.get(ocid)
            if ahead is not None and stored is None:  # the view is lone_view(this batch's notice), worked out ahead
                known[opp_id] = ahead
                continue
        notices = [n if n is not None else batch.notice(o) for o, n in sorted(links.items())]
        primary = next((n for n in notices if n.ocid == opp_ocid[opp_id]), notices[0])
        views[opp_id] = merge_notices([primary, *[n for n in notices if n is not primary]])
    return views, known


def _classes(views: dict[int, Notice]) -> dict[int, Classification]:
    """Each view's classification, in one classifier call (the text encoder, when configured, is fast on a batch
    and slow one text at a time)."""
    return dict(zip(views, classify_many(list(views.values())), strict=True)) if views else {}


def _write(session: Session, batch: _Batch, views: dict[int, Notice], ahead: dict[int, LoneAhead],
           pack_documents: Packs) -> None:
    now = utc_naive()
    classes = _classes(views)
    values = {opp_id: _opportunity_values(opportunity_row(v, pack_documents), classes[opp_id], now)
              for opp_id, v in views.items()}
    values.update((opp_id, _opportunity_values(a.row, a.classification, now)) for opp_id, a in ahead.items())
    real_id: dict[int, int] = {}
    temps = sorted(batch.new_opps, reverse=True)  # -1, -2, …: the order they were created in
    if temps:
        # inserted without RETURNING (SQLAlchemy's insertmanyvalues cost more than the insert), with ids taken
        # beforehand (_new_ids); where they cannot be, read back by their unique ocid
        ids = _new_ids(session, len(temps))
        if ids is not None:
            real_id.update(zip(temps, ids, strict=True))
            insert_many(session, table_of(OpportunityRow), [{"id": i, "ocid": batch.new_opps[t], **values[t]}
                                                            for t, i in zip(temps, ids, strict=True)])
        else:
            insert_many(session, table_of(OpportunityRow), [{"ocid": batch.new_opps[t], **values[t]} for t in temps])
            temp_of = {batch.new_opps[t]: t for t in temps}
            for chunk in in_chunks(list(temp_of)):
                for opp_id, ocid in _rows(session.execute(select(OpportunityRow.id, OpportunityRow.ocid)
                                                          .where(OpportunityRow.ocid.in_(chunk)))):
                    real_id[temp_of[ocid]] = opp_id
    existing = [{"id": i, **values[i]} for i in sorted(values) if i > 0]
    if existing:
        session.execute(update(OpportunityRow), existing)
    if batch.updated:
        session.execute(update(NoticeLinkRow), [{"ocid": o, "notice": n, "compiled": _kept(batch, o)}
                                                for o, n in sorted(batch.updated.items())])
    if batch.new_links:
        links = [{**link, "opportunity_id": real_id.get(link["opportunity_id"], link["opportunity_id"]),
                  "compiled": _kept(batch, ocid)} for ocid, link in batch.new_links.items()]
        insert_many(session, table_of(NoticeLinkRow), links)
        # in the index's order: each insert then lands next to the last one (116,145 releases' rows: 2.64 -> 2.44 s)
        keys = sorted((k[:200], batch.publisher[o], o) for o, ks in batch.keys_of.items() for k in ks)
        insert_many(session, table_of(LinkKeyRow), [{"key": k, "publisher": p, "ocid": o} for k, p, o in keys])


def _new_ids(session: Session, count: int) -> list[int] | None:
    """Ids for `count` new opportunities, taken before they are inserted, so that no query reads them back by
    their ocids (the storing process: 809,663 -> 785,788 instructions a release). PostgreSQL hands them out from the
    column's sequence; SQLite gives a new row the largest id plus one, which no other writer can take first
    while this transaction writes (it holds the database's write lock from its first write, the releases'). None
    for another database."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return list(session.scalars(text("SELECT nextval(pg_get_serial_sequence('opportunity', 'id')) "
                                         "FROM generate_series(1, :n)"), {"n": count}))
    if dialect == "sqlite":
        top = session.scalar(select(func.coalesce(func.max(OpportunityRow.id), 0)))
        return list(range(int(top or 0) + 1, int(top or 0) + 1 + count))
    return None


def _kept(batch: _Batch, ocid: str) -> dict[str, Any] | bytes | None:
    kept = batch.compiled.get(ocid)
    return kept.stored() if isinstance(kept, Compiled) else kept


def _worked_out(rows: Sequence[StoredRelease], new: bool) -> tuple[StoredRelease, bytes | None] | None:
    """What the reading side worked out for an ocid's releases, as one release whose notice is the ocid's compiled
    one (with its linkage features and lone view), and the compiled release to keep: a lone OCDS release that
    compiles to itself; or, for a `new` ocid, its releases compiled ahead (GroupAhead: ingest checked they are the
    ones it stored). None when the build works it out itself."""
    one = rows[0]
    if (len(rows) == 1 and one.kind == "ocds" and one.features is not None and one.lone is not None
            and one.notice_packed is not None and one.compiles_to_itself()):
        return one, None
    group = rows[-1].group
    if group is None or not new:
        return None
    return StoredRelease("ocds", rows[-1].source, None, notice_packed=group.notice_packed, features=group.features,
                         link_keys=group.link_keys, lone=group.lone), group.compiled


def _releases_of(session: Session, wanted: list[str], fresh: Mapping[str, Sequence[StoredRelease]],
                 ) -> tuple[dict[str, Sequence[StoredRelease]], dict[str, int], dict[str, Compiled]]:
    """Each ocid's releases in storage order, the opportunity of those already linked, and the compiled release
    kept for linked ones whose new releases are all OCDS releases. An ocid not linked yet has no release stored
    before this transaction (store and build share it), so the releases the ingest hands over are all it has;
    they are also all the build needs of an ocid whose kept compiled release they extend (_folded_notice); the
    rest are read back."""
    known: dict[str, int] = {}
    onto: dict[str, Compiled] = {}
    for chunk in in_chunks(wanted):
        for o, i, kept in _rows(session.execute(select(NoticeLinkRow.ocid, NoticeLinkRow.opportunity_id,
                                                       NoticeLinkRow.compiled).where(NoticeLinkRow.ocid.in_(chunk)))):
            known[o] = i
            new = fresh.get(o)
            if kept is not None and new and all(r.kind == "ocds" for r in new):
                onto[o] = Compiled.from_stored(kept)
    releases: dict[str, Sequence[StoredRelease]] = {o: fresh[o] for o in wanted
                                                    if (o not in known or o in onto) and o in fresh}
    releases.update(_stored_releases(session, [o for o in wanted if o not in releases]))
    return releases, known, onto


def _stored_releases(session: Session, ocids: list[str]) -> dict[str, list[StoredRelease]]:
    """The stored releases of ocids, in storage order."""
    stored: dict[str, list[StoredRelease]] = {}
    cols = (ReleaseRow.ocid, ReleaseRow.kind, ReleaseRow.source, ReleaseRow.payload,
            _notice_text(ReleaseRow.notice).label("notice"))
    for chunk in in_chunks(ocids):
        for row in _rows(session.execute(select(*cols).where(ReleaseRow.ocid.in_(chunk)).order_by(ReleaseRow.id))):
            stored.setdefault(row.ocid, []).append(
                StoredRelease(row.kind, row.source, stored_notice(row.notice), payload=row.payload))
    return stored


def _rows(result: Any) -> Any:
    """A query's result, iterated as plain rows: typed as SQLAlchemy types it, the compiled module (setup.py) would
    expect each row to be a tuple, which a Row is not."""
    return result


def table_of(mapped: type[Any]) -> Table:
    """A mapped class's table: bulk inserts go through Core, as the ORM's per-row bookkeeping cost more than the
    database did (same column defaults and JSON serialisation)."""
    return cast(Table, mapped.__table__)


def rebuild_opportunities(*, session: Session, ocids: Iterable[str], fx: FxTable, cache: LinkCache | None = None,
                          fresh: Mapping[str, Sequence[StoredRelease]] | None = None,
                          pack_documents: Packs = pack) -> int:
    """Recompile the given ocids, link new ones to existing opportunities or create them; returns how many.
    `fresh` holds releases stored in this transaction, by ocid, so that they need not be read back.
    `pack_documents`: how the opportunities' documents are packed (an ingest: with its file's notice dictionary,
    which the store keeps)."""
    cache = cache if cache is not None else LinkCache()
    wanted = sorted(set(ocids))
    releases, known, onto = _releases_of(session, wanted, fresh or {})
    batch = _Batch()
    prepared: list[tuple[str, StoredRelease | None, Notice | None, NoticeFeatures | bytes, Collection[str], str,
                         tuple[str, str]]] = []
    for ocid in wanted:  # first what each ocid is, so that the store's candidates can be asked for all at once
        rows = releases.get(ocid)
        if not rows:
            continue
        ahead = _worked_out(rows, ocid not in known) if ocid not in onto else None
        if ahead is not None:
            # worked out ahead: its notice is the compiled one (compiled_notice), and nothing below needs more of it
            # than its features (maybe still written: only candidates need them), its blocking keys, its link's url
            # and its opportunity row, all at hand
            one, batch.compiled[ocid] = ahead
            one_keys = cast(tuple[str, ...], one.link_keys) if ocid not in known else ()
            prepared.append((ocid, one, None, cast(NoticeFeatures | bytes, one.features), one_keys,
                             publisher_of(ocid, one.kind), (one.source, cast(LoneAhead, one.lone).url)))
            continue
        folded = _folded_notice(rows, onto[ocid], fx) if ocid in onto else None
        if ocid in onto and folded is None:  # an older release, or ocdsmerge warned: compile from the first
            rows = _stored_releases(session, [ocid])[ocid]
        notice, batch.compiled[ocid] = folded or compiled_notice(rows, fx)
        # a lone release's notice is the one the ingest already wrote as JSON and packed, its features read ahead
        lone = rows[-1] if notice is rows[-1].notice else None
        read_ahead = lone.features if lone is not None else None
        feats = held_features(read_ahead) if read_ahead is not None else features_of(notice)
        keys = linking_keys(feats) if ocid not in known else frozenset()
        prepared.append((ocid, lone, notice, feats, keys, publisher_of(ocid, rows[-1].kind),
                         (notice.source.source, notice.source.url)))
    asks = [(sorted(keys), publisher) for ocid, _, _, _, keys, publisher, _ in prepared if ocid not in known]
    stored_cands = iter(_candidates_many(session, asks))
    for ocid, own, built, held, its_keys, publisher, (source, url) in prepared:
        if built is not None:
            batch.notices[ocid] = built
        elif own is not None:
            batch.lone_releases[ocid] = own
        written = own.notice_packed if own is not None else None
        as_json: Any = written if written is not None else pack(notice_json(batch.notice(ocid)))
        if own is not None and own.lone is not None:
            batch.lone[ocid] = own.lone
        if ocid in known:
            batch.updated[ocid] = as_json
            cache.put(ocid, held)
            batch.touched.add(known[ocid])
            continue
        opp_id, score, reasons = _link(session, held, publisher, its_keys, next(stored_cands), batch, cache)
        if opp_id is None:
            opp_id = -len(batch.new_opps) - 1
            batch.new_opps[opp_id] = ocid
        batch.new_links[ocid] = {"ocid": ocid, "opportunity_id": opp_id, "source": source, "url": url,
                                 "link_score": score, "link_reasons": list(reasons), "notice": as_json}
        batch.keys_of[ocid] = sorted(its_keys)
        batch.publisher[ocid] = publisher
        for k in its_keys:
            batch.new_keys.setdefault(k, {}).setdefault(publisher, set()).add(ocid)
        cache.put(ocid, held)
        batch.touched.add(opp_id)
    views, worked = _merged_views(session, batch)
    _write(session, batch, views, worked, pack_documents)
    return len(batch.touched)
