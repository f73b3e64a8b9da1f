"""HTML pages: browse, one document as an edition, search. Readable without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote, quote_plus, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import URL

from opis.export import overview
from opis.web import view
from opis.web.api import FILTER_NAMES, Filters, document_url, library
from opis.web.conditional import cache_headers, etag, last_modified, not_modified
from opis.web.connections import document_connections
from opis.web.library import BadRequest
from opis.web.templating import templates

router = APIRouter(include_in_schema=False)

SEARCH_FACETS = FILTER_NAMES
PAGE_SIZE = 50
HITS_PER_PAGE = 20
"""Search hits on a page: each costs a highlighted snippet, most of a search's time."""
EXPORT_LINKS = (
    ("csv", "CSV"),
    ("jsonl", "JSON Lines"),
    ("chicago", "Chicago"),
    ("bibtex", "BibTeX"),
    ("ris", "RIS"),
    ("csl-json", "CSL-JSON"),
)


_URLS: dict[tuple[str, str, tuple[tuple[str, str], ...]], URL] = {}


def cached_url_for(request: Request) -> Callable[..., URL]:
    """``url_for`` for the templates, remembering each answer (routes never change
    while the app runs; each real lookup walks the route table)."""
    base = str(request.base_url)

    def url_for(name: str, /, **params: Any) -> URL:
        key = (base, name, tuple(sorted((k, str(v)) for k, v in params.items())))
        found = _URLS.get(key)
        if found is None:
            found = request.url_for(name, **params)
            if len(_URLS) < 10_000:  # only fixed links repeat; ids would not
                _URLS[key] = found
        return found

    return url_for


