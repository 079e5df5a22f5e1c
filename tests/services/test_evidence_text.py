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


def _pair_reasons() -> list[str]:
    """Link reasons as the dedupe score writes them, over pairs that reach most of its levels."""
    from datetime import datetime

    from kscity.core.dedupe import compare, features_of

    def notice(ocid: str, title: str, buyer: str, value: float, currency: str, day: int, code: str,
               country: str = "GBR") -> Notice:
        when = datetime(2024, 5, day)
        return Notice(ocid, SourceRef("t", ocid), title, buyer=buyer, value=value, currency=currency, value_usd=value,
                      country=country, published=when, tender_deadline=when, language="en",
                      items=(ItemCode("CPV", code),))

    base = notice("ocds-a-1", "Street lighting maintenance in Barnet", "London Borough of Barnet", 100_000, "GBP", 1,
                  "50232100")
    others = [
        notice("ocds-b-1", "Street lighting maintenance in Barnet", "London Borough of Barnet", 100_000, "GBP", 1,
               "50232100"),
        notice("ocds-b-2", "Street-lighting maintenance, Barnet", "LB Barnet", 100_400, "GBP", 5, "50232000"),
        notice("ocds-b-3", "School catering", "Leeds City Council", 5_000_000, "EUR", 29, "55520000", "FRA"),
        notice("ocds-b-4", "Entretien de l'éclairage public", "Ville de Lyon", 99_000, "EUR", 20, "50200000"),
    ]
    return [r for other in others for r in compare(features_of(base), features_of(other)).reasons]


def test_link_reasons_read_in_korean() -> None:
    from kscity.services.evidence_text import SAME_NUMBER, link_reason

    reasons = _pair_reasons()
    levels = {r.split()[1] for r in reasons if not r.split()[1].startswith(("0", "1", "(", "+", "-"))}
    assert len(reasons) >= 15 and len(levels) >= 6
    for line in [*reasons, SAME_NUMBER]:
        ko = link_reason(line, "ko")
        assert ko != line and not any(w in ko for w in ("title", "buyer", "value", "country", "published",
                                                          "deadline", "exact", "close", "partial", "different",
                                                          "same", "week", "far", "near", "rounded", "main")), ko
        assert link_reason(line, "en") == line
    assert link_reason("a line of another form", "ko") == "a line of another form"
