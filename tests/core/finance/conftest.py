"""Shared values for the finance core tests: the shipped tables and plain country facts."""

from __future__ import annotations

import pytest

from kscity.core.eligibility import CountryTerms
from kscity.core.finance.tables import FinanceTables
from kscity.services.finance import finance_tables

PERU = CountryTerms("PER", "Peru", "페루", "UM", 3)
KENYA = CountryTerms("KEN", "Kenya", "케냐", "LM", 7)
VIETNAM = CountryTerms("VNM", "Viet Nam", "베트남", "LM", 4)
NIGER = CountryTerms("NER", "Niger", "니제르", "L", 7)


@pytest.fixture(scope="session")
def tables() -> FinanceTables:
    """The tables shipped in kscity/reference/finance."""
    return finance_tables()
