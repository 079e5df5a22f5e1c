"""A saved consortium draft as an XLSX workbook (openpyxl) or a one-page PDF (reportlab, Korean or English)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kscity.model.catalogue import SIZE_NAMES
from kscity.services.catalogue_pdf import fonts
from kscity.services.sheets import keep_text

_T = {
    "title": ("컨소시엄 구성안", "Consortium draft"), "opportunity": ("사업 기회", "Opportunity"),
    "needs": ("필요 역량", "Required capabilities"), "score": ("점수", "Score"), "status": ("상태", "Status"),
    "gap": ("최적성 격차", "Optimality gap"), "notes": ("메모", "Notes"), "name": ("이름", "Name"),
    "firm": ("기업", "Firm"), "firm_id": ("기업 ID", "Firm id"), "role": ("역할", "Role"), "size": ("규모", "Size"),
    "covers": ("담당 역량", "Covers"), "match": ("매칭 점수", "Match score"), "created": ("작성일", "Created"),
    "lead": ("주관사", "Lead"), "member": ("구성원", "Member"), "optimal": ("최적(증명됨)", "optimal (proven)"),
    "feasible": ("실행 가능", "feasible"), "members": ("구성원", "Members"),
}


def _t(key: str, lang: str) -> str:
    ko, en = _T[key]
    return ko if lang == "ko" else en


def _size(size: str, lang: str) -> str:
    en, ko = SIZE_NAMES.get(size, (size, size))
    return ko if lang == "ko" else en


def _firm(member: dict[str, Any], lang: str) -> str:
    """The member's name in the language (drafts saved before names were kept in Korean have only `firm`)."""
    return str((member.get("firm_ko") if lang == "ko" else None) or member.get("firm") or "")


def _rows(draft: dict[str, Any], lang: str) -> list[list[str]]:
    return [[_t(str(m["role"]), lang), _firm(m, lang), str(m["firm_id"]), _size(str(m["size"]), lang),
             ", ".join(m.get("covers") or []), f"{float(m.get('score') or 0):.3f}"] for m in draft["members"]]


def _header(lang: str) -> list[str]:
    return [_t(k, lang) for k in ("role", "firm", "firm_id", "size", "covers", "match")]


def _facts(draft: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    return [(_t("opportunity", lang), f"{draft['title']} ({draft['ocid']})"), (_t("name", lang), draft["name"]),
            (_t("needs", lang), ", ".join(draft["needs"])), (_t("score", lang), f"{draft['score']:.3f}"),
            (_t("status", lang), _t(draft["status"], lang) if draft["status"] in _T else draft["status"]),
            (_t("gap", lang), f"{draft['gap']:.4%}"), (_t("created", lang), draft["created_at"][:10]),
            (_t("notes", lang), draft["notes"])]


def draft_xlsx(draft: dict[str, Any], lang: str) -> bytes:
    """The draft as a workbook: the facts, then one row per member."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _t("title", lang)[:31]  # Excel refuses sheet names over 31 characters
    ws.append([_t("title", lang)])
    ws["A1"].font = Font(bold=True, size=14)
    for k, v in _facts(draft, lang):
        ws.append([k, v])
    ws.append([])
    ws.append(_header(lang))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for r in _rows(draft, lang):
        ws.append(r)
    keep_text(ws)  # firm names and notes from users and feeds: never formulas
    for col, width in zip("ABCDEF", (12, 36, 10, 16, 40, 12), strict=True):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def draft_pdf(draft: dict[str, Any], lang: str) -> bytes:
    """The draft as an A4 PDF in Korean or English (Korean font embedded when fonts-nanum is installed)."""
    regular, bold = fonts()
    base = ParagraphStyle("b", fontName=regular, fontSize=9.5, leading=13, wordWrap="CJK")
    h1 = ParagraphStyle("h", parent=base, fontName=bold, fontSize=16, leading=22, textColor=colors.HexColor("#256EF4"))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=_t("title", lang), author="kscity")
    story: list[Any] = [Paragraph(escape(_t("title", lang)), h1), Spacer(1, 4 * mm)]
    facts = Table([[Paragraph(escape(k), base), Paragraph(escape(v), base)] for k, v in _facts(draft, lang)],
                  colWidths=[40 * mm, 138 * mm])
    facts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), regular)]))
    story += [facts, Spacer(1, 6 * mm), Paragraph(escape(_t("members", lang)), ParagraphStyle(
        "h2", parent=base, fontName=bold, fontSize=12, leading=16)), Spacer(1, 2 * mm)]
    data = [[Paragraph(escape(h), base) for h in _header(lang)]]
    data += [[Paragraph(escape(c), base) for c in r] for r in _rows(draft, lang)]
    table = Table(data, colWidths=[18 * mm, 50 * mm, 16 * mm, 24 * mm, 52 * mm, 18 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8F0FE")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)
    doc.build(story)
    return buf.getvalue()
