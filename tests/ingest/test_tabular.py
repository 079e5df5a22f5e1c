"""CSV/XLSX lists with Korean headers read through the default or a given YAML column mapping."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from kscity.ingest import Accepted, Rejected, read_file

HEADER = ["번호", "사업명", "국가", "발주처", "사업비", "통화", "마감일", "단계"]
ROWS = [
    ["K-1", "스마트 가로등 구축", "베트남", "하노이시", "1,200,000", "USD", "2024.05.31", "입찰"],
    ["K-2", "교통정보센터", "Indonesia", "Jakarta", "미정", "USD", "2024-06-30", "계획"],
    ["K-3", "CCTV 통합관제", "페루", "Lima", "500000", "XYZ", "31/06/2024", ""],
]


def test_csv_with_korean_headers(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("\n".join(",".join(f'"{v}"' for v in row) for row in [HEADER, *ROWS]) + "\n", encoding="utf-8")
    reader = read_file(path, fx=lambda currency, year: None)
    items = list(reader)
    assert reader.summary.format == "csv" and (reader.summary.accepted, reader.summary.rejected) == (1, 2)
    first = items[0]
    assert isinstance(first, Accepted)
    notice = first.notice
    assert (notice.ocid, notice.country, notice.buyer, notice.value, notice.stage) == (
        "table-K-1",
        "VNM",
        "하노이시",
        1_200_000.0,
        "tender",
    )
    assert notice.value_usd == 1_200_000.0 and notice.tender_deadline is not None
    second, third = items[1], items[2]
    assert isinstance(second, Rejected) and isinstance(third, Rejected)
    assert second.errors[0].message == "column '사업비' must be a number, got '미정'"
    assert "row 3" in second.errors[0].where and second.payload is not None
    assert {e.path for e in third.errors} == {"통화", "마감일"}


def test_cp949_csv_and_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "agency.csv"
    path.write_bytes(("과제,나라,금액(억원)\n스마트시티 마스터플랜,쿠웨이트,433\n").encode("cp949"))
    (tmp_path / "agency.mapping.yaml").write_text(
        "source: lh-list\nid_prefix: lh\nvalue_multiplier: 100000000\ndefault_currency: KRW\n"
        "columns:\n  title: [과제]\n  country: [나라]\n  value: [금액(억원)]\n",
        encoding="utf-8",
    )
    item, *_ = read_file(path)
    assert isinstance(item, Accepted)
    assert (item.notice.country, item.notice.value, item.notice.currency) == ("KWT", 43_300_000_000.0, "KRW")
    assert item.notice.source.source == "lh-list" and item.ocid.startswith("lh-")


def test_xlsx(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(ROWS[0])
    path = tmp_path / "list.xlsx"
    book.save(path)
    reader = read_file(path)
    items = list(reader)
    assert reader.summary.format == "xlsx" and isinstance(items[0], Accepted)
    assert items[0].notice.title == "스마트 가로등 구축"


def test_table_without_title_column(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    item, *_ = read_file(path)
    assert isinstance(item, Rejected) and "no title column" in item.errors[0].message
