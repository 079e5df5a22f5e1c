"""The opportunity list as a spreadsheet (XLSX) or CSV, with the filters and order of the search, in Korean or
English: what an officer hands to firms or pastes into a report."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy.orm import Session

from kscity.errors import InvalidInput
from kscity.model.times import utc_naive
from kscity.services.opportunities import (
    STAGE_NAMES,
    SortKey,
    count_opportunities,
    each_opportunity,
    solution_names,
)
from kscity.services.sheets import csv_field, header_cells, text_cells

ExportFormat = Literal["xlsx", "csv"]
MAX_ROWS = 100_000  # a bigger list is a database extract, not a sheet for a person: narrow the filters
COLUMNS = (  # (English, Korean) headers, in the order of `_row`
    ("ocid", "ocid"), ("Title", "제목"), ("Buyer", "발주처"), ("Country", "국가"), ("Service", "서비스"),
    ("Sub-solution", "세부 솔루션"), ("Stage", "단계"), ("Value", "금액"), ("Currency", "통화"),
    ("Value (USD)", "금액(USD)"), ("Published", "공고일"), ("Tender deadline", "입찰 마감"),
    ("Sources", "출처"),
)


def _names(session: Session, ko: bool) -> dict[str, str]:
    """Service and sub-solution ids (and not_smart_city) by their names in the language."""
    return {ident: pair[1 if ko else 0] for ident, pair in solution_names(session).items()}


def _when(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso) if iso else None


def _row(o: dict[str, Any], names: dict[str, str], ko: bool) -> list[Any]:
    stage = STAGE_NAMES.get(o["stage"])
    return [o["ocid"], o["title"], o["buyer"], o["country"], names.get(o["service"], o["service"]),
            names.get(o["sub_solution"] or "", o["sub_solution"] or ""),
            (stage[1] if ko else stage[0]) if stage else o["stage"], o["value"], o["currency"], o["value_usd"],
            _when(o["published"]), _when(o["deadline"]), "; ".join(o["sources"])]


def export_opportunities(*, session: Session, fmt: ExportFormat, lang: str = "ko", country: str | None = None,
                         service: str | None = None, stage: str | None = None, open_only: bool = False,
                         q: str | None = None, sort: SortKey = "deadline") -> bytes:
    """Every opportunity the search finds with these filters, in its order, as XLSX or CSV (UTF-8 with a byte
    order mark, which Excel needs to read Korean)."""
    ko = lang == "ko"
    filters: dict[str, Any] = {"country": country, "service": service, "stage": stage, "open_only": open_only,
                               "q": q}
    header = [ko_name if ko else en for en, ko_name in COLUMNS]
    now = utc_naive()  # one instant for the count and the rows ("open" depends on it)
    total = count_opportunities(session=session, now=now, **filters)
    if total > MAX_ROWS:  # before any sheet is begun
        raise InvalidInput(
            f"{total:,} opportunities match: an export holds at most {MAX_ROWS:,}; narrow the filters",
            f"조건에 맞는 사업 기회가 {total:,}건입니다. 내보내기는 {MAX_ROWS:,}건까지이니 조건을 좁혀 주세요")
    names = _names(session, ko)
    rows = (_row(o, names, ko) for o in each_opportunity(session=session, sort=sort, now=now, **filters))
    if fmt == "csv":
        text = io.StringIO()
        out = csv.writer(text)
        out.writerow(header)
        for row in rows:
            out.writerow([csv_field(v.isoformat(sep=" ", timespec="minutes") if isinstance(v, datetime) else v)
                          for v in row])
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("사업 기회" if ko else "Opportunities")
    ws.freeze_panes = "B2"
    for col, width in zip("ABCDEFGHIJKLM", (28, 60, 36, 8, 18, 22, 10, 16, 8, 16, 17, 17, 40), strict=True):
        ws.column_dimensions[col].width = width
    ws.append(header_cells(ws, header))
    for row in rows:
        cells = text_cells(ws, row)
        for i in (7, 9):  # amounts with thousands separators
            if isinstance(cells[i], float | int):
                cell = WriteOnlyCell(ws, value=cells[i])
                cell.number_format = "#,##0"
                cells[i] = cell
        for i in (10, 11):
            if isinstance(cells[i], datetime):
                cell = WriteOnlyCell(ws, value=cells[i])
                cell.number_format = "yyyy-mm-dd hh:mm"
                cells[i] = cell
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
