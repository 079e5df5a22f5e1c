"""Validating and mapping catalogue sheets (Korean or English headers) into companies, or row errors."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kscity.core.catalogue.brn import BrnError, normalise_brn
from kscity.core.catalogue.layout import (
    COMPANIES,
    Column,
    Sheet,
    SheetId,
    column_aliases,
    header_key,
    sheet_for_name,
)
from kscity.model.catalogue import Company, Deployment, ExportRecord, Solution

MAX_ERRORS = 1000
TRL_RANGE = (1, 9)
YEAR_RANGE = (1950, 2100)

_SIZES = {"large": "large", "대기업": "large", "middle": "middle", "middlemarket": "middle", "중견기업": "middle",
          "중견": "middle", "sme": "sme", "중소기업": "sme", "중소": "sme", "startup": "startup",
          "스타트업": "startup", "public": "public", "공공기관": "public", "공기업": "public"}
_KINDS = {"hardware": "hardware", "하드웨어": "hardware", "software": "software", "소프트웨어": "software",
          "service": "service", "서비스": "service", "platform": "platform", "플랫폼": "platform"}
_TRUE = {"y", "yes", "true", "1", "o", "예", "네", "참"}
_FALSE = {"n", "no", "false", "0", "x", "아니오", "아니요", "거짓", ""}


@dataclass(frozen=True)
class RowError:
    """A problem in one cell (or header) of an imported file."""

    sheet: str
    row: int | None
    column: str | None
    message_en: str
    message_ko: str

    def as_dict(self, locale: str = "en") -> dict[str, Any]:
        """The JSON shape of an import error: row, column, message (plus sheet)."""
        return {"row": self.row, "column": self.column, "sheet": self.sheet,
                "message": self.message_ko if locale == "ko" else self.message_en}


@dataclass(frozen=True)
class Taxonomy:
    """The seven services and their sub-solutions, with the names users may type for them."""

    subs: Mapping[str, frozenset[str]]
    names: Mapping[str, str] = field(default_factory=dict)  # header_key(name) -> service or sub id

    @classmethod
    def from_yaml(cls, data: Mapping[str, Any]) -> Taxonomy:
        """Build from the parsed reference/taxonomy.yaml."""
        subs: dict[str, frozenset[str]] = {}
        names: dict[str, str] = {}
        for svc in data["services"]:
            subs[svc["id"]] = frozenset(s["id"] for s in svc.get("subs", []))
            for n in (svc["id"], svc["ko"], svc["en"]):
                names[header_key(n)] = svc["id"]
            for s in svc.get("subs", []):
                for n in (s["id"], s["ko"], s["en"]):
                    names.setdefault(header_key(n), s["id"])
        return cls(subs=subs, names=names)


@dataclass
class ParseResult:
    """What a file held: companies (complete only when there are no errors) and which sheets came."""

    companies: list[Company]
    errors: list[RowError]
    sheets: set[SheetId]


class _CellError(Exception):
    def __init__(self, en: str, ko: str) -> None:
        super().__init__(en)
        self.en, self.ko = en, ko


CountryResolver = Callable[[str], str | None]


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _number(v: object, whole: bool) -> float:
    if isinstance(v, bool):
        raise _CellError(f"expected a number, got {v!r}", f"숫자가 필요합니다: {v!r}")
    if isinstance(v, int | float):
        num = float(v)
    else:
        s = _text(v).replace(",", "").replace(" ", "")
        try:
            num = float(s)
        except ValueError:
            raise _CellError(f"expected a number, got text {_text(v)!r}",
                             f"숫자가 필요한데 문자 {_text(v)!r}가 있습니다") from None
    if not math.isfinite(num):
        raise _CellError(f"expected a finite number, got {_text(v)!r}", f"유한한 숫자가 필요합니다: {_text(v)!r}")
    if whole and not num.is_integer():
        raise _CellError(f"expected a whole number, got {_text(v)!r}", f"정수가 필요합니다: {_text(v)!r}")
    return num


def _in_range(n: int, lo: int, hi: int, what_en: str, what_ko: str) -> int:
    if not lo <= n <= hi:
        raise _CellError(f"{what_en} must be between {lo} and {hi}, got {n}",
                         f"{what_ko}는 {lo}에서 {hi} 사이여야 하는데 {n}입니다")
    return n


def _convert(col: Column, v: object, tax: Taxonomy, country: CountryResolver) -> object:
    """One cell's value in the column's type; raises _CellError with both messages."""
    k = col.kind
    if k == "brn":
        try:
            return normalise_brn(v)
        except BrnError as exc:
            raise _CellError(exc.message_en, exc.message_ko) from None
    if k in ("int", "year", "trl"):
        if _text(v) == "":
            return None
        n = int(_number(v, whole=True))
        if k == "year":
            return _in_range(n, *YEAR_RANGE, "year", "연도")
        if k == "trl":
            return _in_range(n, *TRL_RANGE, "TRL", "기술성숙도(TRL)")
        return n
    if k == "float":
        if _text(v) == "":
            return None
        num = _number(v, whole=False)
        if num < 0:
            raise _CellError(f"value must not be negative, got {num:g}", f"음수일 수 없습니다: {num:g}")
        return num
    s = _text(v)
    if k == "bool":
        low = s.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise _CellError(f"expected yes or no, got {s!r}", f"예 또는 아니오가 필요합니다: {s!r}")
    if k == "size":
        size = _SIZES.get(header_key(s))
        if size is None:
            raise _CellError(f"unknown size {s!r}; expected large, middle, sme, startup or public",
                             f"알 수 없는 규모 {s!r}: 대기업·중견기업·중소기업·스타트업·공공기관 중 하나여야 합니다")
        return size
    if k == "kind":
        if not s:
            return "software"
        kind = _KINDS.get(header_key(s))
        if kind is None:
            raise _CellError(f"unknown kind {s!r}; expected hardware, software, service or platform",
                             f"알 수 없는 유형 {s!r}: 하드웨어, 소프트웨어, 서비스, 플랫폼 중 하나여야 합니다")
        return kind
    if k == "service":
        svc = tax.names.get(header_key(s))
        if svc not in tax.subs:
            raise _CellError(f"unknown service {s!r}; expected one of {', '.join(tax.subs)}",
                             f"알 수 없는 서비스 분야 {s!r}: {', '.join(tax.subs)} 중 하나여야 합니다")
        return svc
    if k == "sub":
        if not s:
            return None
        sub = tax.names.get(header_key(s))
        if sub is None or sub in tax.subs:
            raise _CellError(f"unknown sub-solution {s!r}", f"알 수 없는 세부 솔루션 {s!r}")
        return sub
    if k == "country":
        iso3 = country(s) if s else None
        if iso3 is None:
            raise _CellError(f"unknown country {s!r}; use an ISO code such as VNM",
                             f"알 수 없는 국가 {s!r}: VNM 같은 ISO 코드를 쓰십시오")
        return iso3
    if k == "list":
        return tuple(p.strip() for p in s.replace("\n", ";").split(";") if p.strip())
    if k == "caps":
        caps: list[tuple[str, str | None]] = []
        for part in (p.strip() for p in s.replace("\n", ";").split(";")):
            if not part:
                continue
            svc_txt, _, sub_txt = part.partition("/")
            svc_id = _convert(Column("service", "", "", "service"), svc_txt, tax, country)
            sub_id = _convert(Column("sub", "", "", "sub"), sub_txt, tax, country)
            caps.append((str(svc_id), None if sub_id is None else str(sub_id)))
        return tuple(dict.fromkeys(caps))
    return s


def _letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _blank(row: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


class _Collector:
    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.dropped = 0

    def add(self, sheet: str, row: int | None, column: str | None, en: str, ko: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(sheet, row, column, en, ko))
        else:
            self.dropped += 1


def _read_sheet(title: str, spec: Sheet, rows: Iterable[Sequence[object]], tax: Taxonomy,
                country: CountryResolver, out: _Collector) -> list[tuple[int, dict[str, Any]]]:
    """Header matching and cell conversion for one sheet; records are (row number, values)."""
    it = iter(rows)
    header: Sequence[object] | None = None
    header_row = 0
    for number, row in enumerate(it, start=1):
        if not _blank(row):
            header, header_row = row, number
            break
    if header is None:
        out.add(title, 1, "A", f"sheet {title!r} is empty: no header row",
                f"시트 {title!r}가 비어 있습니다: 머리글 행이 없습니다")
        return []
    aliases = column_aliases(spec)
    positions: dict[int, tuple[Column, str]] = {}
    seen: dict[str, str] = {}
    korean = sum(1 for h in header if any("가" <= ch <= "힣" for ch in _text(h))) * 2 >= len(
        [h for h in header if _text(h)])
    for i, h in enumerate(header):
        text = _text(h)
        if not text:
            continue
        col = aliases.get(header_key(text))
        if col is None:
            out.add(title, header_row, text, f"cell {_letter(i)}{header_row}: unknown column {text!r}",
                    f"{_letter(i)}{header_row} 셀: 알 수 없는 열 {text!r}")
        elif col.field in seen:
            out.add(title, header_row, text, f"column {text!r} repeats column {seen[col.field]!r}",
                    f"열 {text!r}가 {seen[col.field]!r} 열과 중복됩니다")
        else:
            positions[i] = (col, text)
            seen[col.field] = text
    for col in spec.columns:
        if col.required and col.field not in seen:
            name = col.header("ko" if korean else "en")
            out.add(title, header_row, name, f"required column {name!r} is missing",
                    f"필수 열 {name!r}가 없습니다")
    records: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(it, start=header_row + 1):
        if _blank(row):
            continue
        values: dict[str, Any] = {}
        for i, (col, text) in positions.items():
            cell = row[i] if i < len(row) else None
            if col.required and _text(cell) == "":
                out.add(title, number, text, f"cell {_letter(i)}{number}: {text} is required",
                        f"{_letter(i)}{number} 셀: {text} 값이 필요합니다")
                continue
            try:
                values[col.field] = _convert(col, cell, tax, country)
            except _CellError as exc:
                out.add(title, number, text, f"cell {_letter(i)}{number}: {exc.en}",
                        f"{_letter(i)}{number} 셀: {exc.ko}")
        values["_cols"] = {col.field: text for col, text in positions.values()}
        records.append((number, values))
    # only the companies sheet must hold rows: a catalogue may have no deployments or exports yet
    if not records and not out.errors and spec is COMPANIES:
        out.add(title, header_row + 1, _text(header[0]) or "A", f"sheet {title!r} has a header but no data rows",
                f"시트 {title!r}에 머리글만 있고 데이터 행이 없습니다")
    return records


def parse_sheets(sheets: Iterable[tuple[str | None, Iterable[Sequence[object]]]], tax: Taxonomy,
                 country: CountryResolver) -> ParseResult:
    """Validate every sheet (a CSV is one nameless sheet of companies) and build companies, or errors."""
    out = _Collector()
    found: dict[SheetId, tuple[str, list[tuple[int, dict[str, Any]]]]] = {}
    listed = list(sheets)
    for name, rows in listed:
        spec = COMPANIES if name is None or len(listed) == 1 else sheet_for_name(name)
        if spec is None:
            continue  # guide and note tabs are allowed beside the data sheets
        title = name or spec.title("ko")
        found[spec.id] = (title, _read_sheet(title, spec, rows, tax, country, out))
    if "companies" not in found:
        out.add("", None, None, "no 기업/Companies sheet in the workbook", "통합문서에 기업(Companies) 시트가 없습니다")
        return ParseResult([], out.errors, set())
    companies = _assemble(found, out)
    if out.dropped:
        out.errors.append(RowError("", None, None, f"... and {out.dropped} more errors",
                                   f"... 외 오류 {out.dropped}건"))
    return ParseResult(companies if not out.errors else [], out.errors, set(found))


def _assemble(found: Mapping[SheetId, tuple[str, list[tuple[int, dict[str, Any]]]]],
              out: _Collector) -> list[Company]:
    """Join the sheets by registration number and solution code, checking duplicates and references."""
    title, rows = found["companies"]
    by_brn: dict[str, Company] = {}
    first_row: dict[str, int] = {}
    for number, v in rows:
        brn = v.get("brn")
        if brn is None:
            continue
        if brn in first_row:
            out.add(title, number, v["_cols"]["brn"], f"registration number {brn} already appears in row "
                    f"{first_row[brn]}", f"사업자등록번호 {brn}가 {first_row[brn]}행에 이미 있습니다")
            continue
        first_row[brn] = number
        if "name_ko" not in v or "size" not in v:
            continue
        size = v["size"]
        by_brn[brn] = Company(
            brn=brn, name_ko=v["name_ko"], name_en=v.get("name_en") or v["name_ko"], size=size,
            public_corporation=bool(v.get("public_corporation")) or size == "public",
            member_since=v.get("member_since"), headquarters=v.get("headquarters", ""),
            website=v.get("website", ""), contact=v.get("contact", ""), sample=bool(v.get("sample")),
            capabilities=v.get("capabilities", ()))
    sols: dict[tuple[str, str], Solution] = {}
    sol_rows: dict[tuple[str, str], int] = {}
    if "solutions" in found:
        t, srows = found["solutions"]
        for number, v in srows:
            brn, key = v.get("brn"), v.get("key")
            if brn is None or key is None:
                continue
            if brn not in first_row:
                out.add(t, number, v["_cols"]["brn"], f"registration number {brn} is not in the companies sheet",
                        f"사업자등록번호 {brn}가 기업 시트에 없습니다")
                continue
            if (brn, key) in sol_rows:
                out.add(t, number, v["_cols"]["key"], f"solution code {key} repeats row {sol_rows[brn, key]}",
                        f"솔루션 코드 {key}가 {sol_rows[brn, key]}행과 중복됩니다")
                continue
            sol_rows[brn, key] = number
            if "name_ko" not in v or "service" not in v:
                continue
            sols[brn, key] = Solution(
                key=key, name_ko=v["name_ko"], name_en=v.get("name_en") or v["name_ko"], service=v["service"],
                sub_solution=v.get("sub_solution"), kind=v.get("kind", "software"), trl=v.get("trl") or 9,
                description_ko=v.get("description_ko", ""), description_en=v.get("description_en", ""),
                standards=v.get("standards", ()), codes=v.get("codes", ()))
    deps: dict[tuple[str, str], list[Deployment]] = {}
    if "deployments" in found:
        t, drows = found["deployments"]
        for number, v in drows:
            ref = (v.get("brn"), v.get("key"))
            if None in ref:
                continue
            if ref not in sol_rows:
                out.add(t, number, v["_cols"]["key"], f"solution {ref[1]} of {ref[0]} is not in the solutions sheet",
                        f"{ref[0]}의 솔루션 {ref[1]}이 솔루션 시트에 없습니다")
                continue
            if all(f in v for f in ("city", "country", "year")):
                deps.setdefault((str(ref[0]), str(ref[1])), []).append(Deployment(
                    city=v["city"], country=v["country"], year=v["year"], client=v.get("client", ""),
                    value_usd=v.get("value_usd")))
    exports: dict[str, list[ExportRecord]] = {}
    if "exports" in found:
        t, erows = found["exports"]
        for number, v in erows:
            brn = v.get("brn")
            if brn is not None and brn not in first_row:
                out.add(t, number, v["_cols"]["brn"], f"registration number {brn} is not in the companies sheet",
                        f"사업자등록번호 {brn}가 기업 시트에 없습니다")
            elif all(v.get(f) is not None for f in ("brn", "country", "year", "value_usd")):
                exports.setdefault(str(brn), []).append(ExportRecord(
                    country=v["country"], year=v["year"], value_usd=v["value_usd"], product=v.get("product", "")))
    per_company: dict[str, list[Solution]] = {}
    for (b, key), sol in sols.items():
        per_company.setdefault(b, []).append(replace(sol, deployments=tuple(deps.get((b, key), ()))))
    result: list[Company] = []
    for brn, company in by_brn.items():
        own = per_company.get(brn, [])
        caps = dict.fromkeys([*company.capabilities, *((s.service, s.sub_solution) for s in own)])
        result.append(replace(company, solutions=tuple(own), exports=tuple(exports.get(brn, ())),
                              capabilities=tuple(caps)))
    return result
