"""The fast OCDS item path (jsonsplit + msgspec) gives exactly what the ijson path gives: items, errors, positions."""

from __future__ import annotations

import gzip
import io
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ijson
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kscity.ingest import Accepted, FileSummary, ReadItem, Rejected, read_file
from kscity.ingest.items import canonical_bytes
from kscity.ingest.jsonsplit import GiveUp, split
from kscity.ingest.ocds import OcdsReader
from tests.ingest.test_bad_input import package, release

CHUNK_SIZES = (7, 64, 1 << 20)


@dataclass(frozen=True)
class Num:
    """A number token written as given (1E5, -0, 1.0), which json.dumps cannot produce."""

    token: str


def plain(value: Any) -> Any:
    """The value with each Num replaced by what it reads as, for json.dumps."""
    if isinstance(value, Num):
        return msgspec.json.decode(value.token)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def spaced(value: Any, rng: random.Random, ensure_ascii: bool) -> str:
    """JSON text with random JSON white space (space, tab, CR, LF) around every token."""

    def ws() -> str:
        return "".join(rng.choice(" \t\r\n") for _ in range(rng.choice((0, 0, 1, 2, 6))))

    if isinstance(value, Num):
        return value.token
    if isinstance(value, dict):
        members = [
            f"{ws()}{json.dumps(k, ensure_ascii=ensure_ascii)}{ws()}:{ws()}{spaced(v, rng, ensure_ascii)}{ws()}"
            for k, v in value.items()
        ]
        return "{" + (",".join(members) or ws()) + "}"
    if isinstance(value, list):
        return "[" + (",".join(f"{ws()}{spaced(v, rng, ensure_ascii)}{ws()}" for v in value) or ws()) + "]"
    return json.dumps(value, ensure_ascii=ensure_ascii)


def dump(value: Any, style: str, rng: random.Random, ensure_ascii: bool) -> str:
    if style == "compact":
        return json.dumps(plain(value), separators=(",", ":"), ensure_ascii=ensure_ascii)
    if style == "indent":
        return json.dumps(plain(value), indent=rng.choice((0, 1, 2, 4, "\t")), ensure_ascii=ensure_ascii)
    return spaced(value, rng, ensure_ascii)


TEXT = st.text(
    st.sampled_from('"\\[]{},:/ aZé한字😀\n\t\x00\x1f') | st.characters(exclude_categories=["Cs"]), max_size=10
)
NUMBERS = (
    st.integers(-(2**63) + 1, 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(
        [
            Num(token)
            for token in (
                "1.0",
                "-0",
                "-0.0",
                "1e5",
                "1E+5",
                "2.5e-3",
                "1e-400",
                "123456789012345678901234567890.5",
                "9223372036854775807",
                "-9223372036854775807",
                "9007199254740993",
            )
        ]
    )
)
JSON = st.recursive(
    st.none() | st.booleans() | TEXT | NUMBERS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)


@st.composite
def releases(draw: st.DrawFn) -> dict[str, Any]:
    rel = release(
        ocid=f"ocds-abc-{draw(st.integers(0, 3))}",
        rid=draw(TEXT),
        tender={"title": draw(TEXT), "value": {"amount": draw(NUMBERS), "currency": "EUR"}},
    )
    rel.update(draw(st.dictionaries(TEXT.filter(lambda k: k not in rel), JSON, max_size=3)))
    if draw(st.booleans()) and draw(st.booleans()):
        del rel["ocid"]  # a rejected item now and then
    return rel


SHAPES = (
    "release package",
    "releases first",
    "record package",
    "array",
    "concatenated",
    "json lines",
    "concatenated packages",
)


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    """An OCDS-like document in one of the shapes, written compactly, indented or with random white space."""
    shape = draw(st.sampled_from(SHAPES))
    rels = draw(st.lists(releases(), min_size=0 if "package" in shape or shape == "array" else 1, max_size=4))
    rng = random.Random(draw(st.integers(0, 2**32)))
    ascii_only = draw(st.booleans())
    style = draw(st.sampled_from(("compact", "indent", "spaced")))
    extra = draw(st.dictionaries(st.sampled_from(("license", "x", 'é"]', "publicationPolicy")), JSON, max_size=2))

    def text(value: Any) -> str:
        return dump(value, style, rng, ascii_only)

    if shape == "release package":
        doc = {"uri": "u", "publisher": {"name": draw(TEXT)}, "version": "1.1", "releases": rels, **extra}
        out = text(doc)
    elif shape == "releases first":
        out = text({"releases": rels, "uri": "u", "version": draw(st.sampled_from(("1.0", "1.1"))), **extra})
    elif shape == "record package":
        records = [{"ocid": r.get("ocid", "x"), "releases": [r], "compiledRelease": r} for r in rels]
        out = text({"uri": "u", **extra, "records": records})
    elif shape == "array":
        out = text(rels)
    else:
        items = [package(r) for r in rels] if shape == "concatenated packages" else rels
        sep = "\n" if shape == "json lines" else draw(st.sampled_from(("", " ", "\r\n", "\t ")))
        out = sep.join(text(item) for item in items) + ("\n" if shape == "json lines" else "")
    return out.encode()


@dataclass
class Outcome:
    """What a read gives; compared by repr, which tells 1 from 1.0 and -0.0 from 0.0 where == does not."""

    items: list[ReadItem]
    summary: dict[str, Any]
    raised: str  # ijson lets a few decoding errors out of read(); both paths must agree on those too


def run(data: bytes, *, fast: bool, chunk_size: int = 1 << 20) -> tuple[Outcome, OcdsReader]:
    summary = FileSummary(path="doc.json")
    reader = OcdsReader("doc.json", "ocds", None, None, summary, fast=fast, chunk_size=chunk_size)
    items: list[ReadItem] = []
    raised = ""
    try:
        items.extend(reader.read(lambda: io.BytesIO(data)))
    except Exception as exc:
        raised = f"{type(exc).__name__}: {exc}"
    return Outcome(items, summary.as_dict(), raised), reader


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents())
def test_fast_path_gives_what_ijson_gives(data: bytes) -> None:
    reference, _ = run(data, fast=False)
    for chunk_size in CHUNK_SIZES:
        outcome, reader = run(data, fast=True, chunk_size=chunk_size)
        assert repr(outcome) == repr(reference), chunk_size
        assert reader.fallback_at is None, "well-formed documents never need the slow path"
        _assert_stored_json_is_the_payload(outcome.items)


