"""Builds kscity with its hot pure modules compiled to C by mypyc (the compiler mypy ships; black and mypy itself
are shipped the same way). The modules stay ordinary, type-checked Python: compiled, the same source ingests a
1 GiB file with about 10 % less CPU, a 184 MB one about 20 % faster (BENCHMARKS.md, seventeenth session), and
`KSCITY_PURE=1` or a stale build runs the Python (kscity/native.py).

KSCITY_NATIVE=0 builds pure Python only; so does a machine where the C build fails (with a warning).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
# the ingest's per-release work: reading, checks, the notice, classification, linkage features and scores, the
# item made ready for the store, the opportunities built from it, bulk inserts; and what those call on every
# release (the items readers yield, times, accents, packing: 2,653,936 -> 2,634,471 instructions a release). Not the
# notice's dataclasses (model/opportunity.py): compiled, they saved 30,000 more, but mypyc gives msgspec `type` as
# the type of their `datetime | None` fields, so every stored notice was decoded by the slow, lenient reader, and
# a frozen compiled class cannot be unpickled field by field
NATIVE = [
    "kscity/core/classify/codes.py",
    "kscity/core/classify/combine.py",
    "kscity/core/classify/text.py",
    "kscity/core/dedupe/block.py",
    "kscity/core/dedupe/features.py",
    "kscity/core/dedupe/score.py",
    "kscity/ingest/compile.py",
    "kscity/ingest/jsonsplit.py",
    "kscity/ingest/merge.py",
    "kscity/ingest/normalize.py",
    "kscity/ingest/ocds.py",
    "kscity/ingest/places.py",
    "kscity/ingest/validate.py",
    "kscity/ingest/items.py",
    "kscity/model/times.py",
    "kscity/core/marks.py",
    "kscity/store/packing.py",
    "kscity/services/ingest_ready.py",
    "kscity/services/opportunity_build.py",
    "kscity/services/opportunity_view.py",
    "kscity/store/bulk.py",
]
# C written by hand (not by mypyc): a scan validate.clean_canonical makes of every release (kscity/ingest/keyscan.py)
C_MODULES = ["kscity/ingest/_keyscan.c"]
MANIFEST = "_native.json"  # module -> sha256 of the source it was compiled from


def _module(path: str) -> str:
    return path.removesuffix(".py").removesuffix(".c").replace("/", ".")


class _BuildWithManifest(build_ext):
    """build_ext that also writes the manifest kscity.native checks at import, beside the compiled modules. A build
    that fails (no C compiler, say) installs the Python source instead, with a warning: slower, the same results."""

    def run(self) -> None:
        out = SRC if self.inplace else Path(self.build_lib)
        if self.inplace:  # a module taken off the list must not leave its old build shadowing its source
            (SRC / "kscity" / MANIFEST).unlink(missing_ok=True)
            for old in SRC.rglob("*.so"):
                old.unlink()
        if not self.extensions:
            return
        try:
            super().run()
        except Exception as exc:  # any failure of the C build leaves the pure install
            for partial in out.rglob("*.so"):
                partial.unlink()
            print(f"warning: kscity's modules were not compiled ({exc}); installing their Python source\n"
                  f"경고: kscity 모듈을 컴파일하지 못했습니다 ({exc}); 파이썬 소스로 설치합니다", file=sys.stderr)
            return
        digests = {_module(p): hashlib.sha256((SRC / p).read_bytes()).hexdigest() for p in NATIVE + C_MODULES}
        (out / "kscity").mkdir(parents=True, exist_ok=True)
        (out / "kscity" / MANIFEST).write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")


# the commands that build; pip also runs setup.py twice per install for metadata only (egg_info, dist_info), where
# mypyc's work (type-checking, writing C: ~25 s each time) would be thrown away
_BUILDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "develop", "install"}


def _ext_modules() -> list[Any]:
    if os.environ.get("KSCITY_NATIVE", "1") == "0" or not _BUILDS & set(sys.argv[1:]):
        return []
    from mypyc.build import mypycify
    from setuptools import Extension

    hand_written = [Extension(_module(p), [f"src/{p}"], extra_compile_args=["-O3"]) for p in C_MODULES]
    return list(mypycify(["--config-file", "mypyc.ini", *(f"src/{p}" for p in NATIVE)], opt_level="3",
                         target_dir="build/mypyc")) + hand_written


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": _BuildWithManifest})
