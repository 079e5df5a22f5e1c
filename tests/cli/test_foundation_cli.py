"""init, country and countries from the command line, exit codes included."""

from __future__ import annotations

import json

from tests.cli.conftest import Run


def test_init_is_idempotent_and_country_answers(kscity: Run) -> None:
    first = kscity("init", "--format", "json")
    assert first.returncode == 0, first.stderr
    assert all(f["changed"] for f in json.loads(first.stdout)["files"])
    second = kscity("init", "--format", "json")
    assert not any(f["changed"] for f in json.loads(second.stdout)["files"])
    p = kscity("country", "Kenya", "--format", "json")
    d = json.loads(p.stdout)
    assert d["iso3"] == "KEN" and d["income_group"] == "LM"
    edcf = next(s for s in d["support"] if s["instrument"] == "edcf")
    assert edcf["eligible"] is True and "lower-middle" in edcf["reason"]
    text = kscity("country", "NLD")
    assert text.returncode == 0 and "2019-07" in text.stdout


def test_unknown_country_exits_2_with_candidates(kscity: Run) -> None:
    assert kscity("init").returncode == 0
    p = kscity("country", "Atlantis", "--format", "json")
    assert p.returncode == 2 and "Atlantis" in p.stderr and "closest" in p.stderr
    assert "Traceback" not in p.stderr


def test_korean_messages_with_korean_locale(kscity: Run, cli_env: dict[str, str]) -> None:
    assert kscity("init").returncode == 0
    p = kscity("country", "Atlantis", env=cli_env | {"KSCITY_LANG": "ko"})
    assert p.returncode == 2 and "해당하는 국가가 없습니다" in p.stderr
    ok = kscity("country", "이라크", env=cli_env | {"KSCITY_LANG": "ko"})
    assert "비스마야" in ok.stdout or "Bismayah" in ok.stdout


def test_unreachable_database_is_one_line_exit_2(kscity: Run, cli_env: dict[str, str]) -> None:
    env = cli_env | {"KSCITY_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    p = kscity("country", "KEN", env=env)
    assert p.returncode == 2
    assert "cannot reach the database" in p.stderr and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
