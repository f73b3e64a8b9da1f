"""The ``opis`` command: a thin layer over the library (Typer + Rich)."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from opis.archive import Archive
from opis.cli_support import HomeOption, err, open_or_exit, out, progress_bar
from opis.ingest import DEFAULT_MAX_BYTES, FileRead, discover, ingest
from opis.model import Record

if TYPE_CHECKING:
    from collections.abc import Sequence

    from opis.search import SyncReport

app = typer.Typer(
    help="opis: an open archive for historical primary sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


_open = open_or_exit


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders (recursive).")],
    home: HomeOption = None,
    fmt: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--format", help="Force a reader instead of detecting the format."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Re-read files that did not change.")] = False,
    max_size: Annotated[int, typer.Option(help="Largest file to read, in MiB.")] = DEFAULT_MAX_BYTES
    // 2**20,
    workers: Annotated[int, typer.Option(help="Processes that parse files.")] = 2,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    index: Annotated[bool, typer.Option(help="Bring the search index up to date after.")] = True,
    link: Annotated[
        bool, typer.Option(help="Build authorities and link names and references after.")
    ] = True,
    ocr: Annotated[
        bool, typer.Option("--ocr", help="Then OCR the scans left waiting (as opis ocr does).")
    ] = False,
    embed: Annotated[
        bool,
        typer.Option("--embed", help="Then embed new and changed records (as opis embed does)."),
    ] = False,
) -> None:
    """Read documents into the archive: a summary, and one line per failed file."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        err.print(f"[red]error:[/] no such file or folder: {missing[0]}")
        raise typer.Exit(2)
    if fmt is not None:
        from opis.readers.registry import formats

        if fmt not in formats():
            err.print(f"[red]error:[/] unknown format {fmt!r}; known: {', '.join(formats())}")
            raise typer.Exit(2)
    archive = _open(home)
    total = sum(1 for _ in discover(paths))
    progress = progress_bar("ingesting", quiet=quiet)

    def on_file(result: FileRead | None, path: str) -> None:
        progress.advance(task)
        if result is not None and result.error is not None:
            err.print(f"FAILED {path}: {result.error}", markup=False)

    with progress:
        task = progress.add_task("ingest", total=total)
        report = ingest(
            archive.store,
            paths,
            fmt=fmt,
            force=force,
            max_bytes=max_size * 2**20,
            workers=workers,
            on_file=on_file,
        )
    ocr_report = None
    if ocr:
        from opis.cli_scans import ocr_after_ingest

        ocr_report = ocr_after_ingest(archive, workers, quiet)
    relinked: list[str] = []
    if link:
        from opis.linking import after_ingest

        after = after_ingest(
            archive.store, archive.links, paths, collections_changed=report.collections > 0
        )
        relinked = after.link.relinked
    if index:
        synced = _sync_index(archive, relinked)
    embedded = None
    if embed:
        from opis.semantic import embed_sync

        embedded = embed_sync(archive.store, archive.links)
    archive.close()
    out.print(
        f"{report.files} files: {report.created} records ingested, {report.updated} updated, "
        f"{report.unchanged} unchanged; {report.completed} catalogue entries completed by "
        f"their full text, {report.covered} catalogue entries already held in full; "
        f"{report.collections} collection writes; {len(report.skipped)} files skipped, "
        f"{len(report.failed)} failed"
    )
    if link:
        if after.authorities is not None:
            out.print(f"authorities: {after.authorities} built from reference sources")
        links = after.link
        out.print(
            f"links: {links.linked} records linked, {links.entity_links} names, "
            f"{links.references} references ({links.resolved} to held records, "
            f"{len(links.placeholders)} placeholders), {links.candidates} candidate authorities"
        )
    if index:
        out.print(f"search index: {synced.indexed} records indexed, {synced.deleted} removed")
    if embedded is not None:
        out.print(
            f"embeddings: {embedded.embedded} records embedded "
            f"({embedded.docs_per_second:.0f}/s), {embedded.skipped} without enough English text"
        )
    if report.by_format:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(report.by_format.items()))
        out.print(f"records by format: {parts}")
    if report.skipped:
        reasons: dict[str, int] = {}
        for _, reason in report.skipped:
            reasons[reason] = reasons.get(reason, 0) + 1
        out.print("skipped: " + "; ".join(f"{n} {r}" for r, n in sorted(reasons.items())))
    if report.failed or (ocr_report is not None and ocr_report.failures):
        raise typer.Exit(1)


