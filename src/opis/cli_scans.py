"""``opis ocr``: OCR the stored scans (a thin Typer layer over ``opis.ocr.run``).

``register(app)`` adds the command to the main ``opis`` app; ``ocr_after_ingest``
is what ``opis ingest --ocr`` calls once the files are stored.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from opis.archive import Archive, open_archive
from opis.cli_support import HomeOption, err, out, progress_bar
from opis.ocr.run import DEFAULT_WORKERS, OcrReport, RecordOcr, ocr_pending


def run_ocr(
    archive: Archive,
    *,
    workers: int = DEFAULT_WORKERS,
    limit: int | None = None,
    record_ids: list[str] | None = None,
    force: bool = False,
    quiet: bool = False,
    index: bool = True,
) -> OcrReport:
    """OCR with a progress bar and one line per failed page; then update the index."""
    progress = progress_bar("OCR", quiet=quiet, remaining=True)
    task = progress.add_task("ocr", total=None)

    def on_start(total: int) -> None:
        progress.update(task, total=total)

    def on_record(done: RecordOcr) -> None:
        progress.advance(task)
        for failure in done.failures:
            err.print(failure.line(), markup=False)

    with progress:
        report = ocr_pending(
            archive.store,
            workers,
            on_record,
            limit=limit,
            record_ids=record_ids,
            force=force,
            on_start=on_start,
        )
    if index and report.written_ids:
        from opis.search import sync

        backend = archive.open_index()
        try:
            sync(archive.store, backend)
        finally:
            backend.close()
    return report


def summary(report: OcrReport) -> str:
    rate = f", {report.pages_per_minute:.1f} pages/min" if report.pages else ""
    return (
        f"OCR: {report.records} records read ({report.pages} pages in {report.seconds:.1f} s"
        f"{rate}); {report.already_done} already read, {report.candidates} scans in all; "
        f"{len(report.failures)} failed"
    )


def ocr_after_ingest(archive: Archive, workers: int, quiet: bool) -> OcrReport:
    """For ``opis ingest --ocr``: OCR whatever the ingest left waiting, print the summary."""
    report = run_ocr(archive, workers=workers, quiet=quiet)
    out.print(summary(report), markup=False)
    return report


def register(app: typer.Typer) -> None:
    @app.command("ocr")
    def ocr_command(
        home: HomeOption = None,
        workers: Annotated[int, typer.Option(min=1, help="Pages OCR'd at once.")] = 2,
        limit: Annotated[
            Optional[int],  # noqa: UP045
            typer.Option(min=1, help="OCR at most this many records in this run."),
        ] = None,
        record_id: Annotated[
            Optional[list[str]],  # noqa: UP045
            typer.Option("--id", help="Only this record (repeatable)."),
        ] = None,
        force: Annotated[
            bool, typer.Option(help="Read again records this engine has read.")
        ] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
        index: Annotated[bool, typer.Option(help="Bring the search index up to date.")] = True,
    ) -> None:
        """OCR stored scans (image-only or garbage text layer, image files); resumable."""
        try:
            archive = open_archive(home)
        except Exception as exc:
            err.print(f"error: cannot open the archive at {home or 'opis-data'}: {exc}")
            raise typer.Exit(2) from exc
        try:
            if record_id:
                missing = [r for r in record_id if archive.store.get(r) is None]
                if missing:
                    err.print(f"error: no record {missing[0]!r}", markup=False)
                    raise typer.Exit(2)
            report = run_ocr(
                archive,
                workers=workers,
                limit=limit,
                record_ids=record_id,
                force=force,
                quiet=quiet,
                index=index,
            )
        finally:
            archive.close()
        out.print(summary(report), markup=False)
        if report.failures:
            raise typer.Exit(1)
