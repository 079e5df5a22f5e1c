"""`make bench`: run every bench/bench_*.py and eval_*.py, print one table, append it to BENCHMARKS.md.

Each script exposes `run(quick: bool = False) -> list[dict]` with rows
{figure, value, unit, baseline, ratio, target, ok}; ratios compare against a baseline measured in the same run.
The scripts import this checkout's code (an editable install), so what they measure is the commit they ran on:
the record names it, and a checkout with uncommitted changes under src/ or bench/ is not recorded unless asked
(--allow-dirty). Editing code while a benchmark ran once made it measure half-written code.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import subprocess
import sys
import time
import traceback
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _load(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = mod
    spec.loader.exec_module(mod)
    return mod


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return "" if v is None else str(v)


def code_state() -> tuple[str, bool]:
    """The checkout's commit (short), and whether src/ or bench/ differ from it; ("unknown", False) without git."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        changes = subprocess.run(["git", "status", "--porcelain", "--", "src", "bench"], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown", False
    return commit, bool(changes)


def main() -> int:
    """Run the selected benchmarks and record them."""
    ap = argparse.ArgumentParser()
    ap.add_argument("only", nargs="*", help="script names to run (default: all)")
    ap.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    ap.add_argument("--no-record", action="store_true", help="do not append to BENCHMARKS.md")
    ap.add_argument("--allow-dirty", action="store_true",
                    help="record even if src/ or bench/ have uncommitted changes")
    args = ap.parse_args()
    commit, dirty = code_state()
    if dirty:
        print(f"bench: src/ or bench/ differ from commit {commit}; the benchmarks measure the files as they are now, "
              "and change if they are edited while running", file=sys.stderr)
        if not args.no_record and not args.allow_dirty:
            print("bench: not recording uncommitted code: commit first, or pass --allow-dirty or --no-record",
                  file=sys.stderr)
            return 2
    scripts = sorted(p for p in HERE.glob("*.py") if p.stem.startswith(("bench_", "eval_")))
    if args.only:
        scripts = [p for p in scripts if p.stem in args.only or p.name in args.only]
    rows: list[dict[str, Any]] = []
    for path in scripts:
        t0 = time.perf_counter()
        try:
            got = _load(path).run(quick=args.quick)
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc()
            got = [{"figure": f"{path.stem} failed: {exc}", "ok": False}]
        for r in got:
            rows.append({"script": path.stem, **r})
        print(f"{path.stem}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    cols = ["script", "figure", "value", "unit", "baseline", "ratio", "target", "ok"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(c)) for c in cols) + " |")
    table = "\n".join(lines)
    print(table)
    if not args.no_record:
        head = (f"\n## {date.today().isoformat()} — `make bench`{' --quick' if args.quick else ''}\n\n"
                f"Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
                f"{os.cpu_count()} cores shared. Code: commit {commit}"
                f"{' with uncommitted changes' if dirty else ''}.\n\n")
        with (ROOT / "BENCHMARKS.md").open("a", encoding="utf-8") as f:
            f.write(head + table + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
