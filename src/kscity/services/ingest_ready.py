"""An accepted item made ready for the store: ids, its Notice, and its JSON texts already written.

Everything here is a pure function of the one item, so it is done on the reading side, in the reading process
when ingest runs one (services.ingest_worker): the process that stores, links and classifies then only copies
bytes (compressed already, as the store keeps them), and a release dict never crosses between processes
(pickling one cost what parsing it did). Items cross as plain values written with msgpack (`batch_bytes`), not
pickled: 3,000 releases in chunks of 100, 15 -> 6.6 µs an item to write, 7.2 -> 7.3 µs to read (pickle called
the items' reductions one by one; reading builds the same objects either way).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal, cast

import msgspec

from kscity.core.classify import classify_many
from kscity.core.dedupe import NoticeFeatures, features_of, linking_keys
from kscity.ingest import Accepted, Rejected, compiles_to_itself
from kscity.model.opportunity import Classification, Notice
from kscity.model.serialize import json_bytes, notice_json
from kscity.services.opportunity_view import (
    Compiled,
    FxTable,
    GroupAhead,
    LoneAhead,
    RowValues,
    StoredRelease,
    compiled_notice,
    held_notice,
    lone_ahead,
    lone_view,
    sent_features,
)
from kscity.store.packing import Packer, pack, unpack


@dataclass(slots=True)
class Ready:
    """One accepted release, TED notice or table row, as `services.ingest` stores it."""

    ocid: str
    key: str  # the stored release id: release_key(item)
    release_id: str
    content_hash: str
    source: str
    kind: str  # "ocds", "compiled", "ted", "tabular"
    position: str
    read_notice: Notice | None = field(compare=False, repr=False)  # as read; None once sent (see `notice`)
    payload_packed: bytes  # the release as upgraded to OCDS 1.1, or the notice's source fields: JSON, packed
    notice_packed: bytes  # notice_json(notice), packed, as the release and link tables keep it
    self_compiled: bool  # a lone OCDS release whose compiled release says what it says (compiles_to_itself)
    # for a self-compiled release only, when worked out ahead (worked_ahead); the build uses them only when the
    # release's own notice is its ocid's, and works them out itself when they are None
    # features_of(notice), for linkage; written on their own once they have crossed to the storing process, which
    # reads them only for a notice that meets candidates (opportunity_view.sent_features)
    features: NoticeFeatures | bytes | None = None
    link_keys: tuple[str, ...] | None = None  # linking_keys of those features, sorted
    lone: LoneAhead | None = None  # lone_view(notice), the view it gets if it stays alone
    # on the last of several OCDS releases of one ocid in a chunk: the group of them compiled, when worked out ahead
    group: GroupAhead | None = None

    @property
    def notice(self) -> Notice:
        """The item's Notice: as read, or, once the item has crossed to the storing process, decoded from
        `notice_packed` when first asked for. There most items never need it: a lone release's opportunity row
        was worked out ahead (`lone`), and decoding every Notice cost 8 % of that process."""
        return held_notice(self)

    def stored(self) -> StoredRelease:
        """The item as the build (services.opportunity_build) takes it from the ingest that has just stored it."""
        return StoredRelease(self.kind, self.source, self.read_notice, payload_packed=self.payload_packed,
                             notice_packed=self.notice_packed, self_compiled=self.self_compiled,
                             features=self.features, link_keys=self.link_keys, lone=self.lone, group=self.group)

    def payload_json(self) -> bytes:
        """The payload as JSON text."""
        return unpack(self.payload_packed)

    def notice_json(self) -> bytes:
        """The notice as JSON text (model.serialize.notice_json)."""
        return unpack(self.notice_packed)


# a Ready item as it crosses between the processes: its fields in order, but for its Notice (left behind: the
# storing process decodes it from `notice_packed` if it must), its features written on their own
# (sent_features), its lone view as (classification, row, url), and the group it closes, if any
_Classified = tuple[str, str | None, float, tuple[str, ...], Literal["code", "text", "none"]]
_Lone = tuple[_Classified, RowValues, str]
# a GroupAhead: positions, compiled, notice, features (written), link keys, lone view
_Group = tuple[tuple[str, ...], bytes | None, bytes, bytes, tuple[str, ...], _Lone]
_Sent = tuple[str, str, str, str, str, str, str, bytes, bytes, bool, bytes | None, tuple[str, ...] | None,
              _Lone | None, _Group | None]
# the items of a batch, and its rejected ones pickled, each with its place in the batch (few, and of many shapes)
_Batch = tuple[list[_Sent], list[tuple[int, bytes]]]
_OUT = msgspec.msgpack.Encoder()
_IN = msgspec.msgpack.Decoder(_Batch)


def batch_bytes(batch: list[Ready | Rejected], tag: bytes = b"") -> bytes:
    """A batch as the reading process sends it, after `tag`: its items' values written by msgpack (pickle spent
    most of its time on the items' dataclasses, calling their reductions one by one)."""
    sent: list[_Sent] = []
    rejected: list[tuple[int, bytes]] = []
    for at, item in enumerate(batch):
        if isinstance(item, Rejected):
            rejected.append((at, pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)))
            continue
        features, lone, group = item.features, item.lone, item.group
        sent.append((item.ocid, item.key, item.release_id, item.content_hash, item.source, item.kind, item.position,
                     item.payload_packed, item.notice_packed, item.self_compiled, _written(features), item.link_keys,
                     None if lone is None else _sent_lone(lone),
                     None if group is None else (group.positions, group.compiled, group.notice_packed,
                                                 _written(group.features) or b"", group.link_keys,
                                                 _sent_lone(group.lone))))
    out = bytearray(tag)
    _OUT.encode_into((sent, rejected), out, len(tag))
    return bytes(out)


