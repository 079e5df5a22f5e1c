"""How a file's format reads for people. The readers name formats in short English ("ocds release package (gzip)",
"zip of csv (zip), ted eforms (zip)", "ted r2.0.9"), and reports, the API and the store keep those names as they
are; pages and messages show them through `format_text`, in the reader's language."""

from __future__ import annotations

# (English, Korean) of each format a reader names (ingest.reader, ingest.ocds, ingest.ted)
_BASE = {
    "ocds release package": ("OCDS release package", "OCDS 릴리스 패키지"),
    "ocds record package": ("OCDS record package", "OCDS 레코드 패키지"),
    "ocds values": ("OCDS releases or records", "OCDS 릴리스·레코드"),
    "ted r2.0.9": ("TED notice (R2.0.9)", "TED 공고(R2.0.9)"),
    "ted eforms": ("TED notice (eForms)", "TED 공고(eForms)"),
    "xml": ("XML", "XML"),
    "csv": ("CSV list", "CSV 목록"),
    "xlsx": ("Excel list (XLSX)", "엑셀 목록(XLSX)"),
    "empty": ("empty file", "빈 파일"),
    "unknown": ("unknown format", "알 수 없는 형식"),
    "nothing": ("nothing readable", "읽을 것 없음"),
}
# what a reader appends to a name: the shape, then the wrapper; (English, Korean) of each
_SUFFIXES = (
    (" (gzip)", (", gzip", ", gzip 압축")),
    (" (zip)", ("", "")),  # a member of a zip archive: the archive says so once
    (" (in a list)", (" in a JSON list", "(JSON 목록)")),
)
_ZIP = ("zip of ", ("ZIP archive: ", "ZIP 압축 파일: "))


def format_text(fmt: str | None, locale: str) -> str:
    """A reader's format name in the locale ("ocds release package (gzip)" → "OCDS 릴리스 패키지, gzip 압축");
    a name this table does not know is shown as it is, and no name (not yet known) as "unknown format"."""
    fmt = fmt or "unknown"
    lang = 1 if locale == "ko" else 0
    prefix, names = _ZIP
    if fmt.startswith(prefix):
        return names[lang] + ", ".join(format_text(part, locale) for part in fmt[len(prefix):].split(", "))
    base, outer_first = fmt, []
    stripped = True
    while stripped:  # "… (in a list) (gzip)": the wrapper last, the shape before it
        stripped = False
        for suffix, words in _SUFFIXES:
            if base.endswith(suffix):
                base, stripped = base[: -len(suffix)], True
                outer_first.append(words[lang])
    known = _BASE.get(base)
    return (known[lang] if known else base) + "".join(reversed(outer_first))
