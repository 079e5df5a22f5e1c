"""One notice → one Classification: item codes first, text when no code is understood (or codes are ignored)."""

from __future__ import annotations

from collections.abc import Sequence

from kscity.core.classify.codes import CodeTable, classify_codes
from kscity.core.classify.text import TextModel, TextVerdict
from kscity.model.opportunity import Classification, Notice


def notice_text(notice: Notice) -> str:
    """The free text a notice's buyer wrote: title and description (item code labels are left out,
    so that ignoring codes really ignores them)."""
    return "\n".join(part for part in (notice.title, notice.description) if part and part.strip())


def _from_text(verdict: TextVerdict) -> Classification:
    return Classification(verdict.service, verdict.sub_solution, verdict.score, verdict.evidence, "text")


def classify_many(notices: Sequence[Notice], *, ignore_codes: bool = False, model: TextModel | None = None,
                  codes: CodeTable | None = None) -> list[Classification]:
    """Classify notices in order; text-only ones share one encoder batch."""
    if codes is None and not ignore_codes:
        from kscity.reference.classification import code_table

        codes = code_table()
    by_code: list[Classification | None] = [
        None if ignore_codes or codes is None else classify_codes(n.items, codes) for n in notices
    ]
    todo = [i for i, c in enumerate(by_code) if c is None]
    if todo:
        if model is None:
            from kscity.reference.classification import text_model

            model = text_model()
        verdicts = model.classify_texts([notice_text(notices[i]) for i in todo])
        for i, verdict in zip(todo, verdicts, strict=True):
            by_code[i] = _from_text(verdict)
    return [c for c in by_code if c is not None]


def classify(notice: Notice, *, ignore_codes: bool = False, model: TextModel | None = None,
             codes: CodeTable | None = None) -> Classification:
    """Classify one notice: its CPV/UNSPSC codes decide when it has any; otherwise its text."""
    return classify_many([notice], ignore_codes=ignore_codes, model=model, codes=codes)[0]