def _classified(c: Classification) -> _Classified:
    return c.service, c.sub_solution, c.score, c.evidence, c.method


def _written(features: NoticeFeatures | bytes | None) -> bytes | None:
    return sent_features(features) if isinstance(features, NoticeFeatures) else features


def _sent_lone(lone: LoneAhead) -> _Lone:
    return _classified(lone.classification), lone.row, lone.url


def _held_group(sent: _Group) -> GroupAhead:
    positions, compiled, notice, features, keys, lone = sent
    return GroupAhead(positions, compiled, notice, features, keys, _held_lone(lone))


def _held_lone(sent: _Lone) -> LoneAhead:
    (service, sub, score, evidence, method), row, url = sent
    return LoneAhead(Classification(service, sub, score, evidence, method), row, url)


def batch_from_bytes(data: bytes | memoryview) -> list[Ready | Rejected]:
    """The batch `batch_bytes` wrote (without its tag): equal to the one sent, but that its items hold no Notice
    (`Ready.notice` decodes it when asked) and their features stay written until asked (held_features)."""
    sent, rejected = _IN.decode(data)
    out: list[Ready | Rejected] = []
    for ocid, key, release_id, digest, source, kind, position, payload, notice, self_compiled, features, keys, \
            lone, group in sent:
        out.append(Ready(ocid, key, release_id, digest, source, kind, position, None, payload, notice,
                         self_compiled, features, keys, None if lone is None else _held_lone(lone),
                         None if group is None else _held_group(group)))
    for at, pickled in rejected:
        out.insert(at, pickle.loads(pickled))
    return out


def item_kind(item: Accepted) -> str:
    """Where an item comes from, as the store records it."""
    if item.notice.source.source.startswith("ted"):
        return "ted"
    if item.notice.source.source.startswith("tabular"):
        return "tabular"
    return "compiled" if item.is_compiled else "ocds"


def release_key(item: Accepted) -> str:
    """OCDS release ids as published; a TED notice's number qualified by its schema, because the R2.0.9 notice
    and its eForms twin carry the same number: two sources of one notice, not a conflict."""
    if item_kind(item) == "ted":
        return f"{item.notice.source.source}:{item.release_id}"
    return item.release_id


PLAIN = Packer()  # zstd without a dictionary


def ready(item: Accepted, packer: Packer = PLAIN) -> Ready:
    """The item as the store takes it (what the store could also work out itself is left to `worked_ahead`), its
    texts packed by `packer` (the file's dictionaries, if trained)."""
    return _made(item, packer.payload, packer.notice)


