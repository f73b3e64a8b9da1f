"""The Digital Archive page readers, on the model seed page (and an HTML page built from it)."""

from __future__ import annotations

import html as html_escape
from pathlib import Path

import pytest

from opis.model import Contributor, Person, Place, Record
from opis.readers.base import ReadError, make_source
from opis.readers.webpage import READERS, detect_html, detect_text

SEED = "wilson/000_d6b8fba0548ddb4f.txt"
TEXT_READER = next(reader for reader in READERS if reader.format == "webpage-text")
HTML_READER = next(reader for reader in READERS if reader.format == "webpage-html")

EXPECTED_BODY_START = "To Comrade STALIN\n\nPursuant to Cde Molotov’s instructions"
EXPECTED_BODY_END = "Cde Molotov agrees.\n\nAwaiting your instructions."
RIGHTS_START = "The History and Public Policy Program welcomes reuse"
RIGHTS_SECOND = "To enquire about this document's rights status"


def _read_text(raw: bytes, filename: str = "page.txt") -> Record:
    items = list(TEXT_READER.read(raw, make_source(raw, filename, "webpage-text")))
    assert len(items) == 1
    record = items[0]
    assert isinstance(record, Record)
    return record


def _read_html(raw: bytes, filename: str = "page.html") -> Record:
    items = list(HTML_READER.read(raw, make_source(raw, filename, "webpage-html")))
    assert len(items) == 1
    record = items[0]
    assert isinstance(record, Record)
    return record


@pytest.fixture(scope="module")
def seed_raw(corpus: Path) -> bytes:
    return (corpus / SEED).read_bytes()


@pytest.fixture(scope="module")
def seed(seed_raw: bytes) -> Record:
    return _read_text(seed_raw, "000_d6b8fba0548ddb4f.txt")


def test_seed_identity_and_header(seed: Record) -> None:
    assert seed.id == "wilson-1947-09-12-incoming-cable-no-16-malik-to-cde-stalin"
    assert seed.title == "Incoming Cable No. 16, Malik to Cde. Stalin"
    assert seed.type == "cable"
    assert seed.number == "16"
    assert seed.date == "1947-09-12"
    assert seed.date_precision == "day"
    assert seed.date_start == "1947-09-12"
    assert seed.date_end == "1947-09-12"
    assert seed.sender == [Person(name="Malik")]
    assert seed.to == [Person(name="Stalin")]
    assert seed.collection is None
    assert seed.source_record_id is None
    assert seed.languages == ["en"]
    assert seed.places == [Place(name="Moscow", role="sent"), Place(name="Sochi", role="received")]


def test_seed_transmission(seed: Record) -> None:
    events = [
        (e.event, e.place, e.date, e.purpose, e.copies, e.agent, e.reference)
        for e in seed.transmission
    ]
    assert events == [
        ("sent", "Moscow", "1947-09-12T03:50", None, None, None, None),
        ("received", "Sochi", "1947-09-12T04:30", "decipherment", None, None, None),
        ("registered", None, None, None, None, None, "16/sh"),
        ("deciphered", None, "1947-09-12T05:20", None, None, "Nezlobin", None),
        ("printed", None, None, None, 2, "Nezlobin", None),
    ]
    assert seed.transmission[0].text == "From Moscow sent at 0350 12 September 1947"
    assert seed.transmission[1].text == (
        "Received in Sochi for decipherment on 12 September 1947 at 0430"
    )
    assert seed.transmission[2].text == "Incoming No. 16/sh"
    assert seed.transmission[3].text == "Deciphered on 12 September 1947 at 0520."
    assert seed.transmission[4].text == "Printed in 2 copies."


def test_seed_annotations(seed: Record) -> None:
    first, second = seed.annotations
    assert (first.kind, first.text, first.category, first.hand) == (
        "handwritten",
        "Cde Stalin approves. P.",
        "approval",
        "P.",
    )
    assert first.raw == "[Handwritten: Cde Stalin approves. P.]"
    assert (second.kind, second.category, second.hand) == ("handwritten", "authorship", "Malik")
    assert second.text == "[illegible word, may possibly mean “Composed by”] Cde Malik [signature]"
    assert second.raw == (
        "[Handwritten: [illegible word, may possibly mean “Composed by”] Cde Malik [signature]"
    )
    # Both stood before the letter, which now starts the body.
    assert (first.position, second.position) == (0, 0)
    assert (first.order, second.order) == (0, 1)