def test_a_release_not_upgraded_comes_with_its_json_and_an_upgraded_one_without() -> None:
    v11 = json.dumps({**package(*RELEASES[:2]), "version": "1.1"}).encode()
    v10 = json.dumps({**package(*RELEASES[2:]), "version": "1.0"}).encode()
    for data, written in ((v11, True), (v10, False)):
        items, _ = run(data, fast=True)
        accepted = [i for i in items.items if isinstance(i, Accepted)]
        assert len(accepted) == 2
        assert all((i.payload_json is not None) == written and i.upgraded != written for i in accepted)
        _assert_stored_json_is_the_payload(items.items)


def _assert_stored_json_is_the_payload(items: list[ReadItem]) -> None:
    """The JSON text a reader hands to the store with a release (its canonical bytes, written while checking
    it) says what the release says: nothing changed the release after."""
    for item in items:
        if isinstance(item, Accepted) and item.payload_json is not None:
            assert item.payload_json == canonical_bytes(item.payload)


RELEASES = [release(ocid=f"ocds-abc-{i}", rid=f"r{i}", tender={"title": 'Lights é \\ " ] }'}) for i in range(4)]
GOOD = json.dumps(package(*RELEASES), ensure_ascii=False).encode()
LINES = b"\n".join(json.dumps(r).encode() for r in RELEASES) + b"\n"
SECOND = b'}, {"ocid": "ocds-abc-2"'
ONE = json.dumps(RELEASES[0]).encode()


def _nested(depth: int) -> bytes:
    return GOOD.replace(b'"r3"', b'"r3", "deep": ' + b"[" * depth + b"]" * depth)


BROKEN = {
    "truncated mid-item": GOOD[: GOOD.index(b'"r2"')],
    "truncated after the array": GOOD[:-1],
    "truncated inside a key after the array": GOOD[:-1] + b', "ur',
    "garbage after the array": GOOD[:-1] + b', "uri": x}',
    "garbage after the package": GOOD + b" x",
    "Latin-1 in a later release": GOOD.replace(b"r3", "Bogotá".encode("latin-1")),
    "Latin-1 in a key after the array": GOOD[:-1] + ', "Bogotá": 1}'.encode("latin-1"),
    "UTF-8 surrogate in a later release": GOOD.replace(b"r3", b"\xed\xa0\x80"),
    "lone surrogate escape": GOOD.replace(b'"r3"', b'"\\ud800"'),
    **{f"integer {n}": GOOD.replace(b'"r3"', str(n).encode()) for n in (2**63, -(2**63), 2**64, -(2**63) - 1, 10**30)},
    "big integer in a later package's member": GOOD + GOOD.replace(b'"http://x"', b"18446744073709551616"),
    "big integer after the array": GOOD[:-1] + b', "n": 9223372036854775808}',
    "garbage between items": GOOD.replace(SECOND, b"} x" + SECOND[1:]),
    "double comma": GOOD.replace(SECOND, b"},," + SECOND[2:]),
    "trailing comma": GOOD.replace(b"}]}", b"},]}"),
    "form feed between items": GOOD.replace(SECOND, b"},\x0c" + SECOND[2:]),
    "leading zero": GOOD.replace(b'"r3"', b"01"),
    "infinite float": GOOD.replace(b'"r3"', b"1e400"),
    "deep nesting 3000": _nested(3000),
    "releases is null": b'{"uri": "u", "releases": null}',
    "releases is an object": b'{"uri": "u", "releases": {"item": ' + ONE + b"}}",
    "a key releases.item": b'{"uri": "u", "releases": [' + ONE + b'], "releases.item": ' + ONE + b"}",
    "package then an array": GOOD + b" [" + ONE + b"]",
    "array then an object": b"[" + ONE + b'] {"item": ' + ONE + b"}",
    "array cut after an element": b"[" + ONE + b", 5",
    "json lines cut": LINES[:-20],
    "json lines with garbage": LINES + b"x\n",
    "json lines with a comma": LINES.replace(b"}\n{", b"},\n{", 1),
    "json lines cut inside a literal": LINES + b"tru",
}
STAYS_FAST = {  # legal inputs the fast path reads itself
    "integer past 2**53": GOOD.replace(b'"r3"', str(2**53 + 1).encode()),
    "integer 2**63 - 1": GOOD.replace(b'"r3"', str(2**63 - 1).encode()),
    "deep nesting 300": _nested(300),
    "second package": GOOD + b" " + GOOD,
    "releases twice": b'{"uri": "u", "releases": [' + ONE + b'], "releases": [' + ONE + b"]}",
    "empty releases": b'{"uri": "u", "releases": [  ], "version": "1.1"}',
    "scalar between values": LINES + b"5\n" + ONE,
    "an item many chunks long": GOOD.replace(b'"r3"', b'"' + b'x\\"' * 1000 + b'"'),
}


