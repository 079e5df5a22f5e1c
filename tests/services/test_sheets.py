"""Text from outside feeds stays text in the spreadsheets kscity writes (CSV/formula injection)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from kscity.app import App
from kscity.services.sheets import CSV_FORMULA_START, csv_field, keep_text, text_cells

# texts that spreadsheets are tempted to run, and ordinary ones (control characters aside: XML cannot hold them)
texts = st.one_of(st.sampled_from(['=1+1', '=HYPERLINK("http://x","y")', "+33 1 23", "-5", "@SUM(A1)", "plain"]),
                  st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30))


@settings(max_examples=40, deadline=None)
@given(st.lists(texts, min_size=1, max_size=5))
def test_xlsx_cells_hold_the_text_as_written(values: list[str]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append(text_cells(ws, values))
    normal = Workbook()
    sheet = normal.active
    assert sheet is not None
    sheet.append(values)
    keep_text(sheet)
    for book in (wb, normal):
        buf = io.BytesIO()
        book.save(buf)
        read = load_workbook(buf)
        row = next(read.worksheets[0].iter_rows())
        assert [c.value for c in row] == values and all(c.data_type == "s" for c in row)


@given(st.lists(texts, min_size=1, max_size=5))
def test_csv_fields_never_start_a_formula_and_lose_nothing(values: list[str]) -> None:
    buf = io.StringIO()
    csv.writer(buf).writerow([csv_field(v) for v in values])
    back = next(csv.reader(io.StringIO(buf.getvalue())))
    assert not any(f.startswith(CSV_FORMULA_START) for f in back)
    assert [f[1:] if v.startswith(CSV_FORMULA_START) else f for f, v in zip(back, values, strict=True)] == values


def test_the_catalogue_export_keeps_a_formula_looking_name_as_text(loaded_app: App, tmp_path: Path) -> None:
    from kscity.services.catalogue import load_sample_catalogue
    from kscity.services.catalogue_io import write_workbook
    from kscity.store.queries.catalogue import all_companies

    with loaded_app.transaction() as session:
        load_sample_catalogue(session=session)
    with loaded_app.read() as session:
        companies = all_companies(session)[:2]
    companies[0] = replace(companies[0], name_en="=1+1")
    path = tmp_path / "cat.xlsx"
    write_workbook(path, companies, "en")
    cells = [c for ws in load_workbook(path).worksheets for row in ws.iter_rows() for c in row if c.value == "=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)
