"""Linkage core: normalisation, scoring rules, clustering properties (no shared data needed)."""

from __future__ import annotations

from datetime import datetime

import msgspec
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kscity.core.dedupe import (
    blocking_keys,
    compare,
    features_of,
    link,
    linking_keys,
    match_against,
    normalise,
    notice_key,
)
from kscity.core.dedupe.features import ABBREVIATIONS, buyer_tokens, tokens
from kscity.core.dedupe.score import compare_values
from kscity.model.opportunity import ItemCode, Notice, SourceRef

BASE = Notice(
    ocid="ocds-1",
    source=SourceRef("ted", "243173-2020"),
    title="Delivery of Brent Cross Waste Transfer Station",
    language="en",
    country="GBR",
    buyer="London Borough of Barnet",
    value=28_000_000.0,
    currency="GBP",
    published=datetime(2020, 5, 25),
    tender_deadline=datetime(2020, 6, 19),
    items=(ItemCode("CPV", "45232470"), ItemCode("CPV", "45222110")),
)


def copy(notice: Notice, source: str, **changes: object) -> Notice:
    return msgspec.structs.replace(notice, ocid=f"{source}-x", source=SourceRef(source, "x"), **changes)


def test_normalise_folds_accents_numbers_currency_and_abbreviations() -> None:
    assert normalise("Województwo Małopolskie") == "wojewodztwo malopolskie"
    assert normalise("€1.200.000,50") == "eur 1200000"
    assert normalise("1,2 Mio EUR") == "1200000 eur"
    assert normalise("Offaly County Council") == normalise("Offaly Co. Council")
    assert normalise("Department of Roads Limited") == normalise("Dept. of Roads Ltd")


def test_rounded_values_are_recognised_and_far_values_are_not() -> None:
    assert compare_values(5_530_658.98, 5_500_000.0)[0] == "rounded"
    assert compare_values(6_738_400.0, 6_700_000.0)[0] == "rounded"
    assert compare_values(1_000_000.0, 1_001_000.0)[0] == "exact"
    assert compare_values(300_000_000.0, 5_000_000_000.0)[0] == "far"


def test_abbreviated_buyer_shifted_dates_and_rounded_value_still_link() -> None:
    twin = copy(BASE, "portal", buyer="LBB", value=28_000_000.0, published=datetime(2020, 5, 28))
    pair = compare(features_of(BASE), features_of(twin))
    assert pair.score >= 0.5, pair.reasons
    assert len(link([BASE, twin])) == 1


def test_translated_title_links_on_the_other_fields() -> None:
    ko = copy(BASE, "aggregator", title="브렌트 크로스 폐기물 환적장 건설", language="ko")
    assert match_against(ko, [BASE])


def test_same_buyer_other_project_does_not_link() -> None:
    other = copy(BASE, "ted2", title="Highways Resurfacing Programme 2020-2021", value=None)
    pair = compare(features_of(BASE), features_of(other))
    assert pair.conflict
    assert pair.score < 0.5
    assert len(link([BASE, other])) == 2


def test_same_title_other_buyer_does_not_link() -> None:
    other = copy(BASE, "ted2", buyer="London Borough of Haringey", value=None)
    assert len(link([BASE, other])) == 2


def test_an_ambiguous_translation_cannot_chain_two_projects() -> None:
    sibling = copy(BASE, "ted2", title="Highways Resurfacing Programme 2020-2021", value=None)
    ko = copy(BASE, "aggregator", title="브렌트 크로스 폐기물 환적장 건설", language="ko", value=None)
    clusters = link([BASE, sibling, ko])
    together = [c for c in clusters if notice_key(BASE) in c.keys]
    assert notice_key(sibling) not in together[0].keys


def test_match_against_orders_best_first_with_reasons() -> None:
    exact = copy(BASE, "a")
    rounded = copy(BASE, "b", value=30_000_000.0, published=datetime(2020, 5, 30))
    out = match_against(BASE, [rounded, exact])
    assert [c.source.source for c, _, _ in out] == ["a", "b"]
    assert all(reasons for _, _, reasons in out)


# --- properties -------------------------------------------------------------------------------------

titles = st.sampled_from([
    "Delivery of Brent Cross Waste Transfer Station",
    "Winter Maintenance of Municipal Roads",
    "Supply of road salt",
    "Smart street lighting for the city centre",
    "CCTV cameras for public safety",
])
buyers = st.sampled_from(["London Borough of Barnet", "LBB", "Kåfjord Kommune", "Gemeinde Balzers", "Stadt Weißenfels"])
notices = st.builds(
    Notice,
    ocid=st.text("abc123", min_size=1, max_size=6),
    source=st.builds(
        SourceRef,
        source=st.sampled_from(["ted", "ocds", "portal"]),
        notice_id=st.text("0123456789", min_size=1, max_size=5),
    ),
    title=titles,
    language=st.sampled_from(["en", "de", ""]),
    country=st.sampled_from(["GBR", "NOR", None]),
    buyer=buyers,
    value=st.one_of(st.none(), st.floats(1_000, 1e9)),
    currency=st.sampled_from(["EUR", "GBP", None]),
    published=st.one_of(st.none(), st.datetimes(datetime(2020, 1, 1), datetime(2020, 3, 1))),
    items=st.lists(
        st.builds(ItemCode, scheme=st.just("CPV"), code=st.sampled_from(["45232470", "34928500", "90620000"])),
        max_size=2,
    ).map(tuple),
)


