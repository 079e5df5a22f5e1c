"""Loss allocation across a fund's tranches: sequential (junior first, the PIS fund) or pari passu (GIF).

Vectorised over paths: `losses` has one portfolio loss per path, `sizes` one size per tranche in loss
order (most junior first). Losses above the fund's capital are capped at the capital.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def sequential(losses: Array, sizes: Array) -> Array:
    """Allocate losses junior first: tranche k absorbs what is left after tranches 0..k-1, up to its size."""
    sizes = np.asarray(sizes, dtype=np.float64)
    attach = np.concatenate(([0.0], np.cumsum(sizes)[:-1]))
    return np.clip(np.asarray(losses, dtype=np.float64)[..., None] - attach, 0.0, sizes)


def pari_passu(losses: Array, sizes: Array) -> Array:
    """Allocate losses in proportion to each tranche's size (every investor shares every loss)."""
    sizes = np.asarray(sizes, dtype=np.float64)
    total = float(sizes.sum())
    capped = np.minimum(np.asarray(losses, dtype=np.float64), total)
    return capped[..., None] * (sizes / total)
