"""The synthetic catalogue follows the plan's mix (digest §1) and depends only on the seed."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kscity.core.catalogue.brn import is_valid_brn
from kscity.core.catalogue.generate import (
    EOK_KRW,
    KRW_PER_USD_2018,
    annual_export_usd,
    annual_exports_eok,
    exporter_split,
    generate_catalogue,
)

TAXONOMY: dict[str, Any] = yaml.safe_load((files("kscity.reference") / "taxonomy.yaml").read_text("utf-8"))


def test_the_plans_population_gives_the_plans_tiers() -> None:
    assert exporter_split(338) == (11, 165, 162)


@settings(max_examples=25, deadline=None)
@given(st.integers(30, 3000), st.integers(0, 2**32 - 1))
def test_export_concentration(n: int, seed: int) -> None:
    values = annual_exports_eok(n, np.random.default_rng(seed))
    top, small, _ = exporter_split(n)
    assert len(values) == n
    assert values[:top].sum() / values.sum() == pytest.approx(0.76, abs=1e-9)
    assert (values[:top] >= 100).all()
    assert (values < 6).sum() == small


def test_catalogue_mix_and_determinism() -> None:
    firms = generate_catalogue(675, np.random.default_rng(7), TAXONOMY)
    again = generate_catalogue(675, np.random.default_rng(7), TAXONOMY)
    assert firms == again
    exporters = [f for f in firms if f.exports]
    assert len(exporters) == 338
    yearly_eok = np.array(sorted((annual_export_usd(f, 2018) * KRW_PER_USD_2018 / EOK_KRW for f in exporters),
                                 reverse=True))
    assert yearly_eok[:11].sum() / yearly_eok.sum() == pytest.approx(0.76, abs=0.01)
    assert (yearly_eok < 6).sum() / len(yearly_eok) == pytest.approx(0.49, abs=0.01)
    assert 20 < yearly_eok.mean() < 45  # the plan: about 30억원 per exporter
    assert {s.service for f in firms for s in f.solutions} == {s["id"] for s in TAXONOMY["services"]}
    assert all(f.sample and "(sample)" in f.name_en and "(샘플)" in f.name_ko for f in firms)
    assert all(is_valid_brn(f.brn) for f in firms)
    assert len({f.brn for f in firms}) == len(firms)


def test_top_exporters_are_the_biggest_firms() -> None:
    firms = generate_catalogue(2000, np.random.default_rng(1), TAXONOMY)
    top = sorted(firms, key=lambda f: annual_export_usd(f, 2018), reverse=True)[:20]
    assert all(f.size in ("public", "large", "middle") for f in top)
