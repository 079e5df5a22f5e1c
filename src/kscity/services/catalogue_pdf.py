"""The printable roadshow catalogue (PDF, Korean or English): cover, index, one entry per solution by service.

Korean text uses NanumGothic from Debian's fonts-nanum (SIL Open Font License 1.1), embedded as a
subset so pdftotext can read it back; without that package it falls back to ReportLab's built-in
CID font HYGothic-Medium (Adobe-Korea1, not embedded: viewers substitute a Korean font).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate, PageTemplate
from reportlab.platypus.frames import Frame
from reportlab.platypus.tableofcontents import TableOfContents

from kscity.model.catalogue import Company, Solution

NANUM_DIR = Path("/usr/share/fonts/truetype/nanum")
BLUE = colors.HexColor("#256EF4")

_TEXT = {
    "title": ("스마트시티 솔루션 카탈로그", "Smart City Solutions Catalogue"),
    "subtitle": ("스마트시티 융합 얼라이언스 회원사 솔루션 · 해외 로드쇼용",
                 "Solutions of the Smart City Convergence Alliance members, for overseas roadshows"),
    "sample": ("샘플 데이터: 이 카탈로그의 기업과 수치는 시연용으로 만든 것입니다.",
               "Sample data: the firms and figures in this catalogue were invented for demonstration."),
    "index": ("목차", "Contents"), "company": ("기업", "Company"), "size": ("규모", "Size"),
    "kind": ("유형", "Kind"), "trl": ("기술성숙도", "Maturity"), "sub": ("세부 솔루션", "Sub-solution"),
    "standards": ("표준·인증", "Standards"), "refs": ("구축실적", "References"), "contact": ("연락처", "Contact"),
    "counts": ("기업 {firms}개 · 솔루션 {solutions}개", "{firms} companies · {solutions} solutions"),
    "page": ("쪽", "page"), "none": ("없음", "none"),
}
_SIZES = {"large": ("대기업", "Large enterprise"), "middle": ("중견기업", "Middle-market enterprise"),
          "sme": ("중소기업", "SME"), "startup": ("스타트업", "Startup"), "public": ("공공기관", "Public corporation")}
_KINDS = {"hardware": ("하드웨어", "Hardware"), "software": ("소프트웨어", "Software"),
          "service": ("서비스", "Service"), "platform": ("플랫폼", "Platform")}


def _t(key: str, lang: str) -> str:
    ko, en = _TEXT[key]
    return ko if lang == "ko" else en


@cache
def fonts() -> tuple[str, str]:
    """Register the Korean fonts once; (regular, bold) font names."""
    regular, bold = NANUM_DIR / "NanumGothic.ttf", NANUM_DIR / "NanumGothicBold.ttf"
    if regular.is_file() and bold.is_file():
        pdfmetrics.registerFont(TTFont("NanumGothic", str(regular)))
        pdfmetrics.registerFont(TTFont("NanumGothicBold", str(bold)))
        return "NanumGothic", "NanumGothicBold"
    pdfmetrics.registerFont(UnicodeCIDFont("HYGothic-Medium"))
    return "HYGothic-Medium", "HYGothic-Medium"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    # wordWrap CJK breaks Korean lines anywhere, as Korean typesetting allows.
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=colors.HexColor("#555555")),
        "cover": ParagraphStyle("cover", parent=base, fontName=bold, fontSize=26, leading=34, textColor=BLUE),
        "coversub": ParagraphStyle("coversub", parent=base, fontSize=13, leading=19),
        "badge": ParagraphStyle("badge", parent=base, fontName=bold, textColor=colors.HexColor("#B3261E"),
                                borderColor=colors.HexColor("#B3261E"), borderWidth=0.8, borderPadding=4),
        "h1": ParagraphStyle("h1", parent=base, fontName=bold, fontSize=16, leading=22, textColor=BLUE,
                             spaceBefore=4, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=11.5, leading=16, spaceBefore=10,
                             spaceAfter=3),
        "toc1": ParagraphStyle("toc1", parent=base, fontName=bold, fontSize=11, leading=16),
        "toc2": ParagraphStyle("toc2", parent=base, fontSize=9, leading=12, leftIndent=12),
    }


class _Doc(BaseDocTemplate):  # type: ignore[misc]  # reportlab ships no type hints
    """Reports headings to the table of contents (service = level 0, solution = level 1)."""

    def __init__(self, path: str, lang: str, footer: str) -> None:
        super().__init__(path, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                         bottomMargin=18 * mm, title=_t("title", lang), author="kscity", lang=lang)
        self._footer = footer
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])

    def _decorate(self, canvas: Any, doc: Any) -> None:
        regular, _ = fonts()
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(self.leftMargin, 10 * mm, self._footer)
        canvas.drawRightString(A4[0] - self.rightMargin, 10 * mm, str(doc.page))
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        """Record headings and their pages for the index."""
        level = getattr(flowable, "_toc_level", None)
        if level is not None:
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.page))


def _heading(text: str, style: ParagraphStyle, level: int) -> Paragraph:
    p = Paragraph(escape(text), style)
    p._toc_level = level
    return p


def _entry(s: Solution, c: Company, lang: str, names: Mapping[str, str], st: Mapping[str, ParagraphStyle],
           width: float) -> list[Flowable]:
    ko = lang == "ko"
    name = s.name_ko if ko else s.name_en
    other = s.name_en if ko else s.name_ko
    desc = s.description_ko if ko else s.description_en
    company = f"{c.name_ko if ko else c.name_en} · {_SIZES[c.size][0 if ko else 1]}"
    refs = "; ".join(f"{d.city} ({d.country}, {d.year})" for d in s.deployments) or _t("none", lang)
    rows = [
        [_t("company", lang), company],
        [_t("sub", lang), names.get(s.sub_solution or "", "—")],
        [_t("kind", lang), f"{_KINDS[s.kind][0 if ko else 1]} · TRL {s.trl}"],
        [_t("standards", lang), ", ".join(s.standards) or _t("none", lang)],
        [_t("refs", lang), refs],
        [_t("contact", lang), " · ".join(x for x in (c.website, c.contact) if x) or "—"],
    ]
    table = Table([[Paragraph(escape(k), st["small"]), Paragraph(escape(v), st["base"])] for k, v in rows],
                  colWidths=[28 * mm, width - 28 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, -1), (-1, -1), 0.4,
                                                                    colors.HexColor("#CCCCCC")),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    return [_heading(name, st["h2"], 1), Paragraph(escape(other), st["small"]), Paragraph(escape(desc), st["base"]),
            Spacer(1, 2 * mm), table]


def write_pdf(path: Path, companies: Sequence[Company], lang: str, taxonomy: Mapping[str, Any]) -> None:
    """Write the catalogue PDF in one language: cover, index, then each service with its solutions."""
    st = _styles()
    ko = lang == "ko"
    names = {sub["id"]: sub[lang] for svc in taxonomy["services"] for sub in svc.get("subs", [])}
    any_sample = any(c.sample for c in companies)
    n_solutions = sum(len(c.solutions) for c in companies)
    path.parent.mkdir(parents=True, exist_ok=True)
    footer = _t("title", lang) + (" · " + ("샘플 데이터" if ko else "sample data") if any_sample else "")
    doc = _Doc(str(path), lang, footer)
    story: list[Flowable] = [Spacer(1, 60 * mm), Paragraph(escape(_t("title", lang)), st["cover"]),
                             Spacer(1, 6 * mm), Paragraph(escape(_t("subtitle", lang)), st["coversub"]),
                             Spacer(1, 6 * mm),
                             Paragraph(escape(_t("counts", lang).format(firms=len(companies),
                                                                        solutions=n_solutions)), st["coversub"])]
    if any_sample:
        story += [Spacer(1, 12 * mm), Paragraph(escape(_t("sample", lang)), st["badge"])]
    toc = TableOfContents()
    toc.levelStyles = [st["toc1"], st["toc2"]]
    story += [PageBreak(), Paragraph(escape(_t("index", lang)), st["h1"]), toc]
    for svc in taxonomy["services"]:
        entries = [(s, c) for c in companies for s in c.solutions if s.service == svc["id"]]
        if not entries:
            continue
        story += [PageBreak(), _heading(f"{svc[lang]}", st["h1"], 0)]
        entries.sort(key=lambda e: (e[0].sub_solution or "", e[0].name_ko if ko else e[0].name_en))
        for s, c in entries:
            story += _entry(s, c, lang, names, st, doc.width)
    doc.multiBuild(story)
