"""Property-based API test: schemathesis generates requests from /openapi.json.

Runs in-process (ASGI) on the package's archive of real documents, with a bounded
number of examples per operation, and asserts that nothing answers 500 and that
every JSON error is ``{"error": ...}``.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok

from tests.web.conftest import Site

EXAMPLES = 30


def exercise(operation: Any) -> list[int]:
    """Send up to EXAMPLES generated requests to one operation; the statuses seen."""
    statuses: list[int] = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        response = case.call()
        statuses.append(response.status_code)
        assert response.status_code < 500, (
            case.method,
            case.formatted_path,
            case.query,
            response.status_code,
            response.text[:300],
        )
        content_type = response.headers.get("content-type", [""])[0]
        if response.status_code >= 400 and "json" in content_type:
            assert "error" in response.json()

    check()
    return statuses


def test_api_never_answers_500(site: Site) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", site.client.app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    assert len(operations) >= 7, [op.label for op in operations]
    for operation in operations:
        statuses = exercise(operation)
        assert statuses, operation.label
        print(operation.label, len(statuses), sorted(set(statuses)))


QUERY_TEXT = st.lists(
    st.sampled_from([*'abcz СталинХрущёв"*~:()-.0123456789', " OR ", "date:", "from:", "~1"]),
    max_size=15,
).map("".join)


def test_any_query_text_is_an_answer_or_a_400(site: Site) -> None:
    """Queries hypothesis composes from the query language's own characters and words."""
    seen: set[int] = set()

    @given(q=QUERY_TEXT, sort=st.sampled_from(["relevance", "date", "-date"]))
    @settings(max_examples=60, deadline=None, derandomize=True, database=None)
    def check(q: str, sort: str) -> None:
        for path in ("/api/search", "/search"):
            response = site.client.get(path, params={"q": q, "sort": sort})
            seen.add(response.status_code)
            assert response.status_code in (200, 400), (path, q, response.text[:300])

    check()
    assert {200, 400} <= seen


def test_a_huge_search_offset_is_refused_not_a_crash(site: Site) -> None:
    # tantivy allocates room for offset + limit hits; 2**31 used to abort the process.
    for offset in (25_001, 2**31, 2**62):
        response = site.client.get("/api/search", params={"q": "Stalin", "offset": offset})
        assert response.status_code == 400, response.text
        assert "offset" in response.json()["error"]
    response = site.client.get("/api/search", params={"q": "Stalin", "offset": 25_000})
    assert response.status_code == 200
    assert response.json()["hits"] == []
