"""Authorities, references and exchanges: the API endpoints and the pages.

Everything shown comes from ``opis.connections``; this module only maps URLs
to those views. Authority ids contain slashes (``person/eden-anthony``), hence
the ``:path`` converters.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from opis import connections
from opis.model import Authority, Record
from opis.web import view
from opis.web.api import library
from opis.web.library import NotFound
from opis.web.templating import templates

api = APIRouter(prefix="/api", tags=["connections"])
pages = APIRouter(include_in_schema=False)

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown id", "content": {"application/json": {}}}
}


def _authority(request: Request, authority_id: str) -> Authority:
    found = library(request).archive.links.get_authority(authority_id)
    if found is None:
        raise NotFound(f"no authority with id {authority_id!r}")
    return found


@api.get(
    "/authorities",
    summary="Find authority records by any name variant, in any script",
    response_description="Matching authorities (people, places, organisations)",
)
def find_authorities(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=200, description="A name or an id")],
) -> JSONResponse:
    found = connections.find_authority(library(request).archive.links, q)
    return JSONResponse({"items": [a.model_dump(mode="json") for a in found]})


@api.get(
    "/authorities/{authority_id:path}",
    summary="One authority record with its documents and correspondents",
    responses=NOT_FOUND,
)
def get_authority(
    request: Request,
    authority_id: str,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> JSONResponse:
    lib = library(request)
    view = connections.authority_view(
        lib.store, lib.archive.links, _authority(request, authority_id), limit=limit, offset=offset
    )
    return JSONResponse(view.__dict__)


@api.get(
    "/documents/{record_id}/entities",
    summary="The names a document holds, each with its authority record",
    responses=NOT_FOUND,
)
def get_entities(request: Request, record_id: str) -> JSONResponse:
    lib = library(request)
    record = lib.document(record_id).record
    names = connections.record_entities(lib.store, lib.archive.links, record)
    return JSONResponse({"record_id": record_id, "items": connections.as_json(names)})


@api.get(
    "/documents/{record_id}/references",
    summary="A document's references (resolved, or placeholders for documents not held) "
    "and the documents citing it",
    responses=NOT_FOUND,
)
def get_references(request: Request, record_id: str) -> JSONResponse:
    lib = library(request)
    record = lib.document(record_id).record
    view = connections.record_references(lib.store, lib.archive.links, record)
    return JSONResponse(connections.as_json(view))


@api.get(
    "/documents/{record_id}/thread",
    summary="The exchange a document belongs to, oldest first",
    responses=NOT_FOUND,
)
def get_thread(request: Request, record_id: str) -> JSONResponse:
    lib = library(request)
    lib.document(record_id)
    return JSONResponse({"record_id": record_id, "items": _thread_rows(request, record_id)})


@api.get(
    "/placeholders/{placeholder_id:path}",
    summary="A document the archive does not hold, with the documents that cite it",
    responses=NOT_FOUND,
)
def get_placeholder(request: Request, placeholder_id: str) -> JSONResponse:
    return JSONResponse(_placeholder(request, placeholder_id))


def _placeholder(request: Request, placeholder_id: str) -> dict[str, Any]:
    lib = library(request)
    placeholder = lib.archive.links.get_placeholder(placeholder_id)
    if placeholder is None:
        raise NotFound(f"no placeholder with id {placeholder_id!r}")
    citers = connections.citers(lib.store, lib.archive.links, placeholder_id)
    return {
        "placeholder": placeholder.model_dump(mode="json"),
        "cited_by": connections.as_json(citers),
    }


def _thread_rows(request: Request, record_id: str) -> list[dict[str, Any]]:
    lib = library(request)
    rows = []
    for rid in connections.record_thread(lib.store, lib.archive.links, record_id):
        stored = lib.store.get(rid)
        if stored is None:
            continue
        record = stored.record
        rows.append(
            {
                "id": rid,
                "title": record.title,
                "date": record.date,
                "type": record.type,
                "from": [p.name for p in record.sender],
                "to": [p.name for p in record.to],
            }
        )
    return rows


def related_documents(request: Request, record_id: str, k: int = 8) -> list[dict[str, Any]]:
    """More like this: the records nearest in meaning (empty until ``opis embed`` ran)."""
    from opis.semantic import MODEL_ID, VectorIndex

    lib = library(request)
    links = lib.archive.links
    mark = links.embedding_mark(MODEL_ID)
    cached = getattr(lib, "_vectors", None)
    if cached is None or cached[0] != mark:
        cached = (mark, VectorIndex.load(links) if mark[0] else None)
        lib._vectors = cached  # type: ignore[attr-defined]
    index = cached[1]
    if index is None or record_id not in index:
        return []
    related = []
    for other, score in index.similar(record_id, k):
        stored = lib.store.get(other)
        if stored is not None:
            record = stored.record
            related.append(
                {"id": other, "title": record.title, "date": record.date, "score": round(score, 4)}
            )
    return related


@api.get(
    "/documents/{record_id}/similar",
    summary="Documents nearest in meaning (more like this), from the stored embeddings",
    responses=NOT_FOUND,
)
def get_similar(
    request: Request, record_id: str, limit: Annotated[int, Query(ge=1, le=100)] = 10
) -> JSONResponse:
    library(request).document(record_id)
    return JSONResponse(
        {"record_id": record_id, "items": related_documents(request, record_id, limit)}
    )


# -- pages --------------------------------------------------------------------


@pages.get("/authorities/{authority_id:path}", name="authority_page")
def authority_page(request: Request, authority_id: str) -> Response:
    lib = library(request)
    authority = _authority(request, authority_id)
    view = connections.authority_view(lib.store, lib.archive.links, authority, limit=500)
    years: dict[str, int] = {}
    for doc in view.documents:
        if doc["date_start"]:
            years[doc["date_start"][:4]] = years.get(doc["date_start"][:4], 0) + 1
    return templates.TemplateResponse(
        request,
        "authority.html",
        {
            "authority": authority,
            "view": view,
            "names": _names_by_script(authority, view.observed_names),
            "years": sorted(years.items()),
            "max_year": max(years.values(), default=0),
        },
    )


def _names_by_script(
    authority: Authority, observed: list[tuple[str, int]]
) -> list[tuple[str, list[str]]]:
    """Every known form of the name, grouped Latin / Cyrillic / other."""
    forms = [authority.name, *(n.name for n in authority.names), *(t for t, _ in observed)]
    groups: dict[str, list[str]] = {"Latin": [], "Cyrillic": [], "Other": []}
    for form in dict.fromkeys(forms):
        if any("\u0400" <= ch <= "\u04ff" for ch in form):
            groups["Cyrillic"].append(form)
        elif form.isascii() or all(ord(ch) < 0x0250 for ch in form):
            groups["Latin"].append(form)
        else:
            groups["Other"].append(form)
    return [(script, names) for script, names in groups.items() if names]


@pages.get("/documents/{record_id}/thread", name="thread_page")
def thread_page(request: Request, record_id: str) -> Response:
    lib = library(request)
    record = lib.document(record_id).record
    return templates.TemplateResponse(
        request,
        "thread.html",
        {"record": record, "rows": _thread_rows(request, record_id)},
    )


@pages.get("/placeholders/{placeholder_id:path}", name="placeholder_page")
def placeholder_page(request: Request, placeholder_id: str) -> Response:
    data = _placeholder(request, placeholder_id)
    return templates.TemplateResponse(request, "placeholder.html", data)


def document_connections(request: Request, record: Record) -> dict[str, Any]:
    """Names and references for the document page (its template includes them)."""
    lib = library(request)
    links = lib.archive.links
    names = connections.record_entities(lib.store, links, record)
    linked: dict[str, dict[str, Any]] = {}
    for name in names:
        if name.authority_id and name.type in ("person", "place", "org"):
            entry = linked.setdefault(
                name.authority_id,
                {
                    "id": name.authority_id,
                    "name": name.authority_name,
                    "type": name.type,
                    "status": name.status,
                    "forms": [],
                },
            )
            if name.text not in entry["forms"]:
                entry["forms"].append(name.text)
    refs = connections.record_references(lib.store, links, record)
    return {
        "text_links": text_links(request, record, names, refs.outgoing),
        "linked_names": sorted(linked.values(), key=lambda e: (e["type"], e["name"] or "")),
        "references": refs.outgoing,
        "cited_by": refs.incoming,
        # In an exchange exactly when a reference resolves either way.
        "related": related_documents(request, record.id),
        "in_thread": bool(refs.incoming)
        or any("record_id" in t for ref in refs.outgoing for t in ref.targets),
    }


def text_links(
    request: Request,
    record: Record,
    names: list[connections.LinkedName],
    references: list[connections.ReferenceView],
) -> list[view.TextLink]:
    """The body's linked names and resolved references, as links in the running text.

    A name goes to its authority; a reference to the document it names, or to the
    "not held" page of its placeholder; a reference naming several documents
    ("telegrams Nos. 663 and 669") to its entry under "Documents referred to".
    """
    found: list[view.TextLink] = []
    body = record.body
    hrefs: dict[str, str] = {}  # a long report names the same people hundreds of times
    for name in names:
        if name.field != "mentions" or not name.authority_id or name.position is None:
            continue
        end = name.end if name.end is not None else name.position + len(name.text)
        if body[name.position : end] != name.text:
            continue  # a mention from the markup whose offsets are not the body's
        title = name.authority_name or name.authority_id
        if name.status == "candidate":
            title += " (candidate authority)"
        href = hrefs.get(name.authority_id)
        if href is None:
            href = str(request.url_for("authority_page", authority_id=name.authority_id))
            hrefs[name.authority_id] = href
        found.append(view.TextLink(name.position, end, href, title, f"name-{name.type}"))
    for index, reference in enumerate(references):
        start = reference.position
        if start is None or not reference.targets:
            continue
        end = start + len(reference.text)
        if body[start:end] != reference.text:
            continue
        if len(reference.targets) > 1:
            href, title, css = f"#ref-{index}", f"{len(reference.targets)} documents", "ref"
        else:
            [target] = reference.targets
            if target.get("record_id"):
                href = str(request.url_for("document_page", record_id=target["record_id"]))
                title, css = target.get("title") or target["record_id"], "ref"
            else:
                href = str(
                    request.url_for("placeholder_page", placeholder_id=target["placeholder_id"])
                )
                title, css = f"{target.get('label')} (not held)", "ref-gap"
        found.append(view.TextLink(start, end, href, title, css))
    return found
