"""Reader positions in Korean: each part of a position is translated, JSON paths and archive names are kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kscity.ingest.positions import position_ko, position_text


def test_the_positions_the_readers_write_read_in_korean() -> None:
    assert position_ko("file") == "파일"
    assert position_ko("top-level object") == "최상위 객체"
    assert position_ko("item 3") == "3번째 항목"
    assert position_ko("row 12") == "12행"
    assert position_ko("after releases[4]") == "releases[4] 다음"
    assert position_ko("data.zip › item 2") == "data.zip › 2번째 항목"
    assert position_ko("start of file") == "파일 시작"
    assert position_text("item 3", "en") == "item 3"


ENGLISH = st.sampled_from(["file", "notice", "start of file", "top-level object"]) | st.builds(
    lambda n, w: f"{w} {n}", st.integers(1, 10**6), st.sampled_from(["item", "row"]))
KEPT = st.builds(lambda n, w: f"{w}[{n}]", st.integers(0, 10**6), st.sampled_from(["releases", "records"]))


@given(st.lists(ENGLISH | KEPT | st.builds(lambda p: f"after {p}", ENGLISH | KEPT), min_size=1, max_size=4))
def test_every_part_is_translated_and_paths_are_kept(parts: list[str]) -> None:
    shown = position_ko(" › ".join(parts)).split(" › ")
    assert len(shown) == len(parts)
    for english, korean in zip(parts, shown, strict=True):
        core = english.removeprefix("after ")
        if "[" in core:
            assert core in korean  # a JSON path as it is
        else:
            assert not any(w in korean for w in ("item", "row", "file", "object", "notice", "after"))
