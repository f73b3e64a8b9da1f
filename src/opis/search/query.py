"""The query language: a tokeniser and a recursive-descent parser into a small AST.

Grammar (implicit AND binds loosest, so ``stalin molotov OR vyshinsky`` means
stalin AND (molotov OR vyshinsky), as in web search engines)::

    query   := and_expr EOF
    and_expr:= or_expr ( ["AND"] or_expr )*
    or_expr := unary ( "OR" unary )*
    unary   := ("NOT" | "-") unary | primary
    primary := "(" and_expr ")" | FIELD ":" value | PHRASE ["~" N] | WORD ["*" | "~" [N]]
    value   := PHRASE | WORD | "(" and_expr ")"      (date: takes a date or a range)

Backends compile the AST; nothing here knows about tantivy or SQL.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import datetime

TEXT_FIELDS = (
    "title", "from", "to", "person", "place", "type", "archive", "fond", "lang",
    "classification", "collection",
)  # fmt: skip
FIELD_ALIASES = {"repository": "archive", "language": "lang", "sender": "from", "recipient": "to"}
DATE_FIELD = "date"
FIELDS = (*TEXT_FIELDS, DATE_FIELD)

MAX_FUZZY = 2
MAX_SLOP = 100

STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "with",
    }
)
"""Dropped from bare multi-word queries: a required "the" would exclude every Russian text."""


class QuerySyntaxError(ValueError):
    """A query that cannot mean anything; ``position`` is a 0-based offset into it."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.message = message
        self.position = position


# --- AST -------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str
    field: str | None = None
    prefix: bool = False
    fuzzy: int = 0
    """Edit distance (1 or 2); 0 means exact."""


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None
    slop: int = 0


@dataclass(frozen=True)
class DateRange:
    start: datetime | None
    """Inclusive lower bound; None is open."""
    end: datetime | None
    """Inclusive upper bound; None is open."""


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | Phrase | DateRange | And | Or | Not


# --- tokens ----------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # WORD PHRASE FIELD LPAREN RPAREN AND OR NOT MINUS
    text: str
    pos: int
    slop: int = 0
    fuzzy: int = 0
    prefix: bool = False


_SPECIAL = set('()"')
_FIELD_RE = re.compile(r"([A-Za-z_]+):")
_FUZZY_RE = re.compile(r"~(\d*)$")


def tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(_Token("LPAREN" if c == "(" else "RPAREN", c, i))
            i += 1
        elif c == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError("unbalanced quote: this phrase is never closed", i)
            text = query[i + 1 : end]
            j, slop = end + 1, 0
            if j < n and query[j] == "~":
                m = re.match(r"~(\d+)", query[j:])
                if not m:
                    raise QuerySyntaxError('proximity needs a number, e.g. "a b"~5', j)
                slop = int(m.group(1))
                if slop > MAX_SLOP:
                    raise QuerySyntaxError(f"proximity is at most {MAX_SLOP} words", j)
                j += m.end()
            if not text.strip():
                raise QuerySyntaxError("empty phrase", i)
            tokens.append(_Token("PHRASE", text, i, slop=slop))
            i = j
        elif c == "-" and i + 1 < n and not query[i + 1].isspace() and _starts_term(tokens):
            tokens.append(_Token("MINUS", c, i))
            i += 1
        else:
            m = _FIELD_RE.match(query, i)
            if m and i + len(m.group()) <= n:
                tokens.append(_Token("FIELD", m.group(1).lower(), i))
                i = m.end()
                if m.group(1).lower() == DATE_FIELD:
                    # A date value may hold ':' (times) and '..' but never spaces.
                    j = i
                    while j < n and not query[j].isspace() and query[j] not in "()":
                        j += 1
                    tokens.append(_Token("WORD", query[i:j], i))
                    i = j
                continue
            j = i
            while j < n and not query[j].isspace() and query[j] not in _SPECIAL:
                j += 1
            tokens.append(_word_token(query[i:j], i))
            i = j
    return tokens


def _starts_term(tokens: list[_Token]) -> bool:
    """A '-' is a NOT only where a new term may start (not after a field name)."""
    return not tokens or tokens[-1].kind != "FIELD"


def _word_token(word: str, pos: int) -> _Token:
    if word in ("AND", "OR", "NOT"):
        return _Token(word, word, pos)
    if word == "&&":
        return _Token("AND", word, pos)
    if word == "||":
        return _Token("OR", word, pos)
    fuzzy, prefix = 0, False
    m = _FUZZY_RE.search(word)
    if m:
        fuzzy = int(m.group(1)) if m.group(1) else 1
        if not 1 <= fuzzy <= MAX_FUZZY:
            raise QuerySyntaxError(f"fuzzy distance must be 1 or {MAX_FUZZY}", pos + m.start())
        word = word[: m.start()]
    if word.endswith("*"):
        prefix = True
        word = word[:-1]
    if "*" in word or "?" in word:
        where = min(k for k in (word.find("*"), word.find("?")) if k >= 0)
        raise QuerySyntaxError("a wildcard may only end a word (prefix*)", pos + where)
    if prefix and fuzzy:
        raise QuerySyntaxError("a word cannot be both prefix* and fuzzy~", pos)
    if not word.strip("-'’.,;:!?"):
        raise QuerySyntaxError(f"'{word or '*'}' is not a word", pos)
    if prefix and len(word) < 2:
        raise QuerySyntaxError("a prefix needs at least 2 letters", pos)
    return _Token("WORD", word, pos, fuzzy=fuzzy, prefix=prefix)


