"""kscity: the one-stop platform for Korean smart-city exports (plan of 2019, digest in docs)."""

# first: picks the compiled modules or their source (kscity/native.py); says which runs
from kscity.native import BUILD as NATIVE_BUILD

__version__ = "0.1.0"

__all__ = ["NATIVE_BUILD", "__version__"]
