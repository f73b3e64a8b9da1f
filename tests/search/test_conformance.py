"""Behaviour every search backend must show, on real corpus documents.

Parametrised over the ``backend`` fixture (tests/search/conftest.py): a new
backend passes when it is added to BACKENDS and this file is green.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from opis.model import Record
from opis.search import FACET_FIELDS, QuerySyntaxError, SearchBackend, SearchError
from opis.search.fields import parse_iso
from tests.search.conftest import BACKENDS

CABLE = "wilson-incoming-cable-16"  # Malik to Stalin, 12 September 1947, 03:50
TRANSCRIPT = "wilson-transcript-33548"  # Roshchin's record of a talk with Mao, in Russian
ALL = 5000


def ids(backend: SearchBackend, query: str, **kwargs: object) -> list[str]:
    return [h.id for h in backend.search(query, limit=ALL, **kwargs).hits]  # type: ignore[arg-type]


def total(backend: SearchBackend, query: str) -> int:
    return backend.search(query, limit=1).total


def words(record: Record) -> set[str]:
    text = " ".join([record.title, record.body, record.summary or ""])
    return {w.lower() for w in re.findall(r"\w+", text)}


# --- words, phrases, boolean operators ---------------------------------------


def test_all_words_must_match(backend: SearchBackend) -> None:
    both = set(ids(backend, "Malik Shtykov"))
    assert CABLE in both
    assert both == set(ids(backend, "Malik")) & set(ids(backend, "Shtykov"))
    assert both < set(ids(backend, "Malik"))


def test_phrase_is_narrower_than_words(backend: SearchBackend) -> None:
    phrase = set(ids(backend, '"joint commission"'))
    scattered = set(ids(backend, "joint commission"))
    assert CABLE in phrase
    assert phrase < scattered


def test_or_is_the_union(backend: SearchBackend) -> None:
    a, b = set(ids(backend, "Gromyko")), set(ids(backend, "Vyshinsky"))
    assert a and b
    assert set(ids(backend, "Gromyko OR Vyshinsky")) == a | b


def test_not_and_minus_exclude(backend: SearchBackend) -> None:
    korea, moscow = set(ids(backend, "Korea")), set(ids(backend, "Moscow"))
    assert korea & moscow
    assert set(ids(backend, "Korea -Moscow")) == korea - moscow
    assert set(ids(backend, "Korea NOT Moscow")) == korea - moscow
    assert CABLE not in ids(backend, "Korea -Moscow")


def test_parentheses_group(backend: SearchBackend) -> None:
    stalin = set(ids(backend, "Stalin"))
    either = set(ids(backend, "Molotov")) | set(ids(backend, "Vyshinsky"))
    assert set(ids(backend, "Stalin (Molotov OR Vyshinsky)")) == stalin & either
    # Implicit AND binds loosest: the same query without parentheses.
    assert set(ids(backend, "Stalin Molotov OR Vyshinsky")) == stalin & either


def test_prefix(backend: SearchBackend, by_id: dict[str, Record]) -> None:
    found = ids(backend, "khru*")
    assert "frus1961-63v06-d1" in found
    assert set(ids(backend, "Khrushchev")) <= set(found)
    # Khrushcheva (his wife, in a Jacqueline Kennedy letter) is covered by the prefix.
    assert "frus1961-63v06-d120" in found


def test_fuzzy(backend: SearchBackend) -> None:
    assert total(backend, "Shtykof") == 0
    assert CABLE in ids(backend, "Shtykof~1")
    assert total(backend, "Shtokyv~1") == 0
    assert CABLE in ids(backend, "Shtokyv~2")


def test_proximity(backend: SearchBackend) -> None:
    # The summary says "Stalin agrees to Malik's proposal": four words apart.
    assert CABLE not in ids(backend, '"Stalin proposal"')
    assert CABLE not in ids(backend, '"Stalin proposal"~2')
    assert CABLE in ids(backend, '"Stalin proposal"~5')


# --- fields ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("title:Khrushchev", lambda r: "khrushchev" in r.title.lower()),
        ("from:Evatt", lambda r: any("evatt" in p.name.lower() for p in r.sender)),
        ("to:Chifley", lambda r: any("chifley" in p.name.lower() for p in r.to)),
        ("person:Malik", lambda r: any("malik" in p.name.lower() for p in r.sender + r.to)),
        ("place:Tokyo", lambda r: any(p.name == "Tokyo" for p in r.places)),
        ("type:memorandum", lambda r: r.type == "Memorandum"),
        ("archive:RGASPI", lambda r: r.citation is not None and r.citation.repository == "RGASPI"),
        ("fond:A1838", lambda r: r.citation is not None and r.citation.fond == "A1838"),
        ("lang:ru", lambda r: r.languages == ["ru"]),
        ("classification:top", lambda r: (r.classification or "").lower() == "top secret"),
        ("collection:frus1961-63v06", lambda r: r.collection == "frus1961-63v06"),
    ],
)
def test_field_queries_match_exactly_the_records_with_that_value(
    backend: SearchBackend, records: list[Record], query: str, check: object
) -> None:
    expected = {r.id for r in records if check(r)}  # type: ignore[operator]
    assert expected, query
    assert set(ids(backend, query)) == expected


def test_field_group_and_field_phrase(backend: SearchBackend, records: list[Record]) -> None:
    expected = {r.id for r in records if re.search(r"\b(Korea|Formosa)\b", r.title)}
    assert set(ids(backend, "title:(Korea OR Formosa)")) == expected
    assert CABLE in ids(backend, 'title:"Incoming Cable"')


def test_cross_script_field(backend: SearchBackend) -> None:
    assert ids(backend, "from:Малик") == [CABLE]
    assert CABLE in ids(backend, "to:Сталин")


# --- dates -------------------------------------------------------------------


def _in_range(record: Record, start: str, end: str) -> bool:
    low, high = parse_iso(start), parse_iso(end, end=True)
    rs, re_ = (
        parse_iso(record.date_start),
        parse_iso(record.date_end or record.date_start, end=True),
    )
    return None not in (rs, re_, low, high) and low <= rs and re_ <= high  # type: ignore[operator]


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ("date:1947-09", "1947-09", "1947-09"),
        ("date:1948-10-01..1948-10-31", "1948-10-01", "1948-10-31"),
        ("date:1945", "1945", "1945"),
        ("date:1961..1963", "1961", "1963"),
    ],
)
def test_date_ranges(
    backend: SearchBackend, records: list[Record], query: str, start: str, end: str
) -> None:
    expected = {r.id for r in records if _in_range(r, start, end)}
    assert expected
    assert set(ids(backend, query)) == expected


def test_open_date_ranges(backend: SearchBackend, records: list[Record]) -> None:
    before = {r.id for r in records if _in_range(r, "0001", "1945-12-31")}
    assert set(ids(backend, "date:..1945")) == before
    assert CABLE in ids(backend, "date:1947-09-12..")


def test_time_of_day(backend: SearchBackend) -> None:
    # Sent at 03:50 on 12 September 1947.
    assert CABLE in ids(backend, "date:1947-09-12T03:50")
    assert CABLE in ids(backend, "date:1947-09-12T03:00..1947-09-12T04:00")
    assert CABLE not in ids(backend, "date:1947-09-12T04:00..1947-09-12T06:00")
    # A DFAT cablegram dated "22 June 1948, 10.15 a.m.".
    assert "dfat-16-98" in ids(backend, "date:1948-06-22T10:15")
    assert "dfat-16-98" not in ids(backend, "date:1948-06-22T12:00..1948-06-22T23:59")


def test_words_with_fields_and_dates(backend: SearchBackend) -> None:
    assert ids(backend, "Korea from:Malik date:1947") == [CABLE]


# --- matching as a historian expects ------------------------------------------


def test_case_diacritics_and_yo_do_not_matter(backend: SearchBackend) -> None:
    assert ids(backend, "STALIN") == ids(backend, "stalin")
    assert CABLE in ids(backend, "Štykov")
    assert ids(backend, "Хрущёв") == ids(backend, "Хрущев")
    assert set(ids(backend, "Chargé")) == set(ids(backend, "charge"))


def test_inflected_forms(backend: SearchBackend) -> None:
    assert set(ids(backend, "telegram")) == set(ids(backend, "telegrams"))
    assert TRANSCRIPT in ids(backend, "Сталин")  # the text says "Сталиным"
    assert TRANSCRIPT in ids(backend, "преступник")  # "преступников", "преступники"


def test_title_outweighs_body(backend: SearchBackend, by_id: dict[str, Record]) -> None:
    hits = backend.search("Pushinka OR Khrushchev", limit=10).hits
    assert all("khrushchev" in by_id[h.id].title.lower() for h in hits[:5])


def test_exact_phrase_beats_scattered_words(
    backend: SearchBackend, by_id: dict[str, Record]
) -> None:
    hits = backend.search("temporary korean commission", limit=5).hits
    assert hits
    top = by_id[hits[0].id]
    assert "temporary korean commission" in " ".join(top.body.lower().split())


# --- results -------------------------------------------------------------------


def test_hits_carry_what_a_list_shows(backend: SearchBackend) -> None:
    result = backend.search("Malik Stalin Korea", limit=5)
    hit = next(h for h in result.hits if h.id == CABLE)
    assert hit.title == "Incoming Cable No. 16, Malik to Cde. Stalin"
    assert hit.date == "1947-09-12T03:50"
    assert hit.type == "Cable"
    assert hit.score is not None and hit.score > 0


def test_json_shape(backend: SearchBackend) -> None:
    data = backend.search("Shtykov", facets=["type"], limit=3).to_json()
    assert set(data) == {"total", "hits", "facets"}
    assert set(data["hits"][0]) == {"id", "title", "date", "type", "score", "snippet"}
    assert data["facets"] == {"type": [{"value": "Cable", "count": 1}]}


def test_snippet_highlights_the_matching_passage(backend: SearchBackend) -> None:
    hit = backend.search("Shtykov", limit=1).hits[0]
    assert "<b>Shtykov</b>" in hit.snippet
    # HTML-escaped: the only tags are the highlights.
    assert re.sub(r"</?b>", "", hit.snippet).count("<") == 0


def test_snippet_marks_cross_script_matches(backend: SearchBackend) -> None:
    hit = next(h for h in backend.search("Vyshinsky", limit=20).hits if h.id == TRANSCRIPT)
    assert "<b>Вышинского</b>" in hit.snippet or "<b>Вышинскому</b>" in hit.snippet


def test_snippet_of_a_russian_text(backend: SearchBackend) -> None:
    # The corpus has no ё at all; ё/е folding is covered by the Хрущёв query above.
    hit = next(h for h in backend.search("полугодие", limit=10).hits if h.id == TRANSCRIPT)
    assert "<b>полугодие</b>" in hit.snippet


def test_snippet_shows_a_match_deep_in_a_long_text(
    backend: SearchBackend, records: list[Record]
) -> None:
    # The snippet reads only the stretch where the asked words stand: that stretch
    # must be found wherever it is, not only near the start.
    record = max(records, key=lambda r: len(r.body))
    # A word whose stem (its first 5 letters, to be safe) stands nowhere before 20,000.
    head = {w.lower()[:5] for w in re.findall(r"[A-Za-z]+", record.body[:20_000] + record.title)}
    deep = [
        w for w in re.findall(r"[A-Za-z]{8,}", record.body[20_000:]) if w.lower()[:5] not in head
    ]
    assert deep, record.id
    word = deep[0]
    hit = next(h for h in backend.search(word, limit=ALL).hits if h.id == record.id)
    marked = re.findall(r"<b>(\w+)</b>", hit.snippet)
    assert any(m.lower()[:5] == word.lower()[:5] for m in marked), (word, hit.snippet)
    assert not hit.snippet.startswith("<b>")  # with the words that lead to it


def test_snippets_give_the_words_before_the_match(
    backend: SearchBackend, by_id: dict[str, Record]
) -> None:
    # "... the draft response to Shtykov's telegrams": a snippet that starts on the
    # marked word hides what leads to it.
    marked = starting = 0
    for word in ("Korea", "Moscow", "commission", "Molotov", "treaty"):
        for hit in backend.search(word, limit=50).hits:
            opening = by_id[hit.id].body[:40].lower()
            if "<b>" not in hit.snippet or word.lower()[:5] in opening:
                continue
            marked += 1
            starting += hit.snippet.startswith("<b>")
    assert marked > 100
    assert starting / marked < 0.05, (starting, marked)


def test_snippet_marks_words_whatever_their_diacritics(backend: SearchBackend) -> None:
    hits = backend.search("Micunovic", limit=5).hits
    assert hits and all("<b>Mićunović</b>" in h.snippet for h in hits)


def test_snippet_of_a_hit_matched_in_its_title_only_is_its_opening(
    backend: SearchBackend, by_id: dict[str, Record]
) -> None:
    record = by_id[CABLE]
    hits = backend.search(f'title:"{record.title}"', limit=5).hits
    hit = next(h for h in hits if h.id == CABLE)
    assert "<b>" not in hit.snippet
    assert " ".join(record.body.split()).startswith(hit.snippet[:60])


def test_pagination(backend: SearchBackend) -> None:
    everything = backend.search("Korea", limit=60)
    pages = [backend.search("Korea", limit=20, offset=o).hits for o in (0, 20, 40)]
    assert everything.total > 60
    assert [h.id for page in pages for h in page] == [h.id for h in everything.hits]
    beyond = backend.search("Korea", limit=10, offset=everything.total + 5)
    assert beyond.hits == [] and beyond.total == everything.total
    counted = backend.search("Korea", limit=0)
    assert counted.hits == [] and counted.total == everything.total


@pytest.mark.parametrize("sort", ["date", "-date"])
def test_sort_by_date(backend: SearchBackend, by_id: dict[str, Record], sort: str) -> None:
    hits = backend.search("Korea", sort=sort, limit=50).hits
    dates = [parse_iso(by_id[h.id].date_start) for h in hits]
    known: list[datetime] = [d for d in dates if d is not None]
    assert len(known) >= 40
    assert known == sorted(known, reverse=sort == "-date")


def test_sort_by_relevance_is_default(backend: SearchBackend) -> None:
    hits = backend.search("Korea", limit=30).hits
    scores = [h.score or 0.0 for h in hits]
    assert scores == sorted(scores, reverse=True)


# --- facets ------------------------------------------------------------------


def test_facets_count_the_whole_result_set(
    backend: SearchBackend, by_id: dict[str, Record]
) -> None:
    result = backend.search("Korea", facets=list(FACET_FIELDS), limit=ALL)
    assert set(result.facets) == set(FACET_FIELDS)
    matched = [by_id[h.id] for h in result.hits]
    assert len(matched) == result.total
    types = {v.value: v.count for v in result.facets["type"]}
    for value, count in types.items():
        assert count == sum(1 for r in matched if r.type == value)
    years = {v.value: v.count for v in result.facets["year"]}
    for value, count in years.items():
        assert count == sum(1 for r in matched if (r.date_start or "")[:4] == value)
    assert [v.value for v in result.facets["year"]] == sorted(years)
    decades = {v.value: v.count for v in result.facets["decade"]}
    assert decades["1940s"] == sum(1 for r in matched if (r.date_start or "")[:3] == "194")
    senders = {v.value: v.count for v in result.facets["from"]}
    assert senders["Muccio"] == sum(1 for r in matched if any(p.name == "Muccio" for p in r.sender))
    assert {v.value for v in result.facets["lang"]} == {"en"}


def test_no_query_is_every_document_and_filters_narrow_it(
    backend: SearchBackend, records: list[Record]
) -> None:
    for empty in ("", "   "):
        assert backend.search(empty).total == len(records)
    result = backend.search("", facets=["fond", "archive"], filters={"archive": ["RGASPI"]})
    held = [r for r in records if r.citation and r.citation.repository == "RGASPI"]
    assert result.total == len(held) > 0
    fonds = {v.value: v.count for v in result.facets["fond"]}
    assert fonds["RGASPI f. 558"] == sum(1 for r in held if r.citation and r.citation.fond == "558")
    dated = backend.search("", filters={"year": ["1947"]}, sort="date", limit=ALL)
    starts = [h.date or "" for h in dated.hits]
    assert dated.total > 0 and starts == sorted(starts)


def test_selecting_a_facet_value_filters(backend: SearchBackend, by_id: dict[str, Record]) -> None:
    result = backend.search("Korea", facets=["type", "year"])
    cablegrams = next(v for v in result.facets["type"] if v.value == "Cablegram")
    narrowed = backend.search("Korea", filters={"type": ["Cablegram"]}, limit=ALL)
    assert narrowed.total == cablegrams.count
    assert all(by_id[h.id].type == "Cablegram" for h in narrowed.hits)
    both = backend.search("Korea", filters={"type": ["Cablegram"], "year": ["1948"]}, limit=ALL)
    assert 0 < both.total < narrowed.total
    assert all((by_id[h.id].date_start or "").startswith("1948") for h in both.hits)
    either = backend.search("Korea", filters={"type": ["Cablegram", "Memorandum"]})
    memos = next(v for v in result.facets["type"] if v.value == "Memorandum")
    assert either.total == cablegrams.count + memos.count


# --- errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"joint commission', "unbalanced quote"),
        ("(Stalin OR Molotov", "'(' is never closed"),
        ("Stalin)", "')' without '('"),
        ("sender_office:Moscow", "unknown field"),
        ("date:1947-13", "bad date"),
        ("date:1947-02-30", "bad date"),
        ("date:September", "bad date"),
        ("date:1948..1947", "ends before it starts"),
        ("Stalin OR", "OR needs a term"),
        ("Stalin AND", "AND needs a term"),
        ("NOT", "NOT needs a term"),
        ("title:", "needs a value"),
        ("Stalin~3", "fuzzy distance"),
        ("St*lin", "wildcard"),
        ("()", "empty parentheses"),
        ('""', "empty phrase"),
        ('"Stalin Malik"~x', "proximity needs a number"),
    ],
)
def test_query_errors_are_explained(backend: SearchBackend, query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as error:
        backend.search(query)
    assert message in str(error.value)
    assert 0 <= error.value.position <= len(query)


@pytest.mark.parametrize(
    "kwargs",
    [{"sort": "title"}, {"facets": ["colour"]}, {"filters": {"colour": ["red"]}}, {"limit": -1}],
)
def test_bad_options_are_explained(backend: SearchBackend, kwargs: dict[str, object]) -> None:
    with pytest.raises(SearchError):
        backend.search("Stalin", **kwargs)  # type: ignore[arg-type]


def test_nothing_found_is_not_an_error(backend: SearchBackend) -> None:
    result = backend.search("Pushinka Novosibirsk Quirino")
    assert result.total == 0 and result.hits == []


def test_a_bare_year_matches_the_record_date(
    backend: SearchBackend, by_id: dict[str, Record]
) -> None:
    # The cable's text never says "1947"; its date does.
    assert "1947" not in by_id[CABLE].body
    assert CABLE in ids(backend, "Malik 1947")
    assert CABLE not in ids(backend, "Malik 1948")


def test_prefix_folds_like_the_index(backend: SearchBackend) -> None:
    assert CABLE in ids(backend, "Štyk*")
    assert ids(backend, "CHARGÉ*") == ids(backend, "charge*")
    assert TRANSCRIPT in ids(backend, "Цзэдун*")


@pytest.mark.parametrize("name", sorted(BACKENDS))
def test_generation_changes_with_every_commit_seen_by_any_reader(
    name: str, records: list[Record], tmp_path: Path
) -> None:
    # Answer caches key on it: a commit by another process (an ingest) must show.
    writer = BACKENDS[name](tmp_path)
    reader = BACKENDS[name](tmp_path)
    try:
        before = reader.generation()
        assert reader.generation() == before, "stable while nothing changes"
        writer.index([(records[0], 1)])
        writer.commit()
        after_add = reader.generation()
        assert after_add != before
        writer.delete([records[0].id])
        writer.commit()
        assert reader.generation() not in (before, after_add)
    finally:
        writer.close()
        reader.close()
