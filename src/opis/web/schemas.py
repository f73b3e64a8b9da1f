"""Response shapes of the REST API, for validation-free serialisation and OpenAPI."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    error: str = Field(description="What was wrong with the request, in words.")


class DocumentSummary(BaseModel):
    id: str
    title: str
    type: str | None = None
    date_start: str | None = None
    collection: str | None = None
    metadata_only: bool = False


class CollectionSummary(BaseModel):
    id: str
    title: str
    kind: str
    documents: int


class DocumentList(BaseModel):
    items: list[DocumentSummary]
    next_cursor: str | None = Field(
        default=None, description="Pass as ``cursor`` for the next page; null on the last page."
    )
    next: str | None = Field(default=None, description="URL of the next page.")


class SearchHitOut(BaseModel):
    id: str
    title: str
    date: str | None = None
    type: str | None = None
    score: float | None = None
    snippet: str = Field(description="HTML: the matching passage, escaped, matches in <b>.")


class FacetValueOut(BaseModel):
    value: str
    count: int


class SearchOut(BaseModel):
    total: int
    hits: list[SearchHitOut]
    facets: dict[str, list[FacetValueOut]]
    next_cursor: str | None = Field(
        default=None,
        description="Pass as ``cursor`` (with the same q and sort) for the next page; "
        "null on the last page. Stays valid while the archive changes.",
    )
    next: str | None = Field(default=None, description="URL of the next page.")
