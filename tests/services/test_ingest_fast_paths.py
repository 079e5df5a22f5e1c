"""The shortcuts that make ingest fast give exactly the results of the plain code they replace."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kscity.core.classify.text import normalise
from kscity.core.dedupe import compare, features_of
from kscity.core.dedupe import features as dedupe_features
from kscity.ingest import Accepted, read_file
from kscity.model.opportunity import Document, ItemCode, Notice, SourceRef
from kscity.reference.classification import text_model
from kscity.services.opportunity_build import LinkCache, anonymous
from kscity.services.opportunity_view import lone_view, merge_notices, sent_features

FOLDERS = ("ocds/uk-contracts-finder", "ocds/portugal", "ocds/ukraine", "ocds/mexico", "ted/ted-xml", "ted/eforms-xml")


def shared_notices(shared_data: Path, per_folder: int = 60) -> list[Notice]:
    out: list[Notice] = []
    for folder in FOLDERS:
        files = sorted(p for p in (shared_data / folder).rglob("*") if p.suffix in {".json", ".xml"})[:20]
        found = 0
        for path in files:
            for item in read_file(path):
                if isinstance(item, Accepted) and found < per_folder:
                    out.append(item.notice)
                    found += 1
    return out


def test_memoised_pair_scores_equal_compare(shared_data: Path) -> None:
    feats = [features_of(n) for n in shared_notices(shared_data, 15)]
    cache = LinkCache()
    for f in feats:
        cache.put(f.ocid, f)
    for _ in range(2):  # the second round is answered from the memo
        for a in feats[::3]:
            for b in feats:
                pair = compare(a, b)
                assert cache.compare(a, anonymous(a), b) == (pair.score, tuple(pair.reasons))


def test_features_held_pickled_are_read_back_when_asked(shared_data: Path) -> None:
    """The cache keeps a reading process's features pickled until a notice meets them as a candidate; what it
    then gives, and the scores with it, are those of the features themselves."""
    feats = list({n.ocid: features_of(n) for n in shared_notices(shared_data, 10)}.values())  # one per ocid
    assert len(feats) >= 30
    cache = LinkCache()
    for f in feats:
        cache.put(f.ocid, sent_features(f))
    for a in feats[::4]:
        for b in feats:
            got = cache.get(b.ocid)
            assert got == b
            pair = compare(a, b)
            assert cache.compare(a, anonymous(a), got) == (pair.score, tuple(pair.reasons))


TERMS = [t.text.lstrip("~=") for t in text_model("lexicon").lexicon.terms]
GLUE = st.sampled_from([" ", "-", "s ", "(", ") ", ", ", "x", "의 ", "\n", "é", "'"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(TERMS), st.sampled_from(TERMS).map(str.upper), GLUE,
                          st.text(max_size=6)), max_size=12))
def test_prefiltered_lexicon_matches_every_term_search(parts: list[str]) -> None:
    text = "".join(parts)
    lexicon = text_model("lexicon").lexicon
    norm, cased = normalise(text), normalise(text, casefold=False)
    brute = [t for t in lexicon.terms if t.pattern.search(cased if t.case_sensitive else norm)]
    assert lexicon.matching(norm, cased) == brute


def test_a_lone_release_that_compiles_to_itself_gives_the_compiled_notice(shared_data: Path) -> None:
    """Ingest skips ocdsmerge for a lone release when compiles_to_itself says so: the Notice must not change."""
    from collections import defaultdict

    from kscity.ingest import compile_releases, compiles_to_itself, notice_from_release

    by_ocid: dict[str, list[Accepted]] = defaultdict(list)
    for path in sorted((shared_data / "ocds").rglob("*.json")):
        for item in read_file(path):
            if isinstance(item, Accepted) and not item.is_compiled:
                by_ocid[item.ocid].append(item)
    lone = [items[0] for items in by_ocid.values() if len(items) == 1]
    skipped = [item for item in lone if compiles_to_itself(item.payload)]
    assert len(skipped) > 300
    for item in skipped:
        compiled = notice_from_release(compile_releases([item.payload]), source=item.notice.source.source)
        # the reader also knew the package's publisher (a country fallback); the build fills those the same way
        as_read = msgspec.structs.replace(item.notice, **{key: None if key == "country" else ""
                                                             for key in ("country", "language", "buyer")
                                                             if not getattr(compiled, key)})
        assert compiled == as_read, item.ocid


def test_repeated_ids_in_an_array_force_the_merge() -> None:
    from kscity.ingest import compile_releases, compiles_to_itself

    release = {"ocid": "ocds-abc123-1", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"],
               "tender": {"id": "t", "items": [{"id": "1", "description": "lamps"},
                                               {"id": "1", "quantity": 4}]}}
    assert not compiles_to_itself(release)
    assert len(compile_releases([release])["tender"]["items"]) == 1  # what the merge does, hence no shortcut
    release["tender"]["items"][1]["id"] = "2"
    assert compiles_to_itself(release)


_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8),
                  st.sampled_from(["EUR", "XYZ", "N/A", "2024-05-31", "2024-13-45", "31/05/2024", "UAH"]))
_KEYS = st.sampled_from(["amount", "currency", "date", "startDate", "title", "items", "value", "id", "endDate"])
_TREE = st.recursive(_LEAF, lambda c: st.lists(c, max_size=4) | st.dictionaries(_KEYS, c, max_size=5), max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_KEYS, _TREE, max_size=6))
def test_check_release_fast_path_finds_what_the_full_walk_finds(tree: dict) -> None:  # type: ignore[type-arg]
    """check_release skips the path-naming walk when a quick pass finds nothing: the errors must not change."""
    from kscity.ingest import check_release
    from kscity.ingest.items import ReadError
    from kscity.ingest.validate import _walk

    release = {"ocid": "ocds-abc123-1", "id": "1", **{k: v for k, v in tree.items() if k not in ("id",)}}
    full: list[ReadError] = []
    _walk(release, "", "here", full)
    assert [e.message for e in check_release(release, "here")] == [e.message for e in full]


_ABBREV_PARTS = st.sampled_from([w for k in dedupe_features.ABBREVIATIONS for w in (k, *k.replace("-", " ").split())])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_ABBREV_PARTS, _ABBREV_PARTS.map(str.upper), GLUE, st.text(max_size=5),
                          st.sampled_from(["co", "council", "s", "p", "a", "1.200.000", "€", "_"])), max_size=14))
def test_normalise_with_the_first_word_check_equals_running_every_pattern(parts: list[str]) -> None:
    """normalise tries an abbreviation's pattern only when its first word is a token: same text out."""
    import re

    f = dedupe_features
    text = " ".join(parts)
    expected = text
    for sym, code in f.CURRENCY_SYMBOLS.items():
        expected = expected.replace(sym, code)
    expected = f._NON_WORD.sub(" ", f.normalise_numbers(f.fold(expected))).replace("_", " ")
    for key, short in sorted(f.ABBREVIATIONS.items(), key=lambda kv: -len(kv[0])):
        expected = re.sub(rf"\b{re.escape(key)}\b", short, expected)
    assert f.normalise(text) == " ".join(expected.split())



