"""Wilson Center Digital Archive API responses: the collection and the transcript."""

from __future__ import annotations

from pathlib import Path

import pytest

from opis.model import Collection, Person, Record
from opis.readers.base import Item, ReadError, make_source
from opis.readers.wilson_json import READERS, detect

READER = READERS[0]


def _read(raw: bytes, filename: str) -> list[Item]:
    return list(READER.read(raw, make_source(raw, filename, "wilson-json")))


def test_format_name() -> None:
    assert [reader.format for reader in READERS] == ["wilson-json"]


def test_collection(corpus: Path) -> None:
    raw = (corpus / "wilson/collection.json").read_bytes()
    assert detect("collection.json", raw[:4096])
    (item,) = _read(raw, "collection.json")
    assert isinstance(item, Collection)
    assert item.id == "wilson-collection-491"
    assert item.kind == "wilson-collection"
    assert item.title == '“Local Nationalism" in Xinjiang, 1957-1958'
    assert item.description is not None
    assert item.description.startswith("At the end of 1957, the Xinjiang Party Committee")
    assert item.description.endswith('"The Yi-Ta Incident, 1962."')
    assert "<" not in item.description and "&quot;" not in item.description
    assert item.metadata["slug"] == "local-nationalism-in-xinjiang-1957-1958"
    assert item.metadata["first_published_at"] == "2018-06-26 18:48:04"
    assert item.metadata["source_created_at"] == "2017-11-17 17:18:10"
    assert item.metadata["source_id"] == "491"
    assert len(item.metadata["links"]) == 3


def test_transcript(corpus: Path) -> None:
    raw = (corpus / "wilson/transcript.json").read_bytes()
    assert detect("transcript.json", raw[:4096])
    (item,) = _read(raw, "transcript.json")
    assert isinstance(item, Record)
    assert item.id == "wilson-transcript-33548"
    assert item.source_record_id == "33548"
    # The transcript has no heading of its own: nothing to take a title or type from.
    assert item.title == "Transcript 33548"
    assert item.type is None
    # "1 января" has no year; years further on are not the document's date.
    assert item.date is None
    assert item.languages == ["ru"]
    assert item.body.startswith("По указанию министра иностранных дел СССР тов. Вышинского")
    assert item.body.endswith("Посол СССР в Китае\n\nН. Рощин")
    assert item.body.count("\n\n") == 20  # the 21 non-empty <p> of the source
    for leftover in ("<", "cs366E2583", "font-size", "\r", "&laquo;"):
        assert leftover not in item.body, leftover
    assert "«Состояние моего здоровья" in item.body
    # "[для сна]" is an editor's insertion, not marginalia: it stays in the text.
    assert "не принимая лекарства [для сна], весел" in item.body
    assert item.annotations == []
    assert item.signers == [Person(name="Н. Рощин", role="Посол СССР в Китае")]
    assert item.extra["url"] == "/transcripts/33548.html"
    assert item.extra["asset_id"] == "21170"


def test_detect_is_specific(corpus: Path) -> None:
    others = [
        corpus / "state-foia/foia_raw.json",
        corpus / "bush41-memcons/memcons.json",
    ]
    for path in others:
        assert not detect(path.name, path.read_bytes()[:4096]), path
    assert not detect("collection.txt", (corpus / "wilson/collection.json").read_bytes())


@pytest.mark.parametrize(
    ("raw", "position"),
    [
        (b'{"id": "1", "slug": "x",\n "name": ', "line 2, column 10"),
        (b"[1, 2]", "line 1, column 1"),
        (b'{"id": "1", "other": true}', "line 1, column 1"),
    ],
)
def test_bad_input(raw: bytes, position: str) -> None:
    with pytest.raises(ReadError) as caught:
        _read(raw, "bad.json")
    assert caught.value.position == position


def test_transcript_without_text() -> None:
    with pytest.raises(ReadError):
        _read(b'{"id": "5", "asset_id": "1", "content_type": "text/html", "html": ""}', "t.json")


def test_transcript_with_heading() -> None:
    raw = (
        '{"id": "7", "asset_id": "1", "content_type": "text/html", "html": '
        '"<p>ЗАПИСЬ БЕСЕДЫ</p><p>с Мао Цзэдуном 2 января 1950 г.</p>'
        '<p>Текст беседы был длинным и подробным, как обычно бывает.</p>"}'
    ).encode()
    (item,) = _read(raw, "t.json")
    assert isinstance(item, Record)
    assert item.title == "ЗАПИСЬ БЕСЕДЫ с Мао Цзэдуном 2 января 1950 г."
    assert item.type == "record of conversation"
    assert item.date == "1950-01-02"
