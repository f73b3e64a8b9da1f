"""``create_app(home)``: the FastAPI application over one archive folder."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles

from opis import __version__
from opis.archive import open_archive
from opis.web import api, connections, errors, oai, pages
from opis.web.iiif import router as iiif_router
from opis.web.library import Library
from opis.web.response_cache import ResponseCache
from opis.web.templating import STATIC

DESCRIPTION = """\
The opis archive: historical primary sources as structured records.

Records are returned exactly as `Record.to_json()` (see docs/record.md), with an
`ETag` from the record's store version; send it back in `If-None-Match` to get
`304 Not Modified`. Errors are `{"error": message}`: 400 for a bad parameter,
404 for an unknown document.
"""


def create_app(home: Path, *, search: bool = True, oai_batch: int = oai.BATCH_SIZE) -> FastAPI:
    """The reading room for the archive in ``home``.

    ``search=False`` leaves the search index alone (the pages then say search is
    not available); ``oai_batch`` is how many records one OAI-PMH response holds.
    """
    library = Library(open_archive(home), search_enabled=search)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Open the index (and bring it in step with the store) before the first
        # request: the answer cache asks for its generation on the event loop.
        await anyio.to_thread.run_sync(library.search_backend)
        yield
        library.close()

    app = FastAPI(
        title="opis",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.library = library
    app.state.oai_batch = oai_batch
    errors.install(app)
    app.include_router(api.router)
    app.include_router(connections.api)
    app.include_router(pages.router)
    app.include_router(connections.pages)
    app.include_router(oai.router)
    app.include_router(iiif_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _document_errors_as_400(app)
    app.add_middleware(ResponseCache, generation=library.index_generation)
    return app


HOME_VARIABLE = "OPIS_HOME"


def app_from_environment() -> FastAPI:
    """The app over the archive named by ``$OPIS_HOME``: what each of ``opis serve
    --workers N``'s processes builds (uvicorn imports it by name in each)."""
    _nodelay_on_shared_sockets()
    return create_app(Path(os.environ[HOME_VARIABLE]))


def _nodelay_on_shared_sockets() -> None:
    """Set TCP_NODELAY on every accepted connection, as a single process does.

    With several workers uvicorn binds the socket itself, with protocol 0, and asyncio
    sets TCP_NODELAY only on sockets whose protocol is IPPROTO_TCP: Nagle's algorithm
    and delayed ACKs then added 40 ms to every keep-alive response (bench/serve.py).
    """
    import asyncio.base_events

    def set_nodelay(sock: socket.socket) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    asyncio.base_events._set_nodelay = set_nodelay  # type: ignore[attr-defined]


def _document_errors_as_400(app: FastAPI) -> None:
    """Bad parameters are answered 400 ``{"error"}``, so the schema says so, not 422."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses = operation.get("responses", {})
                responses.pop("422", None)
        components = schema.get("components", {}).get("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
