"""IIIF for scans: Image API 3.0 (level 1 and more) per page, Presentation 3.0 manifest.

Identifiers: the image service of page N of record ID is ``/iiif/{ID}/p{N}``
(the prefix is ``/iiif/{ID}``, the image identifier ``p{N}``, N from 1):

* ``/iiif/{ID}/p{N}`` redirects (303) to ``/iiif/{ID}/p{N}/info.json``;
* ``/iiif/{ID}/p{N}/{region}/{size}/{rotation}/{quality}.{format}`` is the image;
* ``/iiif/{ID}/manifest`` is the document's manifest, one Canvas per page
  (``/iiif/{ID}/canvas/p{N}``, in the page image's pixels);
* ``/iiif/{ID}/annotations/p{N}`` is the page's OCR text as an AnnotationPage, one
  ``supplementing`` annotation per word targeting its box on the Canvas (linked from
  the Canvas's ``annotations``);
* ``/iiif/{ID}/p{N}/hits?q=QUERY`` gives the OCR word boxes the query hits on the
  page (and the words read with low confidence), in the image's full-size pixels;
  ``/iiif/{ID}/hits?q=QUERY`` counts hits per page.

Only records with page images (PDF and image sources) have these; any other id,
or a page past the last, is 404. Bad parameters are 400. Every response carries
``Access-Control-Allow-Origin: *`` so viewers on other sites can use them.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from opis.model import Record
from opis.readers.base import ReadError
from opis.web import iiif_image, ocr_hits
from opis.web.api import library
from opis.web.library import NotFound
from opis.web.page_images import PageImageError, PageImages, PageSize, has_page_images

router = APIRouter(prefix="/iiif", include_in_schema=False)

IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
IMAGE_PROFILE = "http://iiif.io/api/image/3/level1.json"
IMAGE_MEDIA_TYPE = f'application/ld+json;profile="{IMAGE_CONTEXT}"'
PRESENTATION_MEDIA_TYPE = f'application/ld+json;profile="{PRESENTATION_CONTEXT}"'
TILE_SIZE = 512
MIN_SIZE = 100
CORS = {"Access-Control-Allow-Origin": "*"}
IMAGE_CACHE = "public, max-age=3600"
EXTRA_FEATURES = [
    "regionByPct",
    "sizeByPct",
    "sizeByConfinedWh",
    "sizeUpscaling",
    "rotationBy90s",
    "rotationArbitrary",
    "mirroring",
    "profileLinkHeader",
    "baseUriRedirect",
    "cors",
    "jsonldMediaType",
]

_pages_lock = threading.Lock()


class IiifError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _error(exc: IiifError) -> Response:
    return JSONResponse({"error": exc.message}, status_code=exc.status, headers=CORS)


def page_images(request: Request) -> PageImages:
    """One page cache per app, under the archive's home (made on first use)."""
    state = request.app.state
    with _pages_lock:
        found: PageImages | None = getattr(state, "page_images", None)
        if found is None:
            found = PageImages(library(request).archive.home / "cache" / "pages")
            state.page_images = found
    return found


def _record(request: Request, record_id: str) -> Record:
    try:
        record = library(request).document(record_id).record
    except NotFound as exc:
        raise IiifError(404, str(exc)) from exc
    if not has_page_images(record):
        raise IiifError(404, f"{record_id!r} has no page images")
    return record


def _source(request: Request, record: Record) -> bytes:
    source = library(request).store.get_source(record.source.sha256)
    if source is None:
        raise IiifError(404, f"the source of {record.id!r} is not stored")
    return source


def _sizes(request: Request, record: Record, source: bytes) -> list[PageSize]:
    try:
        return page_images(request).sizes(record, source)
    except (ReadError, ValueError) as exc:
        raise IiifError(500, f"cannot read the pages of {record.id!r}: {exc}") from exc


