"""HTML pages on real records: the document as an edition, browse, search."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

import lxml.html
import pytest
from lxml.html import HtmlElement

from opis.web import pages
from tests.web.conftest import FRUS, SEED_ID, Site


def page(site: Site, url: str, status: int = 200) -> HtmlElement:
    response = site.client.get(url)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(response.text)


def text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_document_page_header_and_facts(site: Site) -> None:
    doc = page(site, f"/documents/{SEED_ID}")
    assert text(doc.cssselect("h1")[0]) == "Incoming Cable No. 16, Malik to Cde. Stalin"
    facts = {text(dt): text(dt.getnext()) for dt in doc.cssselect("dl.facts dt")}
    assert facts["Date"] == "12 September 1947 (day)"
    assert facts["Type"] == "cable, no. 16"
    assert facts["From"] == "Malik"
    assert facts["To"] == "Stalin"
    assert doc.cssselect("html")[0].get("lang") == "en"


def test_transmission_chain_is_an_ordered_timeline(site: Site) -> None:
    doc = page(site, f"/documents/{SEED_ID}")
    steps = doc.cssselect("ol.timeline > li")
    assert [text(li.cssselect(".event")[0]) for li in steps] == [
        "sent",
        "received",
        "registered",
        "deciphered",
        "printed",
    ]
    received = steps[1]
    assert text(received.cssselect(".place")[0]) == "Sochi"
    assert received.cssselect("time")[0].get("datetime") == "1947-09-12T04:30"
    assert text(received.cssselect(".purpose")[0]) == "for decipherment"
    assert text(steps[4].cssselect(".copies")[0]) == "2 copies"
    assert text(steps[3].cssselect(".agent")[0]) == "by Nezlobin"


def test_marginalia_stand_in_the_margin_beside_the_text(site: Site) -> None:
    doc = page(site, f"/documents/{SEED_ID}")
    first = doc.cssselect("section.text .para")[0]
    assert text(first.cssselect("p")[0]) == "To Comrade STALIN"
    notes = first.cssselect("aside.margin .note")
    assert [text(n.cssselect(".note-text")[0]) for n in notes] == [
        "Cde Stalin approves. P.",
        "[illegible word, may possibly mean “Composed by”] Cde Malik [signature]",
    ]
    assert "note-handwritten" in notes[0].get("class")
    assert notes[0].get("title") == "[Handwritten: Cde Stalin approves. P.]"
    body = text(doc.cssselect("section.text")[0])
    assert "Awaiting your instructions." in body
    assert "[Handwritten" not in " ".join(t.text_content() for t in doc.cssselect("section.text p"))


def test_archival_citation_in_its_parts_and_edition_credits(site: Site) -> None:
    doc = page(site, f"/documents/{SEED_ID}")
    parts = {text(dt): text(dt.getnext()) for dt in doc.cssselect("section.archival dt")}
    assert parts == {
        "Repository": "RGASPI",
        "Fond": "558",
        "Opis": "11",
        "Delo": "106",
        "Folios": "52-53",
    }
    assert (
        text(doc.cssselect(".citation-text")[0]) == "RGASPI, f. 558, op. 11, d. 106, ll. 0052-0053."
    )
    credits = {text(dt): text(dt.getnext()) for dt in doc.cssselect("section.credits dt")}
    assert credits["Translated by"] == "Angela Greenfield"
    assert credits["Contributor"] == "Sergey Radchenko"
    assert "Stalin agrees to Malik's proposal" in text(doc.cssselect("section.summary")[0])
    assert "welcomes reuse of Digital Archive materials" in text(doc.cssselect("section.rights")[0])


def test_cite_this_offers_every_format_and_zotero_metadata(site: Site) -> None:
    doc = page(site, f"/documents/{SEED_ID}")
    summaries = [text(s) for s in doc.cssselect("section.cite summary")]
    assert summaries[:2] == ["Chicago (note)", "Chicago (bibliography)"]
    assert len(summaries) == 9
    note = text(doc.cssselect(".cite-chicago-note")[0])
    assert note.startswith(
        "Malik, “Incoming Cable No. 16, Malik to Cde. Stalin,” September 12, 1947"
    )
    assert note.endswith(f"http://testserver/documents/{SEED_ID}.")
    apa = doc.cssselect(".cite-apa i")[0]
    assert text(apa) == "Incoming Cable No. 16, Malik to Cde. Stalin"
    meta = {m.get("name"): m.get("content") for m in doc.cssselect("meta[name]")}
    assert meta["citation_title"] == "Incoming Cable No. 16, Malik to Cde. Stalin"
    assert meta["citation_author"] == "Malik"
    assert meta["citation_date"] == "1947/09/12"
    assert meta["citation_archive"] == "RGASPI"
    coins = parse_qs(doc.cssselect("span.Z3988")[0].get("title"))
    assert coins["ctx_ver"] == ["Z39.88-2004"]
    assert coins["rft.title"] == ["Incoming Cable No. 16, Malik to Cde. Stalin"]
    assert coins["rft.date"] == ["1947-09-12"]
    download = doc.cssselect("section.source a[download]")[0]
    assert download.get("href") == f"http://testserver/api/documents/{SEED_ID}/source"


def test_dfat_page_shows_attribution_and_linked_footnotes(site: Site) -> None:
    doc = page(site, "/documents/dfat-v11-1")
    attribution = text(doc.cssselect(".attribution")[0])
    assert attribution == (
        "Attribution: Documents on Australian Foreign Policy, Volume 11: Australia & Indonesia’s"
        " Independence, 1947, document 1. © Commonwealth of Australia (DFAT), CC BY."
    )
    marker = doc.cssselect("sup.fnref a")[0]
    assert marker.get("href") == "#fn-1"
    # The body's own "[1]" marker becomes the link rather than standing beside it.
    first = text(doc.cssselect("section.text .para > p")[0])
    assert "Den Pasar Conference1 are incorporated here" in first
    assert "[1]" not in first
    target = doc.get_element_by_id("fn-1")
    assert "Den Pasar Conference of 7-24 December 1946" in text(target)
    assert text(doc.cssselect(".collection a")[0]).startswith("Volume 11:")
    assert text(doc.cssselect("dd.classification")[0]) == "secret"


def test_frus_page_marks_printed_page_breaks(site: Site) -> None:
    doc = page(site, "/documents/frus1917-72PubDip-d18")
    breaks = [text(b) for b in doc.cssselect("section.text .pagebreak")]
    assert breaks[0] == "[p. 42]"
    markers = doc.cssselect("sup.fnref a")
    assert [m.get("href") for m in markers][:2] == ["#fn-d18fn2", "#fn-d18fn3"]
    assert [text(m) for m in markers][:2] == ["2", "3"]
    note = doc.get_element_by_id("fn-d18fn2")
    assert text(note).startswith("2 Telegram 3339 to Paris, March 19.")
    assert doc.cssselect("link[rel=canonical]")[0].get("href").endswith("frus1917-72PubDip-d18")


def test_document_page_supports_conditional_get(site: Site) -> None:
    first = site.client.get(f"/documents/{SEED_ID}")
    again = site.client.get(
        f"/documents/{SEED_ID}", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    api_tag = site.client.get(f"/api/documents/{SEED_ID}").headers["etag"]
    assert api_tag != first.headers["etag"]


def test_unknown_document_page_is_an_html_404(site: Site) -> None:
    doc = page(site, "/documents/nothing-here", status=404)
    assert "no document with id 'nothing-here'" in text(doc.cssselect("p.error")[0])


def test_browse_lists_collections_and_pages_through_documents(site: Site) -> None:
    assert site.client.get("/", follow_redirects=False).headers["location"] == "/browse"
    doc = page(site, "/browse")
    collections = [text(a) for a in doc.cssselect("ul.collections a")]
    assert "Volume 11: Australia & Indonesia’s Independence, 1947" in collections
    assert (
        "Foreign Relations of the United States, 1917–1972, Public Diplomacy, World War I"
        in collections
    )
    assert len(doc.cssselect("ol.documents > li")) == 48  # every document fits one page of 50
    assert not doc.cssselect("a[rel=next]")
    dfat = page(site, "/browse?collection=dfat-v11")
    assert [text(a) for a in dfat.cssselect("ol.documents a")] == [
        "Ballard to Evatt",
        "Ballard to Department of External Affairs",
    ]
    page(site, "/browse?collection=nope", status=404)
    page(site, "/browse?cursor=garbage", status=400)


def test_browse_by_year_repository_and_fond(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = page(site, "/browse")
    headings = [h.text_content() for h in doc.cssselect("h2")]
    assert {"By year", "By repository", "By fond or series"} <= set(headings)
    fonds = {a.text_content(): a.get("href") for a in doc.cssselect(".fonds a")}
    repositories = {
        a.text_content(): a.get("href") for a in doc.cssselect("h2#repositories-h ~ ul a")
    }
    assert "RGASPI f. 558" in fonds and "RGASPI" in repositories
    for href in (fonds["RGASPI f. 558"], repositories["RGASPI"]):
        listed = page(site, href)
        assert f"/documents/{SEED_ID}" in [
            a.get("href").removeprefix("http://testserver") for a in listed.cssselect("ol a")
        ]
    years = {a.text_content(): a.get("href") for a in doc.cssselect(".years a")}
    counts = {
        li.cssselect("a")[0].text_content(): int(li.cssselect(".count")[0].text_content())
        for li in doc.cssselect(".years li")
    }
    year_1947 = page(site, years["1947"])
    assert year_1947.cssselect("h1")[0].text_content() == "Year: 1947"
    shown = [t.text_content() for t in year_1947.cssselect("ol.documents .meta")]
    assert len(shown) == min(counts["1947"], 50) and all("1947" in t for t in shown)
    # "Search within these" turns the browse into a query with the same documents.
    search = year_1947.cssselect("main p a")[0].get("href")
    q = parse_qs(search.split("?", 1)[1])["q"][0]
    assert q == "date:1947"
    total = site.client.get("/api/search", params={"q": q}).json()["total"]
    assert total == counts["1947"]
    decades = {
        dt.cssselect("a")[0].text_content(): (
            int(dt.cssselect(".count")[0].text_content()),
            dt.cssselect("a")[0].get("href"),
        )
        for dt in doc.cssselect(".decades dt")
    }
    count, href = max(decades.values())
    monkeypatch.setattr(pages, "PAGE_SIZE", 10)  # pages of this small archive
    assert count > 10
    first, second = page(site, href), page(site, href + "&page=2")
    assert first.cssselect('a[rel="next"]') and not first.cssselect('a[rel="prev"]')
    assert second.cssselect('a[rel="prev"]')
    assert second.cssselect("ol.documents")[0].get("start") == "11"
    ids = [a.get("href") for p in (first, second) for a in p.cssselect("ol.documents a")]
    assert len(ids) == len(set(ids)) == min(count, 20)


def test_search_page_works_without_javascript_and_with_htmx(site: Site) -> None:
    empty = page(site, "/search")
    field = empty.cssselect("input#q")[0]
    assert field.get("hx-trigger") == "input changed delay:300ms, search"
    assert empty.cssselect("script[src]")[0].get("src").endswith("/static/htmx.min.js")
    doc = page(site, "/search?q=Shtykov")
    hits = doc.cssselect("ol.hits > li")
    assert SEED_ID in hits[0].cssselect("a")[0].get("href")
    assert doc.cssselect("ol.hits .snippet b")
    partial = site.client.get("/search?q=Shtykov", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text and 'class="hits"' in partial.text


def test_htmx_is_served_from_the_package_with_its_licence(site: Site) -> None:
    response = site.client.get("/static/htmx.min.js")
    assert response.status_code == 200
    assert response.text.startswith("/*! htmx.org 2.0.11")
    assert "Zero-Clause BSD" in site.client.get("/static/htmx.LICENSE.txt").text


def test_a_bad_query_is_explained_on_the_search_page(site: Site) -> None:
    doc = page(site, "/search?q=date:xyz", status=400)
    assert "bad date 'xyz'" in text(doc.cssselect("p.error")[0])
    assert doc.cssselect("input#q")[0].get("value") == "date:xyz"


def test_text_links_never_cross_markers_or_each_other(corpus: Path) -> None:
    from opis.model import Record
    from opis.readers.base import make_source
    from opis.readers.frus_tei import read_frus_tei
    from opis.web import view

    path = corpus / FRUS
    raw = path.read_bytes()
    record = next(
        r
        for r in read_frus_tei(raw, make_source(raw, path.name, "frus-tei"))
        if isinstance(r, Record)
        and any(f.position and f.position > 40 for f in r.footnotes)
        and "\n" not in r.body[:40]  # the first links below stay inside one paragraph
    )
    marker = next(f.position for f in record.footnotes if f.position and f.position > 40)
    links = [
        view.TextLink(0, 12, "/a", "first", "name-person"),
        view.TextLink(5, 20, "/b", "overlaps the first", "name-place"),
        view.TextLink(0, 30, "/c", "longest at its start", "ref"),
        view.TextLink(marker - 3, marker + 3, "/d", "crosses a footnote marker", "ref"),
        view.TextLink(len(record.body) - 1, len(record.body) + 5, "/e", "past the end", "ref"),
    ]
    pieces = [p for para in view.paragraphs(record, links) for p in para.pieces]
    shown = [(p.href, p.text) for p in pieces if p.kind == "link"]
    assert shown == [("/c", record.body[0:30])]
    plain = view.paragraphs(record)
    assert "".join(p.text for para in plain for p in para.pieces if p.kind == "text") == "".join(
        p.text
        for para in view.paragraphs(record, links)
        for p in para.pieces
        if p.kind in ("text", "link")
    )
