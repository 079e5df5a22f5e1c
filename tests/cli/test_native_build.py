"""The mypyc-compiled modules (setup.py, kscity/native.py): they run when built from the source beside them, the
source runs when asked (KSCITY_PURE=1) or when an edit makes a build stale, and both give the same results."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kscity

from .conftest import Run

SRC = Path(kscity.__file__).resolve().parent.parent
# the modules mypyc compiled, by the file each was loaded from, and whether the C written by hand (kscity.ingest.
# _keyscan, which has no Python source of its own: validate.scan_keys does its work) is used
PROBE = ("import json, importlib, kscity\n"
         "from kscity.native import MANIFEST\n"
         "names = sorted(n for n in json.loads(MANIFEST.read_text()) if n != 'kscity.ingest._keyscan')\n"
         "files = {n: importlib.import_module(n).__file__ for n in names}\n"
         "from kscity.ingest import validate\n"
         "print(json.dumps({'build': kscity.NATIVE_BUILD, 'files': files, 'c_scan': validate._SCAN is not None}))\n")

built = pytest.mark.skipif(kscity.NATIVE_BUILD == "pure", reason="kscity was installed without its compiled "
                           "modules (KSCITY_NATIVE=0, or no C compiler): nothing to compare")


def _probe(env_extra: dict[str, str], pythonpath: Path | None = None) -> dict[str, object]:
    env = dict(os.environ, **env_extra)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True,
                         cwd="/", timeout=120)
    result: dict[str, object] = json.loads(out.stdout)
    return result


def _suffixes(files: object) -> set[str]:
    assert isinstance(files, dict) and files
    return {".py" if str(f).endswith(".py") else ".so" if str(f).endswith(".so") else str(f) for f in files.values()}


@built
def test_the_build_runs_compiled_and_the_source_on_request() -> None:
    compiled = _probe({"KSCITY_PURE": "0"})
    assert compiled["build"] == "compiled" and _suffixes(compiled["files"]) == {".so"} and compiled["c_scan"]
    source = _probe({"KSCITY_PURE": "1"})
    assert source["build"] == "source" and _suffixes(source["files"]) == {".py"} and not source["c_scan"]


@built
def test_an_edited_source_runs_every_compiled_module_from_source(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    assert _probe({"KSCITY_PURE": "0"}, copy)["build"] == "compiled"  # the untouched copy is fresh
    edited = copy / "kscity" / "core" / "dedupe" / "features.py"
    edited.write_text(edited.read_text() + "\n# an edit after the build\n")
    stale = _probe({"KSCITY_PURE": "0"}, copy)
    # all of them from source, not only the edited one: compiled modules call each other's compiled code
    assert stale["build"] == "source" and _suffixes(stale["files"]) == {".py"} and not stale["c_scan"]
    # the C scan's own source edited: its old build no longer runs either
    edited.write_text(edited.read_text().removesuffix("\n# an edit after the build\n"))
    assert _probe({"KSCITY_PURE": "0"}, copy)["build"] == "compiled"
    scan_c = copy / "kscity" / "ingest" / "_keyscan.c"
    scan_c.write_text(scan_c.read_text() + "\n/* an edit after the build */\n")
    assert _probe({"KSCITY_PURE": "0"}, copy) == stale


@built
def test_compiled_and_source_classify_and_ingest_alike(kscity: Run, cli_env: dict[str, str], shared_data: Path,
                                                        tmp_path: Path) -> None:
    notices = [shared_data / "ocds" / "portugal", shared_data / "ocds" / "uk-contracts-finder", shared_data / "ted"]
    package = shared_data / "ocds" / "portugal" / "impic-release-package.json"
    outputs = []
    for pure in ("0", "1"):
        env = dict(cli_env, KSCITY_PURE=pure, KSCITY_DATABASE_URL=f"sqlite:///{tmp_path / f'pure{pure}.db'}")
        assert kscity("init", env=env).returncode == 0
        ingested = kscity("ingest", *map(str, notices), "--format", "json", env=env)
        assert ingested.returncode == 0, ingested.stderr
        files = json.loads(ingested.stdout)["files"]
        assert sum(f["ingested"] for f in files) > 100
        listed = kscity("opportunities", "--format", "json", env=env)
        assert listed.returncode == 0, listed.stderr
        ted = next(p for p in sorted((shared_data / "ted").rglob("*.xml")))
        classified = kscity("classify", str(package), "--ignore-codes", "--format", "json", env=env)
        classified_ted = kscity("classify", str(ted), "--ignore-codes", "--format", "json", env=env)
        assert classified.returncode == 0 and classified_ted.returncode == 0, classified.stderr
        outputs.append(({f["path"]: (f["ingested"], f["quarantined"], f["duplicates"], f["errors"]) for f in files},
                        sorted(json.loads(listed.stdout), key=lambda o: o["ocid"]),
                        json.loads(classified.stdout), json.loads(classified_ted.stdout)))
    assert outputs[0][1] and outputs[0][2]
    assert outputs[0] == outputs[1]
