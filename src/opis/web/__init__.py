"""The reading room: a FastAPI app over an archive (REST API, HTML pages, OAI-PMH).

``create_app(home)`` builds it; ``uvicorn`` serves it (``opis serve``).
"""

from __future__ import annotations

from opis.web.app import create_app

__all__ = ["create_app"]
