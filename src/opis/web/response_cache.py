"""Search answers, rendered, kept until the index changes and served before routing.

A search page or ``/api/search`` answer costs 5-15 ms to compute and render; asked
again, it is the same bytes until the next commit to the index. Served from here it
costs a small fraction of a millisecond: the request never reaches FastAPI's routing,
parameter validation or thread pool, which under 200 concurrent requests cost more
than the answer itself (bench/serve.py).

The key is everything the answer depends on: the index generation (any commit, by
any process, makes older entries unreachable), the path, the raw query string, the
Host header (pages carry absolute links) and ``HX-Request`` (htmx asks for the
results fragment only). Only complete 200 answers without cookies are kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CACHED_PATHS = frozenset({"/search", "/api/search"})
"""Answers that depend on nothing but the request line and the index."""
ENTRIES = 4096
BUDGET = 64_000_000
"""Bytes of answers kept per process (a search page is about 20 KB)."""
MAX_BODY = 1_000_000
"""Larger answers (a page of 100 API hits of long snippets) are recomputed."""

Response = tuple[int, list[tuple[bytes, bytes]], bytes]


class ResponseCache:
    """ASGI middleware: repeated GETs of ``paths`` answered from memory (LRU, at most
    ``entries`` answers and ``budget`` bytes).

    ``generation`` returns the index's current generation, or None when there is no
    index (nothing is cached then).
    """

    def __init__(
        self,
        app: ASGIApp,
        generation: Callable[[], Hashable | None],
        *,
        paths: frozenset[str] = CACHED_PATHS,
        entries: int = ENTRIES,
        budget: int = BUDGET,
    ) -> None:
        self.app = app
        self.generation = generation
        self.paths = paths
        self.entries = entries
        self.budget = budget
        self._items: OrderedDict[Hashable, Response] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        generation = self.generation()
        if generation is None:
            await self.app(scope, receive, send)
            return
        key = (generation, scope["path"], scope["query_string"], *_varying(scope["headers"]))
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
        if found is not None:
            status, headers, body = found
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self._answer_and_keep(key, scope, receive, send)

    async def _answer_and_keep(
        self, key: Hashable, scope: Scope, receive: Receive, send: Send
    ) -> None:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        size = 0
        keep = True

        async def capture(message: Message) -> None:
            nonlocal size, keep
            if message["type"] == "http.response.start":
                start.update(message)
                headers = message.get("headers", [])
                if message["status"] != 200 or any(k.lower() == b"set-cookie" for k, _ in headers):
                    keep = False
            elif message["type"] == "http.response.body" and keep:
                body = message.get("body", b"")
                size += len(body)
                if size > MAX_BODY:
                    keep = False
                    chunks.clear()
                else:
                    chunks.append(body)
            await send(message)

        await self.app(scope, receive, capture)
        if keep and start:
            entry = (start["status"], list(start.get("headers", [])), b"".join(chunks))
            with self._lock:
                if key in self._items:
                    self._bytes -= len(self._items[key][2])
                self._items[key] = entry
                self._bytes += len(entry[2])
                self._items.move_to_end(key)
                while len(self._items) > self.entries or self._bytes > self.budget:
                    _, (_, _, body) = self._items.popitem(last=False)
                    self._bytes -= len(body)


def _varying(headers: list[tuple[bytes, bytes]]) -> tuple[bytes, bytes]:
    host = htmx = b""
    for name, value in headers:
        if name == b"host":
            host = value
        elif name == b"hx-request":
            htmx = value
    return host, htmx
