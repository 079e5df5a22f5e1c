"""Compile one ocid's releases into a compiled release as ocdsmerge does, never fetching a schema from the internet.

kscity.ingest.merge merges most releases itself, several times faster, and leaves to ocdsmerge what only ocdsmerge's
own way of merging decides (values changing type, repeated ids); the results are the same (tests/ingest).

Run time uses OCDS 1.1.5's merge rules shipped below (24 rules, derived from the release schema of
open-contracting/standard tag 1__1__5, Apache-2.0; a test checks they equal ocdsmerge's rules read from the
local schema). With `schema_path`, the rules are read from that local file instead (e.g. a profile with
extensions). ocdsmerge only fetches when given neither rules nor a schema, which this module never does.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ocdsmerge import Merger
from ocdsmerge.exceptions import OCDSMergeError, OCDSMergeWarning
from ocdsmerge.merge import CompiledRelease
from ocdsmerge.rules import get_merge_rules

from kscity.errors import InvalidInput
from kscity.ingest.merge import RuleNode, merge_compiled, rule_tree
from kscity.ingest.normalize import _d, _l  # the same "an object, or nothing" readers as the Notice mapping

MergeRules = dict[tuple[str, ...], str]

_WHOLE = "wholeListMerge"
OCDS_1_1_5_MERGE_RULES: MergeRules = {
    ("date",): "omitWhenMerged",
    ("id",): "omitWhenMerged",
    ("tag",): "omitWhenMerged",
    ("awards", "amendment", "changes"): _WHOLE,
    ("awards", "amendments", "changes"): _WHOLE,
    ("awards", "items", "additionalClassifications"): _WHOLE,
    ("awards", "suppliers", "additionalIdentifiers"): _WHOLE,
    ("buyer", "additionalIdentifiers"): _WHOLE,
    ("contracts", "amendment", "changes"): _WHOLE,
    ("contracts", "amendments", "changes"): _WHOLE,
    ("contracts", "implementation", "transactions", "payee", "additionalIdentifiers"): _WHOLE,
    ("contracts", "implementation", "transactions", "payer", "additionalIdentifiers"): _WHOLE,
    ("contracts", "items", "additionalClassifications"): _WHOLE,
    ("contracts", "relatedProcesses", "relationship"): _WHOLE,
    ("parties", "additionalIdentifiers"): _WHOLE,
    ("parties", "roles"): _WHOLE,
    ("relatedProcesses", "relationship"): _WHOLE,
    ("tender", "additionalProcurementCategories"): _WHOLE,
    ("tender", "amendment", "changes"): _WHOLE,
    ("tender", "amendments", "changes"): _WHOLE,
    ("tender", "items", "additionalClassifications"): _WHOLE,
    ("tender", "procuringEntity", "additionalIdentifiers"): _WHOLE,
    ("tender", "submissionMethod"): _WHOLE,
    ("tender", "tenderers", "additionalIdentifiers"): _WHOLE,
}


@lru_cache(maxsize=8)
def _merger(schema_path: str | None) -> Merger:
    if schema_path is None:
        return Merger(merge_rules=OCDS_1_1_5_MERGE_RULES)
    if schema_path.startswith(("http:", "https:")):
        raise InvalidInput(
            f"the OCDS schema must be a local file, not a URL: {schema_path}",
            f"OCDS 스키마는 URL이 아니라 로컬 파일이어야 합니다: {schema_path}",
        )
    return Merger(merge_rules=get_merge_rules(schema_path))


@lru_cache(maxsize=8)
def _tree(schema_path: str | None) -> RuleNode:
    return rule_tree(_merger(schema_path).merge_rules)


def merge_rules(schema_path: str | Path | None = None) -> MergeRules:
    """The merge rules in use: read from a local release schema, or the shipped OCDS 1.1.5 rules."""
    return dict(_merger(str(schema_path) if schema_path else None).merge_rules)


def _repeats(objects: Any) -> bool:
    if not isinstance(objects, list) or len(objects) < 2:
        return False
    ids = [repr(o["id"]) for o in objects if isinstance(o, dict) and "id" in o]
    return len(ids) != len(set(ids))


def compiles_to_itself(release: dict[str, Any]) -> bool:
    """Whether a lone release's compiled release says what the release says (no array holds two objects with
    one id, which ocdsmerge would fold into one): then a Notice read from the release equals one read from its
    compiled release, and ingest can skip the merge (a test checks this on every shared sample). Only the
    arrays that kscity.ingest.normalize reads are looked at."""
    tender, planning = _d(release.get("tender")), _d(release.get("planning"))
    arrays = [release.get("parties"), release.get("awards"), release.get("contracts"), tender.get("items"),
              tender.get("documents"), planning.get("documents")]
    for section in map(_d, _l(release.get("awards")) + _l(release.get("contracts"))):
        transactions = _d(section.get("implementation")).get("transactions")
        arrays += [section.get("items"), section.get("documents"), transactions]
    return not any(_repeats(a) for a in arrays)


def compile_releases(
    releases: Iterable[dict[str, Any]],
    schema_path: str | Path | None = None,
    *,
    rules: MergeRules | None = None,
) -> dict[str, Any]:
    """The compiled release of one ocid's releases (sorted by date), as `ocdskit compile` would give it."""
    batch = list(releases)
    ocids = {r.get("ocid") for r in batch}
    if len(ocids) > 1:
        raise InvalidInput(
            f"compile_releases takes the releases of one ocid, got {len(ocids)}: {sorted(map(str, ocids))[:3]}",
            f"compile_releases는 한 ocid의 릴리스만 받습니다 ({len(ocids)}개 받음)",
        )
    if rules is not None:
        return _extend(None, batch, rules, rule_tree(rules))[0]
    path = str(schema_path) if schema_path else None
    # duplicate ids inside arrays are the publisher's data issue; merging by position is ocdsmerge's answer
    return _extend(None, batch, _merger(path).merge_rules, _tree(path))[0]