def unpacked(item: Accepted) -> Ready:
    """The item as `ready` makes it, but with its two texts left as JSON text, not packed: the first items of a
    file, whose texts train its dictionaries before they are packed with them (`packed`)."""
    return _made(item, bytes, bytes)


def _made(item: Accepted, payload: Callable[[bytes], bytes], notice: Callable[[bytes], bytes]) -> Ready:
    kind = item_kind(item)
    self_compiled = kind == "ocds" and compiles_to_itself(item.payload)
    return Ready(item.ocid, release_key(item), item.release_id, item.content_hash, item.notice.source.source, kind,
                 item.position, item.notice, payload(item.payload_json or json_bytes(item.payload)),
                 notice(notice_json(item.notice)), self_compiled)


def packed(item: Ready, packer: Packer) -> Ready:
    """An item made by `unpacked`, its texts packed."""
    return replace(item, payload_packed=packer.payload(item.payload_packed),
                   notice_packed=packer.notice(item.notice_packed))


def worked_ahead(batch: list[Ready | Rejected], packer: Packer = PLAIN,
                 fx: FxTable | None = None) -> list[Ready | Rejected]:
    """A batch with its self-compiled releases' linkage features and lone views worked out (only their own notice
    can be the compiled one), the views classified in one classifier call; and, given the exchange rates (`fx`),
    each ocid of several OCDS releases here compiled as the store would compile them alone (GroupAhead, on the
    last of them). The store works out what an item lacks itself, the same way (services.opportunity_build), so
    the reading process does this only while it is ahead of the storing one (services.ingest_worker): the two then
    share the work whichever is the slower. Items are made ready one by one as they are read (the release objects
    are let go at once: 500 of them held for a batch cost 40 MB), and worked ahead per batch. The views' documents
    and the groups' notices are packed with `packer`'s notice dictionary, as the items' notices are."""
    # each ocid's releases here, the first of each release id: the store keeps the first, and refuses or skips the
    # others (a duplicate, or other content under the same id)
    by_ocid: dict[str, dict[str, Ready]] = {}
    for i in batch:
        if isinstance(i, Ready):
            by_ocid.setdefault(i.ocid, {}).setdefault(i.key, i)
    firsts = {ocid: list(by_key.values()) for ocid, by_key in by_ocid.items()}
    # a release of an ocid with others here is not its ocid's only one: its lone view would go unused
    todo = [i for i in batch if isinstance(i, Ready) and i.self_compiled and i.lone is None
            and len(firsts[i.ocid]) == 1 and firsts[i.ocid][0] is i]
    groups = [items for items in firsts.values() if len(items) > 1 and items[-1].group is None
              and all(i.kind == "ocds" for i in items)] if fx is not None else []
    if not todo and not groups:
        return batch
    compiled = [_compiled(items, cast(FxTable, fx)) for items in groups]
    classes = iter(classify_many([lone_view(i.notice) for i in todo] + [lone_view(n) for n, _ in compiled]))
    done: dict[int, Ready] = {}
    for i in todo:
        features = features_of(i.notice)
        done[id(i)] = replace(i, features=features, link_keys=tuple(sorted(linking_keys(features))),
                              lone=lone_ahead(i.notice, next(classes), packer.notice))
    for items, (notice, kept) in zip(groups, compiled, strict=True):
        features = features_of(notice)
        group = GroupAhead(tuple(i.position for i in items), None if kept is None else pack(json_bytes(kept.stored())),
                           packer.notice(notice_json(notice)), features, tuple(sorted(linking_keys(features))),
                           lone_ahead(notice, next(classes), packer.notice))
        done[id(items[-1])] = replace(items[-1], group=group)
    return [done.get(id(i), i) for i in batch]


def _compiled(items: list[Ready], fx: FxTable) -> tuple[Notice, Compiled | None]:
    """compiled_notice of an ocid's releases, from the items as the store would hand them to the build."""
    return compiled_notice([i.stored() for i in items], fx)
