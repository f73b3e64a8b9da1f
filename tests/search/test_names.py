"""Cross-script names and inflection on real names from FRUS, DFAT and the Russian transcript.

Each case is a query in one script or spelling and a real document that names
the person or place only in another: the test first checks that the document
really lacks the typed form, then that search finds it.
"""

from __future__ import annotations

import re

import pytest

from opis.model import Record
from opis.search import SearchBackend
from opis.search.names import (
    _CAPITALISED_RUN,
    TABLE,
    WORD,
    _spans,
    add_variants,
    name_keys,
    text_name_keys,
    word_key,
    words_with_keys,
)

TRANSCRIPT = "wilson-transcript-33548"
CABLE = "wilson-incoming-cable-16"

CROSS_SCRIPT = [
    # Latin query -> the Russian transcript (Wilson Center 33548)
    ("Vyshinsky", TRANSCRIPT),
    ("Vishinsky", TRANSCRIPT),
    ("Mao Zedong", TRANSCRIPT),
    ("Mao Tse-tung", TRANSCRIPT),
    ("Chiang Kai-shek", TRANSCRIPT),
    ("Shvernik", TRANSCRIPT),
    ("Molotov", TRANSCRIPT),
    ("Voroshilov", TRANSCRIPT),
    ("Beria", TRANSCRIPT),
    ("Malenkov", TRANSCRIPT),
    ("Vasilevsky", TRANSCRIPT),
    ("Stalin", TRANSCRIPT),
    ("Lenin", TRANSCRIPT),
    ("Roshchin", TRANSCRIPT),
    ("Peking", TRANSCRIPT),
    ("Moscow", TRANSCRIPT),
    ("Tibet", TRANSCRIPT),
    ("Kunming", TRANSCRIPT),
    # Cyrillic or variant spellings -> English documents
    ("Штыков", CABLE),
    ("Štykov", CABLE),
    ("Малик", CABLE),
    ("Хрущёв", "frus1961-63v06-d1"),
    ("Khrushchov", "frus1961-63v06-d1"),
    ("Chruschtschow", "frus1961-63v06-d1"),
    ("Громыко", "frus1955-57v24-d49"),
    ("Микоян", "frus1955-57v24-d2"),
    ("Булганин", "frus1955-57v24-d5"),
    ("Кеннан", "frus1946v06-d475"),
    ("Эватт", "dfat-8-422"),
    ("Чифли", "dfat-8-422"),
    ("Ким Ир Сен", "frus1949v07p2-d279"),
    ("Kim Il-sung", "frus1949v07p2-d279"),
    ("Чжоу Эньлай", "dfat-14-270"),
    ("Молотов", "dfat-8-166"),
    ("Жуков", "frus1955-57v24-d7"),
    ("Неру", "frus1949v07p2-d136"),
    ("Сукарно", "dfat-8-322"),
    ("Трумэн", "frus1949v07p2-d2"),
    ("Vyshinsky", "dfat-14-387"),  # the cable spells him "Vyshinski"
]


def _surface(record: Record) -> str:
    return " ".join([record.title, record.body, record.summary or ""])


def _contains(text: str, query: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(query)}(?!\w)", text, flags=re.IGNORECASE) is not None


@pytest.mark.parametrize(("query", "record_id"), CROSS_SCRIPT)
def test_cross_script_name_finds_the_other_spelling(
    backend: SearchBackend, by_id: dict[str, Record], query: str, record_id: str
) -> None:
    record = by_id[record_id]
    assert not _contains(_surface(record), query), "the document must not use the typed form"
    found = [h.id for h in backend.search(query, limit=500).hits]
    assert record_id in found


def test_at_least_twenty_distinct_names() -> None:
    people = {tuple(name_keys(WORD.findall(q))) for q, _ in CROSS_SCRIPT}
    assert len(people) >= 20


@pytest.mark.parametrize(
    ("variants"),
    [
        ("Хрущёв", "Хрущев", "Khrushchev", "Khrushchov", "Chruschtschow", "Хрущева", "Хрущёвым"),
        ("Shtykov", "Štykov", "Штыков", "Штыкова", "Штыкову"),
        ("Vyshinsky", "Vishinsky", "Vyshinski", "Вышинский", "Вышинского", "Вышинскому"),
        ("Stalin", "Сталин", "Сталина", "Сталиным", "STALIN"),
        ("Mao Zedong", "Mao Tse-tung", "Мао Цзэдун", "Мао Цзэдуна", "Мао Цзэдуном"),
        ("Kim Il Sung", "Kim Il-sung", "Ким Ир Сен"),
        ("Beria", "Берия", "Берии"),
        ("Moscow", "Москва", "Москве", "Москву"),
    ],
)
def test_variants_share_one_key(variants: tuple[str, ...]) -> None:
    keys = {text_name_keys(v) for v in variants}
    assert len(keys) == 1, keys


def test_transliteration_scheme_without_the_table() -> None:
    # Names the table does not list still meet across scripts.
    assert word_key("Панюшкину") == word_key("Panyushkin") == "panyushkin"
    assert word_key("Рощин") == word_key("Roshchin")
    assert word_key("Карским") == word_key("Karsky")


@pytest.mark.parametrize(
    ("query", "record_id", "form_in_text"),
    [
        ("Сталин", TRANSCRIPT, "Сталиным"),
        ("Вышинский", TRANSCRIPT, "Вышинского"),
        ("Молотов", TRANSCRIPT, "Молотову"),
        ("Пекин", TRANSCRIPT, "Пекина"),
        ("преступник", TRANSCRIPT, "преступников"),
        ("правительство", TRANSCRIPT, "правительства"),
        ("telegram", "frus1955-57v24-d150", "telegram"),
        ("telegrams", CABLE, "telegrams"),
        ("approve", CABLE, "approval"),
        ("negotiation", CABLE, "negotiations"),
    ],
)
def test_inflected_forms_match(
    backend: SearchBackend, by_id: dict[str, Record], query: str, record_id: str, form_in_text: str
) -> None:
    assert _contains(_surface(by_id[record_id]), form_in_text)
    assert record_id in [h.id for h in backend.search(query, limit=1000).hits]


def test_variants_added_at_run_time() -> None:
    # Authority records will feed the table; a new variant applies to new keys at once.
    before = text_name_keys("Panjuschkin")
    add_variants("Panyushkin", ["Panjuschkin"])
    assert before != text_name_keys("Panjuschkin") == text_name_keys("Панюшкин")


def _words_with_keys_by_segmenting_every_run(text: str, keys: set[str]) -> set[str]:
    # The plain definition, which ``words_with_keys`` answers without segmenting
    # runs that cannot hold a match.
    found: set[str] = set()
    for match in _CAPITALISED_RUN.finditer(text):
        words = WORD.findall(match.group())
        for start, end, target in _spans(words, TABLE):
            if keys.intersection(target):
                found.update(words[start:end])
    return found


@pytest.mark.parametrize(
    "query",
    ["Stalin", "Сталин", "Mao Zedong", "Chiang Kai-shek", "Molotov", "Vyshinsky", "Quirino"],
)
def test_highlighted_name_words_are_those_of_the_plain_definition(
    by_id: dict[str, Record], query: str
) -> None:
    keys = set(name_keys(WORD.findall(query)))
    for record in (by_id[TRANSCRIPT], by_id[CABLE]):
        text = record.body
        expected = _words_with_keys_by_segmenting_every_run(text, keys)
        assert words_with_keys(text, keys) == expected
    assert words_with_keys(by_id[TRANSCRIPT].body, set(name_keys(["Stalin"])))  # not vacuous
