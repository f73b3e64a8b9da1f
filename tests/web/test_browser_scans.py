"""A scanned document in a real browser: page 1 in the viewer beside its text, a hit marked.

Reuses the chromium and page fixtures of ``test_browser.py``; the archive is the
OCR'd Kohl telcon of ``tests/web/scans.py``, served by uvicorn on 127.0.0.1.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.web.scans import KOHL_ID, scanned_archive
from tests.web.test_browser import SCREENSHOTS, browser, fetch, page, serving

__all__ = ["browser", "page"]


@pytest.fixture(scope="module")
def scans_url(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(scanned_archive(corpus, tmp_path_factory)) as url:
        yield url


def test_scan_page_beside_its_text_with_a_search_hit_marked(scans_url: str, page: Any) -> None:
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(f"{scans_url}/documents/{KOHL_ID}?q=Hutchings")
    viewer = page.locator("section.page-viewer")
    hit = viewer.locator(".ocr-hit")
    hit.first.wait_for(state="visible", timeout=30_000)
    assert viewer.locator(".page-status").inner_text() == "Page 1 of 2"
    assert viewer.get_attribute("data-page") == "1"
    assert hit.count() == 1
    assert hit.first.get_attribute("title").startswith("Hutchings")
    assert viewer.locator(".hit-status").inner_text() == "1 word of your search marked on this page"

    # Page 1 is drawn in the viewer (its lines of type are on screen), beside the text.
    page.wait_for_function(
        "document.querySelector('.page-viewer').dataset.loaded === '1'", timeout=30_000
    )
    assert viewer.locator(".osd canvas").first.is_visible()
    shot = Image.open(io.BytesIO(viewer.locator(".osd").screenshot())).convert("L")
    lower = shot.crop((0, shot.height // 2, shot.width, shot.height))  # below the buttons
    ink = sum(lower.histogram()[:100]) / (lower.width * lower.height)
    assert ink > 0.005, f"the page image shows no type ({ink:.4f} dark pixels)"
    text = page.locator("section.text")
    text.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    text_box, viewer_box = text.bounding_box(), viewer.locator(".osd").bounding_box()
    assert viewer_box["x"] >= text_box["x"] + text_box["width"]
    assert viewer_box["y"] < text_box["y"] + text_box["height"]
    assert viewer_box["y"] + viewer_box["height"] > text_box["y"]
    assert "Robert Hutchings, NSC Staff (Notetaker)" in text.inner_text()

    # The mark lies on the page, in the upper part where the participants are listed.
    mark = hit.first.bounding_box()
    assert mark["width"] > 5 and mark["height"] > 2
    assert viewer_box["x"] <= mark["x"] <= viewer_box["x"] + viewer_box["width"]
    assert viewer_box["y"] <= mark["y"] <= viewer_box["y"] + viewer_box["height"] / 2

    # Words OCR was unsure of are marked in the text, with their confidence.
    uncertain = text.locator(".ocr-uncertain-word")
    uncertain.first.wait_for(timeout=10_000)
    read = [json.loads(fetch(f"{scans_url}/iiif/{KOHL_ID}/p{n}/hits")) for n in (1, 2)]
    unsure = {w["text"] for data in read for w in data["uncertain"]}
    assert set(uncertain.all_inner_texts()) <= unsure
    assert "confidence" in uncertain.first.get_attribute("title")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "scan-document.png"))

    # Page 2 through the page list; the viewer follows and marks that page's hits.
    viewer.locator(".page-list a[data-page='2']").click()
    page.wait_for_function("document.querySelector('.page-viewer').dataset.page === '2'")
    assert viewer.locator(".page-status").inner_text() == "Page 2 of 2"
    page.wait_for_function("document.querySelector('.page-viewer').dataset.hits === '0'")
    assert not failed, failed


def test_opened_from_a_search_the_viewer_starts_on_the_page_with_hits(
    scans_url: str, page: Any
) -> None:
    # "Deng" (Xiao Ping) appears only on page 2 of the telcon.
    page.goto(f"{scans_url}/documents/{KOHL_ID}?q=Deng")
    page.wait_for_function("document.querySelector('.page-viewer').dataset.page === '2'")
    hits = page.locator(".page-viewer .ocr-hit")
    hits.first.wait_for(state="visible", timeout=30_000)
    assert hits.first.get_attribute("title").startswith("Deng")