_NUMBERISH = st.text(st.sampled_from(list("0123456789 .,'\u00a0\u202f\t\nkmbilonrdsKMB€x٣")), max_size=24)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_NUMBERISH, st.sampled_from(["1.200.000", "1,2 mio", "3 bn", "12 345,67", "2k", "5 million",
                                                       "1 000 000 m", "0,5mrd"]), st.text(max_size=6)), max_size=6))
def test_normalise_numbers_skips_only_what_could_not_match(parts: list[str]) -> None:
    """normalise_numbers tries its two patterns only when a cheaper one finds what each match contains: the text
    out is what trying them always gives."""
    f = dedupe_features
    text = "".join(parts)
    assert f.normalise_numbers(text) == f._MULTIPLIERS.sub(f._multiplied, f._NUM_GROUPED.sub(f._grouped, text))


@pytest.mark.parametrize(("text", "plain"), [("1.200.000 eur", "1200000 eur"), ("1,2 mio", "1200000"),
                                             ("12 345,67 x", "12345 x"), ("lot 3 of 2024", "lot 3 of 2024")])
def test_normalise_numbers_writes_plain_integers(text: str, plain: str) -> None:
    assert dedupe_features.normalise_numbers(text) == plain

_pool = st.sampled_from(["", "a", "b"])
_dupes = st.builds(
    Notice, ocid=_pool, source=st.builds(SourceRef, source=_pool, notice_id=_pool), title=_pool, description=_pool,
    stage=st.sampled_from(["planning", "tender", "award", "contract", "implementation"]),
    value=st.none() | st.just(0.0) | st.just(5.0),
    items=st.lists(st.builds(ItemCode, scheme=_pool, code=_pool, description=_pool), max_size=4).map(tuple),
    documents=st.lists(st.builds(Document, title=_pool, url=_pool, language=_pool), max_size=4).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(_dupes)
def test_a_lone_notice_view_equals_merging_it_with_a_notice_that_adds_nothing(n: Notice) -> None:
    """lone_view returns the notice itself when it has nothing to drop; the general merge decides."""
    blank = Notice(ocid="", source=SourceRef("", ""), title="", stage="planning")
    assert lone_view(n) == merge_notices([n, blank])