def _sync_index(archive: Archive, relinked: Sequence[str] = ()) -> SyncReport:
    """Index new record versions, and again the records whose links changed."""
    from opis.search import SyncReport, sync, update
    from opis.search.linked_names import LinkedNames

    backend = archive.open_index()
    decorate = LinkedNames(archive.links)
    try:
        before = backend.indexed_versions()
        current = archive.store.versions()
        report = sync(archive.store, backend, decorate=decorate)
        # sync re-indexed every changed version; these kept theirs but got new links.
        again = [i for i in relinked if i in current and before.get(i) == current[i]]
        if again:
            extra = update(archive.store, backend, again, decorate)
            report = SyncReport(report.indexed + extra.indexed, report.deleted)
        return report
    finally:
        backend.close()


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="See src/opis/search/README.md.")],
    home: HomeOption = None,
    facet: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--facet", help="Count values of a field over all hits (repeatable)."),
    ] = None,
    filter_: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--filter", help="Keep hits whose FIELD has VALUE: FIELD=VALUE (repeatable)."),
    ] = None,
    sort: Annotated[str, typer.Option(help="relevance, date or -date.")] = "relevance",
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 10,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="The result as JSON.")] = False,
) -> None:
    """Full-text search with fields, dates, phrases, fuzzy and cross-script names."""
    from opis.search import QuerySyntaxError, SearchError, search

    filters: dict[str, list[str]] = {}
    for item in filter_ or []:
        field, sep, value = item.partition("=")
        if not sep or not field or not value:
            err.print(f"[red]error:[/] --filter takes FIELD=VALUE, got {item!r}")
            raise typer.Exit(2)
        filters.setdefault(field, []).append(value)
    archive = _open(home)
    backend = archive.search_index()
    try:
        result = search(
            backend,
            query,
            facets=facet or [],
            filters=filters,
            sort=sort,
            limit=limit,
            offset=offset,
        )
    except (QuerySyntaxError, SearchError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from exc
    finally:
        backend.close()
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    shown = f"{offset + 1}-{offset + len(result.hits)}" if result.hits else "0"
    out.print(f"{result.total} documents match; showing {shown}", markup=False)
    for hit in result.hits:
        out.print(f"\n{hit.id}  {hit.date or '-'}  {hit.type or '-'}", markup=False)
        out.print(f"  {hit.title}", markup=False)
        if hit.snippet:
            snippet = hit.snippet.replace("<b>", "[bold]").replace("</b>", "[/bold]")
            out.print("  " + _unescape_snippet(snippet))
    for field, values in result.facets.items():
        counts = ", ".join(f"{v.value} ({v.count})" for v in values[:10])
        out.print(f"\n{field}: {counts}", markup=False)


def _unescape_snippet(snippet: str) -> str:
    """Snippets are HTML-escaped for the web; the terminal wants Rich markup instead."""
    import html

    from rich.markup import escape

    parts = re.split(r"(\[/?bold\])", snippet)
    return "".join(p if p in ("[bold]", "[/bold]") else escape(html.unescape(p)) for p in parts)


@app.command("reindex")
def reindex_command(home: HomeOption = None) -> None:
    """Rebuild the search index from the store."""
    from opis.search import reindex
    from opis.search.linked_names import LinkedNames

    archive = _open(home)
    backend = archive.open_index()
    try:
        report = reindex(archive.store, backend, decorate=LinkedNames(archive.links))
    finally:
        backend.close()
    out.print(f"search index rebuilt: {report.indexed} records indexed")


@app.command("show")
def show_command(
    record_id: Annotated[str, typer.Argument(metavar="ID")],
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="The record JSON.")] = False,
    history: Annotated[bool, typer.Option(help="List the record's versions.")] = False,
) -> None:
    """One record, readable or as JSON."""
    archive = _open(home)
    stored = archive.store.get(record_id)
    if stored is None:
        err.print(f"[red]error:[/] no record {record_id!r}")
        raise typer.Exit(1)
    if as_json:
        sys.stdout.write(json.dumps(stored.record.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_record(stored.record, stored.version)
    if history:
        for version in archive.store.history(record_id):
            sha = version.record.source.sha256[:12]
            out.print(f"version {version.version}  {version.stored_at}  {sha}")


def _print_record(record: Record, version: int) -> None:
    out.print(f"[bold]{record.title}[/]", markup=True)
    rows: list[tuple[str, Any]] = [
        ("id", f"{record.id} (version {version})"),
        ("type", record.type),
        ("number", record.number),
        ("date", record.date),
        ("from", ", ".join(p.name for p in record.sender)),
        ("to", ", ".join(p.name for p in record.to)),
        ("places", ", ".join(p.name for p in record.places)),
        ("classification", record.classification),
        ("citation", record.citation.text if record.citation else None),
        ("collection", record.collection),
        ("contributors", ", ".join(f"{c.name} ({c.role})" for c in record.contributors)),
        (
            "source",
            f"{record.source.filename} [{record.source.format}] {record.source.sha256[:12]}",
        ),
    ]
    for label, value in rows:
        if value:
            out.print(f"{label:>14}: {value}", markup=False)
    for event in record.transmission:
        details = ", ".join(
            str(v) for v in (event.place, event.date, event.purpose, event.agent) if v
        )
        copies = f", {event.copies} copies" if event.copies else ""
        out.print(f"{'transmission':>14}: {event.event} {details}{copies}", markup=False)
    for note in record.annotations:
        out.print(f"{'annotation':>14}: [{note.kind}] {note.text}", markup=False)
    if record.summary:
        out.print(f"\n[italic]{record.summary}[/]")
    out.print("\n" + record.body, markup=False)
    if record.attribution or record.rights:
        out.print(f"\n{record.attribution or record.rights}", markup=False)


@app.command("list")
def list_command(
    home: HomeOption = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    collection: Annotated[Optional[str], typer.Option()] = None,  # noqa: UP045
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Records in id order: id, date, type, title (one per line, never truncated)."""
    rows = _open(home).store.list_records(limit=limit, offset=offset, collection=collection)
    for row in rows:
        if as_json:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            date, kind = row["date_start"] or "-", row["type"] or "-"
            sys.stdout.write(f"{row['id']}  {date}  {kind}  {row['title']}\n")


@app.command("stats")
def stats_command(
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Counts of records, versions, sources, and records by format, type, collection."""
    stats = _open(home).store.stats()
    if as_json:
        sys.stdout.write(json.dumps(stats.__dict__, indent=2, ensure_ascii=False) + "\n")
        return
    out.print(
        f"{stats.records} records, {stats.versions} earlier versions, {stats.collections} "
        f"collections, {stats.sources} sources ({stats.source_bytes / 2**20:.1f} MiB)"
    )
    for title, counts in (("format", stats.by_format), ("type", stats.by_type)):
        top = sorted(counts.items(), key=lambda kv: -kv[1])[:15]
        out.print(f"by {title}: " + ", ".join(f"{k} {v}" for k, v in top))


@app.command("export")
def export_command(
    home: HomeOption = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="jsonl, csv, or citations: chicago, bibtex, ris, csl-json, mla, apa, ...",
        ),
    ] = "jsonl",
    query: Annotated[
        str, typer.Option("--query", "-q", help="Only the records this search query matches.")
    ] = "",
    out_path: Annotated[
        Optional[Path], typer.Option("--out", help="File to write (default stdout).")  # noqa: UP045
    ] = None,
    with_sources: Annotated[
        bool, typer.Option(help="Include the raw source bytes (a complete backup).")
    ] = False,
) -> None:
    """Stream every record as JSON Lines, or what a query matches in any export format."""
    from opis.export.jsonl import write_jsonl
    from opis.export.results import ExportError, write_export
    from opis.search import QuerySyntaxError, SearchError

    if with_sources and (fmt != "jsonl" or query):
        err.print("[red]error:[/] --with-sources is for a full jsonl export (no --query)")
        raise typer.Exit(2)
    archive = _open(home)
    tmp = out_path.with_name(out_path.name + ".partial") if out_path else None
    try:
        handle = tmp.open("w", encoding="utf-8", newline="") if tmp else sys.stdout
        try:
            if fmt == "jsonl" and not query:
                count = write_jsonl(archive.store, handle, with_sources=with_sources)
            else:
                backend = archive.search_index() if query.strip() else None
                count = write_export(archive.store, backend, handle, query=query, fmt=fmt)
        finally:
            if tmp:
                handle.close()
    except (ExportError, QuerySyntaxError, SearchError) as exc:
        if tmp:
            tmp.unlink(missing_ok=True)
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    finally:
        archive.close()
    if tmp and out_path:
        tmp.replace(out_path)
        err.print(f"exported {count} records to {out_path}")


WORKER_HEALTHCHECK_SECONDS = 60


@app.command("serve")
def serve_command(
    home: HomeOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=0,
            help="Server processes, each with its own index reader and answer cache "
            "(0: one per CPU).",
        ),
    ] = 1,
) -> None:
    """Serve the reading room, the REST API and OAI-PMH."""
    import uvicorn

    from opis.archive import resolve_home
    from opis.web import create_app
    from opis.web.app import HOME_VARIABLE

    folder = resolve_home(home)
    processes = workers or os.cpu_count() or 1
    err.print(
        f"opis reading room on http://{host}:{port}/ (archive {folder}, "
        f"{processes} process{'es' if processes > 1 else ''})"
    )
    if processes == 1:
        uvicorn.run(create_app(folder), host=host, port=port, log_level="warning")
        return
    # Bring the index up to date here, once: workers syncing it at once would race
    # for its writer. Each then imports the app by name and opens the archive itself.
    archive = open_or_exit(folder)
    try:
        archive.search_index().close()
    finally:
        archive.close()
    os.environ[HOME_VARIABLE] = str(folder.resolve())
    uvicorn.run(
        "opis.web.app:app_from_environment",
        factory=True,
        workers=processes,
        host=host,
        port=port,
        log_level="warning",
        # uvicorn kills a worker that does not answer its supervisor's ping within
        # this many seconds, resetting every connection it holds; its default of 5
        # is too short on a loaded machine, and a long query is not a hung worker.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the record JSON (docs/record.schema.json)."""
    from opis.model import record_json_schema

    sys.stdout.write(json.dumps(record_json_schema(), indent=2, ensure_ascii=False) + "\n")


@app.command("formats")
def formats_command() -> None:
    """The readers opis has and what each reads."""
    from opis.readers.registry import all_readers

    for reader in all_readers():
        out.print(f"{reader.format:<20} {reader.description}", markup=False)


# Command groups that live beside their library code register themselves here.
from opis import cli_intelligence, cli_reading, cli_scans, cli_semantic  # noqa: E402

for _group in (cli_intelligence, cli_reading, cli_scans, cli_semantic):
    _group.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
