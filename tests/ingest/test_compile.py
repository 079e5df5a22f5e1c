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


def _releases(folder: Path) -> dict[str, list[dict[str, Any]]]:
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
    groups = _releases(shared_data / "ocds" / folder)
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
