"""Row validation and mapping: every bad input names its row and column; good input round-trips."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kscity.core.catalogue.brn import make_brn
from kscity.core.catalogue.generate import generate_catalogue
from kscity.core.catalogue.layout import COMPANIES, SOLUTIONS, sheet_rows
from kscity.core.catalogue.rows import ParseResult, Taxonomy, parse_sheets
from kscity.model.catalogue import Company

COUNTRIES = {"베트남": "VNM"}


@cache
def taxonomy_yaml() -> dict[str, Any]:
    return dict(yaml.safe_load((files("kscity.reference") / "taxonomy.yaml").read_text("utf-8")))


def parse(sheets: Sequence[tuple[str | None, Sequence[Sequence[object]] | Iterator[Sequence[object]]]]) -> ParseResult:
    return parse_sheets(sheets, Taxonomy.from_yaml(taxonomy_yaml()), country)


def country(text: str) -> str | None:
    """ISO3 codes as themselves, plus one Korean name (the services use pycountry and CLDR)."""
    return text.upper() if len(text) == 3 and text.isascii() and text.isalpha() else COUNTRIES.get(text)


BRN_A, BRN_B = make_brn("101810001"), make_brn("102810002")
KO_COMPANIES = [h.ko for h in COMPANIES.columns]
KO_SOLUTIONS = [h.ko for h in SOLUTIONS.columns]


def company_row(brn: str = BRN_A, **over: object) -> list[object]:
    values = {"brn": brn, "name_ko": "샘플 기업 (샘플)", "name_en": "Sample Co.", "size": "sme",
              "public_corporation": "아니오", "member_since": 2019, "headquarters": "서울", "website": "",
              "contact": "", "capabilities": "transport/transit_card", "sample": "예", **over}
    return [values[c.field] for c in COMPANIES.columns]


def solution_row(brn: str = BRN_A, **over: object) -> list[object]:
    values = {"brn": brn, "key": "S1", "name_ko": "교통카드", "name_en": "Transit card", "service": "transport",
              "sub_solution": "transit_card", "kind": "platform", "trl": 9, "description_ko": "", "description_en": "",
              "standards": "ISO 14443", "codes": "", **over}
    return [values[c.field] for c in SOLUTIONS.columns]


def workbook(companies: list[list[object]], solutions: list[list[object]] | None = None) -> list[Any]:
    sheets: list[Any] = [("기업", [KO_COMPANIES, *companies])]
    if solutions is not None:
        sheets.append(("솔루션", [KO_SOLUTIONS, *solutions]))
    return sheets


def only_error(result: ParseResult) -> tuple[int | None, str | None, str]:
    assert result.companies == []
    assert len(result.errors) == 1, result.errors
    e = result.errors[0]
    return e.row, e.column, e.message_en


def test_good_workbook_maps_to_companies() -> None:
    result = parse(workbook([company_row()], [solution_row()]))
    assert result.errors == []
    [company] = result.companies
    assert company.brn == BRN_A and company.size == "sme" and company.sample
    assert company.solutions[0].service == "transport" and company.solutions[0].trl == 9
    assert ("transport", "transit_card") in company.capabilities


def test_wrong_header_names_row_and_column() -> None:
    header = ["회사이름" if h == "회사명" else h for h in KO_COMPANIES]
    result = parse([("기업", [header, company_row()])])
    messages = {(e.row, e.column): e.message_en for e in result.errors}
    assert result.companies == []
    assert "unknown column" in messages[1, "회사이름"]
    assert "required column" in messages[1, "회사명"]


def test_missing_required_column() -> None:
    header = [h for h in KO_COMPANIES if h != "규모"]
    row = [v for h, v in zip(KO_COMPANIES, company_row(), strict=True) if h != "규모"]
    assert only_error(parse([("기업", [header, row])]))[:2] == (1, "규모")


def test_bad_registration_number() -> None:
    row, column, message = only_error(parse(workbook([company_row(), company_row("123-45-67890")])))
    assert (row, column) == (3, "사업자등록번호") and "checksum fails" in message


def test_duplicate_registration_numbers_in_one_file() -> None:
    row, column, message = only_error(parse(workbook([company_row(), company_row(BRN_B), company_row()])))
    assert (row, column) == (4, "사업자등록번호") and "row 2" in message


def test_unknown_service() -> None:
    row, column, message = only_error(parse(workbook([company_row()], [solution_row(service="smart farming")])))
    assert (row, column) == (2, "서비스 분야") and "unknown service" in message


def test_trl_eleven() -> None:
    row, column, message = only_error(parse(workbook([company_row()], [solution_row(trl=11)])))
    assert (row, column) == (2, "기술성숙도(TRL)") and "between 1 and 9" in message


def test_text_in_a_number() -> None:
    row, column, message = only_error(parse(workbook([company_row(member_since="two thousand")])))
    assert (row, column) == (2, "얼라이언스 가입연도") and "text" in message


def test_empty_sheet() -> None:
    row, column, message = only_error(parse([("Sheet1", [])]))
    assert (row, column) == (1, "A") and "empty" in message


def test_a_hundred_thousand_blank_rows() -> None:
    def blank_rows() -> Iterator[Sequence[object]]:
        for _ in range(100_000):
            yield (None, "", "  ")

    row, column, message = only_error(parse([("기업", blank_rows())]))
    assert (row, column) == (1, "A") and "empty" in message


def test_header_then_blank_rows_is_refused_and_blank_rows_are_skipped() -> None:
    rows: list[Sequence[object]] = [KO_COMPANIES, *([(None,) * 3] * 1000)]
    row, _column, message = only_error(parse([("기업", rows)]))
    assert row == 2 and "no data rows" in message
    ok = parse([("기업", [KO_COMPANIES, (None,), company_row(), ("",)])])
    assert ok.errors == [] and len(ok.companies) == 1


def test_solution_of_an_unknown_company_and_repeated_code() -> None:
    result = parse(workbook([company_row()], [solution_row(), solution_row(), solution_row(BRN_B)]))
    assert {(e.row, e.column) for e in result.errors} == {(3, "솔루션 코드"), (4, "사업자등록번호")}


def test_one_bad_row_refuses_the_whole_file() -> None:
    good = [company_row(make_brn(f"1018{i:05d}")) for i in range(50)]
    result = parse(workbook([*good, company_row(size="giant")]))
    assert result.companies == [] and result.errors[0].row == 52


def test_english_and_korean_headers_give_the_same_catalogue() -> None:
    companies = generate_catalogue(20, np.random.default_rng(3), taxonomy_yaml())
    ko = parse(list(sheet_rows(companies, "ko").items()))
    en = parse([(COMPANIES.en if k == "companies" else k, v) for k, v in sheet_rows(companies, "en").items()])
    assert ko.errors == [] and en.errors == []
    assert ko.companies == en.companies


def _strip(c: Company) -> Company:
    return replace(c, id=None, solutions=tuple(replace(s, id=None) for s in c.solutions))


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 40), st.integers(0, 2**32 - 1), st.sampled_from(["ko", "en"]))
def test_rows_round_trip(n: int, seed: int, lang: str) -> None:
    companies = generate_catalogue(n, np.random.default_rng(seed), taxonomy_yaml())
    result = parse(list(sheet_rows(companies, lang).items()))
    assert result.errors == []
    assert [_strip(c) for c in result.companies] == [_strip(c) for c in companies]
