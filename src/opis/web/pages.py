"""HTML pages: browse, one document as an edition, search. Readable without JavaScript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from opis.web import view
from opis.web.api import document_url, library
from opis.web.conditional import cache_headers, etag, last_modified, not_modified
from opis.web.library import BadRequest
from opis.web.templating import templates

router = APIRouter(include_in_schema=False)

SEARCH_FACETS = ("type", "decade", "collection", "archive", "lang")
PAGE_SIZE = 50


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/browse", status_code=302)


@router.get("/browse", name="browse")
def browse(
    request: Request,
    collection: Annotated[str | None, Query()] = None,
    cursor: Annotated[str | None, Query()] = None,
) -> Response:
    lib = library(request)
    chosen = lib.collection(collection) if collection else None
    page = lib.list_documents(limit=PAGE_SIZE, cursor=cursor, collection=collection)
    next_url = None
    if page.next_cursor:
        next_url = str(request.url.include_query_params(cursor=page.next_cursor))
    return templates.TemplateResponse(
        request,
        "browse.html",
        {
            "collections": lib.collections(),
            "chosen": chosen,
            "items": page.items,
            "next_url": next_url,
            "total": lib.count(),
        },
    )


@router.get("/documents/{record_id}", name="document_page")
def document_page(request: Request, record_id: str) -> Response:
    lib = library(request)
    stored = lib.document(record_id)
    tag, modified = etag(stored, "html"), last_modified(stored)
    headers = cache_headers(tag, modified)
    if not_modified(request, tag, modified):
        return Response(status_code=304, headers=headers)
    record = stored.record
    collection = lib.collection_of(record)
    url = document_url(request, record_id)
    return templates.TemplateResponse(
        request,
        "document.html",
        {
            "stored": stored,
            "record": record,
            "collection": collection,
            "page_url": url,
            "date_text": view.display_date(record),
            "paragraphs": view.paragraphs(record),
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
    q: Annotated[str, Query()] = "",
    sort: Annotated[str, Query()] = "relevance",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    type: Annotated[list[str] | None, Query()] = None,
    decade: Annotated[list[str] | None, Query()] = None,
    collection: Annotated[list[str] | None, Query()] = None,
    archive: Annotated[list[str] | None, Query()] = None,
    lang: Annotated[list[str] | None, Query()] = None,
) -> Response:
    lib = library(request)
    filters = {
        name: values
        for name, values in (
            ("type", type),
            ("decade", decade),
            ("collection", collection),
            ("archive", archive),
            ("lang", lang),
        )
        if values
    }
    result, error, available = None, None, True
    if q.strip():
        try:
            result = lib.search(
                q,
                facets=SEARCH_FACETS,
                filters=filters,
                sort=sort,
                limit=PAGE_SIZE // 2,
                offset=(page - 1) * (PAGE_SIZE // 2),
            )
        except BadRequest as exc:
            error = str(exc)
        available = result is not None or error is not None
    else:
        available = lib.search_backend() is not None
    partial = request.headers.get("hx-request") == "true"
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
            "page_size": PAGE_SIZE // 2,
        },
        status_code=400 if error and not partial else 200,
    )