def _extend(onto: dict[str, Any] | None, batch: list[dict[str, Any]], rules: MergeRules, tree: RuleNode,
            ) -> tuple[dict[str, Any], bool]:
    """ocdsmerge's compiled release of `batch` merged onto `onto` (none: from nothing), and whether ocdsmerge
    merged it without a warning; its warnings are caught either way. Merged here when kscity.ingest.merge can."""
    direct = merge_compiled(batch, tree, onto)
    if direct is not None:
        return direct, True  # ocdsmerge warns only of repeated ids, which the direct merge leaves to it
    merged = CompiledRelease(onto, merge_rules=rules)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", OCDSMergeWarning)
            merged.extend(batch)
    except OCDSMergeError as exc:
        ocid = batch[-1].get("ocid") if batch else None
        raise InvalidInput(f"releases of ocid {ocid} cannot be compiled: {exc}",
                           f"ocid {ocid}의 릴리스를 병합할 수 없습니다: {exc}") from exc
    return merged.asdict(), not any(issubclass(w.category, OCDSMergeWarning) for w in caught)


def release_order(release: dict[str, Any]) -> tuple[str, str]:
    """The order in which an ocid's releases are compiled: by date, then id (ocdsmerge sorts by date alone)."""
    return str(release.get("date") or ""), str(release.get("id") or "")


def compile_folding(releases: Iterable[dict[str, Any]], onto: dict[str, Any] | None = None,
                    ) -> tuple[dict[str, Any], bool]:
    """The compiled release of one ocid's releases, sorted by release_order, with the shipped rules; or, with
    `onto` (the compiled release of the ocid's earlier releases, all before these ones in release_order), the
    compiled release of all of them, merging only the new ones onto it: ocdsmerge's own way to extend a
    compiled release, so that an update costs one merge however long the ocid's history. The second value
    says whether the result may be extended so later: not when ocdsmerge warned (an id repeated in an array),
    as then folding and compiling from the first release could differ. A test checks
    that folding gives the Notice compiling everything gives, on every split of the shared samples' ocids."""
    return _extend(onto, sorted(releases, key=release_order), OCDS_1_1_5_MERGE_RULES, _tree(None))
