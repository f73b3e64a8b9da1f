"""OCR speed and accuracy on the real scans; prints the figures.

    .venv/bin/python bench/ocr.py [--corpus ../shared/corpus] [--workers 2] [--foia 4]

* pages per minute: every page of the Bush memcons and of the first ``--foia``
  State FOIA PDFs, OCR'd ``--workers`` pages at a time (rasterise + language pass +
  ``eng`` pass where chosen), PDFs and pages spread over the workers;
* character accuracy and language on a page rendered from the Wilson Russian transcript;
* text-layer quality of every FOIA page and how many fall below ``USABLE_QUALITY``;
* with ``--pipeline``: ``opis ocr``'s own path (``ocr_pending``) on a temporary archive of
  the same PDFs plus the Russian test page ingested as a TIFF image record: pages per
  minute end to end (store reads and writes, header analysis included) and the image
  record's character accuracy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from opis.ocr import (
    USABLE_QUALITY,
    PageFailure,
    PageOcr,
    character_accuracy,
    ocr_image,
    ocr_pdf_pages,
    text_layer_quality,
)
from opis.ocr.testpage import page_of_paragraphs, render_text_page
from opis.readers.pdf import page_texts
from opis.readers.webpage import html_paragraphs

ROOT = Path(__file__).resolve().parents[1]


def _ocr_whole_pdf(pdf: Path) -> list[PageOcr | PageFailure]:
    raw = pdf.read_bytes()
    return ocr_pdf_pages(raw, range(1, len(page_texts(raw)[0]) + 1), workers=1)


def bench_speed(pdfs: list[Path], workers: int) -> None:
    pages = failures = 0
    confidences: list[float] = []
    languages: dict[str, int] = {}
    started = time.perf_counter()
    # Pages of one PDF run in parallel; PDFs too, so one-page PDFs keep both cores busy.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        per_pdf = list(pool.map(_ocr_whole_pdf, pdfs))
    for pdf, results in zip(pdfs, per_pdf, strict=True):
        for result in results:
            pages += 1
            if isinstance(result, PageFailure):
                failures += 1
                print(f"  FAILED {pdf.name} page {result.number}: {result.error}")
            elif isinstance(result, PageOcr):
                confidences.append(result.mean_confidence)
                languages[result.language] = languages.get(result.language, 0) + 1
    seconds = time.perf_counter() - started
    print(f"speed: {pages} pages of {len(pdfs)} PDFs in {seconds:.1f} s on {workers} workers")
    print(f"  {pages / seconds * 60:.1f} pages/minute, {seconds / max(pages, 1):.2f} s/page")
    print(f"  failed pages: {failures}; languages chosen: {languages}")
    if confidences:
        print(f"  mean word confidence per page: median {statistics.median(confidences):.1f}")


def bench_russian(corpus: Path) -> None:
    data = json.loads((corpus / "wilson" / "transcript.json").read_text(encoding="utf-8"))
    text = page_of_paragraphs(html_paragraphs(data["html"]))
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        page = ocr_image(render_text_page(text, Path(folder)))
        seconds = time.perf_counter() - started
    accuracy = character_accuracy(text, page.text)
    print(f"russian: {len(text)} characters, language {page.language} ({page.tesseract_languages})")
    print(f"  character accuracy {accuracy:.4f}, mean confidence {page.mean_confidence:.1f}")
    print(f"  {seconds:.1f} s for the page")


def bench_quality(corpus: Path) -> None:
    scores = []
    for pdf in sorted((corpus / "state-foia" / "pdf").glob("*.pdf")):
        scores += [text_layer_quality(t) for t in page_texts(pdf.read_bytes())[0]]
    below = sum(1 for s in scores if s < USABLE_QUALITY)
    print(f"foia text layers: {len(scores)} pages, quality median {statistics.median(scores):.3f}")
    print(f"  min {min(scores):.3f}, max {max(scores):.3f}")
    print(f"  below USABLE_QUALITY {USABLE_QUALITY}: {below} pages (these get OCR)")


def bench_pipeline(pdfs: list[Path], corpus: Path, workers: int) -> None:
    from opis.archive import open_archive
    from opis.ingest import ingest
    from opis.ocr.run import ocr_pending

    data = json.loads((corpus / "wilson" / "transcript.json").read_text(encoding="utf-8"))
    text = page_of_paragraphs(html_paragraphs(data["html"]))
    with tempfile.TemporaryDirectory() as folder:
        image = render_text_page(text, Path(folder))
        archive = open_archive(Path(folder) / "archive")
        try:
            ingest(archive.store, [*pdfs, image])
            report = ocr_pending(archive.store, workers)
            stored = archive.store.get("image-page")
        finally:
            archive.close()
    print(
        f"pipeline (ocr_pending, {workers} workers): {report.records} records, "
        f"{report.pages} pages OCR'd in {report.seconds:.1f} s, "
        f"{report.pages_per_minute:.1f} pages/minute; {len(report.failures)} failures"
    )
    if stored is not None:
        accuracy = character_accuracy(text, stored.record.body)
        print(f"  Russian page as a TIFF image record: character accuracy {accuracy:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--foia", type=int, default=4, help="how many FOIA PDFs to OCR")
    parser.add_argument("--pipeline", action="store_true", help="also time opis ocr's path")
    args = parser.parse_args()
    pdfs = sorted((args.corpus / "bush41-memcons" / "pdf").glob("*.pdf"))
    pdfs += sorted((args.corpus / "state-foia" / "pdf").glob("*.pdf"))[: args.foia]
    bench_speed(pdfs, args.workers)
    bench_russian(args.corpus)
    bench_quality(args.corpus)
    if args.pipeline:
        bench_pipeline(pdfs, args.corpus, args.workers)


if __name__ == "__main__":
    main()
