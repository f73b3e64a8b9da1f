"""The reading room in a real browser: Debian's chromium driven by Playwright.

A uvicorn server of the real app runs in a thread on 127.0.0.1 (a free port) over a
temporary archive of real corpus documents ingested at test time. Screenshots go to
test-artifacts/screenshots/. Chromium is installed by scripts/setup.sh
(scripts/debian-packages.txt); when it is missing the test fails, it does not skip.
"""

from __future__ import annotations

import csv
import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from opis.archive import open_archive
from opis.ingest import ingest
from opis.linking import link_archive, load_authorities
from opis.web import create_app
from tests.web.conftest import DFAT, FRUS, SEED, SEED_ID

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TRANSCRIPT = Path("wilson") / "transcript.json"
TRANSCRIPT_ID = "wilson-transcript-33548"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def base_url(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("browser-archive")
    archive = open_archive(home)
    for paths, fmt in (
        ([corpus / SEED], "webpage-text"),
        ([corpus / TRANSCRIPT, corpus / FRUS, *(corpus / p for p in DFAT)], None),
    ):
        report = ingest(archive.store, paths, fmt=fmt)
        assert not report.failed, report.failed
    load_authorities(
        archive.store, archive.links, hsg_people=corpus / "hsg-people", pocom=corpus / "hsg-pocom"
    )
    link_archive(archive.store, archive.links)
    archive.close()

    with serving(home) as url:
        yield url


@contextmanager
def serving(home: Path) -> Iterator[str]:
    """The reading room for ``home`` on a free loopback port, in a thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(home), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped while starting"
        assert time.monotonic() < deadline, "uvicorn did not start within 20 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium "
            "(listed in scripts/debian-packages.txt; run `bash scripts/setup.sh` as root)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Python playwright is missing: install the dev dependencies (setup.sh)")
    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        body: bytes = response.read()
        return body


def test_live_search_in_cyrillic_then_a_facet(base_url: str, page: Any) -> None:
    page.goto(f"{base_url}/search")
    assert page.locator("label[for=q]").inner_text() == "Search the documents"
    page.locator("#q").press_sequentially("Сталин", delay=30)
    # No Enter, no submit: the results come from htmx's live search.
    hits = page.locator("#results ol.hits > li")
    hits.first.wait_for(timeout=10_000)
    page.wait_for_url("**/search?q=*")
    assert "q=%D0%A1%D1%82%D0%B0%D0%BB%D0%B8%D0%BD" in page.url
    assert page.locator("#results .total").inner_text() == "2 documents"
    titles = hits.locator("> a").all_inner_texts()
    assert titles == ["Incoming Cable No. 16, Malik to Cde. Stalin", "Transcript 33548"]
    marked = page.locator("#results .snippet b").all_inner_texts()
    assert "Сталиным" in marked and "STALIN" in marked  # one name across scripts
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=True)

    facets = page.locator("aside.facets")
    facets.get_by_role("link", name="ru", exact=True).click()
    page.wait_for_url("**lang=ru**")
    assert page.locator(".total").inner_text() == "1 document (filtered)"
    assert page.locator("ol.hits > li > a").all_inner_texts() == ["Transcript 33548"]
    assert page.locator("#q").input_value() == "Сталин"


def test_document_page_marginalia_chain_citation_and_source(
    base_url: str, page: Any, corpus: Path
) -> None:
    page.goto(f"{base_url}/search?q=Malik")
    page.get_by_role("link", name="Incoming Cable No. 16, Malik to Cde. Stalin").click()
    page.wait_for_url(f"**/documents/{SEED_ID}?q=Malik")
    assert page.locator("h1").inner_text() == "Incoming Cable No. 16, Malik to Cde. Stalin"

    # Marginalia stand in the margin, beside the paragraph they annotate.
    first = page.locator("section.text .para").first
    notes = first.locator("aside.margin .note-text")
    assert notes.first.is_visible()
    assert notes.all_inner_texts()[0] == "Cde Stalin approves. P."
    text_box = first.locator("> p").bounding_box()
    margin_box = first.locator("aside.margin").bounding_box()
    assert margin_box["x"] >= text_box["x"] + text_box["width"]
    assert abs(margin_box["y"] - text_box["y"]) < 20

    # The transmission chain, in order, with places and times.
    steps = page.locator("ol.timeline > li")
    assert steps.locator(".event").all_inner_texts() == [
        "sent",
        "received",
        "registered",
        "deciphered",
        "printed",
    ]
    assert steps.nth(1).locator("time").get_attribute("datetime") == "1947-09-12T04:30"
    assert steps.nth(1).locator(".place").inner_text() == "Sochi"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "seed-document.png"), full_page=True)

    # "Cite this": select the Chicago note the way a reader does and copy it.
    cite = page.locator(".cite .cite-chicago-note")
    assert cite.is_visible()  # the first format is open
    cite.click(click_count=3)
    selected = page.evaluate("() => window.getSelection().toString()")
    expected = fetch(f"{base_url}/api/documents/{SEED_ID}/citation?format=chicago-note").decode(
        "utf-8"
    )
    assert " ".join(selected.split()) == " ".join(expected.split())
    assert expected.startswith("Malik, “Incoming Cable No. 16, Malik to Cde. Stalin,”")
    assert f"{base_url}/documents/{SEED_ID}" in expected
    page.locator(".cite summary", has_text="BibTeX").click()
    bibtex = page.locator(".cite pre.cite-bibtex")
    assert bibtex.is_visible()
    assert bibtex.inner_text().startswith("@")

    # The source file downloads with exactly the bytes that were ingested.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the source file").click()
    download = info.value
    assert download.suggested_filename == SEED.name
    assert Path(download.path()).read_bytes() == (corpus / SEED).read_bytes()

    # "Record as JSON" is the API's record.
    page.get_by_role("link", name="Record as JSON").click()
    page.wait_for_url(f"**/api/documents/{SEED_ID}")
    record = json.loads(page.locator("body").inner_text())
    assert record["id"] == SEED_ID
    assert record["transmission"][0]["event"] == "sent"


def test_footnote_and_collection_links(base_url: str, page: Any) -> None:
    page.goto(f"{base_url}/documents/dfat-v11-100")
    page.locator("sup.fnref a").first.click()
    page.wait_for_url("**#fn-*")
    note_id = page.url.rsplit("#", 1)[1]
    note = page.locator(f"li#{note_id}")
    assert note.is_visible()
    assert "Van Mook handed Sjahrir an aide-memoire" in note.inner_text()
    note.get_by_role("link", name="Back to the text").click()
    page.wait_for_url("**#fnref-*")

    page.locator("p.collection a").click()
    page.wait_for_url("**/browse?collection=*")
    assert "Australia & Indonesia" in page.locator("h1").inner_text()
    listed = page.locator("ol.documents > li > a").all_inner_texts()
    assert "Ballard to Department of External Affairs" in listed
    assert "Ballard to Evatt" in listed


def test_keyboard_reaches_the_skip_link_first(base_url: str, page: Any) -> None:
    page.goto(f"{base_url}/documents/{TRANSCRIPT_ID}")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent")
    assert focused == "Skip to content"
    assert page.locator("a.skip").is_visible()
    page.keyboard.press("Enter")
    page.wait_for_url("**#main")
    # The Russian text is marked as Russian; the English page around it is not.
    assert page.locator("section.text").get_attribute("lang") == "ru"
    assert page.locator("#cite-h").evaluate("e => e.closest('[lang]').lang") == "en"


def test_copy_a_citation_and_download_an_export(base_url: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # Copy: the button is reached and pressed from the keyboard.
        page.goto(f"{base_url}/documents/{SEED_ID}")
        button = page.get_by_role("button", name="Copy the Chicago (note) citation")
        button.focus()
        page.keyboard.press("Enter")
        page.locator(".cite .copy-status").first.wait_for(state="visible")
        assert page.locator(".cite .copy-status").first.inner_text() == "Copied"
        copied = page.evaluate("() => navigator.clipboard.readText()")
        expected = fetch(f"{base_url}/api/documents/{SEED_ID}/citation?format=chicago-note")
        assert " ".join(copied.split()) == " ".join(expected.decode("utf-8").split())

        # Export: the search page's CSV link downloads every hit, one row each.
        page.goto(f"{base_url}/search?q=Ballard")
        total = int(page.locator(".total").inner_text().split()[0])
        assert total >= 2
        with page.expect_download() as info:
            page.locator(".result-tools").get_by_role("link", name="CSV").click()
        download = info.value
        assert download.suggested_filename == "opis-export.csv"
        with open(download.path(), encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == total
        assert {"dfat-v11-1", "dfat-v11-100"} <= {row["id"] for row in rows}
        assert all(row["url"].startswith(f"{base_url}/documents/") for row in rows)
    finally:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def test_authority_page_and_a_reference_to_a_document_not_held(base_url: str, page: Any) -> None:
    page.goto(f"{base_url}/documents/{SEED_ID}")
    names = page.locator("section.names")
    names.get_by_role("link", name="Stalin, Iosif Vissarionovich").click()
    page.wait_for_url("**/authorities/person/stalin-iosif-vissarionovich")
    assert page.locator("h1").inner_text() == "Stalin, Iosif Vissarionovich"
    cyrillic = page.locator("dl.facts dd[lang=ru]").inner_text()
    assert "Сталин" in cyrillic
    documents = page.locator("ol.documents > li > a").all_inner_texts()
    assert documents == ["Incoming Cable No. 16, Malik to Cde. Stalin", "Transcript 33548"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "authority.png"), full_page=True)

    page.go_back()
    page.wait_for_url(f"**/documents/{SEED_ID}")
    refs = page.locator("section.references")
    refs.get_by_role("link", name="Shtykov's telegram No. 663 (1947)").click()
    page.wait_for_url("**/placeholders/ref/telegram/shtykov/663")
    assert "not held" in page.locator("p.collection").inner_text()
    citers = page.locator("ul.refs > li > a").all_inner_texts()
    assert citers == ["Incoming Cable No. 16, Malik to Cde. Stalin"]