def _page_size(request: Request, record: Record, source: bytes, page: int) -> PageSize:
    sizes = _sizes(request, record, source)
    if not 1 <= page <= len(sizes):
        raise IiifError(404, f"{record.id!r} has no page {page} (pages 1-{len(sizes)})")
    return sizes[page - 1]


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/iiif"


def service_id(request: Request, record_id: str, page: int) -> str:
    return f"{_base(request)}/{quote(record_id, safe='')}/p{page}"


@router.get("/{record_id}/manifest", name="iiif_manifest")
def manifest(request: Request, record_id: str) -> Response:
    try:
        record = _record(request, record_id)
        source = _source(request, record)
        sizes = _sizes(request, record, source)
    except IiifError as exc:
        return _error(exc)
    body = build_manifest(request, record, sizes)
    return JSONResponse(body, media_type=PRESENTATION_MEDIA_TYPE, headers=CORS)


@router.get("/{record_id}/p{page:int}")
def image_base(record_id: str, page: int, request: Request) -> Response:
    target = service_id(request, record_id, page) + "/info.json"
    return RedirectResponse(target, status_code=303, headers=CORS)


@router.get("/{record_id}/p{page:int}/info.json", name="iiif_info")
def info(request: Request, record_id: str, page: int) -> Response:
    try:
        record = _record(request, record_id)
        size = _page_size(request, record, _source(request, record), page)
    except IiifError as exc:
        return _error(exc)
    body = image_info(service_id(request, record_id, page), size)
    headers = {**CORS, "Link": f'<{IMAGE_PROFILE}>;rel="profile"'}
    return JSONResponse(body, media_type=IMAGE_MEDIA_TYPE, headers=headers)


@router.get("/{record_id}/p{page:int}/hits", name="iiif_page_hits")
def page_hits(
    request: Request, record_id: str, page: int, q: Annotated[str, Query()] = ""
) -> Response:
    try:
        record = _record(request, record_id)
        size = _page_size(request, record, _source(request, record), page)
        query = _query(q)
    except IiifError as exc:
        return _error(exc)
    words = ocr_hits.page_words(record, page, _scale(record, page, size))
    body = {
        "page": page,
        "width": size.width,
        "height": size.height,
        "query": q,
        "hits": [w.to_json() for w in ocr_hits.hits(words, query)],
        "uncertain": [w.to_json() for w in ocr_hits.uncertain(words)],
        "words": len(words),
        "shown": (ocr_hits.ocr_page(record, page) or {}).get("shown"),
    }
    return JSONResponse(body, headers=CORS)


@router.get("/{record_id}/hits", name="iiif_hits")
def document_hits(request: Request, record_id: str, q: Annotated[str, Query()] = "") -> Response:
    try:
        record = _record(request, record_id)
        query = _query(q)
    except IiifError as exc:
        return _error(exc)
    pages = []
    for page in record.pages:
        count = len(ocr_hits.hits(ocr_hits.page_words(record, page.number), query))
        pages.append({"page": page.number, "hits": count})
    first = next((p["page"] for p in pages if p["hits"]), None)
    return JSONResponse({"query": q, "pages": pages, "first": first}, headers=CORS)


@router.get("/{record_id}/annotations/p{page:int}", name="iiif_text_annotations")
def text_annotations(request: Request, record_id: str, page: int) -> Response:
    """The OCR words of a page as supplementing annotations on its Canvas (text on the page)."""
    try:
        record = _record(request, record_id)
        size = _page_size(request, record, _source(request, record), page)
    except IiifError as exc:
        return _error(exc)
    base = f"{_base(request)}/{quote(record.id, safe='')}"
    canvas = f"{base}/canvas/p{page}"
    words = ocr_hits.page_words(record, page, _scale(record, page, size))
    language = _ocr_language(record, page)
    items = [
        {
            "id": f"{base}/annotations/p{page}/w{index}",
            "type": "Annotation",
            "motivation": "supplementing",
            "body": {
                "type": "TextualBody",
                "value": word.text,
                "format": "text/plain",
                **({"language": language} if language else {}),
            },
            "target": f"{canvas}#xywh={word.x},{word.y},{word.w},{word.h}",
        }
        for index, word in enumerate(words, start=1)
    ]
    body = {
        "@context": PRESENTATION_CONTEXT,
        "id": f"{base}/annotations/p{page}",
        "type": "AnnotationPage",
        "items": items,
    }
    return JSONResponse(body, media_type=PRESENTATION_MEDIA_TYPE, headers=CORS)


