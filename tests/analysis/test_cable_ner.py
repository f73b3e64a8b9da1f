"""The cable tagger trained on History Lab's gold telegrams, scored on files it never saw."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from opis.analysis.cable_ner import (
    MODEL_PATH,
    Views,
    cross_validate,
    decode,
    default_tagger,
    folds,
    gold_spans,
    read_gold,
    split_name_pairs,
    tokenize,
    views,
    vote_people,
)
from opis.analysis.entities import Span, find_entities
from opis.analysis.ner_eval import evaluate_spans
from opis.model import Record

TEST_FOLDS = 2
"""Fewer folds than bench/ner_cable.py's 5, to keep the test near 60 s: each model
learns from half the telegrams instead of four fifths, so it scores lower."""
PERSON_F1_FLOOR = 0.76
"""Measured 2-fold person F1 (names, exact spans): 0.787, minus about 0.02. Issue 4's
target (0.85) is for the shipped stacked tagger; this CRF alone gives 0.80 in 5-fold
cross-validation (bench/ner_cable.py)."""


@pytest.fixture(scope="module")
def gold(corpus: Path) -> list[Record]:
    return read_gold(corpus)


@pytest.fixture(scope="module")
def gold_views(gold: list[Record]) -> list[Views]:
    return views([record.body for record in gold])


def test_folds_keep_a_telegram_and_its_copy_together(gold: list[Record]) -> None:
    assert len(gold) == 185
    split = folds(gold, 5)
    assert sorted(i for fold in split for i in fold) == list(range(len(gold)))
    fold_of = {i: n for n, fold in enumerate(split) for i in fold}
    copies = [i for i, r in enumerate(gold) if r.extra["split"] == "unittest"]
    assert len(copies) == 6
    for i in copies:
        (original,) = [j for j, r in enumerate(gold) if r.number == gold[i].number and j != i]
        assert fold_of[original] == fold_of[i]


def test_gold_labels_decode_back_to_the_scored_names(gold: list[Record]) -> None:
    """Tokens and BIO labels can express the gold: decoding them scores near 1."""
    from opis.analysis.cable_ner import _labels_at

    decoded = {}
    for index, record in enumerate(gold):
        tokens = tokenize(record.body)
        decoded[index] = decode(record.body, tokens, _labels_at(tokens, gold_spans(record)))
    result = evaluate_spans(gold, decoded)
    assert result.counts["person"].exact()[2] > 0.97
    assert result.counts["place"].exact()[2] > 0.93  # nested marks: one type per token


def test_cross_validated_person_f1_floor(gold: list[Record], gold_views: list[Views]) -> None:
    predicted = cross_validate(gold, gold_views, TEST_FOLDS)
    assert sorted(predicted) == list(range(len(gold)))
    result = evaluate_spans(gold, predicted)
    rules = evaluate_spans(gold, {i: v.rules for i, v in enumerate(gold_views)})
    person = result.counts["person"].exact()[2]
    assert person >= PERSON_F1_FLOOR, result.counts["person"]
    assert person > rules.counts["person"].exact()[2]  # better than spaCy + rules alone


def test_find_entities_uses_the_shipped_model_on_cables(gold: list[Record]) -> None:
    assert MODEL_PATH.exists(), "rebuild with: python -m opis.analysis.cable_ner"
    assert default_tagger() is not None
    record = next(r for r in gold if r.number == "1973BONN07634")
    found = find_entities(record.model_copy(update={"mentions": []}))
    for mention in found:
        assert mention.position is not None and mention.end is not None
        assert record.body[mention.position : mention.end] == mention.text
    people = {m.text for m in found if m.type == "person"}
    assert "HERMES" in people
    assert not any(p.startswith(("ASSISTANT", "STATE SECRETARY")) for p in people)


def test_offices_are_not_decoded_as_names(gold: list[Record]) -> None:
    # A tagger labelling "THE SOVIET AMBASSADOR" a person gives no name to link.
    record = next(r for r in gold if "THE SOVIET AMBASSADOR" in r.body)
    tokens = tokenize(record.body)
    start = record.body.index("THE SOVIET AMBASSADOR")
    labels = ["O"] * len(tokens)
    inside = [i for i, t in enumerate(tokens) if start <= t.start < start + 21]
    labels[inside[0]] = "B-person"
    for i in inside[1:]:
        labels[i] = "I-person"
    assert not [s for s in decode(record.body, tokens, labels) if s.type == "person"]


def test_two_people_joined_by_a_hyphen_are_split(gold: list[Record]) -> None:
    record = next(r for r in gold if "FRANGIE-ASAD" in r.body)
    body = record.body
    pair = body.index("FRANGIE-ASAD")
    alone = body.index("FRANGIE", pair + 12)
    spans = [Span(pair, pair + 12, "person"), Span(alone, alone + 7, "person")]
    names = [body[s.start : s.end] for s in split_name_pairs(body, spans)]
    assert names == ["FRANGIE", "ASAD", "FRANGIE"]
    # A hyphenated surname whose parts the cable never writes alone stays whole.
    other = next(r.body for r in gold if "MUELLER-THUNS" in r.body)
    at = other.index("MUELLER-THUNS")
    whole = [Span(at, at + 13, "person")]
    assert split_name_pairs(other, whole) == whole


def test_a_name_is_a_person_only_where_most_of_its_occurrences_say_so(
    gold: list[Record],
) -> None:
    # AMOCO, an oil company, stands six times in this cable; one reading as a person
    # must not make six people.
    record = next(r for r in gold if "AMOCO DECLINED" in r.body)
    body = record.body
    tokens = tokenize(body)
    amoco = [i for i, t in enumerate(tokens) if t.text == "AMOCO"]
    assert len(amoco) >= 5
    spans = [Span(tokens[i].start, tokens[i].end, "person") for i in amoco]
    once = [0.0] * len(tokens)
    once[amoco[0]] = 0.95
    assert vote_people(body, tokens, spans, once.__getitem__) == []
    mostly = [0.0] * len(tokens)
    for i in amoco[1:]:
        mostly[i] = 0.9
    assert vote_people(body, tokens, spans, mostly.__getitem__) == spans
    # Places and organisations are not voted on.
    places = [Span(s.start, s.end, "org") for s in spans]
    assert vote_people(body, tokens, places, once.__getitem__) == places


def test_empty_and_punctuation_only_text() -> None:
    tagger = default_tagger()
    assert tagger is not None
    assert tagger.tag("") == []
    assert tagger.tag("... --- ***") == []
    with tempfile.TemporaryDirectory():
        assert decode("", [], []) == []
