"""Titles and heading lines: document type, number, senders, recipients."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from opis.analysis.header import classify_type, parse_title
from opis.analysis.language import guess_language
from opis.model import Person


@dataclass(frozen=True)
class _Dfat:
    titles: frozenset[str]
    first_lines: list[str]


def _front_title(front: str) -> str:
    """The ``title:`` of YAML front matter, folded continuation lines joined (all DFAT
    titles are plain or single-quoted scalars; a full YAML parse of 6,547 files is slow)."""
    lines = front.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    parts = [lines[start][len("title:") :].strip()]
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        parts.append(line.strip())
    value = " ".join(parts)
    if value.startswith("'") and value.endswith("'"):
        value = value[1:-1].replace("''", "'")
    return value


@pytest.fixture(scope="module")
def dfat(corpus: Path) -> _Dfat:
    titles, first_lines = set(), []
    for path in sorted((corpus / "dfat/volumes").glob("*/*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---", 2)
        titles.add(_front_title(front))
        first_lines.append(next(line for line in body.splitlines() if line.strip()).strip())
    return _Dfat(frozenset(titles), first_lines)


def test_front_title_reader_agrees_with_yaml(corpus: Path) -> None:
    for path in sorted((corpus / "dfat/volumes").glob("volume-1-*/*.md"))[:80]:
        front = path.read_text(encoding="utf-8").split("---", 2)[1]
        assert _front_title(front) == str(yaml.safe_load(front)["title"]), path


def test_seed_title(corpus: Path) -> None:
    lines = (corpus / "wilson/000_d6b8fba0548ddb4f.txt").read_text(encoding="utf-8").splitlines()
    title = next(line for line in lines if line.startswith("Incoming Cable"))
    parts = parse_title(title)
    assert parts.type == "cable"
    assert parts.number == "16"
    assert parts.senders == [Person(name="Malik")]
    assert parts.recipients == [Person(name="Stalin")]


@pytest.mark.parametrize(
    ("title", "senders", "recipients"),
    [
        ("Ballard to Evatt", [("Ballard", None)], [("Evatt", None)]),
        (
            "Mr S. M. Bruce, High Commissioner in London, to Mr J. A. Lyons, Prime Minister",
            [("S. M. Bruce", "High Commissioner in London")],
            [("J. A. Lyons", "Prime Minister")],
        ),
        (
            "Commonwealth Government to Mr M. MacDonald, U.K. Secretary of State for Dominion "
            "Affairs",
            [("Commonwealth Government", None)],
            [("M. MacDonald", "U.K. Secretary of State for Dominion Affairs")],
        ),
        (
            # The harvester left footnote markers ("100") and "[1]" in titles.
            "Mr A. T. Stirling, External Affairs Officer in London, 100 to Lt Col W. R. "
            "Hodgson, Secretary of Department of External Affairs",
            [("A. T. Stirling", "External Affairs Officer in London")],
            [("Lt Col W. R. Hodgson", "Secretary of Department of External Affairs")],
        ),
        (
            "Department of External Affairs to Stirling [1], Cutler and Hood",
            [("Department of External Affairs", None)],
            [("Stirling", None), ("Cutler", None), ("Hood", None)],
        ),
        ("Forde and Evatt to Curtin", [("Forde", None), ("Evatt", None)], [("Curtin", None)]),
        (
            "Australian Delegation, Economic and Social Council, to Australian Government",
            [("Australian Delegation", "Economic and Social Council")],
            [("Australian Government", None)],
        ),
        ("Stuart to Burton SINGAPORE, 27 January 1948", [("Stuart", None)], [("Burton", None)]),
        ("Mackay to Evatt Dispatch Delhi 40/46", [("Mackay", None)], [("Evatt", None)]),
        ("Curtin to Churchill (in Quebec)", [("Curtin", None)], [("Churchill", "in Quebec")]),
        (
            "Mr J. A. Lyons, Prime Minister, to Mr S. M. Bruce, High Commissioner in London, "
            "and to Sir Earle Page, Minister for Commerce (at Sea [1])",
            [("J. A. Lyons", "Prime Minister")],
            [
                ("S. M. Bruce", "High Commissioner in London"),
                ("Earle Page", "Minister for Commerce (at Sea)"),
            ],
        ),
        (
            "Sir Robert Craigie, U.K. Ambassador to Japan, 72 to U.K. Foreign Office",
            [("Robert Craigie", "U.K. Ambassador to Japan")],
            [("U.K. Foreign Office", None)],
        ),
    ],
)
def test_dfat_correspondents(
    dfat: _Dfat,
    title: str,
    senders: list[tuple[str, str | None]],
    recipients: list[tuple[str, str | None]],
) -> None:
    assert title in dfat.titles
    parts = parse_title(title)
    assert parts.type is None
    assert [(p.name, p.role) for p in parts.senders] == senders
    assert [(p.name, p.role) for p in parts.recipients] == recipients


@pytest.mark.parametrize(
    ("title", "doc_type", "senders"),
    [
        ("Memorandum prepared for Delegation to Imperial Conference", "memorandum", []),
        (
            "Note by Mr S. M. Bruce, High Commissioner in London",
            "note",
            [("S. M. Bruce", "High Commissioner in London")],
        ),
        (
            "Note by Mr S. M. Bruce, High Commissioner in London, of Conversation with Mr J. G. "
            "Winant, U.S. Ambassador to the United Kingdom",
            "note",
            [("S. M. Bruce", "High Commissioner in London")],
        ),
        ("Note for File by Pritchett", "note", [("Pritchett", None)]),
        ("Statement by Makin", "statement", [("Makin", None)]),
        (
            "Broadcast Speech by Mr R.G. Menzies, Prime Minister",
            "speech",
            [("R.G. Menzies", "Prime Minister")],
        ),
        (
            "Report of Conversation between Auge and Watt, Forsyth and Pyman",
            "record of conversation",
            [],
        ),
        ("Record of Meeting at U.K. Foreign Office", "minutes", []),
        (
            "Summary of Papers and Questions on Defence submitted by Delegation to Imperial "
            "Conference",
            None,
            [],
        ),
        ("Topics for Discussions on South-East Asia", None, []),
        ("Working Paper for New Delhi Conference on Indonesia", "paper", []),
    ],
)
def test_dfat_typed_titles(
    dfat: _Dfat, title: str, doc_type: str | None, senders: list[tuple[str, str | None]]
) -> None:
    assert title in dfat.titles
    parts = parse_title(title)
    assert parts.type == doc_type
    assert [(p.name, p.role) for p in parts.senders] == senders
    assert parts.recipients == []


def test_every_dfat_title_parses_without_false_people(dfat: _Dfat) -> None:
    assert len(dfat.titles) > 1500  # distinct titles
    for title in dfat.titles:
        parts = parse_title(title)
        for person in parts.senders + parts.recipients:
            assert person.name.strip() == person.name and person.name, title
            assert not person.name.startswith(("Mr ", "Sir ", "Dr ", "the ")), title
            assert "[" not in person.name, title
            assert not person.name[:1].islower() or person.name.startswith(("de ", "van ")), title


@pytest.mark.parametrize(
    ("title", "doc_type", "senders", "recipients"),
    [
        (
            "Telegram From the Embassy in the Soviet Union to the Department of State",
            "telegram",
            [("Embassy in the Soviet Union", None)],
            [("Department of State", None)],
        ),
        (
            "Memorandum From the President's Special Assistant (Rostow) to President Johnson",
            "memorandum",
            [("Rostow", "President's Special Assistant")],
            [("President Johnson", None)],
        ),
        (
            "Letter From the President’s Special Consultant (Randall) to the Secretary of the "
            "Treasury (Humphrey) and the Under Secretary of State (Hoover)",
            "letter",
            [("Randall", "President’s Special Consultant")],
            [("Humphrey", "Secretary of the Treasury"), ("Hoover", "Under Secretary of State")],
        ),
        (
            "Memorandum from Kaysen to Bell, January 23. Conveys President’s request",
            "memorandum",
            [("Kaysen", None)],
            [("Bell", None)],
        ),
        (
            "Circular Airgram From the Department of State to Certain Diplomatic Missions",
            "airgram",
            [("Department of State", None)],
            [("Certain Diplomatic Missions", None)],
        ),
        (
            "Memorandum of a Telephone Conversation Between the Secretary of State and the "
            "Director of Central Intelligence (Dulles), Washington, February 8, 1955",
            "memorandum of conversation",
            [],
            [],
        ),
        (
            "Diary Entry by the President’s Press Secretary (Hagerty)",
            "diary",
            [("Hagerty", "President’s Press Secretary")],
            [],
        ),
        ("Editorial Note", "editorial note", [], []),
        ("National Security Council Report", "report", [], []),
        ("Minutes of a Meeting of the National Security Council", "minutes", [], []),
    ],
)
def test_frus_titles(
    title: str,
    doc_type: str,
    senders: list[tuple[str, str | None]],
    recipients: list[tuple[str, str | None]],
) -> None:
    parts = parse_title(title)
    assert parts.type == doc_type
    assert [(p.name, p.role) for p in parts.senders] == senders
    assert [(p.name, p.role) for p in parts.recipients] == recipients


@pytest.mark.parametrize(
    ("line", "doc_type", "number"),
    [
        ("Cablegram 91 LONDON, 2 May 1947, 10.16 p.m.", "cablegram", "91"),
        ("Memorandum H29 LONDON, 30 October 1937", "memorandum", "H29"),
        ("Agendum 114/1945 CANBERRA, 15 March 1945", "agendum", "114/1945"),
        ("Savingram 46 MANILA, 3 May 1949", "savingram", "46"),
        ("Letter LONDON, 30 October 1937", "letter", None),
        ("Circular Cablegram D45 CANBERRA, 1 March 1946", "cablegram", "D45"),
        ("Teleprinter message D314 CANBERRA, 2 June 1948", "message", "D314"),
    ],
)
def test_dfat_first_lines(line: str, doc_type: str, number: str | None) -> None:
    assert classify_type(line) == doc_type
    assert parse_title(line).number == number


def test_real_dfat_first_lines_mostly_typed(dfat: _Dfat) -> None:
    lines = dfat.first_lines
    assert len(lines) == 6547
    typed = [line for line in lines if classify_type(line)]
    # Almost every DFAT document opens with its type; the rest open with a place.
    assert len(typed) / len(lines) > 0.9
    for line in lines:
        if line.startswith("Cablegram "):
            assert classify_type(line) == "cablegram", line


@pytest.mark.parametrize(
    ("text", "doc_type"),
    [
        ("ЗАПИСЬ БЕСЕДЫ", "record of conversation"),
        ("Шифртелеграмма № 16", "cable"),
        ("Телеграмма", "telegram"),
        ("Докладная записка", "memorandum"),
        ("Справка о положении в Корее", "report"),
        ("Протокол заседания", "minutes"),
        ("Постановление Политбюро", "resolution"),
        ("Письмо Мао Цзэдуну", "letter"),
        ("Ballard to Evatt", None),
        ("To Comrade STALIN", None),
        ("", None),
    ],
)
def test_classify_type(text: str, doc_type: str | None) -> None:
    assert classify_type(text) == doc_type


def test_russian_number() -> None:
    assert parse_title("Шифртелеграмма № 16/ш").number == "16/ш"


def test_guess_language(corpus: Path) -> None:
    seed = (corpus / "wilson/000_d6b8fba0548ddb4f.txt").read_text(encoding="utf-8")
    assert guess_language(seed) == "en"
    assert guess_language("По указанию министра иностранных дел СССР тов. Вышинского") == "ru"
    assert guess_language("1947") is None
