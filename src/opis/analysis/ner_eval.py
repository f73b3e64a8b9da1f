"""Scoring NER against History Lab's gold annotations (exact span and overlap).

Gold types map to ours: ``PER.IND`` -> person (``PER.GROUP`` too in the
"person+group" variant), ``ORG.*`` -> org, ``GPE.*`` and ``LOC`` -> place. Mentions whose
number is missing from the file's entity list (``unlisted``) have no type: predictions
touching them are neither right nor wrong.

What "person" means here. The gold marks every reference to a person, names and
pronouns alike ("HE", "HIS", "THE PRESIDENT", "EMBOFF"), and keeps titles in the span
("PRESIDENT KORUTURK"). opis extracts *names*, without titles, for linking to authority
records. So the headline ``person`` figure scores names: gold and predicted spans are
both trimmed of leading titles/"THE" and a trailing possessive ("DAOUD'S" -> "DAOUD",
by the same ``trim_name`` the extractor uses), gold mentions left with no name are set
aside as "not a name" and predictions overlapping them are not counted. No name means
only pronouns, offices, roles and nationalities ("HE", "THE PRESIDENT", "HIS ADVISER",
"GREEK DEL"), or a description ending in an office ("THE CFA CHAIRMAN"): the words of
``entities.describes_person`` and ``entities.is_person_name``, which the extractor
applies to its own output too. (Before 2026-12-07 only pronouns and a shorter office
list counted; the README gives the scores under both.) The ``person-strict`` figure
scores the untrimmed spans against every ``PER.IND`` mention, pronouns included, so
the gap is visible.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from opis.analysis.entities import (
    Span,
    describes_person,
    find_entities,
    is_person_name,
    trim_name,
)
from opis.model import Mention, Record

_GOLD_WORD = re.compile(r"[^\s,;()]+")
TYPES = ("person", "person-strict", "person+group", "org", "place")
NameFinder = Callable[[Record], list[Mention]]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    overlap_tp: int = 0
    """Predictions overlapping a gold span of the same type (relaxed)."""
    overlap_fp: int = 0
    overlap_fn: int = 0

    def add(self, other: Counts) -> None:
        for name in ("tp", "fp", "fn", "overlap_tp", "overlap_fp", "overlap_fn"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def exact(self) -> tuple[float, float, float]:
        return self._prf(self.tp, self.fp, self.fn)

    def overlap(self) -> tuple[float, float, float]:
        return self._prf(self.overlap_tp, self.overlap_fp, self.overlap_fn)


@dataclass
class Evaluation:
    documents: int = 0
    characters: int = 0
    seconds: float = 0.0
    counts: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in TYPES})
    set_aside: int = 0
    """Gold PER.IND mentions with no name in them (pronouns, offices)."""

    def add(self, other: Evaluation) -> None:
        self.documents += other.documents
        self.characters += other.characters
        self.seconds += other.seconds
        self.set_aside += other.set_aside
        for kind, counts in other.counts.items():
            self.counts[kind].add(counts)

    def table(self) -> list[str]:
        """The scores per type as the benchmarks print them: exact P/R/F1, counts, overlap."""
        header = f"{'type':<14}{'P':>6}{'R':>6}{'F1':>6}   {'tp':>5}{'fp':>5}{'fn':>5}"
        lines = [f"  {header}   overlap P/R/F1"]
        for kind in TYPES:
            counts = self.counts[kind]
            p, r, f = counts.exact()
            op, orr, of = counts.overlap()
            lines.append(
                f"  {kind:<14}{p:6.3f}{r:6.3f}{f:6.3f}   {counts.tp:5}{counts.fp:5}{counts.fn:5}"
                f"   {op:.3f}/{orr:.3f}/{of:.3f}"
            )
        return lines


def gold_type(tag: str, with_groups: bool = False) -> str | None:
    """Our type for a History Lab tag, None for tags we do not extract."""
    if tag == "PER.IND" or (with_groups and tag == "PER.GROUP"):
        return "person"
    if tag.startswith("ORG.") or tag == "OR.GOV":
        return "org"
    if tag.startswith("GPE.") or tag == "LOC":
        return "place"
    return None


def gold_name(body: str, start: int, end: int) -> tuple[int, int]:
    """The name inside a gold person mention, as opis would extract it.

    The annotators span whole descriptions ("AUSTRALIAN PRIME MINISTER WHITLAM",
    "ART CARTER, STANDARD FRUIT MANAGER IN ECUADOR"): keep what stands before an
    appositive comma or bracket, then what follows the last title or office word.
    """
    text = body[start:end]
    cut = re.search(r"[,(]", text)
    if cut and cut.start() > 0:
        end = start + cut.start()
    words = list(_GOLD_WORD.finditer(body, start, end))
    for index in range(len(words) - 2, -1, -1):
        raw = words[index].group(0)
        word = raw.strip(".").lower()
        if describes_person(word) and not (len(word) == 1 and raw.endswith(".")):
            # ("I... KARCHENKO", "WILSON A. COPELAND": an initial, not a pronoun)
            start = words[index + 1].start()
            break
    return trim_name(body, start, end)


Spans = set[tuple[int, int]]


def _score(gold: Spans, predicted: Spans, ignore: Spans) -> Counts:
    """Exact and overlap counts; predictions touching ``ignore`` spans are not counted."""

    def touches(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
        return any(span[0] < end and start < span[1] for start, end in spans)

    predicted = {p for p in predicted if p in gold or not touches(p, ignore)}
    counts = Counts(tp=len(gold & predicted))
    counts.fp = len(predicted) - counts.tp
    counts.fn = len(gold) - counts.tp
    counts.overlap_tp = sum(1 for p in predicted if touches(p, gold))
    counts.overlap_fp = len(predicted) - counts.overlap_tp
    counts.overlap_fn = sum(1 for g in gold if not touches(g, predicted))
    return counts


def evaluate_record(record: Record, finder: NameFinder = find_entities) -> Evaluation:
    """Score one History Lab record: the finder sees the body without the gold markup."""
    body = record.body
    gold = [m for m in record.mentions if m.position is not None]
    unmarked = record.model_copy(update={"mentions": []})
    started = time.perf_counter()
    found = finder(unmarked)
    result = Evaluation(documents=1, characters=len(body))
    result.seconds = time.perf_counter() - started

    def span(m: Mention) -> tuple[int, int]:
        assert m.position is not None
        return m.position, m.end if m.end is not None else m.position + len(m.text)

    untyped = {span(m) for m in gold if gold_type(m.type, with_groups=True) is None}
    untyped |= {span(m) for m in gold if m.type == "unlisted"}
    predicted = {kind: {span(m) for m in found if m.type == kind} for kind in TYPES}
    for kind in ("org", "place"):
        spans = {trim_possessive_span(body, span(m)) for m in gold if gold_type(m.type) == kind}
        got = {trim_possessive_span(body, s) for s in predicted[kind]}
        result.counts[kind] = _score(spans, got, untyped)
    # Names: trimmed gold, pronoun/office-only mentions set aside.
    names: Spans = set()
    not_names: Spans = set()
    for m in gold:
        if gold_type(m.type) != "person":
            continue
        start, end = gold_name(body, *span(m))
        if end > start and is_person_name(body[start:end]):
            names.add((start, end))
        else:
            not_names.add(span(m))
    result.set_aside = len(not_names)
    people = {trim_name(body, *s) for s in predicted["person"]}
    result.counts["person"] = _score(names, people, untyped | not_names)
    strict = {span(m) for m in gold if gold_type(m.type) == "person"}
    result.counts["person-strict"] = _score(strict, predicted["person"], untyped)
    groups = names | {
        gold_name(body, *span(m)) for m in gold if m.type == "PER.GROUP" and is_person_name(m.text)
    }
    result.counts["person+group"] = _score(groups, people, untyped | not_names)
    return result


def trim_possessive_span(body: str, span: tuple[int, int]) -> tuple[int, int]:
    from opis.analysis.entities import trim_possessive

    start, end = span
    while start < end and body[start] in ' (["“':
        start += 1
    while end > start and body[end - 1] in ' ,.;:)]"”':
        end -= 1
    return trim_possessive(body, start, end)


def evaluate(records: Iterable[Record], finder: NameFinder = find_entities) -> Evaluation:
    total = Evaluation()
    for record in records:
        total.add(evaluate_record(record, finder))
    return total


def evaluate_spans(records: Sequence[Record], spans: Mapping[int, Sequence[Span]]) -> Evaluation:
    """Scores of a tagger's ``spans`` (by index into ``records``) against their gold."""
    total = Evaluation()
    for index, record in enumerate(records):
        if index not in spans:
            continue
        found = [
            Mention(text=record.body[s.start : s.end], type=s.type, position=s.start, end=s.end)
            for s in spans[index]
        ]
        total.add(evaluate_record(record, _given(found)))
    return total


def _given(found: list[Mention]) -> NameFinder:
    return lambda _record: found
