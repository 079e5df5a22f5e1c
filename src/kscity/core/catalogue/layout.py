"""The catalogue workbook layout: sheets, columns (Korean and English headers) and rows for export."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from kscity.model.catalogue import Company

SheetId = Literal["companies", "solutions", "deployments", "exports"]
CellKind = Literal["text", "int", "year", "float", "bool", "brn", "size", "service", "sub", "kind", "trl",
                   "list", "country", "caps"]


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the field it fills, its headers in both languages, and its type."""

    field: str
    ko: str
    en: str
    kind: CellKind = "text"
    required: bool = False

    def header(self, lang: str) -> str:
        """The header shown in a template of the given language."""
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class Sheet:
    """A sheet of the workbook and its columns."""

    id: SheetId
    ko: str
    en: str
    columns: tuple[Column, ...]

    def title(self, lang: str) -> str:
        """The sheet's tab name in the given language."""
        return self.ko if lang == "ko" else self.en


COMPANIES = Sheet("companies", "기업", "Companies", (
    Column("brn", "사업자등록번호", "Business registration number", "brn", True),
    Column("name_ko", "회사명", "Company name (Korean)", "text", True),
    Column("name_en", "영문 회사명", "Company name (English)"),
    Column("size", "규모", "Size", "size", True),
    Column("public_corporation", "공공기관", "Public corporation", "bool"),
    Column("member_since", "얼라이언스 가입연도", "Alliance member since", "year"),
    Column("headquarters", "본사 소재지", "Headquarters"),
    Column("website", "웹사이트", "Website"),
    Column("contact", "연락처", "Contact"),
    Column("capabilities", "보유 역량", "Capabilities", "caps"),
    Column("sample", "샘플 데이터", "Sample data", "bool"),
))
SOLUTIONS = Sheet("solutions", "솔루션", "Solutions", (
    Column("brn", "사업자등록번호", "Business registration number", "brn", True),
    Column("key", "솔루션 코드", "Solution code", "text", True),
    Column("name_ko", "솔루션명", "Solution name (Korean)", "text", True),
    Column("name_en", "영문 솔루션명", "Solution name (English)"),
    Column("service", "서비스 분야", "Service", "service", True),
    Column("sub_solution", "세부 솔루션", "Sub-solution", "sub"),
    Column("kind", "유형", "Kind", "kind"),
    Column("trl", "기술성숙도(TRL)", "Maturity (TRL)", "trl"),
    Column("description_ko", "설명", "Description (Korean)"),
    Column("description_en", "영문 설명", "Description (English)"),
    Column("standards", "표준·인증", "Standards and certifications", "list"),
    Column("codes", "조달 분류코드", "Procurement codes", "list"),
))
DEPLOYMENTS = Sheet("deployments", "구축실적", "Deployments", (
    Column("brn", "사업자등록번호", "Business registration number", "brn", True),
    Column("key", "솔루션 코드", "Solution code", "text", True),
    Column("city", "도시", "City", "text", True),
    Column("country", "국가", "Country", "country", True),
    Column("year", "연도", "Year", "year", True),
    Column("client", "발주처", "Client"),
    Column("value_usd", "금액(USD)", "Value (USD)", "float"),
))
EXPORTS = Sheet("exports", "수출실적", "Exports", (
    Column("brn", "사업자등록번호", "Business registration number", "brn", True),
    Column("country", "국가", "Country", "country", True),
    Column("year", "연도", "Year", "year", True),
    Column("value_usd", "수출액(USD)", "Export value (USD)", "float", True),
    Column("product", "품목", "Product"),
))
SHEETS: tuple[Sheet, ...] = (COMPANIES, SOLUTIONS, DEPLOYMENTS, EXPORTS)

_NOISE = re.compile(r"[\s_\-·.()/]+")


def header_key(text: object) -> str:
    """A header reduced for matching: case, spaces and punctuation ignored."""
    return _NOISE.sub("", str(text or "")).lower()


def column_aliases(sheet: Sheet) -> dict[str, Column]:
    """Every accepted spelling of each column's header (Korean, English, field id)."""
    aliases: dict[str, Column] = {}
    for col in sheet.columns:
        for name in (col.ko, col.en, col.field):
            aliases[header_key(name)] = col
    if sheet.id == "solutions":
        aliases[header_key("TRL")] = next(c for c in sheet.columns if c.field == "trl")
    return aliases


def sheet_for_name(name: str) -> Sheet | None:
    """The sheet a tab name refers to (Korean or English), if any."""
    key = header_key(name)
    for sheet in SHEETS:
        if key in (header_key(sheet.ko), header_key(sheet.en), sheet.id):
            return sheet
    return None


def _yes(value: bool, lang: str) -> str:
    if lang == "ko":
        return "예" if value else "아니오"
    return "yes" if value else "no"


def _caps(caps: Iterable[tuple[str, str | None]]) -> str:
    return "; ".join(f"{s}/{sub}" if sub else s for s, sub in caps)


def sheet_rows(companies: Iterable[Company], lang: str) -> dict[SheetId, list[list[object]]]:
    """The workbook's rows (header first) for the given companies, in the given language."""
    out: dict[SheetId, list[list[object]]] = {s.id: [[c.header(lang) for c in s.columns]] for s in SHEETS}
    for c in companies:
        out["companies"].append([c.brn, c.name_ko, c.name_en, c.size, _yes(c.public_corporation, lang),
                                 c.member_since, c.headquarters, c.website, c.contact, _caps(c.capabilities),
                                 _yes(c.sample, lang)])
        for s in c.solutions:
            out["solutions"].append([c.brn, s.key, s.name_ko, s.name_en, s.service, s.sub_solution, s.kind, s.trl,
                                     s.description_ko, s.description_en, "; ".join(s.standards),
                                     "; ".join(s.codes)])
            for d in s.deployments:
                out["deployments"].append([c.brn, s.key, d.city, d.country, d.year, d.client, d.value_usd])
        for e in c.exports:
            out["exports"].append([c.brn, e.country, e.year, e.value_usd, e.product])
    return out
