"""JSON texts packed with zstd, as the store keeps its archive columns (store.packed): the packing itself, without
the database's modules, so that the reading process (services.ingest_worker) can pack what it sends.

A large ingest packs its releases and notices with zstd dictionaries trained on the file's own first items
(`train`, `Packer`): one publisher's releases repeat the same keys, codes and phrases, which a frame of 9 KB packed
alone cannot share. The store keeps each dictionary (table pack_dictionary) beside the rows packed with it, and a
frame names its dictionary by id, so `unpack` finds it: known to this process already (`remember`), or read from a
store registered with `add_finder`.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import zstandard

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
LEVEL = 1
DICTIONARY_BYTES = 32 * 1024  # 112 KiB packed no smaller and was slower to build and to pack with
MIN_SAMPLES = 100  # fewer items than this: no dictionary (it would not pay for its row)
_local = threading.local()  # zstandard's (de)compressor objects must not be shared between threads
_known: dict[int, bytes] = {}  # dictionaries by id, as this process met them (content only: shared by threads)
_finders: list[Callable[[int], bytes | None]] = []  # where unknown dictionaries are looked up (stores)


class UnknownDictionary(LookupError):
    """A packed value names a dictionary that neither this process nor any registered store holds."""

    def __init__(self, dict_id: int) -> None:
        super().__init__(f"packed with zstd dictionary {dict_id}, which this database does not hold "
                         f"(table pack_dictionary) / 이 데이터베이스에 없는 zstd 사전 {dict_id}(으)로 압축된 값입니다")
        self.dict_id = dict_id


def _compressor() -> zstandard.ZstdCompressor:
    c: zstandard.ZstdCompressor | None = getattr(_local, "c", None)
    if c is None:
        c = _local.c = zstandard.ZstdCompressor(level=LEVEL)
    return c


def _decompressor(dict_id: int = 0) -> zstandard.ZstdDecompressor:
    found: dict[int, zstandard.ZstdDecompressor] | None = getattr(_local, "d", None)
    if found is None:
        found = _local.d = {}
    d = found.get(dict_id)
    if d is None:
        if dict_id == 0:
            d = zstandard.ZstdDecompressor()
        else:
            d = zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(_content(dict_id)))
        found[dict_id] = d
    return d


def _content(dict_id: int) -> bytes:
    content = _known.get(dict_id)
    if content is None:
        content = next((c for find in list(_finders) if (c := find(dict_id)) is not None), None)
        if content is None:
            raise UnknownDictionary(dict_id)
        _known[dict_id] = content
    return content


def pack(json_text: bytes) -> bytes:
    """JSON text, compressed as the store keeps it (no dictionary)."""
    return _compressor().compress(json_text)


def unpack(stored: bytes) -> bytes:
    """The JSON text of a packed value, with the dictionary its frame names, if any (a value stored as plain JSON
    text before packing is returned as it is)."""
    if stored[:4] == ZSTD_MAGIC:
        return _decompressor(frame_dictionary(stored)).decompress(stored)
    return stored


def frame_dictionary(frame: bytes) -> int:
    """The dictionary id a zstd frame's header names (0: none)."""
    return int(zstandard.get_frame_parameters(frame).dict_id)


def remember(content: bytes) -> int:
    """Make a dictionary known to this process (one the ingest trained or stored); returns its id."""
    dict_id = dictionary_id(content)
    _known[dict_id] = content
    return dict_id


def dictionary_id(content: bytes) -> int:
    """The id a dictionary's content carries."""
    return int(zstandard.ZstdCompressionDict(content).dict_id())


def add_finder(find: Callable[[int], bytes | None]) -> None:
    """Look up dictionaries this process does not know with `find` (a store's table), after those added before."""
    _finders.append(find)


def remove_finder(find: Callable[[int], bytes | None]) -> None:
    """Stop looking up dictionaries with `find` (a store being disposed of)."""
    if find in _finders:
        _finders.remove(find)


def train(samples: Sequence[bytes]) -> bytes | None:
    """A dictionary for texts like these (the first items of a file), or None for fewer than MIN_SAMPLES or texts
    zstd cannot train on. The same samples give the same dictionary and id, so that a file ingested again (after
    a `kill -9`) trains the one already stored. Fast COVER with fixed parameters: 0.03 s for 500 releases."""
    if len(samples) < MIN_SAMPLES:
        return None
    digest = hashlib.sha256(b"".join(hashlib.sha256(s).digest() for s in samples)).digest()
    # ids below 32,768 are reserved for registered dictionaries, and from 2**31 up for future use (RFC 8878)
    dict_id = 32_768 + int.from_bytes(digest[:4], "little") % (2**31 - 32_768)
    try:
        trained = zstandard.train_dictionary(DICTIONARY_BYTES, list(samples), k=1024, d=8, f=20, accel=4, steps=1,
                                             level=LEVEL, dict_id=dict_id)
    except zstandard.ZstdError:  # too little or too uniform input to learn from
        return None
    return bytes(trained.as_bytes())


@dataclass
class Packer:
    """Packs one file's releases and notices, each kind with its own dictionary when one was trained."""

    payload_dictionary: bytes | None = None
    notice_dictionary: bytes | None = None

    def __post_init__(self) -> None:
        self._payload = _with(self.payload_dictionary)
        self._notice = _with(self.notice_dictionary)

    def payload(self, json_text: bytes) -> bytes:
        """A release's (or notice's source fields') JSON, packed."""
        return self._payload(json_text)

    def notice(self, json_text: bytes) -> bytes:
        """A Notice's JSON, packed."""
        return self._notice(json_text)

    @property
    def dictionaries(self) -> list[bytes]:
        """The dictionaries it packs with, which the store must keep."""
        return [d for d in (self.payload_dictionary, self.notice_dictionary) if d is not None]


def _with(dictionary: bytes | None) -> Callable[[bytes], bytes]:
    if dictionary is None:
        return pack
    remember(dictionary)
    compress: Callable[[bytes], bytes] = zstandard.ZstdCompressor(
        level=LEVEL, dict_data=zstandard.ZstdCompressionDict(dictionary)).compress
    return compress
