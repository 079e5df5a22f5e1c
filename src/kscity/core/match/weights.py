"""Matching weights as data: parsed from a mapping (reference/matching/weights.yaml), validated here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kscity.core.match.parts import TextScale
from kscity.errors import InvalidInput

PARTS: tuple[str, ...] = ("service", "codes", "text", "experience", "maturity", "size", "support")


@dataclass(frozen=True)
class Weights:
    """One weight per part (normalised to sum 1) and the text scaling."""

    parts: Mapping[str, float] = field(default_factory=lambda: {
        "service": 0.30, "codes": 0.10, "text": 0.30, "experience": 0.12, "maturity": 0.06, "size": 0.06,
        "support": 0.06})
    text: TextScale = field(default_factory=TextScale)

    def normalised(self) -> dict[str, float]:
        """The weights scaled to sum 1."""
        total = sum(self.parts.values())
        return {p: self.parts.get(p, 0.0) / total for p in PARTS}


def weights_from_mapping(data: Mapping[str, Any], source: str = "weights.yaml") -> Weights:
    """Validate a parsed weights file; InvalidInput names the file and field at fault."""
    raw = data.get("weights")
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{source}: missing 'weights' mapping", f"{source}: 'weights' 항목이 없습니다")
    parts: dict[str, float] = {}
    for name, value in raw.items():
        if name not in PARTS:
            raise InvalidInput(f"{source}: weights.{name}: unknown part (known: {', '.join(PARTS)})",
                               f"{source}: weights.{name}: 알 수 없는 항목")
        if not isinstance(value, int | float) or value < 0:
            raise InvalidInput(f"{source}: weights.{name}: must be a number ≥ 0 (got {value!r})",
                               f"{source}: weights.{name}: 0 이상의 숫자여야 합니다 (입력값 {value!r})")
        parts[name] = float(value)
    if sum(parts.values()) <= 0:
        raise InvalidInput(f"{source}: weights: at least one weight must be positive",
                           f"{source}: weights: 양수 가중치가 하나 이상 필요합니다")
    text = data.get("text") or {}
    try:
        scale = TextScale(**{k: float(v) for k, v in dict(text).items()})
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{source}: text: {exc}", f"{source}: text: {exc}") from exc
    if scale.cos_ceiling <= scale.cos_floor or scale.half_bm25 <= 0 or not 0 <= scale.embedding_share <= 1:
        raise InvalidInput(f"{source}: text: need cos_floor < cos_ceiling, half_bm25 > 0, 0 ≤ embedding_share ≤ 1",
                           f"{source}: text: cos_floor < cos_ceiling, half_bm25 > 0, 0 ≤ embedding_share ≤ 1 이어야 "
                           "합니다")
    return Weights(parts, scale)
