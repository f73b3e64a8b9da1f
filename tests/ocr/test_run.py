"""`opis ocr` on a store: the image-only Bush memcons OCR'd, resumed, a failing page kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from opis import cli_scans
from opis.archive import open_archive
from opis.export.jsonl import write_jsonl
from opis.ingest import ingest
from opis.model import Record
from opis.ocr import pages as ocr_pages
from opis.ocr.run import engine_version, needs_ocr, ocr_pending, page_texts
from opis.ocr.tesseract import OcrError
from tests.ocr.conftest import BANQUET, KOHL

BANQUET_ID = f"pdf-{BANQUET}"
KOHL_ID = f"pdf-{KOHL}"


def ocr_app() -> typer.Typer:
    """The ``ocr`` command on its own app, as ``register`` adds it to ``opis``."""
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """opis (test app)."""

    cli_scans.register(app)
    return app


def ingest_memcons(corpus: Path, home: Path, stems: tuple[str, ...]) -> None:
    archive = open_archive(home)
    paths = [corpus / "bush41-memcons" / "pdf" / f"{stem}.pdf" for stem in stems]
    report = ingest(archive.store, paths)
    assert not report.failed and report.created == len(stems)
    archive.close()


def current(home: Path, record_id: str) -> tuple[Record, int]:
    archive = open_archive(home)
    try:
        stored = archive.store.get(record_id)
        assert stored is not None
        return stored.record, stored.version
    finally:
        archive.close()


def test_ocr_command_reads_the_memcons_and_resumes(corpus: Path, tmp_path: Path) -> None:
    home = tmp_path / "archive"
    ingest_memcons(corpus, home, (BANQUET, KOHL))
    before, _ = current(home, KOHL_ID)
    assert before.needs_ocr and before.body == "" and needs_ocr(before)

    runner = CliRunner()
    first = runner.invoke(ocr_app(), ["ocr", "--home", str(home), "--limit", "1", "-q"])
    assert first.exit_code == 0, first.output
    assert "OCR: 1 records read (2 pages" in first.output
    second = runner.invoke(ocr_app(), ["ocr", "--home", str(home), "-q"])
    assert second.exit_code == 0, second.output
    assert "OCR: 1 records read (2 pages" in second.output
    assert "1 already read, 2 scans in all; 0 failed" in second.output

    for record_id in (BANQUET_ID, KOHL_ID):
        record, version = current(home, record_id)
        assert version == 2  # the reader's version is kept in the history
        assert not record.needs_ocr and not needs_ocr(record)
        first_page = page_texts(record)[0]
        assert "THE WHITE HOUSE" in first_page
        assert "MEMORANDUM OF CONVERSATION" in first_page
        assert record.extra["ocr"]["engine_version"] == engine_version()
        assert engine_version().startswith("tesseract ")
        assert record.languages == ["en"]
    archive = open_archive(home)
    history = archive.store.history(KOHL_ID)
    archive.close()
    assert [v.version for v in history] == [1, 2]
    assert history[0].record.body == "" and history[0].record.needs_ocr

    # The header read from the top of page 1: stamp, type, date, participants, place.
    banquet, _ = current(home, BANQUET_ID)
    assert banquet.classification == "SECRET"
    assert banquet.type == "memorandum of conversation"
    assert banquet.title == "Welcoming Banquet in Beijing, China"
    assert banquet.date is not None and banquet.date.startswith("1989-02-25T19:40")
    assert [p.name for p in banquet.places] == ["Great Hall of the People, Beijing, China"]
    kohl, _ = current(home, KOHL_ID)
    assert kohl.classification == "CONFIDENTIAL"  # stamped "CONABEN TIAL" as OCR reads it
    participants = {p["name"]: p for p in kohl.extra["participants"]}
    assert participants["Robert Hutchings"]["role"] == "NSC Staff (Notetaker)"
    assert "Chancellor Helmut Kohl" in participants
    header_names = [m for m in kohl.mentions if m.origin == "header"]
    assert {m.text for m in header_names} >= {"Robert Hutchings", "Rachelle Dionne"}
    for mention in header_names:
        assert mention.position is not None and mention.end is not None
        assert kohl.body[mention.position : mention.end] == mention.text
    china = [p for p in banquet.extra["participants"] if p["side"] == "China"]
    assert [p["name"] for p in china] == ["President Yang Shangkun", "Premier Li Peng"]

    # A third run has nothing left to do and writes nothing.
    third = runner.invoke(ocr_app(), ["ocr", "--home", str(home), "-q"])
    assert third.exit_code == 0, third.output
    assert "OCR: 0 records read (0 pages" in third.output
    assert "2 already read" in third.output

    # Reading the PDFs again (--force) keeps the OCR'd versions: same bytes, same OCR.
    archive = open_archive(home)
    paths = [corpus / "bush41-memcons" / "pdf" / f"{stem}.pdf" for stem in (BANQUET, KOHL)]
    again = ingest(archive.store, paths, force=True)
    archive.close()
    assert not again.failed and again.unchanged == 2 and again.updated == 0
    kept, version = current(home, KOHL_ID)
    assert version == 2 and "MEMORANDUM OF CONVERSATION" in page_texts(kept)[0]
    assert current(home, KOHL_ID)[1] == 2

    # The search index holds the OCR text.
    from opis.search import search

    archive = open_archive(home)
    backend = archive.search_index()
    try:
        found = search(backend, "Hutchings")
    finally:
        backend.close()
        archive.close()
    assert [hit.id for hit in found.hits] == [KOHL_ID]


def test_a_failing_page_is_reported_and_the_rest_is_kept(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "archive"
    ingest_memcons(corpus, home, (KOHL,))
    rasterise = ocr_pages.rasterise_page

    def failing_on_page_2(pdf: Path, number: int, folder: Path, dpi: int = 300) -> Path:
        if number == 2:
            raise OcrError("pdftoppm failed: page 2 could not be rendered")
        return rasterise(pdf, number, folder, dpi)

    monkeypatch.setattr(ocr_pages, "rasterise_page", failing_on_page_2)
    result = CliRunner().invoke(ocr_app(), ["ocr", "--home", str(home), "-q", "--no-index"])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("FAILED")]
    assert lines == [f"FAILED {KOHL_ID} page 2: pdftoppm failed: page 2 could not be rendered"]
    assert "OCR: 1 records read (1 pages" in result.output

    record, version = current(home, KOHL_ID)
    assert version == 2
    first, second = record.extra["ocr"]["pages"]
    assert first["shown"] == "ocr" and "Chancellor Helmut Kohl" in page_texts(record)[0]
    assert second["shown"] == "none" and "page 2 could not be rendered" in second["error"]
    assert record.needs_ocr  # page 2 still waits; --force reads the record again

    monkeypatch.setattr(ocr_pages, "rasterise_page", rasterise)
    archive = open_archive(home)
    try:
        report = ocr_pending(archive.store, 2, record_ids=[KOHL_ID], force=True)
    finally:
        archive.close()
    assert report.records == 1 and report.pages == 2 and not report.failures
    record, version = current(home, KOHL_ID)
    assert version == 3 and not record.needs_ocr
    assert "Chancellor" in page_texts(record)[1]


def test_a_record_without_its_source_fails_alone(corpus: Path, tmp_path: Path) -> None:
    """A JSON Lines import without sources has no bytes to OCR: one line, nothing written."""
    home = tmp_path / "archive"
    ingest_memcons(corpus, home, (KOHL,))
    exported = tmp_path / "export.jsonl"
    archive = open_archive(home)
    with exported.open("w", encoding="utf-8") as handle:
        assert write_jsonl(archive.store, handle) == 1
    archive.close()
    other = tmp_path / "imported"
    archive = open_archive(other)
    try:
        assert not ingest(archive.store, [exported]).failed
        report = ocr_pending(archive.store, 2)
    finally:
        archive.close()
    assert report.records == 0 and report.candidates == 1
    assert [(f.record_id, f.page) for f in report.failures] == [(KOHL_ID, None)]
    assert "source bytes are not stored" in report.failures[0].error
