"""The matching evaluation metrics (bench/eval_match.py) on hand-checkable rankings."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

EVAL = Path(__file__).resolve().parents[2] / "bench" / "eval_match.py"
spec = importlib.util.spec_from_file_location("eval_match", EVAL)
assert spec and spec.loader
ev = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ev)


def test_ndcg_perfect_and_swapped() -> None:
    grades = {"a": 3, "b": 1}
    assert ev.ndcg_at_k(["a", "b", "c"], grades) == pytest.approx(1.0)
    swapped = (1 + 7 / math.log2(3)) / (7 + 1 / math.log2(3))
    assert ev.ndcg_at_k(["b", "a"], grades) == pytest.approx(swapped)
    assert ev.ndcg_at_k(["x"], {}) == 0.0


def test_recall() -> None:
    assert ev.recall_at_k(["a", "x"], {"a": 2, "b": 1, "c": 0}, 20) == 0.5
    assert ev.recall_at_k(["b"] + ["x"] * 20 + ["a"], {"a": 1, "b": 1}, 20) == 0.5


@given(st.permutations(["a", "b", "c", "d", "e"]), st.dictionaries(st.sampled_from("abcde"), st.integers(0, 3)))
def test_ndcg_bounds_and_ideal(order: list[str], grades: dict[str, int]) -> None:
    assert 0.0 <= ev.ndcg_at_k(order, grades) <= 1.0 + 1e-9
    ideal = sorted(order, key=lambda x: -grades.get(x, 0))
    if any(g > 0 for g in grades.values()):
        assert ev.ndcg_at_k(ideal, grades) == pytest.approx(1.0)