@given(notices, notices)
def test_score_is_symmetric(a: Notice, b: Notice) -> None:
    fa, fb = features_of(a), features_of(b)
    ab, ba = compare(fa, fb), compare(fb, fa)
    assert ab.score == ba.score
    assert ab.reasons == ba.reasons


@given(notices)
def test_a_notice_always_matches_a_copy_of_itself(n: Notice) -> None:
    other = msgspec.structs.replace(n, source=SourceRef("elsewhere", n.source.notice_id + "c"))
    assert compare(features_of(n), features_of(other)).score >= 0.5
    assert len(link([n, other])) == 1


@given(notices, notices)
def test_the_keys_a_store_leaves_out_are_shared_only_within_one_ocid(a: Notice, b: Notice) -> None:
    fa, fb = features_of(a), features_of(b)
    assert blocking_keys(fa) - linking_keys(fa) == {f"id:{a.ocid}"}
    assert linking_keys(fa) <= blocking_keys(fa)
    if a.ocid != b.ocid:  # notices of two ocids meet under the same keys whether or not the id keys are there
        assert blocking_keys(fa) & blocking_keys(fb) == linking_keys(fa) & linking_keys(fb)
    else:
        assert f"id:{a.ocid}" in blocking_keys(fa) & blocking_keys(fb)


@settings(max_examples=60)
@given(st.lists(notices, max_size=12), st.randoms(use_true_random=False))
def test_clusters_partition_the_notices_independently_of_order(ns: list[Notice], rnd: object) -> None:
    clusters = link(ns)
    keys = [k for c in clusters for k in c.keys]
    assert sorted(keys) == sorted({notice_key(n) for n in ns})  # every notice once: clusters are transitive
    shuffled = list(ns)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    again = link(shuffled)
    assert [(c.id, c.keys) for c in clusters] == [(c.id, c.keys) for c in again]


def _fold_by_character(text: str) -> str:
    """fold as first written: NFKD, then every character tested for a combining mark in Python."""
    import unicodedata

    from kscity.core.dedupe.features import _FOLD

    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
       | st.sampled_from(["Łódź", "Ærø Kommune", "São Paulo", "서울특별시", "Ñuñoa", "Straße", "İstanbul", "Київ"]))
def test_fold_drops_the_same_marks_as_testing_each_character(text: str) -> None:
    from kscity.core.dedupe.features import fold

    assert fold(text) == _fold_by_character(text)


@given(st.lists(st.sampled_from(["Ltd", "Limited", "Barnet", "London Borough of", "Département", "1.200.000",
                                 "£", "co council", "Ministère", "서울시", " ", "-"]), max_size=8).map(" ".join))
def test_remembered_buyer_tokens_are_the_tokens_of_the_name(name: str) -> None:
    # asked twice: the first answer is computed, the second remembered; both are what tokens() gives
    assert buyer_tokens(name) == tokens(name)
    assert buyer_tokens(name) == tokens(name)
    notice = Notice(ocid="o", source=SourceRef("ocds", "o"), title="Street lighting", buyer=name)
    assert features_of(notice).buyer_tokens == tokens(name)


def _normalise_by_regex(text: str) -> str:
    """features.normalise as written with the regex alone (the definition its ASCII path must agree with)."""
    import re

    from kscity.core.dedupe import features as f

    for sym, code in f.CURRENCY_SYMBOLS.items():
        text = text.replace(sym, code)
    text = re.sub(r"[^\w]+", " ", f.normalise_numbers(f.fold(text))).replace("_", " ")
    for first, pattern, short in f._ABBREV_FIRST:
        if first in set(text.split()):
            text = pattern.sub(short, text)
    return " ".join(text.split())


_ABBREVIATED = sorted(ABBREVIATIONS)
_ABBREVIATED_WORDS = sorted({w for k in _ABBREVIATED for w in k.replace("-", " ").split()})  # "district", "council"


_PIECES = st.one_of(
    st.sampled_from(_ABBREVIATED),
    st.sampled_from(_ABBREVIATED_WORDS),
    st.text(alphabet=st.characters(max_codepoint=127), max_size=12),
    st.sampled_from([" ", ", ", "--", "_", " 1.200.000 ", "€", "Ü", "\t", "(", ")"]),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
@example("Barnet District,  Council (NHS)--national health/service")
@example("district__council")
def test_normalise_splits_ascii_text_as_the_regex_does(text: str) -> None:
    from kscity.core.dedupe.features import normalise

    assert normalise(text) == _normalise_by_regex(text)
