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
    is_person_name,
    is_upper_case,
    trim_name,
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
PERSON_F1_FLOOR = 0.64
"""What the rules alone reach now (0.667 on all files, exact spans, names: bench/ner.py),
less a margin: a regression guard."""


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


def _gold_names(gold: list[Record], surface: str) -> list[str]:
    """What ``gold_name`` keeps of each gold person mention whose text is ``surface``."""
    found = []
    for record in gold:
        for m in record.mentions:
            if (
                m.position is not None
                and m.type == "PER.IND"
                and " ".join(m.text.split()) == surface
            ):
                end = m.end if m.end is not None else m.position + len(m.text)
                start, stop = gold_name(record.body, m.position, end)
                found.append(record.body[start:stop])
    assert found, surface
    return found


def test_gold_descriptions_are_not_names(gold: list[Record]) -> None:
    # The annotators mark people described by office or relation; opis extracts names,
    # so these are set aside by the scorer and are not taught to the taggers.
    for surface in (
        "HIS ADVISER",
        "THE SOVIET AMBASSADOR",
        "GREEK DEL",
        "THE CFA CHAIRMAN",
        "HUSBAND",
    ):
        assert not any(is_person_name(n) for n in _gold_names(gold, surface)), surface
    # Surnames that are English words or offices elsewhere stay names.
    assert all(is_person_name(name) for name in _gold_names(gold, "BEGIN"))
    assert is_person_name("MARTIN LUTHER KING") and is_person_name("ANDREW YOUNG")


def test_gold_name_cuts_roles_but_keeps_initials(gold: list[Record]) -> None:
    assert set(_gold_names(gold, "LIBERAL CANDIDATE TURBAY")) == {"TURBAY"}
    assert set(_gold_names(gold, "FAO CONSULTANT POPPER")) == {"POPPER"}
    assert set(_gold_names(gold, "MALOLO HIMSELF")) == {"MALOLO"}
    assert set(_gold_names(gold, "WILSON A. COPELAND")) == {"WILSON A. COPELAND"}


def test_trim_name_cuts_of_state_after_an_office(gold: list[Record]) -> None:
    (body,) = [r.body for r in gold if "SECRETARY OF STATE VANCE" in r.body][:1]
    start = body.index("SECRETARY OF STATE VANCE")
    whole = trim_name(body, start, start + len("SECRETARY OF STATE VANCE"))
    assert body[slice(*whole)] == "VANCE"
    state = body.index("STATE VANCE")  # a tagger that began its span at STATE
    assert body[slice(*trim_name(body, state, state + len("STATE VANCE")))] == "VANCE"


@pytest.mark.parametrize(
    ("found", "name"),
    [
        ("VANCE' S", "VANCE"),  # a possessive with a stray space
        ("UKDEL' S", "UKDEL"),
        ("CARAMANLIS..", "CARAMANLIS"),  # the full stop is not part of the name
        ("COUNS VUCOVICH", "VUCOVICH"),  # cable shorthand for counselor
        ("J.L. FOWLER", "J.L. FOWLER"),
        ("I... KARCHENKO", "I... KARCHENKO"),  # an initial, not the pronoun
    ],
)
def test_trim_name_on_gold_spellings(gold: list[Record], found: str, name: str) -> None:
    body = next(r.body for r in gold if found in r.body)
    start = body.index(found)
    assert body[slice(*trim_name(body, start, start + len(found)))] == name
    # "DEL" ends a description ("GREEK DEL") but is a particle inside a name.
    assert trim_name("JUAN DEL CASTILLO", 0, 17) == (0, 17)
    assert gold_name("DEL CASTILLO", 0, 12) == (0, 12)


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


def test_trim_name_cuts_a_trailing_himself(gold: list[Record]) -> None:
    # The extractor's cut, which the scorer's gold_name relies on ("MALOLO HIMSELF").
    (body,) = [r.body for r in gold if "MALOLO HIMSELF" in r.body][:1]
    start = body.index("MALOLO HIMSELF")
    assert body[slice(*trim_name(body, start, start + len("MALOLO HIMSELF")))] == "MALOLO"
    assert trim_name("HIMSELF", 0, 7) == (0, 7)  # nothing before it: left to is_person_name