def facet_href(request: Request) -> Callable[[str, str], str]:
    """The page's URL with ``name`` set to ``value`` and back on page 1, as
    ``request.url.include_query_params`` gives it, at a fraction of its cost."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    path = str(request.url.replace(query=""))
    bases: dict[str, str] = {}

    def href(name: str, value: str) -> str:
        if name not in bases:
            kept = urlencode([(k, v) for k, v in items if k != name])
            bases[name] = f"{path}?{kept}&" if kept else f"{path}?"
        return f"{bases[name]}{quote_plus(name)}={quote_plus(value)}&page=1"

    return href


def document_href(request: Request, q: str = "") -> Callable[[str], str]:
    """``url_for("document_page", record_id=...)`` at the cost of one route lookup per page
    (each url_for walks every route: most of a search page's rendering time). With the
    query, so a scan's page opens on its hits, marked on the page image."""
    prefix = str(cached_url_for(request)("document_page", record_id="_"))[:-1]
    suffix = "?" + urlencode({"q": q}) if q.strip() else ""
    return lambda record_id: prefix + quote(record_id, safe="") + suffix


def result_links(request: Request, q: str, filters: dict[str, list[str]]) -> dict[str, object]:
    """Where the same result can be exported, drawn as a timeline or as a network."""
    pairs = [("q", q), *((name, v) for name, values in filters.items() for v in values)]

    url_for = cached_url_for(request)

    def link(route: str, **extra: str) -> str:
        return f"{url_for(route).path}?{urlencode([*pairs, *extra.items()])}"

    return {
        "export_links": [
            (label, link("export_results", format=fmt)) for fmt, label in EXPORT_LINKS
        ],
        "timeline_url": link("timeline_page"),
        "network_url": link("network_page"),
        "search_url": link("search_page"),
    }


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/browse", status_code=302)


BROWSE_BY = {"year": "Year", "decade": "Decade", "archive": "Repository", "fond": "Fond or series"}
"""What the archive can be browsed by besides its collections (search facets)."""


@router.get("/browse", name="browse")
def browse(
    request: Request,
    collection: Annotated[str | None, Query()] = None,
    cursor: Annotated[str | None, Query()] = None,
    year: Annotated[str | None, Query()] = None,
    decade: Annotated[str | None, Query()] = None,
    archive: Annotated[str | None, Query()] = None,
    fond: Annotated[str | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> Response:
    lib = library(request)
    wanted = {"year": year, "decade": decade, "archive": archive, "fond": fond}
    by = {name: value for name, value in wanted.items() if value}
    if by:
        return _browse_by(request, by, page)
    chosen = lib.collection(collection) if collection else None
    listing = lib.list_documents(limit=PAGE_SIZE, cursor=cursor, collection=collection)
    next_url = None
    if listing.next_cursor:
        next_url = str(request.url.include_query_params(cursor=listing.next_cursor))
    counted = None if chosen else lib.search("", facets=tuple(BROWSE_BY), limit=1)
    return templates.TemplateResponse(
        request,
        "browse.html",
        {
            "collections": lib.collections(),
            "chosen": chosen,
            "items": listing.items,
            "next_url": next_url,
            "total": lib.count(),
            "by_decade": _years_by_decade(counted.facets if counted else {}),
            "repositories": counted.facets.get("archive", []) if counted else [],
            "fonds": counted.facets.get("fond", []) if counted else [],
        },
    )


def _browse_by(request: Request, by: dict[str, str], page: int) -> Response:
    """Documents of a year, decade, repository or fond, oldest first, a page at a time."""
    lib = library(request)
    filters = {name: [value] for name, value in by.items()}
    offset = (page - 1) * PAGE_SIZE
    result = lib.search("", filters=filters, sort="date", limit=PAGE_SIZE, offset=offset)
    if result is None:
        raise BadRequest("browsing by year, repository or fond needs the search index")
    title = "; ".join(f"{BROWSE_BY[name]}: {value}" for name, value in by.items())

    def page_url(number: int) -> str:
        return str(request.url.include_query_params(page=number))

    more = offset + len(result.hits) < result.total
    return templates.TemplateResponse(
        request,
        "browse_by.html",
        {
            "title": title,
            "result": result,
            "first": offset + 1,
            "search_url": str(
                request.url_for("search_page").include_query_params(
                    q=" ".join(_as_query(name, value) for name, value in by.items())
                )
            ),
            "previous_url": page_url(page - 1) if page > 1 else None,
            "next_url": page_url(page + 1) if more else None,
        },
    )


def _as_query(name: str, value: str) -> str:
    """The search query for a browse filter, so a reader can refine it."""
    if name == "year":
        return f"date:{value}"
    if name == "decade":
        start = value.rstrip("s")
        return f"date:{start}..{int(start) + 9}" if start.isdigit() else ""
    if name == "archive":
        return f'archive:"{value}"'
    return f'fond:"{value}"'


def _years_by_decade(facets: dict[str, list[Any]]) -> list[tuple[str, int, list[Any]]]:
    """(decade, documents, [year facet values]) in time order."""
    decades = {v.value: v.count for v in facets.get("decade", [])}
    years: dict[str, list[Any]] = {}
    for value in facets.get("year", []):
        years.setdefault(f"{int(value.value) // 10 * 10}s", []).append(value)
    return [(decade, decades[decade], years.get(decade, [])) for decade in sorted(decades)]


@router.get("/documents/{record_id}", name="document_page")
def document_page(request: Request, record_id: str) -> Response:
    lib = library(request)
    stored = lib.document(record_id)
    # The page also shows links, citers and related documents, which change
    # without the record: the tag follows every write to them too.
    links_state = lib.archive.links.generation()[:12]
    tag, modified = etag(stored, f"html-{links_state}"), last_modified(stored)
    headers = cache_headers(tag, modified)
    if not_modified(request, tag, modified):
        return Response(status_code=304, headers=headers)
    record = stored.record
    collection = lib.collection_of(record)
    url = document_url(request, record_id)
    conn = document_connections(request, record)
    return templates.TemplateResponse(
        request,
        "document.html",
        {
            "stored": stored,
            "record": record,
            "collection": collection,
            "page_url": url,
            "date_text": view.display_date(record),
            "paragraphs": view.paragraphs(record, conn["text_links"]),
            "conn": conn,
            "citation_parts": view.citation_parts(record.citation) if record.citation else [],
            "other_citations": [(c, view.citation_parts(c)) for c in record.other_citations],
            "citations": lib.citations(record, url=url),
            "meta_tags": view.meta_tags(record, collection, url),
            "coins": view.coins(record, collection, url),
            "translators": view.translators(record),
        },
        headers=headers,
    )


@router.get("/search", name="search_page")
def search_page(
    request: Request,
    filters: Filters,
    q: Annotated[str, Query()] = "",
    sort: Annotated[str, Query()] = "relevance",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> Response:
    # Rendered pages are kept until the index changes by ``response_cache``.
    partial = request.headers.get("hx-request") == "true"
    return _search_page(request, filters, q, sort, page, partial)


def _search_page(
    request: Request,
    filters: dict[str, list[str]],
    q: str,
    sort: str,
    page: int,
    partial: bool,
) -> Response:
    lib = library(request)
    result, error, available = None, None, True
    if q.strip():
        try:
            result = lib.search(
                q,
                facets=SEARCH_FACETS,
                filters=filters,
                sort=sort,
                limit=HITS_PER_PAGE,
                offset=(page - 1) * HITS_PER_PAGE,
            )
        except BadRequest as exc:
            error = str(exc)
        available = result is not None or error is not None
    else:
        available = lib.search_backend() is not None
    return templates.TemplateResponse(
        request,
        "search_results.html" if partial else "search.html",
        {
            "q": q,
            "sort": sort,
            "page": page,
            "filters": filters,
            "result": result,
            "error": error,
            "available": available,
            "page_size": HITS_PER_PAGE,
            "document_href": document_href(request, q),
            "url_for": cached_url_for(request),
            "facet_href": facet_href(request),
            **result_links(request, q, filters),
        },
        status_code=400 if error and not partial else 200,
    )


@router.get("/search/timeline", name="timeline_page")
def timeline_page(
    request: Request,
    filters: Filters,
    q: Annotated[str, Query()] = "",
    by: Annotated[str, Query()] = "year",
) -> Response:
    found, error = None, None
    try:
        found = library(request).timeline(q, filters=filters, by=by)
    except BadRequest as exc:
        error = str(exc)
    chart = None
    if found is not None:
        chart = view.bar_chart([(b.key, b.label, b.count) for b in found.bins])
    return templates.TemplateResponse(
        request,
        "timeline.html",
        {
            "q": q,
            "by": by,
            "filters": filters,
            "timeline": found,
            "chart": chart,
            "error": error,
            **result_links(request, q, filters),
        },
        status_code=400 if error else (200 if found is not None else 503),
    )


@router.get("/search/network", name="network_page")
def network_page(
    request: Request,
    filters: Filters,
    q: Annotated[str, Query()] = "",
    top: Annotated[int, Query(ge=1, le=overview.MAX_NETWORK_TOP)] = overview.NETWORK_TOP,
) -> Response:
    found, error = None, None
    try:
        found = library(request).network(q, filters=filters, top=top)
    except BadRequest as exc:
        error = str(exc)
    graph = None
    if found is not None:
        graph = view.circle_graph(
            [(p.name, p.letters) for p in found.people],
            [(e.sender, e.recipient, e.count) for e in found.edges],
        )
    return templates.TemplateResponse(
        request,
        "network.html",
        {
            "q": q,
            "top": top,
            "filters": filters,
            "network": found,
            "graph": graph,
            "error": error,
            **result_links(request, q, filters),
        },
        status_code=400 if error else (200 if found is not None else 503),
    )
