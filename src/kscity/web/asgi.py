"""ASGI entry for multi-worker servers: `uvicorn kscity.web.asgi:app` builds the app from the environment."""

from kscity.web.main import create_app

app = create_app()
