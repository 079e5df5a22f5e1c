"""The shipped reference files: complete, consistent with the plan, and every bad cell reported by place."""

from __future__ import annotations

import shutil
from importlib.resources import as_file, files
from pathlib import Path

import pycountry
import pytest

from kscity.reference import ReferenceData, ReferenceFileError, load_all
from kscity.reference.files import (
    load_countries,
    load_fx_rates,
    load_instruments,
    load_korea_presence,
    load_reference_cases,
    load_tasks,
)

EIGHT_INSTRUMENTS = {"edcf", "edpf", "ksure_special", "kexim_special", "pis_fund", "coexpansion",
                     "market_development", "ksp_track"}


@pytest.fixture(scope="module")
def data() -> ReferenceData:
    return load_all()


@pytest.fixture
def copy_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped reference directory."""
    with as_file(files("kscity.reference")) as src:
        target = tmp_path / "reference"
        shutil.copytree(src, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_every_iso_country_present_once(data: ReferenceData) -> None:
    codes = [c.iso3 for c in data.countries]
    assert len(codes) == 249 == len(set(codes))
    assert set(codes) == {c.alpha_3 for c in pycountry.countries}


def test_korean_and_english_names_and_m49_for_all(data: ReferenceData) -> None:
    for c in data.countries:
        assert c.name_ko and c.name_en, c.iso3
        if c.iso3 != "ATA":
            assert c.m49_region and c.m49_subregion, c.iso3
    assert data.country("KOR").name_ko == "대한민국"


def test_aliases_find_common_names(data: ReferenceData) -> None:
    by_alias = {a: iso3 for iso3, e in data.country_extras.items() for a in e.aliases}
    by_alias.update({c.name_en: c.iso3 for c in data.countries})
    by_alias.update({c.name_ko: c.iso3 for c in data.countries})
    for alias, iso3 in [("Vietnam", "VNM"), ("South Korea", "KOR"), ("한국", "KOR"), ("Russia", "RUS"),
                        ("Iran", "IRN"), ("Bolivia", "BOL"), ("Tanzania", "TZA"), ("Laos", "LAO"),
                        ("Turkey", "TUR"), ("Czech Republic", "CZE"), ("UK", "GBR"), ("USA", "USA"),
                        ("미국", "USA"), ("영국", "GBR")]:
        assert by_alias[alias] == iso3


def test_kenya_facts(data: ReferenceData) -> None:
    ken = data.country("KEN")
    assert (ken.income_group, ken.oecd_risk, ken.oecd_status) == ("LM", 7, "classified")
    assert data.presence_for("KEN").kind_centre
    assert ken.plan_group == "africa"


def test_netherlands_facts(data: ReferenceData) -> None:
    nld = data.country("NLD")
    assert nld.income_group == "H"
    assert nld.oecd_risk is None and nld.oecd_status.startswith("not classified")
    assert nld.high_income_oecd and nld.plan_group == "developed"
    assert data.presence_for("NLD").mou == "2019-07"


def test_plan_presence_facts(data: ReferenceData) -> None:
    mous = {p.iso3: p.mou for p in data.presence if p.mou}
    assert mous == {"PER": "2018-03", "OMN": "2018-07", "CHN": "2018-08", "MYS": "2019-03", "NLD": "2019-07"}
    kotra = {p.iso3: p.kotra_centre for p in data.presence if p.kotra_centre}
    assert kotra["IRQ"] == "disaster_safety"
    assert {k for k, v in kotra.items() if v == "smart_infrastructure"} == {"MMR", "KWT", "COL"}
    assert {k for k, v in kotra.items() if v == "welfare_services"} == {"LAO", "VNM", "PER", "THA", "SGP"}
    assert {k for k, v in kotra.items() if v == "disaster_safety"} == {"MYS", "IND", "PHL", "IRQ"}
    assert {p.iso3 for p in data.presence if p.kind_centre} == {"UZB", "VNM", "IDN", "KEN"}
    assert {p.iso3 for p in data.presence if p.training_focus} == {"MYS", "OMN"}


def test_plan_groups(data: ReferenceData) -> None:
    group = {c.iso3: c.plan_group for c in data.countries}
    assert {k for k, v in group.items() if v == "new_southern"} == {
        "BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM", "IND"}
    assert {k for k, v in group.items() if v == "new_northern"} == {
        "RUS", "KAZ", "UZB", "KGZ", "TJK", "TKM", "MNG", "UKR", "BLR", "MDA", "AZE", "ARM", "GEO"}
    assert group["IRQ"] == group["KWT"] == group["EGY"] == "middle_east"
    assert group["BOL"] == group["COL"] == "latin_america"


def test_bismayah_case(data: ReferenceData) -> None:
    cases = {c.key: c for c in data.cases}
    assert len(cases) == 7
    bis = cases["bismayah"]
    assert bis.countries == ("IRQ",) and bis.archetype == "reconstruction"
    assert bis.value_krw_eok == 100000 and "비스마야" in bis.name_ko
    details = {d.key: d for d in data.case_details}
    assert details["smart_bin"].country_count == 42 and details["integrated_platform"].country_count == 23
    assert cases["transit_card"].countries == ("COL", "GRC")


def test_twenty_five_tasks(data: ReferenceData) -> None:
    assert [t.number for t in data.tasks] == list(range(1, 26))
    assert {t.strategy for t in data.tasks} == {1, 2, 3, 4}
    assert all(t.status == "planned" for t in data.tasks)
    assert data.tasks[3].owners == ("MOTIE",) and data.tasks[3].due == "2019H2"
    assert data.tasks[19].due is None and data.tasks[19].ongoing


def test_instruments(data: ReferenceData) -> None:
    ids = {i.id for i in data.instruments}
    assert ids >= EIGHT_INSTRUMENTS
    pis = data.instrument("pis_fund")
    assert pis.params["spc_equity_share"] == 0.20 and pis.params["fund_size_krw_eok"] == 15000
    assert data.instrument("edcf").eligible_income_groups == ("L", "LM")
    assert data.instrument("market_development").params["share_smart_city_tech_max"] == 0.80
    assert data.instrument_settings.ultra_high_risk_min_category == 7
    assert data.instrument_settings.pis_high_risk_categories == (6, 7)


def test_fx_rates_cover_requested_currencies(data: ReferenceData) -> None:
    have = {r.currency for r in data.fx_rates}
    wanted = {"USD", "EUR", "GBP", "KRW", "UAH", "MXN", "PYG", "CAD", "AUD", "BRL", "COP", "PEN", "CLP", "ARS",
              "INR", "IDR", "VND", "PHP", "THB", "MYR", "KES", "NGN", "ZAR", "EGP", "JPY", "CNY", "HUF", "PLN",
              "RON", "CZK", "SEK", "DKK", "NOK", "CHF", "TRY", "KWD", "SAR", "AED", "OMR", "QAR", "IQD", "UZS",
              "KZT"}
    assert wanted <= have
    krw = {r.year: r.units_per_usd for r in data.fx_rates if r.currency == "KRW"}
    assert 1000 < krw[2019] < 1300


def test_loaders_accept_a_directory(copy_dir: Path) -> None:
    assert len(load_countries(copy_dir)) == 249
    assert len(load_tasks(str(copy_dir))) == 25


def _corrupt(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_bad_income_group_names_file_line_field(copy_dir: Path) -> None:
    csv_path = copy_dir / "countries.csv"
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    line_no = next(i for i, line in enumerate(lines, start=1) if line.startswith("KEN,"))
    lines[line_no - 1] = lines[line_no - 1].replace(",africa,LM,7,", ",africa,X,7,")
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ReferenceFileError) as err:
        load_countries(copy_dir)
    assert str(err.value) == (f"countries.csv line {line_no}, field income_group: "
                              "expected one of L, LM, UM, H, got 'X'")
    assert (err.value.file, err.value.line, err.value.field) == ("countries.csv", line_no, "income_group")
    assert isinstance(err.value, ValueError)


def test_bad_risk_category(copy_dir: Path) -> None:
    _corrupt(copy_dir / "countries.csv", "Kenya,케냐,Africa,Sub-Saharan Africa,Eastern Africa,africa,LM,7,",
             "Kenya,케냐,Africa,Sub-Saharan Africa,Eastern Africa,africa,LM,9,")
    with pytest.raises(ReferenceFileError, match="field oecd_risk"):
        load_all(copy_dir)


def test_bad_presence_month(copy_dir: Path) -> None:
    _corrupt(copy_dir / "korea_presence.csv", "NLD,2019-07,", "NLD,2019-13,")
    with pytest.raises(ReferenceFileError, match=r"korea_presence\.csv line \d+, field mou"):
        load_korea_presence(copy_dir)


def test_unknown_country_in_presence(copy_dir: Path) -> None:
    _corrupt(copy_dir / "korea_presence.csv", "KEN,", "KEX,")
    with pytest.raises(ReferenceFileError, match=r"field iso3: expected a country of countries\.csv"):
        load_korea_presence(copy_dir)


def test_bad_yaml_cell_names_its_line(copy_dir: Path) -> None:
    path = copy_dir / "instruments.yaml"
    _corrupt(path, "spc_equity_share: 0.20", "spc_equity_share: twenty")
    line_no = next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                   if "spc_equity_share" in line)
    with pytest.raises(ReferenceFileError) as err:
        load_instruments(copy_dir)
    assert str(err.value) == f"instruments.yaml line {line_no}, field spc_equity_share: expected a number, got 'twenty'"


def test_bad_task_owner_and_status(copy_dir: Path) -> None:
    _corrupt(copy_dir / "tasks.yaml", "owners: [MOTIE], status: planned", "owners: [MOTIE], status: finished")
    with pytest.raises(ReferenceFileError, match=r"tasks\.yaml line \d+, field status: expected one of planned"):
        load_tasks(copy_dir)


def test_case_with_unknown_archetype(copy_dir: Path) -> None:
    _corrupt(copy_dir / "reference_cases.yaml", "archetype: reconstruction", "archetype: rebuild")
    with pytest.raises(ReferenceFileError, match="field archetype"):
        load_reference_cases(copy_dir)


def test_fx_inverse_checked(copy_dir: Path) -> None:
    _corrupt(copy_dir / "fx_rates.csv", "KRW,2019,0.000858106,", "KRW,2019,0.0009,")
    with pytest.raises(ReferenceFileError, match=r"fx_rates\.csv line \d+, field usd_per_unit"):
        load_fx_rates(copy_dir)


def test_missing_column_is_reported(copy_dir: Path) -> None:
    _corrupt(copy_dir / "fx_rates.csv", "currency,year,", "code,year,")
    with pytest.raises(ReferenceFileError, match=r"fx_rates\.csv line 1, field"):
        load_fx_rates(copy_dir)
