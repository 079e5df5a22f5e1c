"""`kscity finance`: JSON shapes of the outside interfaces, exit codes for bad input."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import Run


@pytest.fixture
def ready(kscity: Run) -> Run:
    assert kscity("init").returncode == 0
    return kscity


def test_stack_json_shape(ready: Run) -> None:
    p = ready("finance", "stack", "--country", "KEN", "--cost-usd", "80000000", "--non-commercial", "--contract",
              "--firm", "large", "--firm", "sme", "--format", "json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert "edcf" in {ln["instrument"] for ln in d["lines"]}
    assert all({"instrument", "amount_usd", "share", "terms", "reason"} <= set(ln) for ln in d["lines"])
    assert isinstance(d["grant_element_pct"], float)


def test_text_output_and_mdb_flag(ready: Run) -> None:
    p = ready("finance", "stack", "--country", "KEN", "--cost-usd", "1e8", "--commercial", "--spc", "--mdb-partner")
    assert p.returncode == 0 and "pis_fund" in p.stdout and "mdb_cofinance" in p.stdout


@pytest.mark.parametrize(("args", "field"), [
    (("stack", "--country", "PER", "--cost-usd", "-5", "--commercial", "--spc"), "cost_usd"),
    (("stack", "--country", "PER", "--cost-usd", "5", "--commercial", "--spc", "--tenor", "41"), "tenor_years"),
    (("stack", "--country", "ZZZ", "--cost-usd", "5", "--commercial", "--spc"), "ZZZ"),
    (("fund", "--paths", "3000000"), "paths"),
    (("fund", "--paths", "10", "--tranche-shares", "10,30,50"), "100 %"),
])
def test_bad_input_exits_2_naming_the_field(ready: Run, args: tuple[str, ...], field: str) -> None:
    p = ready("finance", *args, "--format", "json")
    assert p.returncode == 2 and field in p.stderr and "Traceback" not in p.stderr


def test_fund_json_same_seed_same_numbers(kscity: Run) -> None:
    a = kscity("finance", "fund", "--paths", "2000", "--seed", "3", "--format", "json")
    b = kscity("finance", "fund", "--paths", "2000", "--seed", "3", "--format", "json")
    assert a.returncode == 0 and a.stdout == b.stdout
    d = json.loads(a.stdout)
    assert [t["name"] for t in d["pis"]["tranches"]] == ["government", "public", "private"]
    assert d["jobs"] > 0 and d["orders_supported_usd"] > 0
