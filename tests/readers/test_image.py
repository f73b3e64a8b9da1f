"""Image files: a real memcon page rendered at test time as TIFF, PNG and JPEG, read and OCR'd."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image

from opis.archive import open_archive
from opis.ingest import ingest
from opis.model import Record
from opis.ocr.run import ocr_pending, page_texts
from opis.readers.base import ReadError, make_source
from opis.readers.image import read_image
from opis.readers.registry import detect

BANQUET = "1989-02-25-bush-benazir-bhutto-memcon-scowcroft"


def render(corpus: Path, folder: Path, page: int, kind: str) -> Path:
    """Page ``page`` of the banquet memcon as ``kind`` (tiff, png, jpeg), named like a scan."""
    pdf = corpus / "bush41-memcons" / "pdf" / f"{BANQUET}.pdf"
    prefix = folder / f"{BANQUET}-p{page}"
    command = ["pdftoppm", "-r", "300", f"-{kind}", "-f", str(page), "-l", str(page)]
    subprocess.run([*command, "-singlefile", str(pdf), str(prefix)], check=True, timeout=120)
    suffix = {"tiff": ".tif", "png": ".png", "jpeg": ".jpg"}[kind]
    made = prefix.with_suffix(suffix)
    assert made.exists()
    return made


def read(path: Path) -> Record:
    raw = path.read_bytes()
    reader = detect(path.name, raw[:4096])
    assert reader is not None and reader.format == "image"
    (record,) = list(reader.read(raw, make_source(raw, path.name, reader.format)))
    assert isinstance(record, Record)
    return record


@pytest.mark.parametrize(("kind", "media_type"), [("png", "image/png"), ("jpeg", "image/jpeg")])
def test_png_and_jpeg_are_one_page_records_waiting_for_ocr(
    corpus: Path, tmp_path: Path, kind: str, media_type: str
) -> None:
    record = read(render(corpus, tmp_path, 1, kind))
    assert record.id == f"image-{BANQUET}-p1"
    assert record.needs_ocr and record.body == ""
    assert [(p.number, p.has_text) for p in record.pages] == [(1, False)]
    assert record.source.media_type == media_type
    assert record.extra["image"]["width"] == 2530 and record.extra["image"]["height"] == 3321
    assert record.date == "1989-02-25" and record.extra["date_source"] == "filename"


def test_a_two_page_tiff_has_two_pages(corpus: Path, tmp_path: Path) -> None:
    first, second = (Image.open(render(corpus, tmp_path, n, "png")) for n in (1, 2))
    both = tmp_path / f"{BANQUET}.tif"
    first.save(both, format="TIFF", save_all=True, append_images=[second])
    record = read(both)
    assert [p.number for p in record.pages] == [1, 2]
    assert record.extra["page_count"] == 2


def test_broken_images_are_read_errors(corpus: Path, tmp_path: Path) -> None:
    raw = render(corpus, tmp_path, 1, "png").read_bytes()
    cut = raw[: len(raw) // 3]
    with pytest.raises(ReadError, match="unreadable image"):
        list(read_image(cut, make_source(cut, "cut.png", "image")))
    with pytest.raises(ReadError, match="not a TIFF, PNG or JPEG"):
        list(read_image(b"GIF89a" + raw[6:100], make_source(raw, "x.gif", "image")))


def test_a_scanned_tiff_is_ingested_and_ocred(corpus: Path, tmp_path: Path) -> None:
    tiff = render(corpus, tmp_path, 1, "tiff")
    archive = open_archive(tmp_path / "archive")
    try:
        report = ingest(archive.store, [tiff])
        assert not report.failed and report.by_format == {"image": 1}
        done = ocr_pending(archive.store, 2)
        stored = archive.store.get(f"image-{BANQUET}-p1")
    finally:
        archive.close()
    assert done.records == 1 and done.pages == 1 and not done.failures
    assert stored is not None and stored.version == 2
    record = stored.record
    text = page_texts(record)[0]
    for words in ("THE WHITE HOUSE", "MEMORANDUM OF CONVERSATION", "President Yang Shangkun"):
        assert words in text, words
    assert not record.needs_ocr
    assert record.title == "Welcoming Banquet in Beijing, China"
    assert record.type == "memorandum of conversation"
    assert record.classification == "SECRET"
    (page,) = record.extra["ocr"]["pages"]
    assert page["language"] == "eng" and page["dpi"] == 300 and len(page["words"]) > 150
