"""A sequence tagger for upper-case cables, trained on History Lab's gold telegrams.

spaCy's small model, even on recased text, misses or mistypes many names in 1970s
State Department cables ("HERMES SAID", "EMBOFF", signatures). This module trains a
linear-chain CRF (CRFsuite, via ``python-crfsuite``) on the History Lab annotations
(``historylab-ner/gt``) and uses it on upper-case English text. Each token is
described by its own form and shape, how mixed-case English writes it (the
truecasing table of ``entities``), the words around it (titles before, "SAID" after),
its place in the cable (first words of a line, the signature), whether it and its
neighbours stand in the name lists of ``gazetteer`` (surnames, given names, full
names, places, from the Office of the Historian's authority data and the FRUS persons
lists, never from the gold), and what the existing pipeline -- spaCy on recased text
plus the rules of ``entities`` -- made of it. The tagger labels people (names only:
titles, appositions and pronoun-only mentions are not part of the target, as in
``ner_eval``), organisations and places. Decoding joins a name the CRF cut at a hyphen
or a particle ("VAN DER KLAAUW") and drops a trailing "GOVERNMENT" or "REP"; a name
tagged once is then spread to its other occurrences in the cable (``propagate_people``;
the stacked tagger of ``cable_transformer`` then keeps it only where its person
probability over all those occurrences says so: ``vote_people``).

The trained model ships as ``data/cable_ner.crfsuite`` (4.1 MB, trained on all 185
gold files); ``PYTHONHASHSEED=0 python -m opis.analysis.cable_ner --corpus
../shared/corpus`` rebuilds it byte for byte in about 40 s (without the fixed seed,
set order in the rules of ``entities`` varies a few features and so the file). It
depends on ``data/cable_gazetteer.txt`` (``python -m opis.analysis.gazetteer``):
rebuild the model after the name lists.
``entities`` uses it for upper-case English text when it and ``python-crfsuite`` are
there, and keeps its rules otherwise. ``bench/ner_cable.py`` scores it by
cross-validation grouped by telegram: scores of ``bench/ner.py`` on these telegrams are
on the model's own training data, and say nothing of its accuracy.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from opis.analysis.entities import (
    _DATA,
    _PERSON_TRIGGERS,
    TITLES,
    Span,
    case_table,
    english_model,
    is_dictionary_word,
    is_person_name,
    rule_spans,
    trim_name,
    trim_possessive,
    truecase,
    word_list,
)
from opis.analysis.gazetteer import default_gazetteer
from opis.model import Record

MODEL_PATH = _DATA / "cable_ner.crfsuite"
TYPES = ("person", "org", "place")
FeatureList = list[str]
Items = Sequence[FeatureList] | Sequence[dict[str, float]]
"""What CRFsuite reads for each token: feature names, or names with weights."""

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*|[^\sA-Za-z0-9]")
_SPEECH = frozenset(
    [
        "said",
        "says",
        "told",
        "stated",
        "stressed",
        "noted",
        "added",
        "asked",
        "replied",
        "commented",
        "emphasized",
        "explained",
        "agreed",
        "indicated",
        "expressed",
        "remarked",
        "urged",
        "argued",
        "insisted",
        "pointed",
        "confirmed",
        "denied",
        "suggested",
        "reported",
        "observed",
        "declared",
        "acknowledged",
        "called",
        "met",
        "saw",
        "visited",
        "wrote",
    ]
)
_OFFICES = frozenset(
    [
        "emboff",
        "emboffs",
        "conoff",
        "dcm",
        "syg",
        "secgen",
        "fonmin",
        "formin",
        "secstate",
        "charge",
        "pm",
        "vp",
        "embassy",
        "official",
        "officials",
        "officer",
        "spokesman",
        "director",
        "chief",
        "head",
        "leader",
        "delegate",
        "minister",
        "ministry",
        "secretary",
        "president",
        "ambassador",
        "deputy",
        "prime",
        "foreign",
        "chairman",
        "commander",
        "representative",
        "counselor",
        "counsellor",
        "undersecretary",
        "assistant",
    ]
)
_SPACY_LABELS = {"PERSON": "person", "GPE": "place", "LOC": "place", "FAC": "place", "ORG": "org"}


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Views:
    """What the existing pipeline makes of a text: the features' raw material."""

    text: str
    recased: str
    spacy: list[Span]
    rules: list[Span]


