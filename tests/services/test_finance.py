"""Finance services over the database: country facts from the country table, JSON-ready results."""

from __future__ import annotations

import pytest

from kscity.app import App
from kscity.errors import InvalidInput, NotFound
from kscity.services import finance as svc


def test_stack_reads_the_country_from_the_database(loaded_app: App) -> None:
    with loaded_app.read() as session:
        d = svc.propose_stack(session=session, country="per", cost_usd=300e6, commercial=True, spc=True,
                              firm_sizes=("large", "sme"))
    assert d["country"]["iso3"] == "PER" and d["country"]["income_group"] == "UM"
    ids = {ln["instrument"] for ln in d["lines"]}
    assert {"edpf", "pis_fund"} <= ids and "edcf" not in ids
    assert sum(round(ln["amount_usd"] * 100) for ln in d["lines"]) == 300e6 * 100
    assert d["grant_element_convention"]["source"]


def test_unknown_country_is_not_found(loaded_app: App) -> None:
    with loaded_app.read() as session, pytest.raises(NotFound, match="country"):
        svc.propose_stack(session=session, country="XXX", cost_usd=1e6, commercial=True, spc=True)


def test_cashflow_covers_the_tenor(loaded_app: App) -> None:
    with loaded_app.read() as session:
        d = svc.project_cashflow(session=session, country="KEN", cost_usd=80e6, commercial=False, spc=False,
                                 firm_sizes=("large", "sme"), tenor_years=15)
    assert d["years"] == list(range(1, 16)) and len(d["sensitivity"]) == 4
    assert sum(d["capex"]) == pytest.approx(80e6)


def test_fund_is_reproducible_and_conserves_losses() -> None:
    a = svc.simulate_fund(paths=3000, seed=5, max_paths=10_000)
    assert a == svc.simulate_fund(paths=3000, seed=5, max_paths=10_000)
    for fund in ("pis", "gif"):
        tr = a[fund]["tranches"]
        assert [t["name"] for t in tr] == ["government", "public", "private"]
        assert sum(t["expected_loss"] for t in tr) == pytest.approx(a["portfolio"]["expected_loss"])
        assert sum(t["size"] for t in tr) == pytest.approx(a["portfolio"]["size"])
    pis = {t["name"]: t for t in a["pis"]["tranches"]}
    assert pis["government"]["p_loss"] >= pis["public"]["p_loss"] >= pis["private"]["p_loss"]
    assert a["jobs"] == pytest.approx(a["orders_supported_usd"] / 10e9 * 33_000)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"paths": 10_001}, "paths"), ({"paths": 0}, "paths"), ({"tranche_shares_pct": (10, 30, 50)}, "100 %"),
    ({"rho": 1.0}, "rho"), ({"horizon_years": 25}, "horizon_years"),
])
def test_fund_bad_input_names_field_and_range(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"paths": 100, "seed": 1, "max_paths": 10_000, **kwargs}
    with pytest.raises(InvalidInput, match=field):
        svc.simulate_fund(**args)  # type: ignore[arg-type]
