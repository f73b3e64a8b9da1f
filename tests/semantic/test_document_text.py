"""What text stands for a document (no model needed)."""

from __future__ import annotations

from pathlib import Path

from opis.model import Record
from opis.semantic.embedder import TEXT_CHARS, document_text
from tests.semantic.conftest import FRUS_SUPPLEMENT, WILSON_TRANSCRIPT, read_records


def test_title_summary_and_opening_of_the_body(seed: Record) -> None:
    text = document_text(seed)
    title, summary, body = text.split("\n")
    assert title == "Incoming Cable No. 16, Malik to Cde. Stalin"
    assert summary.startswith("Stalin agrees to Malik's proposal") and seed.summary == summary
    assert body.startswith("To Comrade STALIN Pursuant to Cde Molotov")
    assert len(body) <= TEXT_CHARS
    assert " ".join(seed.body.split()).startswith(body)


def test_frus_document_number_is_not_part_of_the_title(frus_kennedy: dict[str, Record]) -> None:
    record = frus_kennedy["frus1961-63v06-d100"]
    assert record.title.startswith("100. Message From President Kennedy")
    assert document_text(record).startswith("Message From President Kennedy to Chairman Khrushchev")


def test_long_body_is_cut_at_a_word(frus_korea: dict[str, Record]) -> None:
    record = frus_korea["frus1949v07p2-d209"]  # NSC 8/2, several pages
    assert len(record.body) > 3 * TEXT_CHARS
    text = document_text(record)
    body = text.split("\n", 1)[1]
    assert TEXT_CHARS - 40 < len(body) <= TEXT_CHARS
    last_word = body.split()[-1]
    assert last_word in record.body.split()  # not a word cut in half
    assert record.body.split()[-1] not in body.split()[-5:]


def test_russian_body_is_left_out_and_a_bare_title_says_too_little(corpus: Path) -> None:
    transcript = read_records(corpus / WILSON_TRANSCRIPT)[0]
    assert transcript.languages == ["ru"] and len(transcript.body) > 1000
    assert document_text(transcript) == ""  # "Transcript 33548": nothing English to place


def test_catalogue_entries_embed_only_when_the_title_says_enough(corpus: Path) -> None:
    supplement = read_records(corpus / FRUS_SUPPLEMENT)
    rusk = next(r for r in supplement if r.id == "frus1961-63v07-09mSupp-d154")
    assert rusk.metadata_only and not rusk.body
    assert "between Rusk and Mikoyan" in document_text(rusk)
    assert sum(1 for r in supplement if document_text(r)) > 0.95 * len(supplement)
    heyward = next(r for r in read_records(corpus / "dfat/documents.csv") if r.id == "dfat-v12-68")
    assert heyward.title == "Report by Heyward" and heyward.metadata_only
    assert document_text(heyward) == ""
