"""Matching service over the store: a few shared notices (Spanish and English) and the sample catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kscity.app import App
from kscity.errors import InvalidInput, NotFound
from kscity.services import matching as svc

MX = "ocds/mexico/grupo-aeroportuario/sample/releases"
FILES = (f"{MX}/256-RELEASE_256_2017-10-04T00_53_17_354Z.json",  # CCTV, Spanish
         f"{MX}/22-RELEASE_22_2017-10-04T00_53_17_034Z.json",  # video surveillance, Spanish
         f"{MX}/311-RELEASE_311_2017-10-04T00_53_17_780Z.json",  # solar PV feasibility, Spanish
         "ted/ted-xml/20-198944-001-EXP.xml",  # Empty Homes Security (UK)
         "ted/ted-xml/20-246700-001-EXP.xml")  # waste transfer station (UK)


def load_matching_data(kapp: App, shared: Path) -> None:
    """Ingest the five notices above and load the sample catalogue into a loaded app."""
    from kscity.services.catalogue import load_sample_catalogue
    from kscity.services.ingest import ingest_paths

    with kapp.transaction() as session:
        load_sample_catalogue(session=session)
    ingest_paths(kapp, [shared / f for f in FILES])


@pytest.fixture
def mapp(loaded_app: App, shared_data: Path) -> App:
    """A loaded app with notices and firms."""
    load_matching_data(loaded_app, shared_data)
    return loaded_app


def _service_of(kapp: App, ocid: str) -> tuple[str, str | None]:
    from kscity.store.tables.pipeline import OpportunityRow

    with kapp.read() as s:
        row = s.scalars(select(OpportunityRow).where(OpportunityRow.ocid == ocid)).one()
        return row.service, row.sub_solution


def test_firms_for_a_spanish_cctv_notice_are_ranked_best_first_with_both_languages(mapp: App) -> None:
    with mapp.read() as s:
        ranked = svc.firms_for_opportunity(session=s, ocid="256", limit=10)
        from kscity.store.queries.catalogue import company_by_id
        top = company_by_id(s, int(ranked[0]["firm_id"]))
    assert len(ranked) == 10
    assert [r["score"] for r in ranked] == sorted((r["score"] for r in ranked), reverse=True)
    assert all(r["explanation"]["ko"] and r["explanation"]["en"] for r in ranked)
    service, _ = _service_of(mapp, "256")
    # the best firm offers the notice's service, and its fitting solution is listed
    assert top is not None and service in {x.service for x in top.solutions}
    assert ranked[0]["solutions"] and ranked[0]["parts"]["service"] > 0


def test_unknown_ocid_and_firm_are_not_found_and_limits_are_checked(mapp: App) -> None:
    with mapp.read() as s:
        with pytest.raises(NotFound):
            svc.firms_for_opportunity(session=s, ocid="no-such-ocid")
        with pytest.raises(NotFound):
            svc.opportunities_for_firm(session=s, firm_id="999999")
        with pytest.raises(NotFound):
            svc.opportunities_for_firm(session=s, firm_id="abc")
        with pytest.raises(InvalidInput):
            svc.firms_for_opportunity(session=s, ocid="256", limit=0)


def test_a_cctv_firm_finds_the_cctv_notices_first(mapp: App) -> None:
    from kscity.store.queries.catalogue import all_companies

    with mapp.read() as s:
        cctv = next(c for c in all_companies(s) if any(x.sub_solution == "intelligent_cctv" for x in c.solutions)
                    and not any(x.service != "safety" for x in c.solutions))
        res = svc.opportunities_for_firm(session=s, firm_id=str(cctv.id), limit=5)
    assert res.items and not res.reason_en
    assert _service_of(mapp, res.items[0]["ocid"])[0] == "safety"


def test_a_firm_without_solutions_gets_an_empty_list_with_a_reason(mapp: App) -> None:
    from kscity.store.tables.catalogue import CompanyRow

    with mapp.transaction() as s:
        row = CompanyRow(brn="999-99-99999", name_ko="빈 기업", name_en="Empty Co.", size="sme", search_text="")
        s.add(row)
        s.flush()
        firm_id = row.id
    with mapp.read() as s:
        res = svc.opportunities_for_firm(session=s, firm_id=str(firm_id))
    assert res.items == [] and res.reason_en and res.reason_ko


def test_indexes_are_reused_until_the_catalogue_changes(mapp: App) -> None:
    from kscity.services.catalogue import load_sample_catalogue
    from kscity.store.tables.catalogue import CompanyRow

    with mapp.read() as s:
        first = svc.firm_index(session=s)
        assert svc.firm_index(session=s) is first
    with mapp.transaction() as s:
        s.add(CompanyRow(brn="999-99-99998", name_ko="새 기업", name_en="New Co.", size="sme", search_text=""))
    with mapp.read() as s:
        again = svc.firm_index(session=s)
    assert again is not first and again.n == first.n + 1
    with mapp.transaction() as s:
        load_sample_catalogue(session=s)  # idempotent reload: same firms
