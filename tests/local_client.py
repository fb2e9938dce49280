"""FastAPI's TestClient as a browser on this machine."""

from __future__ import annotations


def local_client(app, **kwargs):
    """FastAPI's TestClient as a browser on this machine (Host 127.0.0.1, client 127.0.0.1), which the request
    guard (app.web.security) accepts changes from without a token."""
    from fastapi.testclient import TestClient

    return TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000), **kwargs)
