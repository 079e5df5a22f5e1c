"""Files the services' ingest tests share."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest


def portugal_copies(shared_data: Path, path: Path, count: int, tag: str) -> Path:
    """A release package of `count` releases: the shared Portuguese releases repeated under new ocids (the copy's
    number after `tag`), written to `path`."""
    pkg = orjson.loads((shared_data / "ocds/portugal/impic-release-package.json").read_bytes())
    pkg = pkg[0] if isinstance(pkg, list) else pkg
    copies = -(-count // len(pkg["releases"]))
    releases = [dict(r, ocid=f"{r['ocid']}-{tag}{i}") for i in range(copies) for r in pkg["releases"]][:count]
    path.write_bytes(orjson.dumps(dict(pkg, releases=releases)))
    return path


@pytest.fixture
def file_1500(shared_data: Path, tmp_path: Path) -> Path:
    """A release package of 1,500 releases (three batches of 500) under new ocids."""
    return portugal_copies(shared_data, tmp_path / "big.json", 1500, "p")
