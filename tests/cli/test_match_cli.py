"""`kscity match`, `kscity consortium` and `kscity alerts` end to end (subprocess, scratch SQLite)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Run
from tests.services.test_matching import FILES


def test_match_consortium_and_alerts_from_the_shell(kscity: Run, shared_data: Path, tmp_path: Path) -> None:
    assert kscity("init", "--sample").returncode == 0
    assert kscity("ingest", *[str(shared_data / f) for f in FILES], "--format", "json").returncode == 0

    p = kscity("match", "opportunity", "256", "--limit", "5", "--format", "json")
    assert p.returncode == 0, p.stderr
    ranked = json.loads(p.stdout)
    assert len(ranked) == 5 and [r["score"] for r in ranked] == sorted((r["score"] for r in ranked), reverse=True)
    assert set(ranked[0]) == {"firm_id", "firm", "firm_ko", "score", "parts", "solutions", "explanation"}
    assert ranked[0]["explanation"]["ko"] and ranked[0]["explanation"]["en"]

    p = kscity("match", "firm", ranked[0]["firm_id"], "--limit", "3", "--format", "json")
    assert p.returncode == 0 and {"ocid", "title", "score", "parts", "explanation"} <= set(json.loads(p.stdout)[0])
    for args in (("match", "opportunity", "ocds-does-not-exist"), ("match", "firm", "999999")):
        p = kscity(*args, "--format", "json")
        assert p.returncode == 2 and p.stderr.strip() and "Traceback" not in p.stderr

    p = kscity("consortium", "256", "--k", "2", "--format", "json")
    assert p.returncode == 0, p.stderr
    teams = json.loads(p.stdout)
    assert teams and all(sum(m["role"] == "lead" for m in t["members"]) == 1 for t in teams)
    p = kscity("consortium", "256", "--min-sme", "40", "--max-members", "50", "--format", "json")
    assert p.returncode == 1 and json.loads(p.stdout)["infeasible"] is True and json.loads(p.stdout)["reasons"]
    p = kscity("consortium", "256", "--need", "healthcare:no-such-sub-solution", "--format", "json")
    assert p.returncode == 2 and "no-such-sub-solution" in p.stderr
    p = kscity("consortium", "save", "256", "--notes", "bid", "--format", "json")
    assert p.returncode == 0, p.stderr
    draft = json.loads(p.stdout)["draft"]
    out = tmp_path / "d.xlsx"
    assert kscity("consortium", "export", str(draft), "-o", str(out)).returncode == 0 and out.stat().st_size > 0

    assert kscity("alerts", "add", "--name", "empty").returncode == 2
    assert kscity("alerts", "add", "--name", "cctv", "--service", "safety").returncode == 0
    p = kscity("alerts", "run", "--format", "json")
    rep = json.loads(p.stdout)
    assert p.returncode == 0 and rep["profiles"] == 1 and rep["new_items"] >= 1
    assert json.loads(kscity("alerts", "run", "--format", "json").stdout)["new_items"] == 0


def test_a_ukrainian_notice_finds_the_korean_only_firm_from_the_shell(kscity: Run, tmp_path: Path) -> None:
    from tests.services.test_matching_crosslingual import CCTV, FIRMS, write_inputs

    firms, notices = write_inputs(tmp_path)
    assert kscity("init").returncode == 0
    p = kscity("catalogue", "import", str(firms), "--format", "json")
    assert p.returncode == 0, p.stderr
    assert kscity("ingest", str(notices), "--format", "json").returncode == 0
    p = kscity("match", "opportunity", "ocds-test-ua-cctv", "--format", "json")
    assert p.returncode == 0, p.stderr
    ranked = json.loads(p.stdout)
    assert len(ranked) == len(FIRMS) and ranked[0]["firm"] == CCTV
    assert ranked[0]["parts"]["text"] > max(r["parts"]["text"] for r in ranked[1:])
    assert ranked[0]["explanation"]["ko"] and ranked[0]["explanation"]["en"]
