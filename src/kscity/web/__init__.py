"""The web shell: JSON API (FastAPI, OpenAPI) and pages (Jinja2 + htmx, Korean and English)."""