def test_seed_document_information(seed: Record) -> None:
    assert seed.citation is not None
    assert seed.citation.text == "RGASPI, f. 558, op. 11, d. 106, ll. 0052-0053."
    assert seed.citation.repository == "RGASPI"
    assert seed.citation.fond == "558"
    assert seed.citation.opis == "11"
    assert seed.citation.delo == "106"
    assert seed.citation.folios == "52-53"
    assert seed.contributors == [
        Contributor(name="Sergey Radchenko", role="contributor"),
        Contributor(name="Angela Greenfield", role="translator"),
    ]
    assert seed.rights is not None
    first, second = seed.rights.split("\n\n")
    assert first.startswith(RIGHTS_START)
    assert second.startswith(RIGHTS_SECOND)
    # The labels are empty on the page: nothing is made up for them.
    assert seed.extra == {}


def test_seed_summary_and_body(seed: Record) -> None:
    assert seed.summary == (
        "Stalin agrees to Malik's proposal regarding the situation in Korea, which calls for "
        "the creation of an All-Korean Temporary Assembly to resolve the peninsula's issues. "
        "The Soviet representative is to insist to the Americans that such a consultative "
        "body be established."
    )
    assert seed.body.startswith(EXPECTED_BODY_START)
    assert seed.body.endswith(EXPECTED_BODY_END)
    assert seed.body.count("\n\n") == 8  # nine paragraphs, one blank line between each
    for leftover in (
        "Skip to content",
        "Document Information",
        "Original Uploaded Date",
        "Record ID",
        "September 12, 1947",
        "Incoming Cable",
        "From Moscow",
        "sent at",
        "Received in",
        "16/sh",
        "Deciphered",
        "Printed",
        "Handwritten",
        "[signature]",
        "Stalin agrees",
        "RGASPI",
        "reuse",
        "\u00a0",
    ):
        assert leftover not in seed.body, leftover


def test_record_id_and_upload_date_when_stated(seed_raw: bytes) -> None:
    text = seed_raw.decode("utf-8")
    text = text.replace("Original Uploaded Date\n", "Original Uploaded Date\n\nMay 2, 2012\n")
    text = text.rstrip() + "#\n\n110404\n"
    record = _read_text(text.encode("utf-8"))
    assert record.source_record_id == "110404"
    assert record.id == "wilson-110404"
    assert record.extra == {"uploaded_date": "2012-05-02"}


def test_detect_text(corpus: Path, seed_raw: bytes) -> None:
    assert detect_text("000_d6b8fba0548ddb4f.txt", seed_raw[:4096])
    historylab = sorted((corpus / "historylab-ner").rglob("*.txt"))
    assert historylab
    for path in historylab:
        assert not detect_text(path.name, path.read_bytes()[:4096]), path
    assert not detect_text("page.html", seed_raw[:4096])


def test_bad_input_raises_read_error() -> None:
    with pytest.raises(ReadError) as caught:
        _read_text(b"Skip to content\n\nDocument Information\n")
    assert caught.value.position
    with pytest.raises(ReadError):
        _read_text(b"Skip to content\x00\x00 binary")


# --- the same page saved as HTML ---------------------------------------------------

CHROME = (
    "Main navigation",
    "Browse Collections",
    "Sign up for updates",
    "trackPage",
    "window.dataLayer",
    "Wilson Center Digital Archive",
    "© 2026",
    "font-family",
)


