"""Which OCR word boxes on a page a search query hits, for highlighting on the page image.

The query is parsed with the search's own parser; its positive words and phrases
(not those under NOT, nor field values such as ``type:`` or ``date:``) are matched
against the page's OCR words the way the index matches text: the same analyser
(lowercase, ASCII folding, English and Russian stemmers), so *telegram* hits
*telegrams*; a ``*`` prefix matches the start of a word; capitalised words also
match across scripts through the name keys (*Stalin* hits *Сталин*). A phrase hits
its words only where they stand in sequence.

Boxes are ``[text, left, top, width, height, confidence]`` as ``ocr_record`` keeps
them, in pixels of the page as OCR'd; ``scale`` turns them into pixels of the
served page image.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from opis.model import Record

UNCERTAIN_BELOW = 60
"""Words read with a lower confidence (0-100) are marked uncertain."""
TEXT_FIELDS = frozenset({"title", "from", "to", "person", "place"})
"""Field terms that name words a page may show; other fields (type:, lang:) do not."""


@dataclass(frozen=True)
class WordBox:
    text: str
    x: int
    y: int
    w: int
    h: int
    confidence: int

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "x": self.x,
            "y": self.y,
            "w": self.w,
            "h": self.h,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class QueryWords:
    terms: tuple[str, ...]
    """Analysed single words."""
    prefixes: tuple[str, ...]
    """Folded prefixes (``khru*``)."""
    names: tuple[str, ...]
    """Name keys of capitalised query words (cross-script)."""
    phrases: tuple[tuple[str, ...], ...]
    """Analysed word sequences."""

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes or self.names or self.phrases)


def ocr_page(record: Record, number: int) -> dict[str, Any] | None:
    ocr = record.extra.get("ocr")
    if not isinstance(ocr, dict):
        return None
    for page in ocr.get("pages", []):
        if isinstance(page, dict) and page.get("page") == number:
            return page
    return None


def page_words(record: Record, number: int, scale: float = 1.0) -> list[WordBox]:
    """The OCR words of page ``number``, boxes scaled to the served image."""
    page = ocr_page(record, number)
    if page is None:
        return []
    words = []
    for item in page.get("words", []):
        text, left, top, width, height, confidence = item
        words.append(
            WordBox(
                str(text),
                round(left * scale),
                round(top * scale),
                max(1, round(width * scale)),
                max(1, round(height * scale)),
                int(confidence),
            )
        )
    return words


@cache
def _analyzer() -> Any:
    from opis.search.tantivy_backend import text_analyzer

    return text_analyzer()


@lru_cache(maxsize=100_000)
def analyse(text: str) -> tuple[str, ...]:
    return tuple(_analyzer().analyze(text))


def _fold(text: str) -> str:
    from opis.search.names import fold_latin, fold_yo

    return fold_latin(fold_yo(text.lower()))


def query_words(query: str) -> QueryWords:
    """The words of ``query`` worth marking; raises ``QuerySyntaxError`` like search does."""
    from opis.search.names import word_key
    from opis.search.query import STOPWORDS, And, Not, Or, Phrase, Term, parse

    terms: list[str] = []
    prefixes: list[str] = []
    names: list[str] = []
    phrases: list[tuple[str, ...]] = []

    def walk(node: object) -> None:
        if isinstance(node, (And, Or)):
            for child in node.children:
                walk(child)
        elif isinstance(node, Not):
            return
        elif isinstance(node, Term) and (node.field is None or node.field in TEXT_FIELDS):
            if node.prefix:
                prefixes.append(_fold(node.text))
            elif node.text.lower() not in STOPWORDS:
                terms.extend(analyse(node.text))
                if node.text[:1].isupper():
                    names.append(word_key(node.text))
        elif isinstance(node, Phrase) and (node.field is None or node.field in TEXT_FIELDS):
            words = analyse(node.text)
            if len(words) == 1:
                terms.extend(words)
            elif words:
                phrases.append(words)

    walk(parse(query))
    return QueryWords(tuple(terms), tuple(prefixes), tuple(names), tuple(phrases))


def hits(words: list[WordBox], query: QueryWords) -> list[WordBox]:
    """The words of a page (in reading order) that ``query`` hits, each once."""
    from opis.search.names import word_key

    if not query:
        return []
    marked: set[int] = set()
    terms = set(query.terms)
    names = set(query.names)
    stems = [analyse(w.text) for w in words]
    for index, (word, analysed) in enumerate(zip(words, stems, strict=True)):
        folded = _fold(word.text).lstrip("\"'(«")
        if terms.intersection(analysed) or any(folded.startswith(p) for p in query.prefixes):
            marked.add(index)
        elif names and word.text[:1].isupper():
            bare = word.text.strip(".,;:!?\"'()«»’‘“”")
            if bare and word_key(bare) in names:
                marked.add(index)
    if query.phrases:
        flat = [(index, stem) for index, analysed in enumerate(stems) for stem in analysed]
        sequence = [stem for _index, stem in flat]
        for phrase in query.phrases:
            n = len(phrase)
            for start in range(len(sequence) - n + 1):
                if tuple(sequence[start : start + n]) == phrase:
                    marked.update(index for index, _stem in flat[start : start + n])
    return [words[i] for i in sorted(marked)]


def uncertain(words: list[WordBox]) -> list[WordBox]:
    return [w for w in words if w.confidence < UNCERTAIN_BELOW]
