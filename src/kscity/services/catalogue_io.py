"""Reading and writing catalogue files: XLSX workbooks (the template), CSV sheets and JSON."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from kscity.core.catalogue.layout import SHEETS, sheet_rows
from kscity.core.catalogue.records import dicts_to_sheets
from kscity.model.catalogue import Company
from kscity.services.sheets import header_cells, text_cells

SheetRows = tuple[str | None, Iterable[Sequence[object]]]
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}


class UnreadableFile(Exception):
    """The file is not a workbook, CSV or JSON catalogue that can be opened."""

    def __init__(self, message_en: str, message_ko: str) -> None:
        super().__init__(message_en)
        self.message_en, self.message_ko = message_en, message_ko


def _decode(raw: bytes, path: Path) -> str:
    # Excel in Korean saves CSV as CP949; UTF-8 (with or without BOM) is tried first.
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(f"{path.name}: not UTF-8 or CP949 text", f"{path.name}: UTF-8 또는 CP949 문자가 아닙니다")


def _csv_rows(text: str, delimiter: str) -> Iterator[list[str]]:
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _nothing() -> None:
    return None


def read_sheets(path: Path) -> tuple[list[SheetRows], Callable[[], None]]:
    """The sheets of an XLSX, CSV or JSON file as (name, lazy rows), and a function that closes the file."""
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file", f"{path}: 파일이 없습니다")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        text = _decode(path.read_bytes(), path)
        return [(None, _csv_rows(text, "\t" if suffix == ".tsv" else ","))], _nothing
    if suffix == ".json":
        try:
            data = json.loads(path.read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UnreadableFile(f"{path.name} is not JSON: {exc}",
                                 f"{path.name}은(는) JSON이 아닙니다: {exc}") from None
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise UnreadableFile(f"{path.name}: expected a list of companies",
                                 f"{path.name}: 기업 목록(배열)이어야 합니다")
        sheets: list[SheetRows] = list(dicts_to_sheets(data))
        return sheets, _nothing
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic != b"PK\x03\x04":
        raise UnreadableFile(f"{path.name} is not an XLSX workbook (or a .csv file)",
                             f"{path.name}은(는) XLSX 통합문서(또는 .csv 파일)가 아닙니다")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(f"{path.name} is not an XLSX workbook ({type(exc).__name__})",
                             f"{path.name}은(는) XLSX 통합문서가 아닙니다 ({type(exc).__name__})") from None
    return [(ws.title, ws.iter_rows(values_only=True)) for ws in wb.worksheets], wb.close


def _guide(lang: str) -> list[list[object]]:
    ko = lang == "ko"
    rows: list[list[object]] = [["시트" if ko else "Sheet", "열" if ko else "Column",
                                 "필수" if ko else "Required", "값" if ko else "Values"]]
    allowed = {
        "size": "large(대기업) · middle(중견기업) · sme(중소기업) · startup(스타트업) · public(공공기관)",
        "brn": "123-45-67890 (NTS checksum)",
        "service": "energy · administration · safety · transport · healthcare · eco · data",
        "kind": "hardware · software · service · platform", "trl": "1–9",
        "country": "ISO 3166 (VNM, KWT, …)", "caps": "service/sub_solution; …", "list": "a; b; c",
        "bool": "예/아니오 · yes/no",
    }
    for sheet in SHEETS:
        for col in sheet.columns:
            rows.append([sheet.title(lang), col.header(lang), ("예" if ko else "yes") if col.required else "",
                         allowed.get(col.kind, "")])
    return rows


def write_workbook(path: Path, companies: Iterable[Company], lang: str) -> None:
    """Write the catalogue template (empty when no companies) in one language, with a guide sheet."""
    wb = Workbook(write_only=True)
    data = sheet_rows(companies, lang)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.title(lang))
        rows = data[sheet.id]
        ws.append(header_cells(ws, rows[0]))
        for row in rows[1:]:
            ws.append(text_cells(ws, row))  # firm names and texts from uploads: never formulas
    guide = wb.create_sheet("안내" if lang == "ko" else "Guide")
    for row in _guide(lang):
        guide.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def write_json(path: Path, data: object) -> None:
    """Write JSON (UTF-8, Korean readable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
