"""Search answers served from memory until the index changes (``web.response_cache``)."""

from __future__ import annotations

from collections.abc import Hashable

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from opis.web import response_cache
from opis.web.response_cache import ResponseCache
from tests.web.conftest import Site


class Counting:
    """A tiny app whose answers say how many times it was asked."""

    def __init__(self) -> None:
        self.calls = 0
        self.generation: Hashable | None = 1

    def answer(self, request: Request) -> Response:
        self.calls += 1
        q = request.query_params.get("q", "")
        status = 400 if q == "bad" else 200
        response = PlainTextResponse(f"{q} #{self.calls}", status_code=status)
        if q == "cookie":
            response.set_cookie("session", "x")
        if q == "huge":
            response = PlainTextResponse("x" * (response_cache.MAX_BODY + 1))
        return response

    def client(self, entries: int = 100, budget: int = 10_000) -> TestClient:
        app = Starlette(routes=[Route(p, self.answer) for p in ("/search", "/other")])
        wrapped = ResponseCache(app, lambda: self.generation, entries=entries, budget=budget)
        return TestClient(wrapped)


def test_a_repeated_search_is_answered_without_the_app() -> None:
    counting = Counting()
    client = counting.client()
    first = client.get("/search", params={"q": "Stalin"})
    second = client.get("/search", params={"q": "Stalin"})
    assert counting.calls == 1
    assert second.text == first.text == "Stalin #1"
    assert second.headers["content-type"] == first.headers["content-type"]
    assert client.get("/search", params={"q": "Molotov"}).text == "Molotov #2"


def test_the_key_holds_what_the_answer_depends_on() -> None:
    counting = Counting()
    client = counting.client()
    client.get("/search", params={"q": "Stalin"})
    # htmx asks for the results fragment only; another host gets other absolute links.
    assert client.get("/search?q=Stalin", headers={"HX-Request": "true"}).text == "Stalin #2"
    assert client.get("/search?q=Stalin", headers={"Host": "archive.example"}).text == "Stalin #3"
    counting.generation = 2  # a commit to the index
    assert client.get("/search", params={"q": "Stalin"}).text == "Stalin #4"
    assert client.get("/search", params={"q": "Stalin"}).text == "Stalin #4"


@pytest.mark.parametrize("q", ["bad", "cookie", "huge"])
def test_errors_cookies_and_huge_answers_are_not_kept(q: str) -> None:
    counting = Counting()
    client = counting.client()
    client.get("/search", params={"q": q})
    client.get("/search", params={"q": q})
    assert counting.calls == 2


def test_other_paths_methods_and_no_index_pass_through() -> None:
    counting = Counting()
    client = counting.client()
    client.get("/other", params={"q": "Stalin"})
    client.get("/other", params={"q": "Stalin"})
    assert counting.calls == 2
    client.head("/search", params={"q": "Stalin"})
    client.head("/search", params={"q": "Stalin"})
    assert counting.calls == 4
    counting.generation = None  # search disabled: nothing to key on
    client.get("/search", params={"q": "Stalin"})
    client.get("/search", params={"q": "Stalin"})
    assert counting.calls == 6


def test_the_least_recently_used_answer_goes_first() -> None:
    counting = Counting()
    client = counting.client(entries=2)
    for q in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" comes
        client.get("/search", params={"q": q})
    assert counting.calls == 3
    assert client.get("/search", params={"q": "a"}).text == "a #1"
    assert client.get("/search", params={"q": "b"}).text == "b #4"


def test_the_byte_budget_bounds_what_is_kept() -> None:
    counting = Counting()
    client = counting.client(budget=len("aaaa #1") + len("bbbb #2"))
    for q in ("aaaa", "bbbb", "aaaa", "cccc"):  # "cccc #3" leaves room for one more
        client.get("/search", params={"q": q})
    assert counting.calls == 3
    assert client.get("/search", params={"q": "cccc"}).text == "cccc #3"
    assert client.get("/search", params={"q": "aaaa"}).text == "aaaa #1"
    assert client.get("/search", params={"q": "bbbb"}).text == "bbbb #4"


def test_the_reading_room_answers_a_repeated_search_from_memory(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = {"q": "Ballard Indonesia", "sort": "date"}
    for path in ("/search", "/api/search"):
        first = site.client.get(path, params=params)
        assert first.status_code == 200 and "dfat-v11" in first.text

    def no_search(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the cached answer should have been served")

    library = site.client.app.state.library  # type: ignore[attr-defined]
    monkeypatch.setattr(library, "search", no_search)
    for path in ("/search", "/api/search"):
        again = site.client.get(path, params=params)
        assert again.status_code == 200 and "dfat-v11" in again.text
