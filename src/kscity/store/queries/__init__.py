"""Query functions per aggregate; they never commit."""
