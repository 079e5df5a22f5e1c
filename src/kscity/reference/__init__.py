"""Shipped reference data (CSV/YAML files with SOURCES.md) and the pure reader for them."""

from kscity.reference.errors import ReferenceFileError
from kscity.reference.files import ReferenceData, load_all

__all__ = ["ReferenceData", "ReferenceFileError", "load_all"]
