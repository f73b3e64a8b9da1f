"""Compile the query AST into tantivy Query objects, built programmatically.

tantivy's own query parser is not used: it silently returns nothing for
``khru*`` and ``word~1`` (see docs/dependencies notes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import tantivy

from opis.search import names
from opis.search.query import (
    STOPWORDS,
    And,
    DateRange,
    Node,
    Not,
    Or,
    Phrase,
    QuerySyntaxError,
    Term,
)

Occur = tantivy.Occur
Query = tantivy.Query

DEFAULT_FIELDS = (("title", 3.0), ("header", 2.0), ("body", 1.0), ("body_ru", 1.0))
"""Where a plain word is looked for; the body is split by language (see tantivy_backend)."""
BODY_FIELDS = ("body", "body_ru")
NAMES_FIELD, NAMES_BOOST = "names", 1.5
PHRASE_BONUS = (("title", 2.0), ("body", 1.0), ("body_ru", 1.0))
"""Extra score when the words of a plain query stand together as typed."""

KEYWORD_FIELDS = {
    "title": "title", "from": "kw_from", "to": "kw_to", "person": "kw_person",
    "place": "kw_place", "type": "kw_type", "archive": "kw_archive", "fond": "kw_fond",
    "lang": "kw_lang", "classification": "kw_classification", "collection": "kw_collection",
}  # fmt: skip
KEYWORD_NAME_FIELDS = {"from": "kn_from", "to": "kn_to", "person": "kn_person", "place": "kn_place"}


def bare_year(text: str) -> DateRange | None:
    """A plain year typed as a word (``Korea 1947``) also matches records dated that year."""
    if not _YEAR.fullmatch(text):
        return None
    year = int(text)
    return DateRange(datetime(year, 1, 1), datetime(year, 12, 31, 23, 59, 59))


_YEAR = re.compile(r"1[5-9]\d\d|20\d\d")


@dataclass
class Highlights:
    """What a snippet must mark beyond the body terms of the query itself."""

    name_keys: set[str] = field(default_factory=set)
    prefixes: list[str] = field(default_factory=list)
    terms: dict[str, set[str]] = field(default_factory=dict)
    """The analysed words asked of each body field: where to look for a snippet."""


class Compiler:
    def __init__(self, schema: tantivy.Schema, analyze: Callable[[str, str], list[str]]) -> None:
        """``analyze(text, field)`` gives the tokens the field's analyzer would index."""
        self.schema = schema
        self.analyze = analyze
        self.highlights = Highlights()

    # -- leaves -------------------------------------------------------------

    def _text(self, fname: str, tokens: Sequence[str], slop: int = 0) -> Query:
        if len(tokens) == 1:
            return Query.term_query(self.schema, fname, tokens[0])
        return Query.phrase_query(self.schema, fname, list(tokens), slop)

    @staticmethod
    def _any(clauses: list[Query]) -> Query | None:
        if not clauses:
            return None
        if len(clauses) == 1:
            return clauses[0]
        return Query.boolean_query([(Occur.Should, c) for c in clauses])

    def _names(self, fname: str, text: str, slop: int = 0) -> Query | None:
        keys = list(names.name_keys(names.WORD.findall(text)))
        if not keys:
            return None
        self.highlights.name_keys.update(keys)
        return self._text(fname, keys, slop)

    def term(self, node: Term) -> Query | None:
        if node.prefix:
            return self._prefix(node)
        if node.fuzzy:
            return self._fuzzy(node)
        if node.field is None:
            clauses = [
                Query.boost_query(q, boost)
                for f, boost in DEFAULT_FIELDS
                if (q := self._field_text(f, node.text)) is not None
            ]
            names_q = self._names(NAMES_FIELD, node.text)
            if names_q is not None:
                clauses.append(Query.boost_query(names_q, NAMES_BOOST))
            year = bare_year(node.text)
            if year is not None:
                clauses.append(self._dates(year))
            return self._any(clauses)
        clauses = [q] if (q := self._field_text(KEYWORD_FIELDS[node.field], node.text)) else []
        if node.field in KEYWORD_NAME_FIELDS:
            names_q = self._names(KEYWORD_NAME_FIELDS[node.field], node.text)
            if names_q is not None:
                clauses.append(names_q)
        return self._any(clauses)

    def _field_text(self, fname: str, text: str, slop: int = 0) -> Query | None:
        tokens = self.analyze(text, fname)
        if fname in BODY_FIELDS:
            self.highlights.terms.setdefault(fname, set()).update(tokens)
        return self._text(fname, tokens, slop) if tokens else None

    def _prefix(self, node: Term) -> Query | None:
        # As the analyzers index: lowercase, Latin diacritics folded, ё -> е; not stemmed.
        plain = names.fold_latin(names.fold_yo(node.text.lower()))
        key = names.prefix_key(node.text)
        self.highlights.prefixes.append(plain)

        def prefix_q(fname: str, text: str) -> Query:
            return Query.fuzzy_term_query(self.schema, fname, text, distance=0, prefix=True)

        if node.field is None:
            clauses = [Query.boost_query(prefix_q(f, plain), b) for f, b in DEFAULT_FIELDS]
            clauses.append(Query.boost_query(prefix_q(NAMES_FIELD, key), NAMES_BOOST))
            return self._any(clauses)
        clauses = [prefix_q(KEYWORD_FIELDS[node.field], plain)]
        if node.field in KEYWORD_NAME_FIELDS:
            clauses.append(prefix_q(KEYWORD_NAME_FIELDS[node.field], key))
        return self._any(clauses)

    def _fuzzy(self, node: Term) -> Query | None:
        def fuzzy_q(fname: str) -> Query | None:
            tokens = self.analyze(node.text, fname)
            if len(tokens) != 1:  # "U.S.S.R.~1": no single word to be fuzzy about
                return self._text(fname, tokens) if tokens else None
            return Query.fuzzy_term_query(self.schema, fname, tokens[0], distance=node.fuzzy)

        if node.field is None:
            return self._any(
                [
                    Query.boost_query(q, b)
                    for f, b in DEFAULT_FIELDS
                    if (q := fuzzy_q(f)) is not None
                ]
            )
        return fuzzy_q(KEYWORD_FIELDS[node.field])

    def _phrase(self, node: Phrase) -> Query | None:
        if node.field is None:
            clauses = [
                Query.boost_query(q, boost)
                for f, boost in DEFAULT_FIELDS
                if (q := self._field_text(f, node.text, node.slop)) is not None
            ]
            names_q = self._names(NAMES_FIELD, node.text, node.slop)
            if names_q is not None:
                clauses.append(Query.boost_query(names_q, NAMES_BOOST))
            return self._any(clauses)
        fname = KEYWORD_FIELDS[node.field]
        clauses = [q] if (q := self._field_text(fname, node.text, node.slop)) else []
        if node.field in KEYWORD_NAME_FIELDS:
            names_q = self._names(KEYWORD_NAME_FIELDS[node.field], node.text, node.slop)
            if names_q is not None:
                clauses.append(names_q)
        return self._any(clauses)

    def _dates(self, node: DateRange) -> Query:
        # A record matches when its whole date range lies inside the asked range:
        # date:1947-09 finds 12 September 1947, not a record dated only "1947".
        parts: list[tuple[tantivy.Occur, Query]] = []
        if node.start is not None:
            parts.append((Occur.Must, self._range("date_start", node.start, None)))
        if node.end is not None:
            parts.append((Occur.Must, self._range("date_end", None, node.end)))
        return Query.boolean_query(parts)

    def _range(self, fname: str, low: datetime | None, high: datetime | None) -> Query:
        return Query.range_query(
            self.schema,
            fname,
            tantivy.FieldType.Date,
            lower_bound=low.replace(tzinfo=UTC) if low is not None else None,
            upper_bound=high.replace(tzinfo=UTC) if high is not None else None,
        )

    # -- structure ----------------------------------------------------------

    def compile(self, node: Node) -> Query:
        query = self._compile(node)
        if query is None:
            raise QuerySyntaxError("the query has no letters or digits to search for", 0)
        return query

    def _compile(self, node: Node) -> Query | None:
        if isinstance(node, Term):
            return self.term(node)
        if isinstance(node, Phrase):
            return self._phrase(node)
        if isinstance(node, DateRange):
            return self._dates(node)
        if isinstance(node, Not):
            inner = self._compile(node.child)
            if inner is None:
                return None
            return Query.boolean_query([(Occur.Must, Query.all_query()), (Occur.MustNot, inner)])
        if isinstance(node, Or):
            return self._any([q for c in node.children if (q := self._compile(c)) is not None])
        return self._and(node)

    def _and(self, node: And) -> Query | None:
        children = list(node.children)
        bare = [
            c
            for c in children
            if isinstance(c, Term) and c.field is None and not c.prefix and not c.fuzzy
        ]
        content = [c for c in children if not isinstance(c, Not)]
        if len(content) > len([c for c in bare if c.text.lower() in STOPWORDS]):
            # Drop "the", "of"...: a required stopword would exclude Russian texts.
            children = [c for c in children if not (c in bare and c.text.lower() in STOPWORDS)]
            bare = [c for c in bare if c.text.lower() not in STOPWORDS]
        clauses: list[tuple[tantivy.Occur, Query]] = []
        grouped = self._multiword_names(bare)
        for child in children:
            if isinstance(child, Not):
                inner = self._compile(child.child)
                if inner is not None:
                    clauses.append((Occur.MustNot, inner))
                continue
            if isinstance(child, Term) and child in grouped:
                continue
            query = self._compile(child)
            if query is not None:
                clauses.append((Occur.Must, query))
        clauses.extend((Occur.Must, q) for q in grouped.values() if q is not None)
        if not any(occur == Occur.Must for occur, _ in clauses):
            if not clauses:
                return None
            clauses.append((Occur.Must, Query.all_query()))
        if len(bare) > 1:
            for fname, boost in PHRASE_BONUS:
                tokens = [t for c in bare for t in self.analyze(c.text, fname)]
                if len(tokens) > 1:
                    bonus = Query.boost_query(self._text(fname, tokens), boost)
                    clauses.append((Occur.Should, bonus))
        return Query.boolean_query(clauses)

    def _multiword_names(self, bare: list[Term]) -> dict[Term, Query | None]:
        """Kim Il Sung typed as three words also matches Ким Ир Сен as one name.

        Returns the terms consumed, mapped to the group query (on the first term).
        """
        words: list[str] = []
        owner: list[int] = []  # which term each word came from ("Tse-tung" is two words)
        for n, term in enumerate(bare):
            for word in names.WORD.findall(term.text):
                words.append(word)
                owner.append(n)
        grouped: dict[Term, Query | None] = {}
        for start, end, keys in names.multiword_matches(words):
            first, last = owner[start], owner[end - 1]
            whole = (start == 0 or owner[start - 1] != first) and (
                end == len(words) or owner[end] != last
            )
            terms = bare[first : last + 1]
            if not whole or len(terms) < 2 or any(t in grouped for t in terms):
                continue
            parts = [q for t in terms if (q := self.term(t)) is not None]
            self.highlights.name_keys.update(keys)
            either = [
                Query.boolean_query([(Occur.Must, q) for q in parts]),
                Query.boost_query(self._text(NAMES_FIELD, keys), NAMES_BOOST * 2),
            ]
            grouped[terms[0]] = self._any(either)
            grouped.update({t: None for t in terms[1:]})
        return grouped
