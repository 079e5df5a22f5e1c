"""Use cases: one function per use case, keyword-only, a session passed in, the caller owns the transaction."""
