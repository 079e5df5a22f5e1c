"""kscity: the one-stop platform for Korean smart-city exports (plan of 2019, digest in docs)."""

__version__ = "0.1.0"

__all__ = ["__version__"]
