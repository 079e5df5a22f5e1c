"""The shortcuts that make ingest fast give exactly the results of the plain code they replace."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kscity.core.classify.text import normalise
from kscity.core.dedupe import compare, features_of
from kscity.ingest import Accepted, read_file
from kscity.model.opportunity import Notice
from kscity.model.serialize import notice_to_json
from kscity.reference.classification import text_model
from kscity.services.opportunity_build import LinkCache, anonymous, notice_json

FOLDERS = ("ocds/uk-contracts-finder", "ocds/portugal", "ocds/ukraine", "ocds/mexico", "ted/ted-xml", "ted/eforms-xml")


def shared_notices(shared_data: Path, per_folder: int = 60) -> list[Notice]:
    out: list[Notice] = []
    for folder in FOLDERS:
        files = sorted(p for p in (shared_data / folder).rglob("*") if p.suffix in {".json", ".xml"})[:20]
        found = 0
        for path in files:
            for item in read_file(path):
                if isinstance(item, Accepted) and found < per_folder:
                    out.append(item.notice)
                    found += 1
    return out


def test_notice_json_equals_notice_to_json(shared_data: Path) -> None:
    notices = shared_notices(shared_data)
    assert len(notices) > 100 and any(n.items for n in notices) and any(n.documents for n in notices)
    for n in notices:
        assert notice_json(n) == notice_to_json(n)


def test_memoised_pair_scores_equal_compare(shared_data: Path) -> None:
    feats = [features_of(n) for n in shared_notices(shared_data, 15)]
    cache = LinkCache()
    for f in feats:
        cache.put(f.ocid, f)
    for _ in range(2):  # the second round is answered from the memo
        for a in feats[::3]:
            for b in feats:
                pair = compare(a, b)
                assert cache.compare(a, anonymous(a), b) == (pair.score, tuple(pair.reasons))


TERMS = [t.text.lstrip("~=") for t in text_model("lexicon").lexicon.terms]
GLUE = st.sampled_from([" ", "-", "s ", "(", ") ", ", ", "x", "의 ", "\n", "é", "'"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(TERMS), st.sampled_from(TERMS).map(str.upper), GLUE,
                          st.text(max_size=6)), max_size=12))
def test_prefiltered_lexicon_matches_every_term_search(parts: list[str]) -> None:
    text = "".join(parts)
    lexicon = text_model("lexicon").lexicon
    norm, cased = normalise(text), normalise(text, casefold=False)
    brute = [t for t in lexicon.terms if t.pattern.search(cased if t.case_sensitive else norm)]
    assert lexicon.matching(norm, cased) == brute
