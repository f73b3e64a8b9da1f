"""The REST API under /api: records as ``Record.to_json()``, sources, citations, lists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from opis.export import overview, results
from opis.export.citations import FILE_EXTENSIONS, FORMATS, MEDIA_TYPES
from opis.model import Collection, Record
from opis.web.conditional import cache_headers, etag, last_modified, not_modified
from opis.web.library import MAX_LIMIT, MAX_OFFSET, BadRequest, Library
from opis.web.schemas import CollectionSummary, DocumentList, ErrorOut, SearchOut

router = APIRouter(prefix="/api", tags=["documents"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A bad parameter"},
    404: {"model": ErrorOut, "description": "No such document"},
}


def library(request: Request) -> Library:
    found: Library = request.app.state.library
    return found


def document_url(request: Request, record_id: str) -> str:
    return str(request.url_for("document_page", record_id=record_id))


def _attachment(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@router.get(
    "/documents",
    response_model=DocumentList,
    responses=_ERRORS,
    summary="List documents in id order, a page at a time",
)
def list_documents(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    collection: Annotated[str | None, Query(description="Only this collection id")] = None,
) -> JSONResponse:
    page = library(request).list_documents(limit=limit, cursor=cursor, collection=collection)
    next_url = None
    if page.next_cursor:
        next_url = str(request.url.include_query_params(cursor=page.next_cursor))
    body = DocumentList.model_validate(
        {"items": page.items, "next_cursor": page.next_cursor, "next": next_url}
    )
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return JSONResponse(body.model_dump(mode="json"), headers=headers)


@router.get(
    "/collections",
    response_model=list[CollectionSummary],
    tags=["collections"],
    summary="Every collection (volume, fond) with its document count",
)
def list_collections(request: Request) -> JSONResponse:
    rows = [
        CollectionSummary(id=c.id, title=c.title, kind=c.kind, documents=n).model_dump()
        for c, n in library(request).collections()
    ]
    return JSONResponse(rows)


@router.get(
    "/collections/{collection_id}",
    response_model=Collection,
    responses=_ERRORS,
    tags=["collections"],
    summary="One collection as stored",
)
def get_collection(request: Request, collection_id: str) -> JSONResponse:
    found = library(request).collection(collection_id)
    return JSONResponse(found.model_dump(mode="json"))


@router.get(
    "/documents/{record_id}",
    response_model=Record,
    responses={**_ERRORS, 304: {"description": "Not modified (If-None-Match matched)"}},
    summary="One record, as documented in docs/record.md",
)
def get_document(request: Request, record_id: str) -> Response:
    stored = library(request).document(record_id)
    tag, modified = etag(stored), last_modified(stored)
    headers = cache_headers(tag, modified)
    if not_modified(request, tag, modified):
        return Response(status_code=304, headers=headers)
    return JSONResponse(stored.record.to_json(), headers=headers)


@router.get(
    "/documents/{record_id}/source",
    responses={
        **_ERRORS,
        200: {"content": {"application/octet-stream": {}}, "description": "The raw bytes"},
    },
    response_class=Response,
    summary="The exact bytes the record was read from",
)
def get_source(request: Request, record_id: str) -> Response:
    lib = library(request)
    source = lib.source(lib.document(record_id).record)
    return Response(
        source.content,
        media_type=source.media_type,
        headers={"Content-Disposition": _attachment(source.filename)},
    )


@router.get(
    "/documents/{record_id}/citation",
    responses={
        **_ERRORS,
        200: {
            "content": {"text/plain": {}, **{t: {} for t in MEDIA_TYPES.values()}},
            "description": "The citation in the requested format",
        },
    },
    response_class=Response,
    summary="Cite the document",
)
def get_citation(
    request: Request,
    record_id: str,
    format: Annotated[str, Query(description="One of: " + ", ".join(FORMATS))] = "chicago-note",
) -> Response:
    lib = library(request)
    record = lib.document(record_id).record
    text = lib.citation(record, format, url=document_url(request, record_id))
    media_type = MEDIA_TYPES.get(format, "text/plain")
    headers = {}
    if format in FILE_EXTENSIONS:
        filename = f"{record_id}.{FILE_EXTENSIONS[format]}"
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(text, media_type=f"{media_type}; charset=utf-8", headers=headers)


@router.get(
    "/search",
    response_model=SearchOut,
    responses={**_ERRORS, 503: {"model": ErrorOut, "description": "Search is not available"}},
    tags=["search"],
    summary="Full-text search with facets",
)
def search_documents(
    request: Request,
    q: Annotated[str, Query(description="The opis query language")] = "",
    sort: Annotated[str, Query(description="relevance, date or -date")] = "relevance",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    facet: Annotated[list[str] | None, Query(description="Fields to count by")] = None,
    cursor: Annotated[
        str | None,
        Query(description="next_cursor of the previous page (instead of offset)"),
    ] = None,
) -> JSONResponse:
    if not q.strip():
        raise BadRequest("q is required")
    page = library(request).search_page(
        q, facets=facet or (), sort=sort, limit=limit, offset=offset, cursor=cursor
    )
    if page is None:
        return JSONResponse({"error": "search is not available"}, status_code=503)
    next_url = None
    if page.next_cursor:
        kept = [
            (k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", "offset")
        ]
        next_url = str(request.url.replace(query=urlencode([*kept, ("cursor", page.next_cursor)])))
    body = {**page.result.to_json(), "next_cursor": page.next_cursor, "next": next_url}
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    return JSONResponse(body, headers=headers)


# -- a whole result: export, timeline, network ------------------------------------

FILTER_NAMES = ("type", "decade", "collection", "archive", "lang")
"""Facet filters the search page passes on (each may repeat)."""

QueryText = Annotated[str, Query(description="The opis query language; empty means every document")]
FilterValues = Annotated[list[str] | None, Query()]


def facet_filters(
    type: FilterValues = None,
    decade: FilterValues = None,
    collection: FilterValues = None,
    archive: FilterValues = None,
    lang: FilterValues = None,
) -> dict[str, list[str]]:
    given = zip(FILTER_NAMES, (type, decade, collection, archive, lang), strict=True)
    return {name: values for name, values in given if values}


Filters = Annotated[dict[str, list[str]], Depends(facet_filters)]


class TimelineBinOut(BaseModel):
    key: str = Field(description="1947 or 1947-09: also a date: value of the query language")
    label: str
    count: int


class TimelineOut(BaseModel):
    total: int = Field(description="Documents the query matches")
    dated: int = Field(description="Of those, documents with a date")
    by: str
    bins: list[TimelineBinOut]


class CorrespondentOut(BaseModel):
    name: str
    sent: int
    received: int


class LettersOut(BaseModel):
    from_: str = Field(alias="from")
    to: str
    count: int


class NetworkOut(BaseModel):
    total: int = Field(description="Documents the query matches")
    people: list[CorrespondentOut] = Field(description="The top correspondents, most first")
    edges: list[LettersOut] = Field(description="Documents from one of them to another")


_SEARCH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _ERRORS[400],
    503: {"model": ErrorOut, "description": "Search is not available"},
}


@router.get(
    "/export",
    responses={
        **_SEARCH_ERRORS,
        200: {
            "content": {
                "application/x-ndjson": {},
                "text/csv": {},
                "text/plain": {},
                **{t: {} for t in MEDIA_TYPES.values()},
            },
            "description": "Every matching record, streamed",
        },
    },
    response_class=Response,
    tags=["export"],
    summary="Export every document a query matches (streamed, any size)",
    description=(
        "`jsonl`: one record JSON per line; `csv`: one row per document with the columns "
        + ", ".join(results.CSV_COLUMNS)
        + "; or the documents cited in one of: "
        + ", ".join(["chicago", *FORMATS])
        + " (`chicago` is the Chicago bibliography). Without `q` every document is exported."
    ),
)
def export_results(
    request: Request,
    filters: Filters,
    q: QueryText = "",
    format: Annotated[
        str, Query(description="One of: " + ", ".join(results.EXPORT_FORMATS))
    ] = "jsonl",
) -> Response:
    chunks = library(request).export(
        q, format, filters=filters, url_for=lambda record_id: document_url(request, record_id)
    )
    resolved = results.export_format(format)
    media_type = results.MEDIA_TYPES.get(resolved, "text/plain")
    extension = results.FILE_EXTENSIONS.get(resolved, "txt")
    headers = {"Content-Disposition": f'attachment; filename="opis-export.{extension}"'}
    return StreamingResponse(
        _in_blocks(chunks),
        media_type=f"{media_type}; charset=utf-8",
        headers=headers,
    )


def _in_blocks(chunks: Iterator[str], size: int = 1 << 16) -> Iterator[bytes]:
    """Chunks joined into blocks of about ``size`` bytes: one thread hop per block."""
    block: list[bytes] = []
    held = 0
    for chunk in chunks:
        data = chunk.encode("utf-8")
        block.append(data)
        held += len(data)
        if held >= size:
            yield b"".join(block)
            block, held = [], 0
    if block:
        yield b"".join(block)


@router.get(
    "/search/timeline",
    response_model=TimelineOut,
    responses=_SEARCH_ERRORS,
    tags=["search"],
    summary="How many matching documents per year or month",
)
def search_timeline(
    request: Request,
    filters: Filters,
    q: QueryText = "",
    by: Annotated[str, Query(description="year or month")] = "year",
) -> JSONResponse:
    found = library(request).timeline(q, filters=filters, by=by)
    if found is None:
        return JSONResponse({"error": "search is not available"}, status_code=503)
    return JSONResponse(found.to_json())


@router.get(
    "/search/network",
    response_model=NetworkOut,
    responses=_SEARCH_ERRORS,
    tags=["search"],
    summary="Who wrote to whom among the matching documents, and how often",
)
def search_network(
    request: Request,
    filters: Filters,
    q: QueryText = "",
    top: Annotated[
        int, Query(ge=1, le=overview.MAX_NETWORK_TOP, description="How many people")
    ] = overview.NETWORK_TOP,
) -> JSONResponse:
    found = library(request).network(q, filters=filters, top=top)
    if found is None:
        return JSONResponse({"error": "search is not available"}, status_code=503)
    return JSONResponse(found.to_json())
