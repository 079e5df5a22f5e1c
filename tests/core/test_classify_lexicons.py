"""The per-language lexicons and the code table's labels: one smart and one not-smart title per TED language,
no term that votes both ways, and table labels that agree with the CPV labels printed in real TED notices."""

from __future__ import annotations

from pathlib import Path

import pytest
from defusedxml import ElementTree

from kscity.core.classify import TextModel, classify
from kscity.core.classify.text import Lexicon
from kscity.model.opportunity import NOT_SMART_CITY, Notice, SourceRef
from kscity.reference.classification import lexicon_documents, text_model

# Written for these tests (not taken from the evaluation notices): a plain smart-city title and a plain
# not-smart one in each language added for TED.
CASES = [
    ("nl", "Levering en onderhoud van slimme laadpalen", "energy"),
    ("nl", "Schoonmaak van kantoorgebouwen", NOT_SMART_CITY),
    ("pl", "Rozbudowa systemu monitoringu wizyjnego miasta", "safety"),
    ("pl", "Dostawa artykułów biurowych i papieru", NOT_SMART_CITY),
    ("cs", "Modernizace veřejného osvětlení v obci", "data"),
    ("cs", "Dodávka potravin pro školní jídelnu", NOT_SMART_CITY),
    ("sk", "Dodávka a montáž kamerového systému mesta", "safety"),
    ("sk", "Stavebné práce na budove školy", NOT_SMART_CITY),
    ("hu", "Közvilágítás korszerűsítése LED lámpatestekkel", "data"),
    ("hu", "Irodaszer és papír beszerzése", NOT_SMART_CITY),
    ("sv", "Upphandling av laddinfrastruktur för kommunens fordon", "energy"),
    ("sv", "Städtjänster för kommunens lokaler", NOT_SMART_CITY),
    ("da", "Levering af tv-overvågning til rådhuset", "safety"),
    ("da", "Rengøring af skoler", NOT_SMART_CITY),
    ("no", "Kjøp av sanntidsinformasjon for busser", "transport"),
    ("no", "Renhold av kommunale bygg", NOT_SMART_CITY),
    ("fi", "Katuvalaistuksen saneeraus LED-valaisimiksi", "data"),
    ("fi", "Siivouspalvelut kaupungin kouluille", NOT_SMART_CITY),
    ("el", "Προμήθεια συστήματος βιντεοεπιτήρησης για τον δήμο", "safety"),
    ("el", "Προμήθεια τροφίμων για τους παιδικούς σταθμούς", NOT_SMART_CITY),
    ("bg", "Доставка и монтаж на система за видеонаблюдение", "safety"),
    ("bg", "Доставка на хранителни продукти за детски градини", NOT_SMART_CITY),
    ("lt", "Gatvių apšvietimo modernizavimas", "data"),
    ("lt", "Maisto produktų pirkimas", NOT_SMART_CITY),
    ("lv", "Videonovērošanas sistēmas izbūve pilsētā", "safety"),
    ("lv", "Biroja preču piegāde", NOT_SMART_CITY),
    ("et", "Tänavavalgustuse rekonstrueerimine", "data"),
    ("et", "Koristusteenuse hange", NOT_SMART_CITY),
    ("sl", "Vzpostavitev sistema videonadzora v občini", "safety"),
    ("sl", "Dobava živil za vrtce", NOT_SMART_CITY),
    ("hr", "Rekonstrukcija javne rasvjete u gradu", "data"),
    ("hr", "Nabava uredskog materijala", NOT_SMART_CITY),
]


@pytest.fixture(scope="module")
def lexicon_model() -> TextModel:
    return text_model("lexicon")


@pytest.mark.parametrize(("lang", "title", "service"), CASES)
def test_each_ted_language_has_working_terms(lexicon_model: TextModel, lang: str, title: str, service: str) -> None:
    notice = Notice("ocds-test-1", SourceRef("test", "1"), title, language=lang)
    c = classify(notice, model=lexicon_model)
    assert c.service == service, c.evidence
    assert c.evidence and not c.evidence[0].startswith("text: no smart-city term")