def _ocr_language(record: Record, page: int) -> str | None:
    chosen = (ocr_hits.ocr_page(record, page) or {}).get("language")
    return {"eng": "en", "rus": "ru"}.get(str(chosen))


@router.get("/{record_id}/p{page:int}/{region}/{size}/{rotation}/{quality}.{fmt}")
def image(
    request: Request,
    record_id: str,
    page: int,
    region: str,
    size: str,
    rotation: str,
    quality: str,
    fmt: str,
) -> Response:
    try:
        record = _record(request, record_id)
        source = _source(request, record)
        page_size = _page_size(request, record, source, page)
        try:
            wanted = iiif_image.parse_request(
                region, size, rotation, quality, fmt, page_size.width, page_size.height
            )
        except iiif_image.IiifParameterError as exc:
            raise IiifError(400, str(exc)) from exc
        try:
            picture = page_images(request).page(record, page, source)
        except (PageImageError, ReadError, OSError, ValueError) as exc:
            raise IiifError(500, f"cannot make the image of page {page}: {exc}") from exc
    except IiifError as exc:
        return _error(exc)
    content = iiif_image.render(picture, wanted)
    headers = {
        **CORS,
        "Link": f'<{IMAGE_PROFILE}>;rel="profile"',
        "Cache-Control": IMAGE_CACHE,
    }
    return Response(content, media_type=wanted.media_type, headers=headers)


def _query(q: str) -> ocr_hits.QueryWords:
    from opis.search.query import QuerySyntaxError

    try:
        return ocr_hits.query_words(q) if q.strip() else ocr_hits.QueryWords((), (), (), ())
    except QuerySyntaxError as exc:
        raise IiifError(400, str(exc)) from exc


def _scale(record: Record, page: int, size: PageSize) -> float:
    """OCR boxes were read at the OCR's dpi; the served image may have another."""
    details = ocr_hits.ocr_page(record, page) or {}
    ocr_dpi = float(details.get("dpi") or size.dpi)
    return size.dpi / ocr_dpi if ocr_dpi else 1.0


