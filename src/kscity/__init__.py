"""kscity: the one-stop platform for Korean smart-city exports (plan of 2019, digest in docs)."""

import os

# OpenBLAS (numpy's) starts a thread per core at import, and they spin while they wait: ingest runs two processes
# on a 2-core machine, and their idle BLAS threads took CPU from both (20,000 releases: 8.2-9.1 s of CPU against
# 7.8-8.5 s); kscity's matrices are small (matching, finance, text embeddings) and gain nothing from more threads.
# Set before numpy is first imported; a value the environment gives wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# first of kscity's own: picks the compiled modules or their source (kscity/native.py); says which runs
from kscity.native import BUILD as NATIVE_BUILD

__version__ = "0.1.0"

__all__ = ["NATIVE_BUILD", "__version__"]
