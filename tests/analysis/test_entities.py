"""Named-entity recognition on real corpus text: the seed page, the Russian transcript,
History Lab's upper-case telegrams and their gold annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from opis.analysis.cable_ner import default_tagger
from opis.analysis.entities import (
    build_case_table,
    case_table,
    find_entities,
    find_entities_in_text,
    is_upper_case,
    truecase,
)
from opis.analysis.ner_eval import Evaluation, evaluate_record, gold_name
from opis.model import Mention, Record
from opis.readers import registry
from opis.readers.base import make_source

SEED = "wilson/000_d6b8fba0548ddb4f.txt"
TRANSCRIPT = "wilson/transcript.json"
GOLD = "historylab-ner/gt"
ISSUE_TARGET = 0.85
"""Issue 4's target for person F1 on the History Lab telegrams: not reached yet."""
PERSON_F1_FLOOR = 0.60
"""What opis reaches now (0.64 on all files, exact spans, names): a regression guard."""


def _read(corpus: Path, name: str, fmt: str) -> list[Record]:
    raw = (corpus / name).read_bytes()
    source = make_source(raw, Path(name).name, fmt)
    return [item for item in registry.by_format(fmt).read(raw, source) if isinstance(item, Record)]


def _names(mentions: list[Mention], kind: str) -> set[str]:
    return {m.text for m in mentions if m.type == kind}


@pytest.fixture(scope="module")
def seed(corpus: Path) -> Record:
    (record,) = _read(corpus, SEED, "webpage-text")
    return record


@pytest.fixture(scope="module")
def gold(corpus: Path) -> list[Record]:
    root = corpus / "historylab-ner"
    records = []
    for path in sorted((corpus / GOLD).rglob("*.txt")):
        raw = path.read_bytes()
        source = make_source(raw, str(path.relative_to(root)), "historylab-ner")
        records.extend(
            item
            for item in registry.by_format("historylab-ner").read(raw, source)
            if isinstance(item, Record)
        )
    return records


def test_seed_body_people_and_places(seed: Record) -> None:
    mentions = find_entities(seed)
    people = _names(mentions, "person")
    assert {"STALIN", "Molotov", "V.M. Molotov", "Shtykov"} <= people
    # Titles are not part of a name; "Nos." (of the telegrams) is no one.
    assert not any(name.startswith(("Comrade", "Cde")) for name in people)
    assert "Nos" not in people
    assert "South Korea" in _names(mentions, "place")
    for mention in mentions:
        assert mention.origin == "ner"
        assert mention.position is not None and mention.end is not None
        assert seed.body[mention.position : mention.end] == mention.text


def test_seed_page_text_people_and_places(corpus: Path) -> None:
    """The whole page as text: the transmission lines and marginalia name the rest."""
    text = (corpus / SEED).read_text(encoding="utf-8")
    mentions = find_entities_in_text(text)
    people = {name.split()[-1].title() for name in _names(mentions, "person")}
    assert {"Stalin", "Malik", "Molotov", "Shtykov", "Nezlobin"} <= people
    places = _names(mentions, "place")
    assert {"Sochi", "Moscow"} <= places
    assert any("Korea" in place for place in places)


def test_markup_mentions_are_not_found_again(seed: Record) -> None:
    found = find_entities(seed)
    molotov = next(m for m in found if m.text == "Molotov")
    assert molotov.position is not None and molotov.end is not None
    marked = seed.model_copy(
        update={
            "mentions": [
                Mention(
                    text="Molotov",
                    type="person",
                    position=molotov.position,
                    end=molotov.end,
                    origin="markup",
                )
            ]
        }
    )
    again = find_entities(marked)
    assert len(again) == len(found) - 1
    assert all(m.position != molotov.position for m in again)


def test_russian_transcript(corpus: Path) -> None:
    (record,) = _read(corpus, TRANSCRIPT, "wilson-json")
    mentions = find_entities(record)
    people = _names(mentions, "person")
    assert "Мао Цзэдун" in people
    assert {"Молотову", "Вышинского", "Берия", "Маленкову"} <= people
    assert "И.В. Сталиным" in people  # Stalin, initials kept
    assert not any(name.lower().startswith(("тов", "товарищ")) for name in people)
    places = _names(mentions, "place")
    assert {"Пекина", "Москве", "СССР"} <= places
    for mention in mentions:
        assert mention.position is not None
        assert record.body[mention.position : mention.end] == mention.text


def test_upper_case_cable_is_recased_with_offsets_kept(gold: list[Record]) -> None:
    record = next(r for r in gold if r.number == "1979ANKARA00334")
    assert is_upper_case(record.body)
    recased = truecase(record.body)
    assert len(recased) == len(record.body)
    assert recased.upper() == record.body.upper()
    assert "Deputy Secretary Christopher" in recased
    assert "Secretary General Waldheim" in recased
    unmarked = record.model_copy(update={"mentions": []})  # hide the gold markup
    people = _names(find_entities(unmarked), "person")
    # Found in the original capitals, without their titles.
    assert {"CHRISTOPHER", "WALDHEIM", "ECEVIT", "DENKTASH"} <= people


def test_case_table_does_not_learn_lower_case_from_hyphenated_names(corpus: Path) -> None:
    # FRUS writes Chinese given names hyphenated ("George Kung-chao Yeh", "Chang
    # Shih-chao"): their tails once made "chao" a common word, and the stacked tagger
    # missed every CHAO of 1977PEKING00781 (18 of them) in cross-validation.
    volume = corpus / "frus" / "volumes" / "frus1949v07p2.xml"
    lines = [line for line in volume.read_text(encoding="utf-8").splitlines() if "-chao" in line]
    assert lines
    table = build_case_table(lines * 3)
    assert "chao" not in table["lower"]
    lower, _upper, _capital = case_table()
    assert "chao" not in lower  # the shipped table was rebuilt with the rule
    # A lower-case word after a lower-case hyphenated part still counts.
    assert "known" in build_case_table(["a well-known man"] * 2)["lower"]


def test_gold_name_drops_titles_and_appositions(gold: list[Record]) -> None:
    body = "AUSTRALIAN PRIME MINISTER WHITLAM AND ART CARTER, STANDARD FRUIT MANAGER"
    start, end = gold_name(body, 0, len("AUSTRALIAN PRIME MINISTER WHITLAM"))
    assert body[start:end] == "WHITLAM"
    carter = body.index("ART CARTER")
    start, end = gold_name(body, carter, len(body))
    assert body[start:end] == "ART CARTER"


def test_person_f1_on_history_lab_gold(gold: list[Record], monkeypatch: pytest.MonkeyPatch) -> None:
    # The rules alone: the shipped cable model was trained on these very files
    # (its held-out score is tests/analysis/test_cable_ner.py's cross-validation).
    monkeypatch.setenv("OPIS_CABLE_NER", "off")
    default_tagger.cache_clear()
    total = Evaluation()
    try:
        for record in gold:
            total.add(evaluate_record(record))
    finally:
        monkeypatch.delenv("OPIS_CABLE_NER")
        default_tagger.cache_clear()
    assert total.documents == 185
    _precision, _recall, f1 = total.counts["person"].exact()
    # The issue's target (ISSUE_TARGET) is not met yet; this floor keeps what works.
    assert f1 >= PERSON_F1_FLOOR
    assert ISSUE_TARGET > PERSON_F1_FLOOR
