"""The printable catalogue: Korean and English PDFs render (pages not blank) and hold the Korean names."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from kscity.app import App
from kscity.services import catalogue as svc
from kscity.store.queries.catalogue import all_companies

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                                reason="poppler-utils (pdftotext, pdftoppm) not installed")


def _ink(pgm: Path) -> float:
    """Share of non-white pixels in a binary PGM (P5) page image."""
    data = pgm.read_bytes()
    parts = data.split(maxsplit=4)  # magic, width, height, maxval, pixels
    assert parts[0] == b"P5"
    width, height = int(parts[1]), int(parts[2])
    pixels = np.frombuffer(parts[4][: width * height], dtype=np.uint8)
    return float((pixels < 200).mean())


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_pdf_pages_render_and_hold_korean_names(kapp: App, tmp_path: Path, lang: str) -> None:
    with kapp.transaction() as session:
        svc.load_sample_catalogue(session=session)
    pdf = tmp_path / f"catalogue-{lang}.pdf"
    with kapp.read() as session:
        assert svc.export_catalogue(session=session, fmt="pdf", lang=lang, output=pdf) >= 50
        firms = all_companies(session)
    subprocess.run(["pdftoppm", "-r", "20", "-gray", "-f", "1", "-l", "6", str(pdf), str(tmp_path / "p")],
                   check=True, capture_output=True)
    pages = sorted(tmp_path.glob("p-*.pgm"))
    assert len(pages) == 6
    assert all(_ink(p) > 0.001 for p in pages)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    # Entries show the company in the catalogue's language and the solution's other-language name.
    solution_names = [s.name_ko for c in firms for s in c.solutions]
    found = sum(1 for name in solution_names if name in text.replace("\n", " "))
    assert found >= 0.9 * len(solution_names)
    if lang == "ko":
        assert sum(1 for c in firms if c.name_ko in text) >= 0.9 * len(firms)
        assert "스마트 교통" in text and "샘플 데이터" in text
    else:
        assert "Smart transport" in text and "Sample data" in text
