"""Cross-script name keys: one key for Хрущёв, Khrushchev, Khrushchov, Chruschtschow.

Two layers, applied the same way to documents and to queries:

1. A transliteration scheme gives every word a *name key*: Cyrillic words lose
   their case ending (Сталина -> Сталин) and are romanised with conventional
   English forms (х -> kh, щ -> shch, ё -> e); Latin words lose diacritics with
   scholarly letters spelled out (Š -> sh, č -> ch), so Штыков, Štykov and
   Shtykov all give ``shtykov``.
2. A variant table (``data/name_variants.tsv``, extendable at run time through
   :func:`add_variants`, later fed by authority records) maps the keys of the
   variants a scheme cannot derive (Chruschtschow, Vishinsky, Мао Цзэдун,
   Chou En-lai) to the key of one canonical form.

The key of a multi-word name (Kim Il Sung) is a sequence of tokens.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

VARIANTS_FILE = Path(__file__).with_name("data") / "name_variants.tsv"

_CYR_TO_LAT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}  # fmt: skip
_CYR_TABLE = str.maketrans(_CYR_TO_LAT)

# Latin letters whose diacritic is a separate sound in the scholarly scheme.
_LATIN_SPECIAL = str.maketrans({
    "š": "sh", "ž": "zh", "č": "ch", "ć": "ch", "ś": "s", "ź": "z", "ŝ": "sh",
    "đ": "dj", "ł": "l", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i",
})  # fmt: skip

# Russian case endings stripped from Cyrillic name-like words (longest first).
# Not linguistics: documents and queries go through the same rule, so only
# consistency matters (Сталиным, Сталина, Сталин -> сталин).
_RU_ENDINGS = (
    "ыми", "ими", "ами", "ями", "ого", "его", "ому", "ему",
    "ым", "им", "ом", "ем", "ой", "ей", "ою", "ах", "ях", "ам", "ям",
    "а", "я", "у", "ю", "е", "ы", "и",
)  # fmt: skip
_RU_ADJ_SK = re.compile(r"ск(?:ого|ому|им|ом|ая|ой|ую|ие|их|ими)$")
_LAT_ENDINGS = ((re.compile(r"sk(?:iy|ii|ij|yi|yy|i)$"), "sky"),
                (re.compile(r"(?:iy|ii|ij|yy)$"), "y"))  # fmt: skip

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
WORD = re.compile(r"[^\W\d_]+")
"""A word for name purposes: letters only; hyphens and apostrophes split."""


def fold_yo(text: str) -> str:
    """ё -> е: Russian print drops the diaeresis, so the index must too."""
    return text.replace("ё", "е").replace("Ё", "Е")


def fold_latin(text: str) -> str:
    """Drop diacritics from Latin letters only (NFKD would also turn й into и)."""
    if text.isascii():
        return text
    return "".join(
        c
        if ord(c) >= 0x0370
        else "".join(d for d in unicodedata.normalize("NFKD", c) if not unicodedata.combining(d))
        for c in text
    )


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """The transliteration key of one word (no variant table)."""
    w = fold_yo(word.lower())
    if _CYRILLIC.search(w):
        if _RU_ADJ_SK.search(w):
            w = _RU_ADJ_SK.sub("ский", w)
        elif not w.endswith(("ий", "ый")):
            for ending in _RU_ENDINGS:
                if w.endswith(ending) and len(w) - len(ending) >= 2:
                    w = w[: -len(ending)]
                    break
        w = w.translate(_CYR_TABLE)
    else:
        w = w.translate(_LATIN_SPECIAL)
        w = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    w = w.replace("yo", "e")
    if w.startswith("ye"):
        w = w[1:]
    for pattern, repl in _LAT_ENDINGS:
        w = pattern.sub(repl, w)
    return w


class NameTable:
    """Variant keys -> canonical key sequences; thread-safe to extend."""

    def __init__(self) -> None:
        self._map: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.targets: set[tuple[str, ...]] = set()
        """Canonical key sequences (a multi-word canonical name is a match too)."""
        self._max_len = 1
        self._lock = threading.Lock()
        self._sources_of: dict[str, set[str]] = {}
        """Target word key -> the word keys of every variant leading to a target with it."""

    def add(self, canonical: str, variants: Iterable[str]) -> None:
        target = tuple(word_key(w) for w in WORD.findall(canonical))
        if not target:
            return
        with self._lock:
            self.targets.add(target)
            self._max_len = max(self._max_len, len(target))
            for variant in [canonical, *variants]:
                source = tuple(word_key(w) for w in WORD.findall(variant))
                if source and source != target:
                    self._map[source] = target
                    self._max_len = max(self._max_len, len(source))
                    for key in target:
                        self._sources_of.setdefault(key, set()).update(source)

    def words_leading_to(self, keys: Iterable[str]) -> set[str]:
        """Every word key that can be part of a match for one of ``keys``: the keys
        themselves and the words of each variant whose canonical name holds one."""
        found = set(keys)
        with self._lock:
            for key in list(found):
                found |= self._sources_of.get(key, set())
        return found

    def lookup(self, keys: tuple[str, ...]) -> tuple[str, ...] | None:
        return self._map.get(keys)

    @property
    def max_len(self) -> int:
        return self._max_len

    def __len__(self) -> int:
        return len(self._map)


def load_variants(path: Path = VARIANTS_FILE) -> NameTable:
    """Read a TSV: ``canonical<TAB>variant<TAB>variant...``; ``#`` starts a comment."""
    table = NameTable()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, *variants = [part.strip() for part in line.split("\t") if part.strip()]
        table.add(canonical, variants)
    return table


