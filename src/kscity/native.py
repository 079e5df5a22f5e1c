"""Which build of the compiled modules runs: the C one mypyc made (setup.py), or their Python source.

A compiled module sits beside its source and Python prefers it. After an edit it would run the old code, so
kscity checks the manifest the build wrote (module -> sha256 of the source compiled) once per process, before any
of them is imported; if one source differs, or `KSCITY_PURE=1` asks, every compiled module is loaded from its
source instead. All of them, not only the changed one: compiled modules call one another's compiled functions
directly, so a mix would still run the old code.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

MANIFEST = Path(__file__).with_name("_native.json")
_ROOT = Path(__file__).resolve().parent.parent


class _FromSource(importlib.abc.MetaPathFinder):
    """Finds the listed modules' .py files, ahead of the compiled ones."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.names:
            return None
        source = _source(fullname)
        return importlib.util.spec_from_file_location(fullname, source) if source.is_file() else None


def _source(module: str) -> Path:
    """A module's source file: its Python, or the C of a module written in C (kscity.ingest._keyscan)."""
    path = _ROOT.joinpath(*module.split("."))
    python = path.with_suffix(".py")
    return python if python.is_file() or not path.with_suffix(".c").is_file() else path.with_suffix(".c")


def _manifest() -> dict[str, str]:
    try:
        data = json.loads(MANIFEST.read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _fresh(module: str, digest: str) -> bool:
    try:
        return hashlib.sha256(_source(module).read_bytes()).hexdigest() == digest
    except OSError:
        return False


def _choose() -> str:
    """Install the source finder when needed; returns which build runs: "compiled", "source" or "pure" (no
    compiled build here)."""
    built = _manifest()
    if not built:
        return "pure"
    pure_asked = os.environ.get("KSCITY_PURE", "") not in ("", "0")
    if not pure_asked and all(_fresh(m, d) for m, d in built.items()):
        return "compiled"
    sys.meta_path.insert(0, _FromSource(frozenset(built)))
    return "source"


BUILD = _choose()