def tokenize(text: str) -> list[Token]:
    """Words (with an inner apostrophe: "DAOUD'S", "O'NEILL") and single punctuation marks."""
    return [Token(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


def views(texts: Sequence[str]) -> list[Views]:
    """Recase each upper-case text and run spaCy and the rules of ``entities`` on it."""
    recased = [truecase(text) for text in texts]
    result = []
    for text, cased, doc in zip(texts, recased, english_model().pipe(recased), strict=True):
        raw = [
            Span(ent.start_char, ent.end_char, _SPACY_LABELS[ent.label_])
            for ent in doc.ents
            if ent.label_ in _SPACY_LABELS
        ]
        result.append(Views(text, cased, raw, rule_spans(cased, raw, recased=True)))
    return result


# ---------------------------------------------------------------------------
# Features.


def _labels_at(tokens: list[Token], spans: Iterable[Span]) -> list[str]:
    """BIO label of each token under ``spans`` (a token touching a span is inside it)."""
    labels = ["O"] * len(tokens)
    # Sorted with the type too: the rules may give one span two types, in set order.
    for span in sorted(spans, key=lambda s: (s.start, s.end, s.type)):
        inside = [i for i, t in enumerate(tokens) if t.start < span.end and span.start < t.end]
        for n, index in enumerate(inside):
            if labels[index] == "O":
                labels[index] = ("B-" if n == 0 else "I-") + span.type
    return labels


@cache
def _word_class(key: str) -> str:
    lower, upper, capital = case_table()
    if key in upper:
        return "acronym"
    if key in lower:
        return "lower"
    if key in capital:
        return "capital"
    if not any(v in key for v in "aeiouy"):
        return "novowel"
    return "dict" if is_dictionary_word(key) else "unknown"


def _shape(word: str) -> str:
    shape = re.sub(r"[A-Z]", "X", re.sub(r"[a-z]", "x", re.sub(r"[0-9]", "d", word)))
    return re.sub(r"(.)\1{2,}", r"\1\1", shape)


def _token_base(token: Token, cased: str) -> dict[str, str]:
    word = token.text
    key = re.sub(r"['’]s$", "", word.lower())
    features = {
        "w": key,
        "shape": _shape(word),
        "case": _shape(cased[:2]) + ("+" if cased[1:].islower() else ""),
        "class": _word_class(key) if word.isalpha() or "'" in word else "other",
        "len": str(min(len(key), 8)),
        "suf3": key[-3:],
        "pre3": key[:3],
    }
    if key in TITLES:
        features["title"] = "1"
    if key in _PERSON_TRIGGERS:
        features["trigger"] = "1"
    if key in _OFFICES:
        features["office"] = "1"
    if key in _SPEECH:
        features["speech"] = "1"
    if word.lower() != key:
        features["possessive"] = "1"
    return features


def features(view: Views) -> tuple[list[Token], list[FeatureList]]:
    """The tokens of ``view.text`` and each one's CRFsuite features ("name=value")."""
    text = view.text
    tokens = tokenize(text)
    spacy = _labels_at(tokens, view.spacy)
    rules = _labels_at(tokens, view.rules)
    base = [_token_base(t, view.recased[t.start : t.end]) for t in tokens]
    gazetteer = default_gazetteer().marks([t.text for t in tokens])
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    lines = [text[s:e] for s, e in zip(line_starts, [*line_starts[1:], len(text) + 1], strict=True)]
    line_of = [0] * len(tokens)
    line_index = 0
    for i, token in enumerate(tokens):
        while line_index + 1 < len(line_starts) and line_starts[line_index + 1] <= token.start:
            line_index += 1
        line_of[i] = line_index
    nonempty = [i for i, line in enumerate(lines) if line.strip()]
    last_lines = set(nonempty[-3:])
    # Document-level evidence about a word from all its occurrences in the cable: how
    # the rules typed it, whether a title stood before it or "said" after it.
    typed: dict[str, set[str]] = {}
    for i, label in enumerate(rules):
        key = base[i]["w"]
        if label != "O":
            typed.setdefault(key, set()).add(label[2:])
        if i > 0 and "trigger" in base[i - 1] and base[i]["class"] != "lower":
            typed.setdefault(key, set()).add("after-title")
        if i + 1 < len(tokens) and "speech" in base[i + 1]:
            typed.setdefault(key, set()).add("before-speech")
        if len(lines[line_of[i]].split()) == 1 and line_of[i] in last_lines:
            typed.setdefault(key, set()).add("signature")
    result: list[FeatureList] = []
    for i, token in enumerate(tokens):
        own = base[i]
        line = lines[line_of[i]]
        words_in_line = len(line.split())
        f = [f"{name}={value}" for name, value in own.items()]
        f += [f"spacy={spacy[i]}", f"rules={rules[i]}", f"rules.type={rules[i][2:]}"]
        f += [f"doc.{kind}" for kind in sorted(typed.get(own["w"], ()))]
        f.append(f"line.words={min(words_in_line, 4)}")
        if line_of[i] in last_lines:
            f.append("line.last")
        if i == 0 or line_of[i - 1] != line_of[i]:
            f.append("line.first")
        f.append(f"position={min(9, 10 * token.start // max(1, len(text)))}")
        f += gazetteer[i]
        for offset in (-1, 1):
            if 0 <= i + offset < len(tokens):
                f += [f"{offset:+d}{mark}" for mark in gazetteer[i + offset]]
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < len(tokens):
                other = base[j]
                prefix = f"{offset:+d}"
                f += [f"{prefix}w={other['w']}", f"{prefix}class={other['class']}"]
                f.append(f"{prefix}rules={rules[j]}")
                if abs(offset) == 1:
                    f += [f"{prefix}shape={other['shape']}", f"{prefix}spacy={spacy[j]}"]
                    flags = ("title", "trigger", "office", "speech")
                    f += [f"{prefix}{name}" for name in flags if name in other]
            else:
                f.append(f"{offset:+d}edge")
        result.append(f)
    return tokens, result


# ---------------------------------------------------------------------------
# Training targets from the gold annotations.


def gold_spans(record: Record) -> list[Span]:
    """What the tagger should find in a History Lab record.

    People are names as ``ner_eval`` scores them (titles and appositions cut, mentions
    with no name left out); organisations and places are trimmed of "the" and a
    possessive. Where marks nest, people come first, then the longer span.
    """
    from opis.analysis.ner_eval import gold_name, gold_type

    body = record.body
    people: list[Span] = []
    others: list[Span] = []
    for m in record.mentions:
        if m.position is None:
            continue
        kind = gold_type(m.type)
        end = m.end if m.end is not None else m.position + len(m.text)
        if kind == "person":
            start, stop = gold_name(body, m.position, end)
            if stop > start and is_person_name(body[start:stop]):
                people.append(Span(start, stop, "person"))
        elif kind is not None:
            start, stop = trim_possessive(body, m.position, end)
            if stop > start:
                others.append(Span(start, stop, kind))
    chosen: list[Span] = []
    for span in people + sorted(others, key=lambda s: s.start - s.end):
        if not any(s.start < span.end and span.start < s.end for s in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


# Name particles: "VAN DER KLAAUW", "JAN AF SILLEN", "ABDALLAH AL-RUHUMI".
_PARTICLES = frozenset(
    word_list(
        "van der de den del della di da dos das du af al el la le von ter ten bin ben ibn abu y"
    )
)
# Words that follow a name without being part of it: "ECEVIT GOVERNMENT", "SITHOLE REP".
_AFTER_NAME = frozenset(
    word_list(
        """
    government administration regime cabinet rep reps del faction party camp era visit
    trip meeting talks plan proposal letter statement office staff supporters wing
        """
    )
)


def _join_name_parts(text: str, spans: list[Span]) -> list[Span]:
    """One person where the CRF cut a name in two: at a hyphen ("STRAUSZ-HUPE") or a
    particle ("VAN" + "DER" + "KLAAUW" tagged as "VAN", "KLAAUW")."""
    result: list[Span] = []
    for span in spans:
        previous = result[-1] if result else None
        if previous is not None and previous.type == span.type == "person":
            gap = text[previous.end : span.start]
            words = gap.split()
            last = text[previous.start : previous.end].split()[-1].lower()
            by_particle = (
                re.fullmatch(r"[ \t]+(?:[A-Za-z]+[ \t]+)?", gap) is not None
                and all(w.lower() in _PARTICLES for w in words)
                and (bool(words) or last in _PARTICLES)
            )
            if gap == "-" or by_particle:
                result[-1] = Span(previous.start, span.end, "person")
                continue
        result.append(span)
    return result


def _trim_trailing_nouns(text: str, start: int, end: int) -> int:
    """The end of a person span without a trailing "GOVERNMENT", "REP" and the like."""
    while True:
        match = re.search(r"\s+([A-Za-z']+)$", text[start:end])
        if not match or match.group(1).lower() not in _AFTER_NAME:
            return end
        end = start + match.start()


def decode(text: str, tokens: list[Token], labels: Sequence[str]) -> list[Span]:
    """Spans from BIO labels; people trimmed of titles and possessives like any name."""
    spans: list[Span] = []
    current: tuple[int, int, str] | None = None
    for token, label in zip(tokens, labels, strict=True):
        if label == "O" or (label.startswith("I-") and current and current[2] != label[2:]):
            if current:
                spans.append(Span(*current))
            current = None
            if label == "O":
                continue
        kind = label[2:]
        if label.startswith("B-") or current is None:
            if current:
                spans.append(Span(*current))
            current = (token.start, token.end, kind)
        else:
            current = (current[0], token.end, kind)
    if current:
        spans.append(Span(*current))
    result = []
    for span in _join_name_parts(text, spans):
        start, end = (
            trim_name(text, span.start, span.end)
            if span.type == "person"
            else trim_possessive(text, span.start, span.end)
        )
        if span.type == "person":
            end = _trim_trailing_nouns(text, start, end)
            if not is_person_name(text[start:end]):
                continue  # "FRENCH AMBASSADOR", "OVIR DIRECTOR": an office, no name
        if end > start and any(char.isalpha() for char in text[start:end]):
            result.append(Span(start, end, span.type))
    return result


def _occurrences(text: str, name: str) -> Iterator[re.Match[str]]:
    """Where ``name`` stands in ``text`` as whole words (not inside "U.S.BAKER")."""
    return re.finditer(r"(?<![\w.])" + re.escape(name) + r"(?![\w])", text)


def propagate_people(text: str, spans: list[Span]) -> list[Span]:
    """A name tagged as a person once is that person wherever else it stands untagged.

    The CRF sees one sentence's evidence at a time ("HERMES SAID" here, "HERMES, WHO"
    there); a cable names one person the same way throughout.
    """
    # Whole names only: spreading surnames cut out of full names ("VAN WELL" -> "WELL")
    # cost more precision than it gained recall (bench/ner_cable.py).
    names = {text[s.start : s.end] for s in spans if s.type == "person"}
    names = {n for n in names if len(n) > 2 and n.split()[-1].lower() not in case_table()[0]}
    # A word the tagger also calls an organisation or place somewhere ("AMOCO", "FOCEP")
    # is not spread: one doubtful reading must not become a dozen.
    names -= {text[s.start : s.end] for s in spans if s.type != "person"}
    result = list(spans)
    for name in sorted(names, key=lambda name: (-len(name), name)):
        for match in _occurrences(text, name):
            start, end = match.span()
            if not any(s.start < end and start < s.end for s in result):
                result.append(Span(start, end, "person"))
    return sorted(result, key=lambda s: (s.start, s.end))


PROPAGATE = True


PERSON_VOTE = 0.4
"""``vote_people``'s threshold for the stacked tagger of ``cable_transformer``."""


def vote_people(
    text: str,
    tokens: Sequence[Token],
    spans: list[Span],
    person: Callable[[int], float],
    threshold: float = PERSON_VOTE,
) -> list[Span]:
    """People whose name, over all its occurrences in the cable, the tagger thinks a
    person: the mean of each occurrence's mean token person probability (``person``
    of a token's index: the CRF's marginals of B- and I-person) is at least ``threshold``.

    Why: ``propagate_people`` lets one confident reading speak for a cable that names
    someone the same way throughout, but one wrong reading then becomes a dozen
    ("AMOCO'S CONCESSIONS", "AMOCO DECLINED", ...: six people). Pooling the evidence
    of every occurrence keeps the spread where most of them agree. On the stacked
    tagger's cross-validated output (bench/ner_transformer.py) 0.4 gained 0.007 F1
    (P +0.036, R -0.018); chosen on four folds, 0.4 was the choice for each fifth. The
    CRF alone is not voted on: its probabilities are less sure, and it lost 0.024.
    """
    starts = np.array([t.start for t in tokens])
    ends = np.array([t.end for t in tokens])
    doubtful = set()
    for name in {text[s.start : s.end] for s in spans if s.type == "person"}:
        means = []
        for match in _occurrences(text, name):
            inside = np.flatnonzero((starts < match.end()) & (ends > match.start()))
            if len(inside):
                means.append(sum(person(int(i)) for i in inside) / len(inside))
        if means and sum(means) / len(means) < threshold:
            doubtful.add(name)
    return [s for s in spans if not (s.type == "person" and text[s.start : s.end] in doubtful)]


# ---------------------------------------------------------------------------
# Training and tagging.

# Tuned by 5-fold cross-validation on the gold (person F1 of the names): L2 only, every
# feature kept. Before (c1 0.01, c2 1, minfreq 2): 0.744 with the gazetteer; c2 4:
# 0.741; c1 0.05/c2 0.5: 0.730; c1 0.01/c2 2/minfreq 1: 0.746; 300 iterations: no
# gain; these: 0.750, and 0.758 with the decoding fixes (c2 1: 0.750, c2 3: 0.758 with
# lower org and place scores).
TRAINING = {
    "c1": 0.0,
    "c2": 2.0,
    "max_iterations": 150,
    "feature.minfreq": 1,
    "feature.possible_transitions": True,
}


class CableTagger:
    """A trained CRF; ``tag`` gives person/org/place spans in an upper-case text.

    ``vote``: the least mean person probability of a name over its occurrences
    (``vote_people``), or None to keep every name the CRF and ``propagate_people`` give.
    """

    def __init__(self, model_file: Path, vote: float | None = None) -> None:
        import pycrfsuite  # type: ignore[import-untyped]

        self.model_file = model_file
        self.vote = vote
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_file))
        self._person_labels = [lab for lab in self._tagger.labels() if lab.endswith("-person")]

    def tag_items(self, text: str, tokens: list[Token], items: Items) -> list[Span]:
        """Spans of ``text`` from the CRF's labels for ``tokens``, described by ``items``."""
        if not tokens:
            return []
        self._tagger.set(items)
        spans = spans_from_labels(text, tokens, self._tagger.tag())
        if self.vote is None:
            return spans

        def person(index: int) -> float:
            # Asked only for the tokens of names found: marginals cost a call each.
            labels = self._person_labels
            return float(sum(self._tagger.marginal(label, index) for label in labels))

        return vote_people(text, tokens, spans, person, self.vote)

    def tag_views(self, view: Views) -> list[Span]:
        tokens, token_features = features(view)
        return self.tag_items(view.text, tokens, token_features)

    def tag(self, text: str) -> list[Span]:
        return self.tag_views(views([text])[0])


def spans_from_labels(
    text: str,
    tokens: list[Token],
    labels: Sequence[str],
    propagate: bool = PROPAGATE,
) -> list[Span]:
    """Spans from any tagger's BIO labels of ``tokens``: decoded, names spread."""
    spans = split_name_pairs(text, decode(text, tokens, labels))
    return propagate_people(text, spans) if propagate else spans


_NAME_PAIR = re.compile(r"([A-Z]{3,})\s*[-/]\s*([A-Z]{3,})")


def split_name_pairs(text: str, spans: list[Span]) -> list[Span]:
    """ "FRANGIE-ASAD SUMMIT": two people joined, when the cable names one of them alone.

    Only then: hyphenated surnames ("MUELLER-THUNS", "SAINT-LEGER") and words broken at
    a line end ("CHRIS- TIAN") are far more common: on the stacked tagger's
    cross-validated output, splitting every pair cost 0.006 F1, this gained 0.001.
    """
    alone = {text[s.start : s.end] for s in spans if s.type == "person"}
    result: list[Span] = []
    for span in spans:
        pair = _NAME_PAIR.fullmatch(text, span.start, span.end) if span.type == "person" else None
        if pair and (pair.group(1) in alone or pair.group(2) in alone):
            result.append(Span(pair.start(1), pair.end(1), "person"))
            result.append(Span(pair.start(2), pair.end(2), "person"))
        else:
            result.append(span)
    return result


def train_items(
    sequences: Iterable[tuple[Items, list[str]]],
    model_file: Path,
    options: dict[str, Any] | None = None,
) -> CableTagger:
    """Train a CRF on (token descriptions, BIO labels) of each text; written to ``model_file``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for items, labels in sequences:
        if labels:
            trainer.append(items, labels)
    trainer.set_params({**TRAINING, **(options or {})})
    trainer.train(str(model_file))
    return CableTagger(model_file)


def train(
    examples: Iterable[tuple[Views, list[Span]]],
    model_file: Path,
    options: dict[str, Any] | None = None,
) -> CableTagger:
    """Train on (views, gold spans) pairs; the model is written to ``model_file``."""

    def sequences() -> Iterator[tuple[Items, list[str]]]:
        for view, gold in examples:
            tokens, token_features = features(view)
            yield token_features, _labels_at(tokens, gold)

    return train_items(sequences(), model_file, options)


@cache
def default_tagger() -> CableTagger | None:
    """The shipped model, or None when it or CRFsuite is missing (the rules then stand).

    ``OPIS_CABLE_NER=off`` turns it off: to score the rules alone on History Lab's
    telegrams, which the shipped model was trained on.
    """
    if os.environ.get("OPIS_CABLE_NER", "").lower() == "off" or not MODEL_PATH.exists():
        return None
    try:
        return CableTagger(MODEL_PATH)
    except (ImportError, OSError, ValueError) as exc:  # no CRFsuite, or a damaged file
        message = f"{MODEL_PATH}: cable tagger not loaded ({exc}); using the rules"
        warnings.warn(message, stacklevel=2)
        return None


def tag_cable(text: str, recased: str, spacy: list[Span], rules: list[Span]) -> list[Span] | None:
    """The tagger's spans for an upper-case text, or None when no model is available.

    Called by ``entities`` with what it has already computed (recased text, spaCy's
    spans, the rules' spans), so spaCy runs once.
    """
    tagger = default_tagger()
    if tagger is None:
        return None
    view = Views(text, recased, spacy, rules)
    # Where the fine-tuned MiniLM and the CRF stacked on its output are shipped
    # (data/cable_transformer/, ``python -m opis.analysis.cable_transformer --stacked``),
    # they replace this CRF: person F1 0.852 against 0.802 in the same 5-fold
    # cross-validation (bench/ner_transformer.py). ``OPIS_CABLE_TRANSFORMER=off`` keeps
    # this CRF alone.
    from opis.analysis.cable_transformer import tag_stacked

    stacked = tag_stacked(view)
    return tagger.tag_views(view) if stacked is None else stacked


# ---------------------------------------------------------------------------
# Gold data and cross-validation.


def read_gold(corpus: Path) -> list[Record]:
    """Every History Lab record under ``corpus/historylab-ner/gt`` (bad files reported)."""
    from opis.readers.base import make_source
    from opis.readers.historylab import read_telegram

    root = corpus / "historylab-ner"
    records: list[Record] = []
    for path in sorted((root / "gt").rglob("*.txt")):
        raw = path.read_bytes()
        source = make_source(raw, str(path.relative_to(root)), "historylab-ner")
        try:
            records.extend(r for r in read_telegram(raw, source) if isinstance(r, Record))
        except Exception as exc:  # one bad file never stops training
            print(f"{path}: skipped, {exc}")
    return records


def folds(records: Sequence[Record], count: int, seed: int = 7) -> list[list[int]]:
    """Indices of ``records`` in ``count`` folds, grouped by telegram number.

    The ``unittest`` files are re-annotated copies of ``train`` files: a telegram and
    its copy always fall in the same fold.
    """
    numbers = sorted({r.number or r.id for r in records})
    random.Random(seed).shuffle(numbers)
    fold_of = {number: n % count for n, number in enumerate(numbers)}
    result: list[list[int]] = [[] for _ in range(count)]
    for index, record in enumerate(records):
        result[fold_of[record.number or record.id]].append(index)
    return result


def cross_validate(
    records: Sequence[Record],
    record_views: Sequence[Views],
    count: int,
    options: dict[str, Any] | None = None,
) -> dict[int, list[Span]]:
    """Out-of-fold predictions: each record tagged by a model trained without it."""
    predictions: dict[int, list[Span]] = {}
    gold = [gold_spans(r) for r in records]
    with tempfile.TemporaryDirectory() as folder:
        for n, held_out in enumerate(folds(records, count)):
            keep = set(held_out)
            examples = [(record_views[i], gold[i]) for i in range(len(records)) if i not in keep]
            tagger = train(examples, Path(folder) / f"fold{n}.crfsuite", options)
            for i in held_out:
                predictions[i] = tagger.tag_views(record_views[i])
    return predictions


def build_model(corpus: Path, model_file: Path = MODEL_PATH) -> tuple[int, float]:
    """Train on every gold telegram and write the shipped model: (records, seconds)."""
    records = read_gold(corpus)
    started = time.perf_counter()
    record_views = views([r.body for r in records])
    train(zip(record_views, (gold_spans(r) for r in records), strict=True), model_file)
    return len(records), time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description="Train the cable tagger on History Lab gold.")
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    count, seconds = build_model(args.corpus, args.out)
    size = args.out.stat().st_size
    print(f"{args.out}: trained on {count} telegrams in {seconds:.0f} s, {size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