TABLE = load_variants()


def add_variants(canonical: str, variants: Iterable[str]) -> None:
    """Teach the shared table a name's variants (authority records will call this).

    Documents indexed before the call keep their old keys: reindex to apply.
    """
    TABLE.add(canonical, variants)
    _cached_run_keys.cache_clear()


def name_keys(words: list[str], table: NameTable = TABLE) -> Iterator[str]:
    """Canonical key tokens for a run of adjacent words, longest table match first."""
    for _, _, target in _spans(words, table):
        yield from target


_NAME_WORD = r"[^\W\d_a-zа-яё][^\W\d_]*(?:-[^\W\d_]+)*"
_CAPITALISED_WORD = re.compile(_NAME_WORD)
_CAPITALISED_RUN = re.compile(rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD})*")


def text_name_keys(text: str, table: NameTable = TABLE) -> str:
    """Name keys of the capitalised words of a text, space-separated, for a names field.

    Runs of adjacent capitalised words (Kim Il Sung, Мао Цзэдун) are matched
    against multi-word variants; every other capitalised word gives its own key.
    """
    if table is not TABLE:
        return " ".join(
            k for m in _CAPITALISED_RUN.finditer(text) for k in _run_keys(m.group(), table)
        )
    return " ".join(filter(None, map(_cached_run_keys, _CAPITALISED_RUN.findall(text))))


def _run_keys(run: str, table: NameTable) -> list[str]:
    return list(name_keys(WORD.findall(run), table))


@lru_cache(maxsize=500_000)
def _cached_run_keys(run: str) -> str:
    # The same runs ("Australian Government", "Evatt") recur across millions of documents.
    return " ".join(_run_keys(run, TABLE))


def multiword_matches(
    words: list[str], table: NameTable = TABLE
) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, canonical keys) for each multi-word name in a run of query words."""
    return [span for span in _spans(words, table) if span[1] - span[0] > 1]


def prefix_key(prefix: str) -> str:
    """A typed prefix in the names field's alphabet: Хрущ -> khrushch, Štyk -> shtyk."""
    w = fold_yo(prefix.lower())
    if _CYRILLIC.search(w):
        return w.translate(_CYR_TABLE)
    w = w.translate(_LATIN_SPECIAL)
    return "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))


def _spans(words: list[str], table: NameTable) -> Iterator[tuple[int, int, tuple[str, ...]]]:
    """Greedy longest-match segmentation of a word run: (start, end, key tokens)."""
    keys = [word_key(w) for w in words]
    i = 0
    while i < len(keys):
        for n in range(min(table.max_len, len(keys) - i), 0, -1):
            span = tuple(keys[i : i + n])
            target = table.lookup(span) or (span if n > 1 and span in table.targets else None)
            if target is not None:
                yield i, i + n, target
                i += n
                break
        else:
            yield i, i + 1, (keys[i],)
            i += 1


def words_with_keys(
    text: str, keys: set[str], table: NameTable = TABLE, leading: set[str] | None = None
) -> set[str]:
    """The capitalised words of a text whose name key is one of ``keys`` (for highlighting).

    ``leading`` is ``table.words_leading_to(keys)``: pass it when scanning many texts
    for the same keys (a common name's set has thousands of words)."""
    # Most texts hold no word that could take part in such a match: one pass over the
    # distinct capitalised words says so, without segmenting every run of the text
    # (that cost 10 ms a search page; a segment's words all lead to its target).
    if leading is None:
        leading = table.words_leading_to(keys)
    words_seen = {w for token in set(_CAPITALISED_WORD.findall(text)) for w in WORD.findall(token)}
    candidates = {w for w in words_seen if word_key(w) in leading}
    found: set[str] = set()
    if not candidates:
        return found
    # A run never crosses a line: segment only the lines where a candidate stands.
    where = re.compile("|".join(re.escape(w) for w in sorted(candidates, key=len, reverse=True)))
    lines: set[tuple[int, int]] = set()
    for hit in where.finditer(text):
        lines.add((text.rfind("\n", 0, hit.start()) + 1, text.find("\n", hit.end())))
    for first, last in sorted(lines):
        for match in _CAPITALISED_RUN.finditer(text[first : last if last >= 0 else None]):
            words = WORD.findall(match.group())
            if candidates.isdisjoint(words):
                continue
            for start, end, target in _spans(words, table):
                if keys.intersection(target):
                    found.update(words[start:end])
    return found