def image_info(service: str, size: PageSize) -> dict[str, Any]:
    """The Image API 3.0 ``info.json`` of one page."""
    sizes = []
    factor = 1
    while True:
        width, height = -(-size.width // factor), -(-size.height // factor)
        if factor > 1:
            sizes.append({"width": width, "height": height})
        if max(width, height) <= MIN_SIZE * 4 or factor >= 32:
            break
        factor *= 2
    scale_factors = [1]
    while max(size.width, size.height) / scale_factors[-1] > TILE_SIZE:
        scale_factors.append(scale_factors[-1] * 2)
    return {
        "@context": IMAGE_CONTEXT,
        "id": service,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level1",
        "width": size.width,
        "height": size.height,
        "maxWidth": iiif_image.MAX_WIDTH,
        "maxHeight": iiif_image.MAX_HEIGHT,
        "maxArea": iiif_image.MAX_AREA,
        "sizes": sorted(sizes, key=lambda s: s["width"]),
        "tiles": [{"width": TILE_SIZE, "height": TILE_SIZE, "scaleFactors": scale_factors}],
        "extraQualities": ["color", "gray", "bitonal"],
        "extraFormats": ["png"],
        "extraFeatures": EXTRA_FEATURES,
    }


def _text(value: str, language: str = "none") -> dict[str, list[str]]:
    return {language: [value]}


def build_manifest(request: Request, record: Record, sizes: list[PageSize]) -> dict[str, Any]:
    """The Presentation 3.0 manifest of a scanned record: a Canvas per page."""
    base = f"{_base(request)}/{quote(record.id, safe='')}"
    document = str(request.url_for("document_page", record_id=record.id))
    metadata = [
        {"label": _text(label, "en"), "value": _text(value)}
        for label, value in (
            ("Identifier", record.id),
            ("Date", record.date),
            ("Type", record.type),
            ("Classification", record.classification),
            ("Collection", record.collection),
            ("Languages", ", ".join(record.languages)),
            ("Source file", record.source.filename),
            ("Text", _text_note(record)),
        )
        if value
    ]
    statement = record.attribution or record.rights or f"Source file: {record.source.filename}"
    manifest: dict[str, Any] = {
        "@context": PRESENTATION_CONTEXT,
        "id": f"{base}/manifest",
        "type": "Manifest",
        "label": _text(record.title),
        "metadata": metadata,
        "requiredStatement": {
            "label": _text("Attribution" if record.attribution else "Rights", "en"),
            "value": _text(statement),
        },
        "homepage": [
            {
                "id": document,
                "type": "Text",
                "label": _text(record.title),
                "format": "text/html",
            }
        ],
        "seeAlso": [
            {
                "id": str(request.url_for("get_document", record_id=record.id)),
                "type": "Dataset",
                "label": _text("The opis record (JSON)", "en"),
                "format": "application/json",
            }
        ],
        "rendering": [
            {
                "id": str(request.url_for("get_source", record_id=record.id)),
                "type": "Text" if record.source.format == "pdf" else "Image",
                "label": _text(f"Source file: {record.source.filename}", "en"),
                "format": record.source.media_type or "application/pdf",
            }
        ],
        "items": [
            _canvas(base, number, size, ocr_hits.ocr_page(record, number))
            for number, size in enumerate(sizes, start=1)
        ],
    }
    if record.summary:
        manifest["summary"] = _text(record.summary)
    if record.rights and record.rights.startswith(
        ("http://creativecommons.org/", "https://creativecommons.org/", "http://rightsstatements")
    ):
        manifest["rights"] = record.rights
    return manifest


def _canvas(base: str, number: int, size: PageSize, ocr: dict[str, Any] | None) -> dict[str, Any]:
    canvas = f"{base}/canvas/p{number}"
    service = f"{base}/p{number}"
    found: dict[str, Any] = {
        "id": canvas,
        "type": "Canvas",
        "label": _text(f"p. {number}", "en"),
        "width": size.width,
        "height": size.height,
        "items": [
            {
                "id": f"{base}/page/p{number}/1",
                "type": "AnnotationPage",
                "items": [
                    {
                        "id": f"{base}/annotation/p{number}-image",
                        "type": "Annotation",
                        "motivation": "painting",
                        "body": {
                            "id": f"{service}/full/max/0/default.jpg",
                            "type": "Image",
                            "format": "image/jpeg",
                            "width": size.width,
                            "height": size.height,
                            "service": [
                                {"id": service, "type": "ImageService3", "profile": "level1"}
                            ],
                        },
                        "target": canvas,
                    }
                ],
            }
        ],
    }
    if ocr and ocr.get("words"):
        # The OCR text, word by word on the page, for viewers that show or search it.
        found["annotations"] = [{"id": f"{base}/annotations/p{number}", "type": "AnnotationPage"}]
    return found


def _text_note(record: Record) -> str | None:
    ocr = record.extra.get("ocr")
    if not isinstance(ocr, dict):
        return "needs OCR" if record.needs_ocr else None
    shown = [p.get("shown") for p in ocr.get("pages", []) if isinstance(p, dict)]
    ocred = sum(1 for s in shown if s == "ocr")
    engine = ocr.get("engine_version") or ocr.get("engine")
    return f"OCR ({engine}) on {ocred} of {len(shown)} pages"
