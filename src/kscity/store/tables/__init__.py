"""All tables, one module per aggregate; importing this package registers them all on `Base.metadata`."""

from __future__ import annotations

import importlib
import pkgutil

from kscity.store.tables.base import Base

for _mod in pkgutil.iter_modules(__path__):
    if _mod.name != "base":
        importlib.import_module(f"{__name__}.{_mod.name}")

__all__ = ["Base"]
