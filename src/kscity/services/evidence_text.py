"""A classification's evidence as a reader sees it: the lines the classifier keeps (kscity.core.classify, stable
English with ids) shown in Korean or English, with service and sub-solution names instead of ids.

The stored lines stay as the classifier wrote them (the ingest's record of why); this is their presentation, and
knows each form the classifier writes (codes.CodeMatch.evidence, text.lexicon_verdict, text.embedding_verdict,
TextModel.classify_texts); a line of another form is shown as stored. tests/services/test_evidence_text.py
draws a line of each form from those producers, so that a new form fails there rather than showing ids.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

Names = Mapping[str, tuple[str, str]]  # service or sub-solution id → (English, Korean)

_TARGET = r"(?P<target>[a-z_]+(?:/[a-z_]+)?)"
_SCORE = r"(?: \((?P<score>[0-9.]+)\))?"
_FORMS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^text: no smart-city term found$"), "text: no smart-city term found", "본문에 스마트시티 용어 없음"),
    (re.compile(rf"^(?P<code>\S+ \S+) not in the table → {_TARGET} \(default\)$"),
     "{code} not in the table → {target} (default)", "{code}: 표에 없는 코드 → {target} (기본값)"),
    (re.compile(rf"^(?P<code>\S+ \S+) \(under (?P<parent>\S+) (?P<label>.*)\) → {_TARGET}$"),
     "{code} (under {parent} {label}) → {target}", "{code} (상위 코드 {parent} {label}) → {target}"),
    (re.compile(rf"^text: sector word '(?P<word>.*)' only in the description → {_TARGET}$"),
     "text: sector word '{word}' only in the description → {target}",
     "본문: 분야 단어 '{word}'가 설명에만 있음 → {target}"),
    (re.compile(rf"^text: '(?P<word>.*)' → {_TARGET}{_SCORE}$"),
     "text: '{word}' → {target}{score}", "본문 단어 '{word}' → {target}{score}"),
    (re.compile(rf"^embedding: nearest '(?P<word>.*)' → {_TARGET}{_SCORE}$"),
     "embedding: nearest '{word}' → {target}{score}", "문장 임베딩: 가장 가까운 표현 '{word}' → {target}{score}"),
    (re.compile(rf"^(?P<code>\S+ \S+) (?P<label>.*) → {_TARGET}$"),
     "{code} {label} → {target}", "{code} {label} → {target}"),
]


def solution_label(ident: str, names: Names, locale: str) -> str:
    """A classification target ("service" or "service/sub_solution") by its names in the locale
    (services.opportunities.solution_names, which names not_smart_city too); an unknown id as it is."""
    return " / ".join(names.get(p, (p, p))[1 if locale == "ko" else 0] for p in ident.split("/"))


def evidence_line(line: str, names: Names, locale: str) -> str:
    """One stored evidence line in the locale, with names for ids."""
    ko = locale == "ko"
    for pattern, en_form, ko_form in _FORMS:
        m = pattern.match(line)
        if m is None:
            continue
        fields = {k: v or "" for k, v in m.groupdict().items()}
        if "target" in fields:
            fields["target"] = solution_label(fields["target"], names, locale)
        if fields.get("score"):
            fields["score"] = f" ({fields['score']})"
        return (ko_form if ko else en_form).format(**fields)
    return line


def evidence_lines(lines: list[str] | tuple[str, ...], names: Names, locale: str) -> list[str]:
    """Every line of a classification's evidence in the locale."""
    return [evidence_line(line, names, locale) for line in lines]


# the dedupe score's per-field lines (core.dedupe.score.FieldScore.reason: "title close 0.87 (+5.0)")
_LINK_FIELDS = {"title": "제목", "buyer": "발주처", "value": "금액", "country": "국가", "cpv": "CPV",
                "deadline": "마감일", "published": "공고일", "id": "식별자"}
_LINK_LEVELS = {"exact": "일치", "close": "유사", "partial": "부분 유사", "different": "다름",
                "other-language": "다른 언어", "embedding": "의미 유사(임베딩)", "rounded": "반올림하면 일치",
                "near": "근접", "far": "차이 큼", "other-currency": "다른 통화", "same-day": "같은 날",
                "week": "1주 이내", "two-months": "2개월 이내", "same": "같음", "main": "주 코드 일치",
                "shared": "공통 코드 있음", "division": "대분류만 같음", "same-ocid": "같은 ocid"}
_LINK_LINE = re.compile(r"^(?P<field>[a-z]+) (?P<level>[a-z-]*)(?P<rest>(?: [0-9.]+)? \([+-][0-9.]+\))$")
SAME_NUMBER = "same notice number in another format"  # the reason services.opportunities._sources gives


def link_reason(line: str, locale: str) -> str:
    """One reason two notices were linked, in the locale (English lines are shown as stored)."""
    if locale != "ko":
        return line
    if line == SAME_NUMBER:
        return "다른 형식의 같은 공고 번호"
    m = _LINK_LINE.match(line)
    if m is None or m["field"] not in _LINK_FIELDS:
        return line
    level = _LINK_LEVELS.get(m["level"], m["level"])
    return f"{_LINK_FIELDS[m['field']]} {level}{m['rest']}".replace("  ", " ")