# --- parser ----------------------------------------------------------------


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = tokenize(query)
        self.i = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def end_pos(self) -> int:
        return len(self.query)

    def parse(self) -> Node:
        if not self.tokens:
            raise QuerySyntaxError("empty query", 0)
        node = self.and_expr()
        token = self.peek()
        if token is not None:  # only a stray ')' can stop and_expr early
            raise QuerySyntaxError("unbalanced parenthesis: ')' without '('", token.pos)
        return node

    def and_expr(self) -> Node:
        children = [self.or_expr()]
        while (token := self.peek()) is not None and token.kind != "RPAREN":
            if token.kind == "AND":
                self.take()
                if self.peek() is None or self.peek().kind == "RPAREN":  # type: ignore[union-attr]
                    raise QuerySyntaxError("AND needs a term after it", token.pos)
            children.append(self.or_expr())
        return children[0] if len(children) == 1 else And(tuple(children))

    def or_expr(self) -> Node:
        children = [self.unary()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            children.append(self.unary(after=token))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def unary(self, after: _Token | None = None) -> Node:
        token = self.peek()
        if token is None or token.kind == "RPAREN":
            if after is not None:
                raise QuerySyntaxError(f"{after.text} needs a term after it", after.pos)
            pos = token.pos if token else self.end_pos()
            raise QuerySyntaxError("a term is missing here", pos)
        if token.kind in ("NOT", "MINUS"):
            self.take()
            return Not(self.unary(after=token))
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "LPAREN":
            if self.peek() is None:
                raise QuerySyntaxError("unbalanced parenthesis: '(' is never closed", token.pos)
            if self.peek().kind == "RPAREN":  # type: ignore[union-attr]
                raise QuerySyntaxError("empty parentheses", token.pos)
            node = self.and_expr()
            if self.peek() is None:
                raise QuerySyntaxError("unbalanced parenthesis: '(' is never closed", token.pos)
            self.take()
            return node
        if token.kind == "FIELD":
            return self.field_value(token)
        if token.kind == "PHRASE":
            return Phrase(token.text, slop=token.slop)
        if token.kind == "WORD":
            return Term(token.text, prefix=token.prefix, fuzzy=token.fuzzy)
        raise QuerySyntaxError(f"{token.text} needs a term before it", token.pos)

    def field_value(self, field_token: _Token) -> Node:
        name = FIELD_ALIASES.get(field_token.text, field_token.text)
        if name not in FIELDS:
            known = ", ".join(f"{f}:" for f in FIELDS)
            raise QuerySyntaxError(
                f"unknown field '{field_token.text}:' (known fields: {known})", field_token.pos
            )
        value = self.peek()
        if value is None or value.kind not in ("WORD", "PHRASE", "LPAREN") or not value.text:
            raise QuerySyntaxError(f"field '{name}:' needs a value", field_token.pos)
        if name == DATE_FIELD:
            if value.kind != "WORD":
                raise QuerySyntaxError(
                    "date: takes a date or range, e.g. date:1947-09 or date:1947-08-01..1947-09-30",
                    value.pos,
                )
            self.take()
            return parse_date_range(value.text, value.pos)
        return with_field(self.primary(), name)


def with_field(node: Node, field: str) -> Node:
    """Push a field down into a group: title:(korea OR china)."""
    if isinstance(node, Term | Phrase):
        return node if node.field else replace(node, field=field)
    if isinstance(node, And):
        return And(tuple(with_field(c, field) for c in node.children))
    if isinstance(node, Or):
        return Or(tuple(with_field(c, field) for c in node.children))
    if isinstance(node, Not):
        return Not(with_field(node.child, field))
    return node


def parse(query: str) -> Node:
    """Parse a query; raises QuerySyntaxError with a message a reader can act on."""
    return _Parser(query).parse()


# --- dates -----------------------------------------------------------------

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?)?)?$"
)
_DATE_HELP = "use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM, or a range A..B"


def parse_date_range(text: str, pos: int = 0) -> DateRange:
    """``1947-09`` -> the whole month; ``A..B``, ``A..`` and ``..B`` are ranges."""
    if ".." in text:
        left, _, right = text.partition("..")
        if not left and not right:
            raise QuerySyntaxError(f"bad date '{text}': {_DATE_HELP}", pos)
        start = _date_bounds(left, pos)[0] if left else None
        end = _date_bounds(right, pos + len(left) + 2)[1] if right else None
    else:
        start, end = _date_bounds(text, pos)
    if start is not None and end is not None and start > end:
        raise QuerySyntaxError(f"date range '{text}' ends before it starts", pos)
    return DateRange(start, end)


def _date_bounds(text: str, pos: int) -> tuple[datetime, datetime]:
    m = _DATE_RE.match(text)
    if not m:
        raise QuerySyntaxError(f"bad date '{text}': {_DATE_HELP}", pos)
    try:
        y = int(m["y"])
        if m["m"] is None:
            return datetime(y, 1, 1), datetime(y, 12, 31, 23, 59, 59)
        mo = int(m["m"])
        if m["d"] is None:
            last = calendar.monthrange(y, mo)[1] if 1 <= mo <= 12 else 0
            return datetime(y, mo, 1), datetime(y, mo, last, 23, 59, 59)
        d = int(m["d"])
        if m["H"] is None:
            return datetime(y, mo, d), datetime(y, mo, d, 23, 59, 59)
        h, mi = int(m["H"]), int(m["M"])
        if m["S"] is not None:
            moment = datetime(y, mo, d, h, mi, int(m["S"]))
            return moment, moment
        return datetime(y, mo, d, h, mi), datetime(y, mo, d, h, mi, 59)
    except ValueError as exc:  # month 13, 31 February, hour 25
        raise QuerySyntaxError(f"bad date '{text}': {exc}", pos) from None
