"""Page routers, one module per page group; each exposes `router`."""
