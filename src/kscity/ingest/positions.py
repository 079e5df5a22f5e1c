"""Where in a file an item was, in Korean: the readers write positions in English ("item 3", "row 12",
"after releases[4]", "data.zip › top-level object"), which the store keeps as they are; pages and messages for Korean
readers show them through `position_ko`. JSON paths (releases[4]) and file names stay as they are."""

from __future__ import annotations

import re

_FIXED = {"file": "파일", "notice": "공고", "start of file": "파일 시작", "top-level object": "최상위 객체"}
_NUMBERED = ((re.compile(r"item (\d+)"), "{}번째 항목"), (re.compile(r"row (\d+)"), "{}행"))
_SEP = " › "


def _part_ko(part: str) -> str:
    if part.startswith("after "):
        return f"{_part_ko(part[6:])} 다음"
    if part in _FIXED:
        return _FIXED[part]
    for pattern, form in _NUMBERED:
        m = pattern.fullmatch(part)
        if m:
            return form.format(m.group(1))
    return part  # a JSON path, a file name inside an archive, or a form this table does not know


def position_ko(position: str) -> str:
    """A reader's position in Korean, part by part ("a.zip › item 2" → "a.zip › 2번째 항목")."""
    return _SEP.join(_part_ko(p) for p in position.split(_SEP))


def position_text(position: str, locale: str) -> str:
    """The position in the locale (the readers' English as it is)."""
    return position_ko(position) if locale == "ko" else position
