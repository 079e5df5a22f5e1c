"""The package's public API is explicit: `__all__` names exactly what `import kscity` offers."""

from __future__ import annotations

import kscity


def test_all_is_explicit_and_importable() -> None:
    public = {name for name in dir(kscity) if not name.startswith("_")}
    assert set(kscity.__all__) <= public | {"__version__"}
    for name in kscity.__all__:
        assert getattr(kscity, name) is not None
