"""The direct merge (kscity.ingest.merge) gives what ocdsmerge gives, key order included, or leaves it to ocdsmerge."""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ocdsmerge.exceptions import OCDSMergeError
from ocdsmerge.merge import CompiledRelease

from kscity.ingest import OCDS_1_1_5_MERGE_RULES
from kscity.ingest.merge import merge_compiled, rule_tree
from tests.ingest.test_compile import SAMPLES, releases_by_ocid

RULES = rule_tree(OCDS_1_1_5_MERGE_RULES)


def _ocdsmerge(releases: list[Any], onto: dict[str, Any] | None = None) -> tuple[str, Any]:
    """What ocdsmerge gives: ("ok", compiled JSON text), ("warned", compiled JSON text) or ("error", None)."""
    merged = CompiledRelease(copy.deepcopy(onto), merge_rules=OCDS_1_1_5_MERGE_RULES)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            merged.extend(copy.deepcopy(releases))
            out = merged.asdict()
    except OCDSMergeError:
        return "error", None
    return ("warned" if caught else "ok"), orjson.dumps(out)


def _agrees(releases: list[Any], onto: dict[str, Any] | None = None) -> bool:
    """Whether the direct merge gives ocdsmerge's compiled release (as JSON text: keys in the same order) or leaves
    the releases to it; True when it merged them itself. The releases are not changed by it."""
    before = orjson.dumps([releases, onto])
    direct = merge_compiled(releases, RULES, onto)
    assert orjson.dumps([releases, onto]) == before, "the releases are left as they were"
    verdict, expected = _ocdsmerge(releases, onto)
    if direct is None:
        return False
    assert verdict == "ok", f"ocdsmerge {verdict} where the direct merge did not leave the releases to it"
    assert orjson.dumps(direct) == expected
    return True


@pytest.mark.parametrize("folder", SAMPLES)
def test_the_shared_samples_merge_as_ocdsmerge_merges_them(shared_data: Path, folder: str) -> None:
    merged_here = 0
    for releases in releases_by_ocid(shared_data / "ocds" / folder).values():
        unique = list({json.dumps(r, sort_keys=True): r for r in releases}.values())
        ordered = sorted(unique, key=lambda r: (r["date"], str(r.get("id"))))
        merged_here += _agrees(ordered)
        for cut in range(1, len(ordered)):  # an update folded onto what the earlier releases compiled to
            onto = merge_compiled(ordered[:cut], RULES)
            if onto is not None:
                merged_here += _agrees(ordered[cut:], onto)
    assert merged_here, "the direct merge handled some of the sample's ocids itself"


# Releases built from a few keys so that releases of one ocid share paths: objects, arrays of objects with and
# without ids (text and numbers), arrays of texts, wholeListMerge arrays, nulls, empty objects and arrays, and now
# and then a value of another type, which ocdsmerge decides.
_KEYS = st.sampled_from(["title", "value", "items", "roles", "submissionMethod", "status", "description"])
_IDS = st.one_of(st.sampled_from(["a", "b", "1", "2"]), st.sampled_from([1, 2]))
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "x", "y", "Ω"]))


def _values(depth: int) -> st.SearchStrategy[Any]:
    if depth == 0:
        return _SCALARS
    inner = _values(depth - 1)
    objects = st.dictionaries(_KEYS, inner, max_size=3)
    with_ids = st.builds(lambda i, d: {"id": i, **d}, _IDS, objects)
    return st.one_of(
        _SCALARS,
        objects,
        st.lists(st.one_of(with_ids, objects), max_size=3),
        st.lists(_SCALARS, max_size=2),
    )


_RELEASE_BODY = st.fixed_dictionaries(
    {},
    optional={
        "tender": st.dictionaries(_KEYS, _values(2), max_size=4),
        "parties": st.lists(st.builds(lambda i, d: {"id": i, **d}, _IDS, st.dictionaries(_KEYS, _values(1),
                                                                                          max_size=3)), max_size=3),
        "awards": _values(2),
        "tag": st.lists(st.sampled_from(["tender", "award"]), max_size=2),
        "id": st.sampled_from(["r1", "r2"]),
        "language": _SCALARS,
    },
)
_RELEASES = st.lists(
    st.builds(lambda body, date: {"ocid": "ocds-x-1", "date": date, **body}, _RELEASE_BODY,
              st.sampled_from(["2020-01-01", "2020-02-01", "2020-03-01"])),
    min_size=1, max_size=4,
)


@settings(max_examples=400, deadline=None)
@given(_RELEASES)
def test_random_releases_merge_as_ocdsmerge_merges_them_or_are_left_to_it(releases: list[dict[str, Any]]) -> None:
    _agrees(releases)


@settings(max_examples=200, deadline=None)
@given(_RELEASES, _RELEASES)
def test_folding_onto_a_compiled_release_merges_as_ocdsmerge_does(first: list[dict[str, Any]],
                                                                  then: list[dict[str, Any]]) -> None:
    onto = merge_compiled(first, RULES)
    if onto is not None:
        _agrees(then, onto)


def test_what_the_merge_leaves_to_ocdsmerge() -> None:
    base = {"ocid": "o", "date": "2020-01-01", "tender": {"value": {"amount": 1}}}
    cases = [
        [base, {"ocid": "o", "date": "2020-02-01", "tender": {"value": "a text now"}}],  # object, then a value
        [{"ocid": "o", "date": "2020-01-01", "tender": {"value": None}}, base | {"date": "2020-02-01"}],  # null first
        [{"ocid": "o", "date": "2020-01-01", "parties": [{"id": "1"}, {"id": "1", "name": "x"}]}],  # a repeated id
        [{"ocid": "o", "date": "2020-01-01", "parties": [{"id": 1}]},
         {"ocid": "o", "date": "2020-02-01", "parties": [{"id": "1", "name": "x"}]}],  # 1, then "1"
        [{"ocid": "o", "date": "2020-01-01", "parties": [{"id": 1.5}]}],  # an id neither text nor integer
        [{"ocid": "o", "date": "2020-01-01"}, {"ocid": "o"}],  # no date to order by
        [{"ocid": "o", "date": "2020-01-01"}, "not a release"],
    ]
    for releases in cases:
        assert merge_compiled(releases, RULES) is None, releases


def test_the_rules_and_the_simple_cases() -> None:
    first = {"ocid": "o", "id": "r1", "date": "2020-01-01", "tag": ["tender"],
             "tender": {"title": "A", "items": [{"id": "1", "quantity": 1}, {"description": "no id"}],
                        "submissionMethod": ["electronic"]},
             "parties": [{"id": "p", "roles": ["buyer"], "name": "City"}]}
    second = {"ocid": "o", "id": "r2", "date": "2020-02-01", "tag": ["award"],
              "tender": {"title": None, "items": [{"id": "1", "unit": {"name": "m"}}, {"description": "no id"}],
                         "submissionMethod": ["written"], "value": {}},
              "parties": [{"id": "p", "roles": ["payer"]}, {}]}
    compiled = merge_compiled([second, first], RULES)
    assert compiled == {
        "tag": ["compiled"], "id": "o-2020-02-01", "date": "2020-02-01", "ocid": "o",
        "tender": {"items": [{"id": "1", "quantity": 1, "unit": {"name": "m"}}, {"description": "no id"},
                             {"description": "no id"}],
                   "submissionMethod": ["written"]},  # the title removed, the empty value adds nothing
        "parties": [{"id": "p", "roles": ["payer"], "name": "City"}],  # roles: wholeListMerge
    }
    assert _agrees([second, first])
