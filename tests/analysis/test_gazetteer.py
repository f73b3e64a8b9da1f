"""The cable tagger's name lists: built from authority data, never from the gold."""

from __future__ import annotations

from pathlib import Path

from opis.analysis.gazetteer import DATA_FILE, Gazetteer, build, default_gazetteer, words


def test_words_cut_like_the_cable_tokenizer() -> None:
    assert words("Tel-Aviv") == ("TEL", "AVIV")
    assert words("Guiringaud, Louis de") == ("GUIRINGAUD", "LOUIS", "DE")
    assert words("Ecevit’s") == ("ECEVIT'S",)
    assert words("Kurt Wäldheim") == ("KURT", "WALDHEIM")


def test_marks_single_words_and_phrases() -> None:
    gazetteer = Gazetteer(
        {
            "surname": {("KISSINGER",)},
            "given": {("HENRY",)},
            "fullname": {("HENRY", "KISSINGER")},
            "place": {("TEL", "AVIV"), ("VIENNA",)},
        }
    )
    marks = gazetteer.marks(["HENRY", "KISSINGER'S", "TRIP", "TO", "TEL", "AVIV", "VIENNA"])
    assert marks[0] == ["gaz.given", "gaz.fullname.B"]
    assert marks[1] == ["gaz.surname", "gaz.fullname.I"]
    assert marks[2] == marks[3] == []
    assert marks[4] == ["gaz.place.B"] and marks[5] == ["gaz.place.I"]
    assert marks[6] == ["gaz.place"]
    assert gazetteer.marks([]) == []


def test_shipped_lists() -> None:
    assert DATA_FILE.exists(), "rebuild with: python -m opis.analysis.gazetteer"
    entries = default_gazetteer().entries
    assert ("KISSINGER",) in entries["surname"]
    assert ("VEST",) in entries["surname"]  # POCOM: George S. Vest
    assert ("HENRY", "KISSINGER") in entries["fullname"]
    assert ("VIENNA",) in entries["place"] and ("ABU", "DHABI") in entries["place"]
    assert all(len(phrase) == 1 for kind in ("surname", "given") for phrase in entries[kind])
    assert not any(w.isdigit() for p in entries["surname"] for w in p)


def test_the_shipped_file_is_what_the_sources_give(corpus: Path) -> None:
    built = build(corpus)
    text = "".join(f"{line}\n" for line in built.lines())
    assert text == DATA_FILE.read_text(encoding="utf-8")
