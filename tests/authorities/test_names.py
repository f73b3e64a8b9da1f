"""Name normalisation: honorifics, initials, inverted order, Cyrillic case forms."""

from __future__ import annotations

import pytest

from opis.authorities.names import full_key, lookup_keys, parse_person_name, person_key, slug


@pytest.mark.parametrize(
    "written",
    ["Stalin", "STALIN", "Сталин", "Сталина", "Сталину", "I.V. Stalin", "И.В. Сталин",
     "Cde. Stalin", "Comrade STALIN", "Tov. Stalin", "Товарищ Сталин", "тов. Сталину",
     "Stalin’s", "Stalin, Iosif Vissarionovich"],
)  # fmt: skip
def test_stalin_forms_share_a_key(written: str) -> None:
    assert person_key(written) == "stalin"


def test_honorifics_and_titles_are_not_names() -> None:
    eden = parse_person_name("Eden, Sir Anthony")
    assert (eden.surname, eden.forenames, eden.titles) == (("Eden",), ("Anthony",), ("Sir",))
    assert person_key("Ambassador Malik") == "malik"
    assert person_key("Secretary of State Dulles") == "dulles"
    assert person_key("Dr. Kissinger") == "kissinger"
    # A title word that is the only name left stays: Colonel King is King.
    assert person_key("Colonel King") == "king"


def test_initials_either_side() -> None:
    before = parse_person_name("V.M. Molotov")
    after = parse_person_name("Molotov V.M.")
    assert before.surname == after.surname == ("Molotov",)
    assert before.initials == after.initials == ("V", "M")
    assert after.inverted
    assert parse_person_name("Ya.A. Malik").initials == ("Y", "A")
    assert person_key("В.М. Молотова") == person_key("Molotov V.M.") == "molotov"


def test_reference_list_forms() -> None:
    atherton = parse_person_name("Atherton, Alfred L., Jr.")
    assert (atherton.surname, atherton.forenames, atherton.initials) == (
        ("Atherton",),
        ("Alfred",),
        ("L",),
    )
    assert parse_person_name("Fahmy (Fahmi), Ismail").aliases == ("Fahmi",)
    assert parse_person_name("Wisner, Frank (Harold S. Whiting)").aliases == ("Harold S. Whiting",)
    assert person_key("Arbenz Guzman, Jacobo") == "arbenz guzman"
    assert full_key("Kim Il Sung") == "kim il sung"
    assert person_key("Vishinsky") == person_key("Вышинский") == "vyshinsky"


def test_slugs() -> None:
    assert slug("Eden, Anthony") == "eden-anthony"
    assert slug("Сталин, Иосиф") == "stalin-iosif"
    assert slug("Gromyko, Andreĭ Andreevich") == "gromyko-andrei-andreevich"


def test_lookup_keys_meet_across_scripts() -> None:
    stored = set(lookup_keys("Stalin, Iosif Vissarionovich", "person"))
    assert set(lookup_keys("Сталин", "person")) <= stored
    assert set(lookup_keys("Cde. STALIN", "person")) <= stored
    assert lookup_keys("North Korea", "place") == ["place:north korea"]
    assert "person:whiting" in lookup_keys("Wisner, Frank (Harold S. Whiting)", "person")
