"""Bracketed marginalia taken out of running text, with nesting and unclosed brackets."""

from __future__ import annotations

from pathlib import Path

import pytest

from opis.analysis.annotations import extract_annotations

SEED = "wilson/000_d6b8fba0548ddb4f.txt"


def test_seed_annotations(corpus: Path) -> None:
    text = (corpus / SEED).read_text(encoding="utf-8")
    cleaned, annotations = extract_annotations(text)
    assert len(annotations) == 2
    approval, authorship = annotations
    assert approval.kind == "handwritten"
    assert approval.text == "Cde Stalin approves. P."
    assert approval.raw == "[Handwritten: Cde Stalin approves. P.]"
    assert approval.category == "approval"
    assert approval.hand == "P."  # initials as written: the page does not say whose
    assert authorship.kind == "handwritten"
    assert authorship.text == (
        "[illegible word, may possibly mean “Composed by”] Cde Malik [signature]"
    )
    # The outer bracket is never closed in the source: the paragraph end closes it.
    assert authorship.raw == (
        "[Handwritten: [illegible word, may possibly mean “Composed by”] Cde Malik [signature]"
    )
    assert authorship.raw in text
    assert authorship.category == "authorship"
    assert authorship.hand == "Malik"
    assert [a.order for a in annotations] == [0, 1]
    # Both stood where the letter now begins.
    letter = cleaned.index("To Comrade STALIN")
    assert approval.position == authorship.position == letter
    assert "Handwritten" not in cleaned and "[signature]" not in cleaned
    assert "Incoming No. 16/sh\n\n\nTo Comrade STALIN" in cleaned


def test_nested_and_positions() -> None:
    text = "First line.\n\nHe wrote [Handwritten: see [illegible] note] and left.\n\nEnd."
    cleaned, (annotation,) = extract_annotations(text)
    assert cleaned == "First line.\n\nHe wrote and left.\n\nEnd."
    assert annotation.raw == "[Handwritten: see [illegible] note]"
    assert annotation.text == "see [illegible] note"
    assert cleaned[annotation.position :].startswith("and left.")


@pytest.mark.parametrize(
    ("text", "kind", "content", "category", "hand"),
    [
        ("[Typed: Top secret]", "typed", "Top secret", None, None),
        ("[Stamp: Received 14 Sept 1947]", "stamp", "Received 14 Sept 1947", "receipt", None),
        (
            "[Handwritten note: To the file. V. Molotov]",
            "handwritten",
            "To the file. V. Molotov",
            "instruction",
            "V. Molotov",
        ),
        (
            "[Translator's note: the word is unclear]",
            "editorial",
            "the word is unclear",
            None,
            None,
        ),
        ("[illegible]", "illegible", "illegible", None, None),
        ("[signature]", "signature", "signature", None, None),
        ("[Resolution: Agreed. J. St.]", "handwritten", "Agreed. J. St.", "approval", "J. St."),
        ("[Резолюция: Согласен. И. Ст.]", "handwritten", "Согласен. И. Ст.", "approval", "И. Ст."),
        ("[Рукописная помета: В архив. М.]", "handwritten", "В архив. М.", "instruction", "М."),
        ("[Штамп: Секретно]", "stamp", "Секретно", None, None),
        ("[подпись]", "signature", "подпись", None, None),
    ],
)
def test_labels(text: str, kind: str, content: str, category: str | None, hand: str | None) -> None:
    cleaned, (annotation,) = extract_annotations(f"Before.\n\n{text}\n\nAfter.")
    assert cleaned == "Before.\n\nAfter."
    assert (annotation.kind, annotation.text, annotation.category, annotation.hand) == (
        kind,
        content,
        category,
        hand,
    )
    assert annotation.raw == text


@pytest.mark.parametrize(
    "text",
    [
        "As stated in H.25 [1], the following is a note.",
        "Monsieur Sanpaio [sic] said that he would see.",
        "[Received February 22—3:52 p.m.]",
        "records were amended to add to [resolution] words 'insofar as it relates'",
        "Spit normally, not taking medicine [for sleep], cheerful.",
        "He referred to the [Stamped March] memorandum.",
        "Спит нормально, не принимая лекарства [для сна], весел.",
    ],
)
def test_conservative(text: str) -> None:
    assert extract_annotations(text) == (text, [])


def test_dfat_corpus_left_alone(corpus: Path) -> None:
    """DFAT text uses brackets for footnotes and editors' insertions, hardly ever for
    marginalia: only its two real annotation labels are taken."""
    taken: list[str] = []
    for path in sorted((corpus / "dfat/volumes").glob("*/*.md")):
        text = path.read_text(encoding="utf-8")
        cleaned, annotations = extract_annotations(text)
        taken.extend(annotation.raw for annotation in annotations)
        if not annotations:
            assert cleaned == text
    assert taken == ["[handwritten]"]


def test_annotation_alone_at_end() -> None:
    cleaned, (annotation,) = extract_annotations("Body text.\n\n[Handwritten: Agreed. P.]\n")
    assert cleaned == "Body text."
    assert annotation.position == len(cleaned)
