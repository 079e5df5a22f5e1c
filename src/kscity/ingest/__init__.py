"""Readers of the opportunity pipeline: files in (OCDS, TED, CSV/XLSX), normalised Notices out; no database.

`read_file(path)` detects the format by content and yields, per release / notice / row, either an
`Accepted` item (the Notice, the payload, ids, a content hash, the position) or a `Rejected` item (raw
payload or snippet and plain-words errors). Its `.summary` (a FileSummary) has the format and counts.
`compile_releases` merges one ocid's releases into a compiled release; `notice_from_release` maps it.
"""

from kscity.ingest.compile import (
    OCDS_1_1_5_MERGE_RULES,
    compile_folding,
    compile_releases,
    compiles_to_itself,
    merge_rules,
    release_order,
)
from kscity.ingest.items import Accepted, FileSummary, FxLookup, ReadError, ReadItem, Rejected, content_hash
from kscity.ingest.limits import LimitExceeded, Limits
from kscity.ingest.normalize import notice_from_release, release_stage
from kscity.ingest.places import country_iso3
from kscity.ingest.reader import FileRead, read_file
from kscity.ingest.validate import check_release

__all__ = [
    "OCDS_1_1_5_MERGE_RULES",
    "Accepted",
    "FileRead",
    "FileSummary",
    "FxLookup",
    "LimitExceeded",
    "Limits",
    "ReadError",
    "ReadItem",
    "Rejected",
    "check_release",
    "compile_folding",
    "compile_releases",
    "compiles_to_itself",
    "content_hash",
    "country_iso3",
    "merge_rules",
    "notice_from_release",
    "read_file",
    "release_order",
    "release_stage",
]