def test_every_ted_language_in_the_shared_data_has_a_lexicon() -> None:
    langs = {d["language"] for d in lexicon_documents()}
    assert {"nl", "pl", "de", "it", "cs", "sk", "hu", "sv", "da", "fi", "el", "bg", "lt", "lv", "et", "sl",
            "hr", "es", "pt", "fr", "en", "ro"} <= langs


def test_no_term_votes_both_smart_and_not_smart() -> None:
    # every language's terms are tried on every notice, so one spelling in two lists would cancel itself
    labels: dict[str, set[str]] = {}
    for term in Lexicon.from_mappings(lexicon_documents()).terms:
        labels.setdefault(term.pattern.pattern, set()).add(term.label.split("/")[0])
    both = {p: ls for p, ls in labels.items() if NOT_SMART_CITY in ls and len(ls) > 1}
    assert not both


def _ted_cpv_labels(folder: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.xml")):
        for el in ElementTree.parse(path).getroot().iter():
            if el.tag.rsplit("}", 1)[-1] == "ORIGINAL_CPV" and el.get("CODE"):
                out.setdefault(str(el.get("CODE")), set()).add(" ".join("".join(el.itertext()).split()).casefold())
    return out


def test_table_labels_agree_with_cpv_labels_in_ted_notices(shared_data: Path) -> None:
    import csv
    from importlib import resources

    text = resources.files("kscity.reference.classification").joinpath("cpv_services.csv").read_text("utf-8")
    rows = {r["code"]: r for r in csv.DictReader(text.splitlines())}
    seen = _ted_cpv_labels(shared_data / "ted" / "ted-xml")
    common = sorted(set(rows) & set(seen))
    assert common, "no table code appears in the TED notices"
    wrong = {c: (rows[c]["label_en"], seen[c]) for c in common if rows[c]["label_en"].casefold() not in seen[c]}
    assert not wrong
    assert all(r["checked"].strip() for r in rows.values())


# Smart rows whose English label the lexicon does not read as their service, and why (the code is finer than a word):
LABELS_THE_LEXICON_LEAVES_TO_CODES = {
    "31430000": "Electric accumulators: mostly vehicle batteries in text; only the code is a (weak) storage hint",
    "32400000": "Networks: the word alone is everyday ('social networks')",
    "71314000": "Energy and related services: no term in it names a solution",
    "72413000": "World wide web (www) site design services: the label's own spelling, not a buyer's",
    "90713100": "Consulting services for water-supply and waste-water other than for construction: says 'construction'",
    "34996200": "signalling for inland waterways: the lexicon reads 'signalling equipment' as road traffic",
    "43222600": "Network service equipment: generic",
    "46171600": "Surveillance and detection equipment: 'detection' is too broad a word",
    "92121700": "Security systems services: 'security systems' is also IT security",
}


@pytest.mark.parametrize("table", ["cpv_services.csv", "unspsc_services.csv"])
def test_the_english_lexicon_reads_the_code_tables_labels_alike(table: str) -> None:
    # Codes and text are two readings of one rule: a smart row's English label, read as text, lands in the row's
    # service, and a not-smart row's label is never read as smart-city (checked for every row, not just some).
    import csv
    from importlib import resources

    from kscity.core.classify import lexicon_verdict

    text = resources.files("kscity.reference.classification").joinpath(table).read_text("utf-8")
    lex = text_model("lexicon").lexicon
    disagree = {}
    for row in csv.DictReader(text.splitlines()):
        v = lexicon_verdict(row["label_en"], lex)
        read = v.service if v else NOT_SMART_CITY
        if read != row["service"] and row["code"] not in LABELS_THE_LEXICON_LEAVES_TO_CODES:
            disagree[row["code"]] = (row["label_en"], row["service"], read)
    assert not disagree
