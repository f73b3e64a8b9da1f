"""History Lab annotated telegrams against the real corpus."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from opis.model import Record
from opis.readers.base import ReadError, make_source
from opis.readers.historylab import READERS, detect, read_telegram, remove_marks

FILES = 185
SPLITS = {"train": 150, "ToBeFixed": 29, "unittest": 6}


def read(path: Path, root: Path) -> Record:
    raw = path.read_bytes()
    name = str(path.relative_to(root))
    items = list(read_telegram(raw, make_source(raw, name, "historylab-ner")))
    assert len(items) == 1 and isinstance(items[0], Record)
    return items[0]


@pytest.fixture(scope="session")
def telegrams(corpus: Path) -> dict[str, Record]:
    root = corpus / "historylab-ner"
    return {
        str(p.relative_to(root / "gt")): read(p, root) for p in sorted((root / "gt").rglob("*.txt"))
    }


def test_reader_format() -> None:
    assert [r.format for r in READERS] == ["historylab-ner"]


def test_every_file_reads(telegrams: dict[str, Record]) -> None:
    assert len(telegrams) == FILES
    assert Counter(r.extra["split"] for r in telegrams.values()) == SPLITS
    # The unittest copies of train files keep their own id.
    assert len({r.id for r in telegrams.values()}) == FILES
    assert all(r.type == "telegram" and r.languages == ["en"] for r in telegrams.values())


def test_mentions_are_exact_spans_of_the_clean_body(telegrams: dict[str, Record]) -> None:
    total = 0
    for record in telegrams.values():
        for mention in record.mentions:
            assert mention.position is not None
            assert record.body[mention.position :][: len(mention.text)] == mention.text
            assert mention.text == mention.text.strip()
            assert "[[" not in mention.text
        total += len(record.mentions)
    assert total > 10_000
    with_marks_left = [r.id for r in telegrams.values() if "[[" in r.body or "]]" in r.body]
    assert with_marks_left == []


def test_number_place_and_year_from_the_name(telegrams: dict[str, Record]) -> None:
    record = telegrams["train/1973MOSCOW15075.txt"]
    assert record.id == "historylab-1973moscow15075"
    assert record.number == "1973MOSCOW15075"
    assert [(p.name, p.role) for p in record.places] == [("Moscow", "sent")]
    assert record.date is not None and record.date.startswith("1973")
    assert record.rights is not None and "History Lab" in record.rights


def test_nested_marks(telegrams: dict[str, Record]) -> None:
    record = next(r for r in telegrams.values() if "RIGA OVIR DIRECTOR" in r.body)
    at = record.body.index("RIGA OVIR DIRECTOR")
    near = {
        (m.text, m.key)
        for m in record.mentions
        if m.position is not None and at <= m.position < at + 20
    }
    assert {("RIGA", "3"), ("OVIR", "4"), ("RIGA OVIR DIRECTOR", "5")} <= near
    types = {m.key: m.type for m in record.mentions}
    entities = {e["key"]: e["type"] for e in record.extra["entities"]}
    assert types["5"] == entities["5"]


def test_entity_list_and_first_mentions(telegrams: dict[str, Record]) -> None:
    record = telegrams["train/1973BEIRUT07784.txt"]
    assert record.extra["entities"][1] == {"key": "2", "text": "OPEC", "type": "ORG.MED"}
    first = record.mentions[0]
    assert (first.text, first.type, first.key) == ("OPEC", "ORG.MED", "2")
    assert record.body.startswith("SUMMARY. MEES REPORTS THAT OPEC (1)")
    assert [p.name for p in record.places] == ["Beirut"]
    assert (record.date, record.extra["date_source"]) == ("1973", "filename")


def test_cut_post_names_expanded(telegrams: dict[str, Record]) -> None:
    record = telegrams["unittest/1975TELAV05348.txt"]
    assert record.id == "historylab-1975telav05348-unittest"
    assert [p.name for p in record.places] == ["Tel Aviv"]
    assert record.extra["post"] == "TELAV"


def test_to_be_fixed_files_do_not_crash(telegrams: dict[str, Record]) -> None:
    broken = [r for name, r in telegrams.items() if name.startswith("train/ToBeFixed/")]
    assert len(broken) == 29
    # No "@@@"-list, key 0 everywhere: mentions are still read, typed "unlisted".
    record = telegrams["train/ToBeFixed/1976STATE021446.txt"]
    assert record.extra["entities"] == []
    assert record.mentions and all(m.type == "unlisted" for m in record.mentions)


def test_remove_marks_spacing() -> None:
    marked = remove_marks(
        "VISIT TO [[ PANAMA  || 7]] AND [[[[RIGA || 3]] [[OVIR || 4]] DIRECTOR || 5]]."
    )
    assert marked.text == "VISIT TO PANAMA AND RIGA OVIR DIRECTOR."
    spans = {(marked.text[s:e], k) for s, e, k in marked.mentions}
    assert spans == {("PANAMA", "7"), ("RIGA", "3"), ("OVIR", "4"), ("RIGA OVIR DIRECTOR", "5")}
    assert marked.unbalanced == 0


def test_unbalanced_marks_are_counted_not_fatal() -> None:
    marked = remove_marks("[[TEHRAN || 3]] AND TRIPOLI || 4]] AND [[VIENNA")
    assert marked.text == "TEHRAN AND TRIPOLI AND VIENNA"
    assert marked.unbalanced == 2


def test_detect(corpus: Path) -> None:
    root = corpus / "historylab-ner" / "gt"
    for path in sorted(root.rglob("*.txt")):
        assert detect(path.name, path.read_bytes()[:4096]), path
    assert not detect("1977TOKYO13557.txt", b"Just a plain text file.\n")
    assert not detect("notes.txt", b"1. IRAN  GPE.NATION\n@@@\n[[IRAN || 1]]\n")
    page = (corpus / "wilson" / "000_d6b8fba0548ddb4f.txt").read_bytes()[:4096]
    assert not detect("000_d6b8fba0548ddb4f.txt", page)


def test_bad_name_is_an_error() -> None:
    raw = b"1. IRAN  GPE.NATION\n@@@\n[[IRAN || 1]] SAYS NO.\n"
    with pytest.raises(ReadError, match="telegram number"):
        list(read_telegram(raw, make_source(raw, "notes.txt", "historylab-ner")))


def test_plain_text_is_an_error() -> None:
    raw = b"Nothing annotated here.\n"
    with pytest.raises(ReadError) as error:
        list(read_telegram(raw, make_source(raw, "1977TOKYO13557.txt", "historylab-ner")))
    assert error.value.position == "line 1"


def test_binary_junk_is_an_error() -> None:
    raw = bytes(range(256)) * 8
    with pytest.raises(ReadError) as error:
        list(read_telegram(raw, make_source(raw, "1977TOKYO13557.txt", "historylab-ner")))
    assert re.match(r"^(byte|char) \d+$", error.value.position or "")


def test_dates_in_the_text_are_not_the_telegram_date(telegrams: dict[str, Record]) -> None:
    """ "ON FEBRUARY 10, 1976, EXIMBANK ..." reports an event; the cable keeps its year."""
    record = telegrams["train/1976STATE035948.txt"]
    assert "FEBRUARY 10, 1976" in record.body
    assert (record.date, record.date_precision) == ("1976", "year")
    assert (record.date_start, record.date_end) == ("1976-01-01", "1976-12-31")
