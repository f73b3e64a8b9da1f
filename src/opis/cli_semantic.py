"""``opis embed``, ``opis similar`` and ``opis semantic-search`` (wired in by ``cli.register``).

opis embed                                  # embed records whose version changed
opis similar frus1951v07p2-d100 -n 5        # more like this
opis similar --text "Soviet troops withdrawal from Korea"   # semantic search by meaning
opis semantic-search 'korea "joint commission"' --json       # full-text + semantic fused
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from opis.archive import Archive
from opis.cli_support import HomeOption, err, open_or_exit, out, progress_bar, write_json

if TYPE_CHECKING:
    from opis.semantic.hybrid import HybridResult
    from opis.semantic.vectors import VectorIndex

JsonOption = Annotated[bool, typer.Option("--json", help="The result as JSON.")]
CountOption = Annotated[int, typer.Option("-n", "--limit", min=1, max=1000, help="How many.")]


_open = open_or_exit


_write_json = write_json


def embed_command(
    home: HomeOption = None,
    batch: Annotated[int, typer.Option(min=1, help="Records per transaction.")] = 256,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Embed records whose version has no embedding yet (for similar and semantic search)."""
    from opis.semantic.vectors import embed_sync

    archive = _open(home)
    progress = progress_bar("embedding", quiet=quiet, remaining=True)
    task = progress.add_task("embed", total=None)
    try:
        with progress:
            report = embed_sync(
                archive.store,
                archive.links,
                batch=batch,
                on_start=lambda total: progress.update(task, total=total),
                on_batch=lambda done: progress.advance(task, done),
            )
    finally:
        archive.close()
    for record_id, message in report.failed:
        err.print(f"FAILED {record_id}: {message}", markup=False)
    out.print(
        f"{report.embedded} records embedded in {report.seconds:.1f} s "
        f"({report.docs_per_second:.1f} docs/s; model loaded in {report.load_seconds:.1f} s); "
        f"{report.skipped} with too little English "
        f"text to embed; {report.deleted} embeddings of removed records dropped; "
        f"{len(report.failed)} failed",
        markup=False,
    )
    if report.failed:
        raise typer.Exit(1)


def _load_index(archive: Archive) -> VectorIndex:
    from opis.semantic.embedder import MODEL_ID
    from opis.semantic.vectors import VectorIndex

    index = VectorIndex.load(archive.links)
    if not len(index):
        err.print("error: no embeddings yet: run `opis embed` first", markup=False)
        raise typer.Exit(1)
    current = archive.store.versions()
    embedded = archive.links.embedding_versions(MODEL_ID)
    behind = sum(1 for i, v in current.items() if embedded.get(i) != v)
    if behind:
        err.print(f"note: {behind} records changed since the last `opis embed`", markup=False)
    return index


def similar_command(
    record_id: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(metavar="ID", help="The record to find others like."),
    ] = None,
    text: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--text", help="Free English text to search by meaning instead of an ID."),
    ] = None,
    home: HomeOption = None,
    limit: CountOption = 10,
    as_json: JsonOption = False,
) -> None:
    """Documents nearest in meaning to a record (more like this) or to --text."""
    if (record_id is None) == (text is None):
        err.print("error: give a record ID or --text, not both", markup=False)
        raise typer.Exit(2)
    archive = _open(home)
    try:
        if record_id is not None and archive.store.get(record_id) is None:
            err.print(f"error: no record {record_id!r}", markup=False)
            raise typer.Exit(1)
        index = _load_index(archive)
        if record_id is not None:
            if record_id not in index:
                err.print(
                    f"error: {record_id} has no embedding (too little English text, "
                    "or not embedded yet: run `opis embed`)",
                    markup=False,
                )
                raise typer.Exit(1)
            found = index.similar(record_id, limit)
        else:
            if not (text or "").strip():
                err.print("error: --text is empty", markup=False)
                raise typer.Exit(2)
            found = index.query(text or "", limit)
        rows = []
        for doc_id, score in found:
            stored = archive.store.get(doc_id)
            record = stored.record if stored is not None else None
            rows.append(
                {
                    "id": doc_id,
                    "score": round(score, 4),
                    "title": record.title if record else None,
                    "date": record.date if record else None,
                    "type": record.type if record else None,
                    "collection": record.collection if record else None,
                }
            )
    finally:
        archive.close()
    if as_json:
        _write_json({"id": record_id, "text": text, "similar": rows})
        return
    for row in rows:
        out.print(
            f"{row['score']:.3f}  {row['id']}  {row['date'] or '-'}  {row['title'] or ''}",
            markup=False,
        )


def semantic_search_command(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="As for `opis search`.")],
    home: HomeOption = None,
    filter_: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--filter", help="Keep hits whose FIELD has VALUE: FIELD=VALUE (repeatable)."),
    ] = None,
    limit: CountOption = 10,
    depth: Annotated[int, typer.Option(min=1, max=1000, help="How deep each ranking goes.")] = 100,
    as_json: JsonOption = False,
) -> None:
    """Hybrid search: the full-text ranking and the semantic ranking fused (RRF)."""
    from opis.search import QuerySyntaxError, SearchError
    from opis.semantic.hybrid import describe, hybrid_search

    filters: dict[str, list[str]] = {}
    for item in filter_ or []:
        field, sep, value = item.partition("=")
        if not sep or not field or not value:
            err.print(f"error: --filter takes FIELD=VALUE, got {item!r}", markup=False)
            raise typer.Exit(2)
        filters.setdefault(field, []).append(value)
    archive = _open(home)
    backend = archive.search_index()
    try:
        index = _load_index(archive)
        result = hybrid_search(backend, index, query, filters=filters, limit=limit, depth=depth)
        result = describe(result, lambda i: _record(archive, i))
    except (QuerySyntaxError, SearchError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from exc
    finally:
        backend.close()
        archive.close()
    if as_json:
        _write_json(result.to_json())
        return
    _print_hybrid(result)


def _record(archive: Archive, record_id: str) -> Any:
    stored = archive.store.get(record_id)
    return stored.record if stored is not None else None


def _print_hybrid(result: HybridResult) -> None:
    import html

    how = (
        "semantic side re-ranks the full-text matches"
        if result.restricted
        else "semantic side ranks every document"
    )
    if not result.semantic_text:
        how = "full text only (nothing in the query to embed)"
    out.print(f"{result.text_total} full-text matches; {how}", markup=False)
    for fused in result.hits:
        ranks = f"text #{fused.text_rank or '-'}, semantic #{fused.vector_rank or '-'}"
        hit = fused.hit
        out.print(f"\n{fused.id}  {(hit.date if hit else None) or '-'}  ({ranks})", markup=False)
        if hit is not None:
            out.print(f"  {hit.title}", markup=False)
            snippet = html.unescape(hit.snippet.replace("<b>", "").replace("</b>", ""))
            if snippet:
                out.print(f"  {snippet}", markup=False)


def register(app: typer.Typer) -> None:
    """Add ``embed``, ``similar`` and ``semantic-search`` to the ``opis`` command."""
    app.command("embed")(embed_command)
    app.command("similar")(similar_command)
    app.command("semantic-search")(semantic_search_command)
