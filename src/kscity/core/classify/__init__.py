"""Classification of notices into the plan's seven smart-city services (or not smart-city).

codes: CPV/UNSPSC table lookup; text: lexicons and a multilingual embedding; combine: the notice-level
decision with evidence. The shipped tables and the default model load from kscity.reference.classification.
"""

from kscity.core.classify.codes import CodeTable, build_code_table, classify_codes
from kscity.core.classify.combine import classify, classify_many, notice_text
from kscity.core.classify.text import Lexicon, TextModel, TextVerdict, lexicon_verdict

__all__ = [
    "CodeTable",
    "Lexicon",
    "TextModel",
    "TextVerdict",
    "build_code_table",
    "classify",
    "classify_codes",
    "classify_many",
    "lexicon_verdict",
    "notice_text",
]