@pytest.mark.parametrize("chunk_size", CHUNK_SIZES)
@pytest.mark.parametrize("name", sorted(BROKEN.keys() | STAYS_FAST.keys()))
def test_odd_inputs_get_the_same_report_as_ijson(name: str, chunk_size: int) -> None:
    data = STAYS_FAST.get(name) or BROKEN[name]
    reference, _ = run(data, fast=False)
    outcome, reader = run(data, fast=True, chunk_size=chunk_size)
    assert repr(outcome) == repr(reference)
    assert (reader.fallback_at is None) == (name in STAYS_FAST)


def test_a_late_error_keeps_the_good_items_read_fast() -> None:
    outcome, reader = run(BROKEN["Latin-1 in a later release"], fast=True, chunk_size=64)
    assert [i.release_id for i in outcome.items if isinstance(i, Accepted)] == ["r0", "r1", "r2"]
    assert reader.fallback_at == 3
    last = outcome.items[-1]
    assert isinstance(last, Rejected)
    error = last.errors[0]
    assert "not UTF-8" in error.message and error.where == "doc.json › after releases[2]"


def test_read_file_takes_the_fast_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("ijson.items called")

    monkeypatch.setattr(ijson, "items", refuse)
    plain_file, gz_file = tmp_path / "p.json", tmp_path / "p.json.gz"
    plain_file.write_bytes(GOOD)
    gz_file.write_bytes(gzip.compress(LINES))
    for path in (plain_file, gz_file):
        items = list(read_file(path))
        assert [i.release_id for i in items if isinstance(i, Accepted)] == ["r0", "r1", "r2", "r3"], path


def _reference(data: bytes, prefix: str) -> list[Any]:
    return list(ijson.items(io.BytesIO(data), prefix, use_float=True, multiple_values=True))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(JSON, max_size=5),
    st.sampled_from(("", "item", "releases.item")),
    st.sampled_from((1, 7, 64)),
    st.integers(0, 2**32),
)
def test_split_yields_the_bytes_of_each_item(values: list[Any], prefix: str, chunk_size: int, seed: int) -> None:
    rng = random.Random(seed)
    style = rng.choice(("compact", "indent", "spaced"))
    if prefix == "":
        values = values or [{}]
        data = "\n".join(dump(v, style, rng, rng.random() < 0.5) for v in values).encode()
    elif prefix == "item":
        data = dump(values, style, rng, False).encode()
    else:
        data = dump({"before": values[:1], "releases": values, "after": values[1:]}, style, rng, False).encode()
    spans = list(split(io.BytesIO(data), prefix, check=msgspec.json.decode, chunk_size=chunk_size))
    assert repr([msgspec.json.decode(span) for span in spans]) == repr(_reference(data, prefix))


def test_split_gives_up_on_an_item_over_the_limit() -> None:
    data = b"[" + b", ".join(json.dumps({"n": i, "pad": "x" * 10 * i}).encode() for i in range(30)) + b"]"
    spans: list[bytes] = []
    with pytest.raises(GiveUp):
        spans.extend(split(io.BytesIO(data), "item", check=msgspec.json.decode, chunk_size=16, max_item=100))
    assert spans and [msgspec.json.decode(span) for span in spans] == _reference(data, "item")[: len(spans)]


def test_split_gives_up_on_a_skipped_member_the_check_refuses() -> None:
    def refuse(span: bytes) -> None:
        raise ValueError("no")

    with pytest.raises(GiveUp):
        list(split(io.BytesIO(GOOD), "releases.item", check=refuse))