def _seed_html(seed_text: str) -> bytes:
    """A realistic saved page around the seed's paragraphs: head with script and style,
    skip link, nav, header, main (date, h1, paragraphs, Document Information), footer."""
    lines = [line.strip() for line in seed_text.split("\n")]
    paragraphs = [line for line in lines if line and line != "Skip to content"]
    date, title, rest = paragraphs[0], paragraphs[1], paragraphs[2:]
    info_at = rest.index("Document Information")
    body = "".join(f"<p>{html_escape.escape(p)}</p>\n" for p in rest[:info_at])
    info = "".join(
        f'<div class="field"><p>{html_escape.escape(p)}</p></div>\n' for p in rest[info_at + 1 :]
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html_escape.escape(title)} | Wilson Center Digital Archive</title>
<link rel="canonical" href="https://digitalarchive.wilsoncenter.org/document/">
<style>body {{ font-family: serif; }}</style>
<script>window.dataLayer = window.dataLayer || []; function trackPage() {{}}</script>
</head><body>
<a class="skip-link" href="#main">Skip to content</a>
<header role="banner"><a href="/">Wilson Center Digital Archive</a>
<nav aria-label="Main navigation"><ul><li><a href="/collections">Browse Collections</a></li>
<li><a href="/search">Search</a></li></ul></nav></header>
<main id="main"><article>
<div class="breadcrumbs">Home / Documents</div>
<p class="date"><time datetime="1947-09-12">{html_escape.escape(date)}</time></p>
<h1>{html_escape.escape(title)}</h1>
<div class="document-body">
{body}</div>
<section class="document-information"><h2>Document Information</h2>
{info}</section>
<script>trackPage("document");</script>
</article></main>
<footer role="contentinfo"><p>Sign up for updates</p><p>© 2026 Wilson Center</p></footer>
<script src="/static/app.js"></script>
</body></html>
"""
    return page.encode("utf-8")


def test_html_page_gives_the_same_record(seed: Record, seed_raw: bytes) -> None:
    raw = _seed_html(seed_raw.decode("utf-8"))
    assert detect_html("page.html", raw[:4096])
    record = _read_html(raw)
    same = (
        "id",
        "title",
        "type",
        "number",
        "date",
        "date_precision",
        "date_start",
        "date_end",
        "sender",
        "to",
        "places",
        "languages",
        "body",
        "summary",
        "transmission",
        "annotations",
        "citation",
        "contributors",
        "rights",
        "source_record_id",
        "extra",
    )
    for name in same:
        assert getattr(record, name) == getattr(seed, name), name
    dumped = str(record.model_dump(exclude={"source"}))
    for chrome in CHROME:
        assert chrome not in dumped, chrome


def test_detect_html_ignores_other_html(corpus: Path) -> None:
    guidelines = corpus / "frus/guidelines/frus-tei-guidelines.html"
    assert not detect_html(guidelines.name, guidelines.read_bytes()[:4096])
    assert not detect_html("notes.txt", b"<html>Wilson Center Digital Archive</html>")


def test_html_without_title_raises_read_error() -> None:
    raw = b"<html><head><title>Wilson Center Digital Archive</title></head><body></body></html>"
    with pytest.raises(ReadError):
        _read_html(raw)


def test_title_before_date_and_footer_after_record_id(seed_raw: bytes, seed: Record) -> None:
    text = seed_raw.decode("utf-8").replace(
        "September 12, 1947\n\nIncoming Cable No. 16, Malik to Cde. Stalin",
        "Incoming Cable No. 16, Malik to Cde. Stalin\n\nSeptember 12, 1947",
    )
    text = text.rstrip() + "# 110404\n\nPrivacy Policy\n\n© Wilson Center\n"
    record = _read_text(text.encode("utf-8"))
    assert (record.title, record.date) == (seed.title, seed.date)
    assert record.source_record_id == "110404"
    assert record.body == seed.body
    assert record.extra == {}


def test_page_without_date(seed_raw: bytes, seed: Record) -> None:
    text = seed_raw.decode("utf-8").replace("September 12, 1947\n", "")
    record = _read_text(text.encode("utf-8"))
    assert record.date is None and record.date_precision is None
    assert record.id == "wilson-incoming-cable-no-16-malik-to-cde-stalin"
    assert record.body == seed.body
