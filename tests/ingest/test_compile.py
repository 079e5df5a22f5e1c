"""compile_releases equals `ocdskit compile` (its library function, with the local schema) on the shared samples."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from ocdskit.combine import merge
from ocdsmerge.rules import get_merge_rules

from kscity.errors import InvalidInput
from kscity.ingest import OCDS_1_1_5_MERGE_RULES, compile_releases, merge_rules

SAMPLES = [
    "uk-contracts-finder/sample/releases",
    "ukraine/sample/releases",
    "canada/montreal/sample/releases",
    "mexico/jalisco/sample/releases",
    "mexico/grupo-aeroportuario/sample/releases",
    "paraguay/sample/releases",
]


def releases_by_ocid(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """The dated releases of a sample folder's files, by ocid, in file order."""
    by_ocid: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_bytes())
        for rel in data.get("releases", [data]) if "ocid" not in data else [data]:
            if isinstance(rel, dict) and rel.get("date"):
                by_ocid[rel["ocid"]].append(rel)
    return by_ocid


def test_shipped_rules_equal_the_local_schema_rules(shared_data: Path) -> None:
    schema = shared_data / "ocds-schema/1__1__5/release-schema.json"
    assert get_merge_rules(str(schema)) == OCDS_1_1_5_MERGE_RULES
    assert merge_rules(schema) == merge_rules() == OCDS_1_1_5_MERGE_RULES


@pytest.mark.parametrize("folder", SAMPLES)
def test_compile_equals_ocdskit(shared_data: Path, folder: str) -> None:
    schema = str(shared_data / "ocds-schema/1__1__5/release-schema.json")
    groups = releases_by_ocid(shared_data / "ocds" / folder)
    assert groups
    for ocid, releases in groups.items():
        # deduplicate exact copies the sample holds under two file names, as a store would
        unique = list({json.dumps(r, sort_keys=True): r for r in releases}.values())
        expected = list(merge(json.loads(json.dumps(unique)), schema=schema, ignore_version=True))
        assert len(expected) == 1
        assert compile_releases(json.loads(json.dumps(unique)), schema) == expected[0], ocid
        assert compile_releases(json.loads(json.dumps(unique))) == expected[0], ocid


def test_compile_refuses_mixed_ocids_and_urls() -> None:
    with pytest.raises(InvalidInput):
        compile_releases([{"ocid": "a", "date": "2020"}, {"ocid": "b", "date": "2020"}])
    with pytest.raises(InvalidInput):
        compile_releases([{"ocid": "a", "date": "2020"}], "https://standard.open-contracting.org/schema.json")
    with pytest.raises(InvalidInput):
        compile_releases([{"ocid": "a", "date": "2020"}, {"ocid": "a"}])


def _without_empties(value: Any) -> Any:
    """A document without its empty objects and lists, which carry nothing: ocdsmerge keeps an empty object met
    in a release when compiling from the first release, and not when extending a compiled release."""
    if isinstance(value, dict):
        pruned = {k: _without_empties(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ({}, [])}
    if isinstance(value, list):
        return [_without_empties(v) for v in value]
    return value


def test_folding_new_releases_onto_a_compiled_release_gives_the_compiled_release(shared_data: Path) -> None:
    """An update merges only its new releases onto the stored compiled release: on every ocid of the shared
    samples with several releases, split at every point, the result equals compiling all releases (but for
    empty objects) and so gives the same Notice; a compiled release ocdsmerge warned about is never extended."""
    from kscity.ingest import compile_folding, notice_from_release, release_order

    folded = refused = 0
    for folder in SAMPLES:
        for ocid, releases in releases_by_ocid(shared_data / "ocds" / folder).items():
            unique = sorted({json.dumps(r, sort_keys=True): r for r in releases}.values(), key=release_order)
            if len(unique) < 2:
                continue
            whole, _ = compile_folding(json.loads(json.dumps(unique)))
            assert whole == compile_releases(json.loads(json.dumps(unique))), ocid
            for split in range(1, len(unique)):
                onto, foldable = compile_folding(json.loads(json.dumps(unique[:split])))
                if not foldable:
                    refused += 1
                    continue
                got, _ = compile_folding(json.loads(json.dumps(unique[split:])), onto=onto)
                assert _without_empties(got) == _without_empties(whole), (ocid, split)
                assert notice_from_release(got) == notice_from_release(whole), (ocid, split)
                folded += 1
    assert folded > 80, (folded, refused)


def test_a_compile_ocdsmerge_warns_about_may_not_be_extended() -> None:
    from kscity.ingest import compile_folding

    twice = [{"id": "s1", "name": "A"}, {"id": "s1", "name": "B"}]  # one id twice: ocdsmerge warns
    first = {"ocid": "ocds-x-1", "id": "r1", "date": "2024-01-01T00:00:00Z",
             "awards": [{"id": "a1", "suppliers": twice}]}
    later = {"ocid": "ocds-x-1", "id": "r2", "date": "2024-02-01T00:00:00Z", "tender": {"title": "Lights"}}
    compiled, foldable = compile_folding([first])
    assert not foldable and compiled["awards"][0]["suppliers"] == [twice[1]]  # the last one wins
    assert compile_folding([later], onto=compile_folding([later])[0])[1]
