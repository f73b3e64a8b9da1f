"""Transmission events: the seed cable, FRUS datelines, DFAT "Received" lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from opis.analysis.transmission import event_date, extract_transmission

SEED = "wilson/000_d6b8fba0548ddb4f.txt"
DFAT_SAVINGRAM = (
    "dfat/volumes/volume-2-1939/"
    "126-mr-o-scott-u-k-charge-d-affaires-in-portugal-to-commonwealth-government.md"
)
DFAT_CABLEGRAM = (
    "dfat/volumes/volume-11-1947-indonesia/347-officer-to-department-of-external-affairs.md"
)


def test_seed_events_in_order(corpus: Path) -> None:
    text = (corpus / SEED).read_text(encoding="utf-8")
    events, spans = extract_transmission(text)
    assert [event.event for event in events] == [
        "sent",
        "received",
        "registered",
        "deciphered",
        "printed",
    ]
    sent, received, registered, deciphered, printed = events
    assert (sent.place, sent.date) == ("Moscow", "1947-09-12T03:50")
    assert sent.text == "From Moscow sent at 0350 12 September 1947"
    assert (received.place, received.purpose, received.date) == (
        "Sochi",
        "decipherment",
        "1947-09-12T04:30",
    )
    assert received.text == "Received in Sochi for decipherment on 12 September 1947 at 0430"
    assert (registered.reference, registered.text) == ("16/sh", "Incoming No. 16/sh")
    assert (deciphered.date, deciphered.agent) == ("1947-09-12T05:20", "Nezlobin")
    assert deciphered.text == "Deciphered on 12 September 1947 at 0520."
    assert (printed.copies, printed.agent, printed.date) == (2, "Nezlobin", None)
    assert printed.text == "Printed in 2 copies."
    # Four source passages: the two "From/sent" lines, "Received", "Incoming", the
    # clerk's line (deciphered and printed come from one line).
    consumed = [text[start:end] for start, end in spans]
    assert consumed == [
        "From Moscow\n\nsent at 0350 12 September 1947",
        "Received in Sochi for decipherment on 12 September 1947 at \u00a00430",
        "Incoming No. 16/sh",
        "Deciphered on 12 September 1947 at 0520. Printed in 2 copies. Nezlobin.",
    ]


def test_frus_received_bracket_in_dateline(corpus: Path) -> None:
    tree = etree.parse(
        str(corpus / "frus/volumes/frus1948v01p1.xml"),
        etree.XMLParser(collect_ids=False, huge_tree=True),
    )
    namespaces = {"tei": "http://www.tei-c.org/ns/1.0"}
    datelines = [
        " ".join("".join(node.itertext()).split())
        for node in tree.iterfind(".//tei:dateline", namespaces)
    ]
    dateline = next(line for line in datelines if "[Received December 8—8:09" in line)
    assert dateline.endswith("December 8, 1948—10 p. m. [Received December 8—8:09 p. m.]")
    # FRUS leaves the year out; the caller passes the document's year.
    events, spans = extract_transmission(dateline, year=1948)
    assert [(e.event, e.date, e.text) for e in events] == [
        ("received", "1948-12-08T20:09", "Received December 8—8:09 p. m."),
    ]
    assert dateline[spans[0][0] : spans[0][1]] == "[Received December 8—8:09 p. m.]"
    # Without a year nothing is guessed: the event is kept, its date is not.
    events, _ = extract_transmission(dateline)
    assert events[0].date is None


def test_frus_received_lines_across_a_volume(corpus: Path) -> None:
    text = (corpus / "frus/volumes/frus1949v07p2.xml").read_text(encoding="utf-8")
    plain = " ".join(text.split())
    brackets = plain.count("[Received ")
    assert brackets == 35
    events, _ = extract_transmission(plain, year=1949)
    received = [event for event in events if event.event == "received"]
    assert len(received) == brackets
    assert all(event.date and event.date.startswith("1949-") for event in received)


def test_dfat_received_line(corpus: Path) -> None:
    text = (corpus / DFAT_SAVINGRAM).read_text(encoding="utf-8")
    events, spans = extract_transmission(text)
    assert [(e.event, e.date, e.text) for e in events] == [
        ("received", "1939-08-01", "Received 1 August 1939"),
    ]
    assert text[spans[0][0] : spans[0][1]] == "Received 1 August 1939"


def test_dfat_received_with_time(corpus: Path) -> None:
    text = (corpus / DFAT_CABLEGRAM).read_text(encoding="utf-8")
    events, _ = extract_transmission(text)
    assert [(e.event, e.date) for e in events] == [("received", "1947-09-24T09:30")]


def test_dfat_footnote_prose_is_not_an_event(corpus: Path) -> None:
    hits = 0
    for path in sorted((corpus / "dfat/volumes/volume-11-1947-indonesia").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "\nDispatched on " not in text:
            continue
        hits += 1
        events, _ = extract_transmission(text)
        assert not [e for e in events if e.event == "sent"], path
    assert hits > 0


@pytest.mark.parametrize(
    ("line", "event", "date"),
    [
        ("Received 3 May 1947, 9.45 a.m.", "received", "1947-05-03T09:45"),
        ("Sent 2 May 1947", "sent", "1947-05-02"),
        ("Despatched 4 June 1940, 10 a.m.", "sent", "1940-06-04T10:00"),
        ("Received [13 May 1940], 1.05 p.m.", "received", "1940-05-13T13:05"),
        ("[Received June 28.]", "received", None),
        ("Received 24 July 1947 [1]", "received", "1947-07-24"),
    ],
)
def test_common_forms(line: str, event: str, date: str | None) -> None:
    events, spans = extract_transmission(line)
    assert [(e.event, e.date) for e in events] == [(event, date)]
    assert "[1]" not in line[spans[0][0] : spans[0][1]]


@pytest.mark.parametrize(
    "text",
    [
        "Received your telegram of 3 May.",
        "Received very cordially by General MacArthur.",
        "Sent Department 123, repeated London 45.",
        "Dispatched on 23 May, it reported that Gani had disposed of the matter.",
        "Deciphered messages are kept in the registry.",
        "Incoming telegrams are filed.",
    ],
)
def test_prose_is_not_an_event(text: str) -> None:
    assert extract_transmission(text) == ([], [])


def test_event_date() -> None:
    assert event_date("at 0350 12 September 1947") == "1947-09-12T03:50"
    assert event_date("February 22—3:52 p.m.", year=1946) == "1946-02-22T15:52"
    assert event_date("February 22—12:10 a.m.", year=1946) == "1946-02-22T00:10"
    assert event_date("12 September 1947, noon") == "1947-09-12T12:00"
    assert event_date("February 22") is None
