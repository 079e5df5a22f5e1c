"""Classification evidence shown in Korean or English with names for ids, for every form the classifier writes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kscity.app import App
from kscity.core.classify import classify_many
from kscity.core.classify.text import embedding_verdict
from kscity.model.opportunity import ItemCode, Notice, SourceRef
from kscity.services.evidence_text import evidence_line
from kscity.services.opportunities import solution_names

ENGLISH_MARKERS = ("not in the table", "(default)", "under ", "text:", "embedding", "only in the description",
                   "not_smart_city", "not smart-city")


def _notice(ident: str, title: str, description: str = "", items: tuple[ItemCode, ...] = ()) -> Notice:
    return Notice(ident, SourceRef("test", ident), title, description, language="en", items=items)


def _lines_of_every_form() -> list[str]:
    """Evidence as the classifier writes it: a code in the table, one under a parent code, one not in the table,
    smart-city words, not-smart words, a sector word only in the description, and the embedding's nearest phrase."""
    notices = [_notice("a", "Lighting", items=(ItemCode("CPV", "50232100"),)),
               _notice("b", "Kit", items=(ItemCode("UNSPSC", "43221806"),)),
               _notice("c", "Seeds", items=(ItemCode("CPV", "99999999"),)),
               _notice("d", "CCTV video surveillance for the city"),
               _notice("e", "Catering services for schools"),
               _notice("f", "Municipal services", "Works on the refuse incineration line"),
               _notice("g", "Lot 7")]
    lines = [e for c in classify_many(notices) for e in c.evidence]
    lines += [*embedding_verdict(("safety/intelligent_cctv", 0.8, "cctv cameras")).evidence,
              *embedding_verdict(("not_smart_city", 0.9, "office paper")).evidence]
    return lines


def test_every_form_reads_in_korean_with_names(loaded_app: App) -> None:
    with loaded_app.read() as s:
        names = solution_names(s)
    lines = _lines_of_every_form()
    assert len(lines) >= 10
    for line in lines:
        ko = evidence_line(line, names, "ko")
        en = evidence_line(line, names, "en")
        assert not any(m in ko for m in ENGLISH_MARKERS), ko
        assert "_" not in ko.split("→")[-1] and "_" not in en.split("→")[-1], (ko, en)  # names, never ids
    shown = {evidence_line(line, names, "ko") for line in lines}
    assert "CPV 50232100 Street-lighting maintenance services → 스마트 데이터 / 스마트 가로등" in shown
    assert "본문 단어 'CCTV' → 스마트 안전 / 지능형 CCTV (0.8)" in shown
    assert "CPV 99999999: 표에 없는 코드 → 스마트시티 외 (기본값)" in shown and "본문에 스마트시티 용어 없음" in shown


@given(st.text(max_size=40))
def test_a_line_of_no_known_form_is_shown_as_stored(line: str) -> None:
    if "→" in line:  # the known forms all carry an arrow to their target
        return
    assert evidence_line(line, {}, "ko") == line == evidence_line(line, {}, "en")
