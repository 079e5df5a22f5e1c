"""Text classification: per-language cases, evidence, the hybrid's use of the embedding, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import structs

from kscity.core.classify import Lexicon, TextModel, classify, lexicon_verdict
from kscity.core.classify.text import EmbeddingIndex, compile_term
from kscity.model.opportunity import NOT_SMART_CITY, ItemCode, Notice, SourceRef
from kscity.reference.classification import lexicon_documents, text_model

CASES = [
    ("en", "Replacement of street lighting lanterns with LED", "data"),
    ("en", "Resurfacing of the B2110 carriageway", NOT_SMART_CITY),
    ("es", "Suministro e instalación de cámaras de videovigilancia en el centro", "safety"),
    ("es", "Adquisición de víveres para comedores", NOT_SMART_CITY),
    ("pt", "Serviço de telemedicina para unidades de saúde familiar", "healthcare"),
    ("pt", "Empreitada de pavimentação da rua principal", NOT_SMART_CITY),
    ("fr", "Déploiement de bornes de recharge pour véhicules électriques", "energy"),
    ("fr", "Fourniture de papeterie et fournitures de bureau", NOT_SMART_CITY),
    ("uk", "Встановлення камер відеоспостереження на перехрестях", "safety"),
    ("uk", "Закупівля продуктів харчування для шкіл", NOT_SMART_CITY),
    ("ro", "Sistem de management al traficului și semafoare inteligente", "transport"),
    ("ro", "Lucrări de reabilitare a drumului județean", NOT_SMART_CITY),
    ("ko", "지능형 교통체계(ITS) 구축 사업", "transport"),
    ("ko", "청사 리모델링 공사", NOT_SMART_CITY),
    ("de", "Lieferung von Wasserzählern mit Fernauslesung", "eco"),
    ("it", "Servizio di bigliettazione elettronica per il trasporto pubblico", "transport"),
]


def _notice(title: str, *items: ItemCode, lang: str = "") -> Notice:
    return Notice("ocds-test-1", SourceRef("test", "1"), title, language=lang, items=items)


@pytest.fixture(scope="module")
def lexicon_model() -> TextModel:
    return text_model("lexicon")


@pytest.mark.parametrize(("lang", "title", "service"), CASES)
def test_language_cases(lexicon_model: TextModel, lang: str, title: str, service: str) -> None:
    c = classify(_notice(title, lang=lang), model=lexicon_model)
    assert c.service == service, c.evidence
    assert c.method == "text" and c.evidence and 0.0 <= c.score <= 1.0


def test_evidence_names_the_term_and_target(lexicon_model: TextModel) -> None:
    c = classify(_notice("Sistema de videovigilancia municipal"), model=lexicon_model)
    assert c.evidence[0].startswith("text: 'videovigilancia' → safety/intelligent_cctv (")


def test_codes_decide_unless_ignored(lexicon_model: TextModel) -> None:
    n = _notice("Purchase of office furniture", ItemCode("CPV", "35125300"))
    assert classify(n, model=lexicon_model).service == "safety"
    assert classify(n, model=lexicon_model, ignore_codes=True).service == NOT_SMART_CITY


def test_short_acronyms_keep_their_case(lexicon_model: TextModel) -> None:
    assert lexicon_verdict("ITS deployment on the ring road", lexicon_model.lexicon) is not None
    assert lexicon_verdict("The council and its partners", lexicon_model.lexicon) is None
    assert lexicon_verdict("Planung bis Ende 2025", lexicon_model.lexicon) is None


def test_sector_term_loses_to_a_not_smart_term(lexicon_model: TextModel) -> None:
    v = lexicon_verdict("Construcción de la red de agua potable", lexicon_model.lexicon)
    assert v is not None and v.service == NOT_SMART_CITY
    v = lexicon_verdict("Suministro de agua potable a la ciudad", lexicon_model.lexicon)
    assert v is not None and v.service == "eco"


def test_every_lexicon_label_is_in_the_taxonomy() -> None:
    from importlib import resources

    import yaml

    tax = yaml.safe_load(resources.files("kscity.reference").joinpath("taxonomy.yaml").read_text("utf-8"))
    valid = {s["id"] for s in tax["services"]} | {f"{s['id']}/{u['id']}" for s in tax["services"] for u in s["subs"]}
    langs = {d["language"] for d in lexicon_documents()}
    assert {"en", "es", "pt", "fr", "uk", "ro", "ko"} <= langs
    for doc in lexicon_documents():
        assert set(doc["services"]) <= valid, doc["language"]


class FakeEncoder:
    """A deterministic stand-in for the sentence encoder: bag of character trigrams hashed to 64 dims."""

    calls = 0

    def __call__(self, texts: list[str]) -> np.ndarray:
        FakeEncoder.calls += 1
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, t in enumerate(texts):
            for j in range(len(t) - 2):
                out[i, sum(map(ord, t[j:j + 3])) % 64] += 1.0
        return out


def test_hybrid_asks_the_embedding_only_when_no_term_matches() -> None:
    lex = Lexicon((compile_term("videovigilancia", "safety/intelligent_cctv"),))
    index = EmbeddingIndex(("smart parking sensors", "office paper"), ("transport/traffic_management", NOT_SMART_CITY),
                           FakeEncoder())
    model = TextModel(lex, index, "hybrid")
    FakeEncoder.calls = 0
    [v] = model.classify_texts(["videovigilancia"])
    assert v.service == "safety" and FakeEncoder.calls == 0  # lazy: no encoder work for lexicon hits
    [v] = model.classify_texts(["smart parking sensors downtown"])
    assert v.service == "transport" and v.evidence[0].startswith("embedding: nearest 'smart parking sensors'")


def test_embedding_loads_offline_and_is_cross_lingual() -> None:
    model = text_model("embedding")
    assert model.embedding is not None
    [v] = model.classify_texts(["Instalación de cámaras de seguridad en plazas públicas"])
    assert v.service == "safety"


titles = st.text(alphabet=st.sampled_from(list("abcdeilmnoprstuvwxyzáéíóú ãçєїіㄱ가로등스마트CCTVITS -'")), max_size=60)


@settings(max_examples=60, deadline=None)
@given(titles)
def test_classification_is_deterministic(title: str) -> None:
    model = text_model("lexicon")
    assert classify(_notice(title), model=model) == classify(_notice(title), model=model)


@settings(max_examples=60, deadline=None)
@given(titles, st.sampled_from(["GSIN", "Other", "FAM-GOB-JAL"]))
def test_ignoring_codes_never_changes_a_text_only_notice(title: str, scheme: str) -> None:
    model = text_model("lexicon")
    plain = _notice(title)
    odd_codes = structs.replace(plain, items=(ItemCode(scheme, "N7030"),))  # a scheme the table does not understand
    expected = classify(plain, model=model, ignore_codes=True)
    assert classify(plain, model=model) == expected
    assert classify(odd_codes, model=model) == expected


def test_handset_fixture_is_well_formed_and_balanced() -> None:
    from collections import Counter
    from pathlib import Path

    import yaml

    rows = yaml.safe_load((Path(__file__).parent / "fixtures" / "classify_handset.yaml").read_text("utf-8"))
    services = Counter(r["label"].split("/")[0] for r in rows)
    assert all(services[s] >= 15 for s in ("energy", "administration", "safety", "transport", "healthcare",
                                           "eco", "data"))
    assert len({r["id"] for r in rows}) == len(rows)


# ---- how lexicon hits are weighed (2026-11): one word one vote, sector words once and where they name the purchase
def _lex(*entries: tuple[str, str]) -> Lexicon:
    return Lexicon(tuple(compile_term(raw, label) for raw, label in entries))


def test_sector_words_add_up_to_one_sector_weight() -> None:
    lex = _lex(("~sewer", "eco/sewage_reuse"), ("~wastewater", "eco/sewage_reuse"),
               ("~treatment plant", "eco/sewage_reuse"), ("construction", NOT_SMART_CITY))
    # three water-sector words do not outweigh one construction word: together they say "water sector" once
    v = lexicon_verdict("Construction of sewers, wastewater pipes and a treatment plant", lex)
    assert v is not None and v.service == NOT_SMART_CITY
    v = lexicon_verdict("Sewer and wastewater treatment plant operation", lex)
    assert v is not None and (v.service, v.score) == ("eco", 0.575)  # 0.5 + 0.15 × one sector weight


def test_full_terms_still_add_up() -> None:
    lex = _lex(("cctv", "safety/intelligent_cctv"), ("video analytics", "safety/intelligent_cctv"),
               ("school", NOT_SMART_CITY))
    v = lexicon_verdict("CCTV and video analytics for a school", lex)
    assert v is not None and v.service == "safety"


def test_one_word_is_one_vote() -> None:
    # "sport" and "sports" (or a Czech and a Slovak stem) match the same word: it counts once
    lex = _lex(("cctv", "safety/intelligent_cctv"), ("~security", "safety/intelligent_cctv"),
               ("sport", NOT_SMART_CITY), ("sports", NOT_SMART_CITY))
    v = lexicon_verdict("CCTV security for the sports hall", lex)
    assert v is not None and v.service == "safety", v.evidence
    # two different not-smart words are two votes
    v = lexicon_verdict("CCTV security for the sports hall and sport grounds", _lex(
        ("cctv", "safety/intelligent_cctv"), ("sport", NOT_SMART_CITY), ("hall", NOT_SMART_CITY)))
    assert v is not None and v.service == NOT_SMART_CITY


def test_a_sector_word_counts_in_the_title_not_alone_in_the_description() -> None:
    lex = _lex(("~waste management", "eco/smart_waste"), ("smart bin", "eco/smart_waste"))
    v = lexicon_verdict("Kelso Closure Design\nDetailed design of the capping at Kelso Waste Management Centre", lex)
    assert v is not None and v.service == NOT_SMART_CITY
    assert "only in the description" in v.evidence[0]
    v = lexicon_verdict("Waste management services\nCollection of household refuse", lex)
    assert v is not None and v.service == "eco"
    # beside a solution term of the same service, a sector word in the description still adds
    v = lexicon_verdict("Framework 12/2024\nSmart bin sensors for the waste management department", lex)
    assert v is not None and (v.service, v.score) == ("eco", 0.725)


def test_embedding_needs_a_close_neighbour() -> None:
    from kscity.core.classify.text import embedding_verdict

    assert embedding_verdict(("safety/intelligent_cctv", 0.44, "cctv")).service == NOT_SMART_CITY
    assert embedding_verdict(("safety/intelligent_cctv", 0.46, "cctv")).service == "safety"


_shipped_words = sorted({w for t in text_model("lexicon").lexicon.terms for w in t.text.lstrip("~=").split()})
texts_from_terms = st.lists(st.one_of(st.sampled_from(_shipped_words), st.text(max_size=8)), max_size=12).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(texts_from_terms)
def test_prefilter_finds_exactly_what_searching_every_term_finds(text: str) -> None:
    from kscity.core.classify.text import normalise

    lex = text_model("lexicon").lexicon
    norm, cased = normalise(text), normalise(text, casefold=False)
    expected = [t for t in lex.terms if t.pattern.search(cased if t.case_sensitive else norm)]
    assert lex.matching(norm, cased) == expected


_en = next(d for d in lexicon_documents() if d["language"] == "en")
_en_sector = sorted({str(t)[1:] for terms in _en["services"].values() for t in terms if str(t).startswith("~")})


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(_en_sector), min_size=1, max_size=4))
def test_sector_words_in_a_description_alone_never_make_a_notice_smart(words: list[str]) -> None:
    lex = text_model("lexicon").lexicon
    v = lexicon_verdict("Contract 2024/17\n" + ", ".join(words), lex)
    assert v is not None
    full_smart = [t for t in lex.matching(*_norms(", ".join(words))) if t.weight == 1.0 and t.label != NOT_SMART_CITY]
    assert v.service == NOT_SMART_CITY or full_smart, (words, v)


def _norms(text: str) -> tuple[str, str]:
    from kscity.core.classify.text import normalise

    return normalise(text), normalise(text, casefold=False)


def test_code_table_labels_are_embedding_phrases_except_sector_rows() -> None:
    from kscity.reference.classification import code_label_phrases, code_table

    table = code_table()
    phrases, labels = code_label_phrases(table)
    by_phrase = dict(zip(phrases, labels, strict=True))
    assert by_phrase["Construction work"] == NOT_SMART_CITY
    assert by_phrase["Vehicle location system"] == "transport/bus_information_system"
    assert "Refuse and waste related services" not in by_phrase  # a sector row
    index = text_model("hybrid").embedding
    assert index is not None and set(phrases) <= set(index.phrases)
