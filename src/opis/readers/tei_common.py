"""Shared TEI plumbing: safe parsing, element names, and a plain-text builder.

The builder turns mixed content into readable text with character offsets,
so readers can place footnote markers, page breaks and mentions in ``body``.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from opis.readers.base import ReadError

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

Element = Any
"""An lxml element (lxml ships no type stubs here)."""

# collect_ids=False: three FRUS volumes repeat xml:ids, which libxml2 rejects otherwise.
_PARSER_OPTIONS: dict[str, Any] = {
    "collect_ids": False,
    "huge_tree": True,
    "resolve_entities": False,
    "no_network": True,
    "remove_comments": True,
    "remove_pis": True,
}


def parse_xml(raw: bytes) -> Element:
    """Parse ``raw`` strictly and return the root; XML errors become ``ReadError``."""
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        message = exc.msg or str(exc)
        raise ReadError(f"malformed XML: {message}", f"line {line}, column {column}") from exc
    except (ValueError, TypeError) as exc:  # e.g. empty input, encoding declarations
        raise ReadError(f"malformed XML: {exc}", "line 1, column 1") from exc


def tei(name: str) -> str:
    """Clark name of a TEI element."""
    return f"{{{TEI_NS}}}{name}"


def local_name(element: Element) -> str:
    """Element name without namespace; '' for comments and processing instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def is_tei(element: Element) -> bool:
    tag = element.tag
    return isinstance(tag, str) and tag.startswith("{" + TEI_NS + "}")


_SPACE = re.compile(r"\s+")


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def inline_text(element: Element, skip: frozenset[str] = frozenset({"note"})) -> str:
    """The element's text on one line, ``skip`` subtrees left out (their tails kept)."""
    builder = TextBuilder()
    _collect_text(element, skip, builder)
    return builder.text()


def _collect_text(element: Element, skip: frozenset[str], builder: TextBuilder) -> None:
    if element.text:
        builder.add(element.text)
    for child in element:
        name = local_name(child)
        if name == "lb":
            builder.add(" ")
        elif name and name not in skip:
            _collect_text(child, skip, builder)
        if child.tail:
            builder.add(child.tail)


# At an element boundary, white space is dropped after these characters and
# before closing punctuation (XML indentation inside "( Foster )", "Washington ,").
_NO_SPACE_AFTER = frozenset({"", " ", "\n", "\t", "(", "[", "“"})
_CLOSING = frozenset(",;:)]”.")


def _closes_without_space(text: str) -> bool:
    """``text`` (starting with a space) continues with closing punctuation, not "…"."""
    return text[1] in _CLOSING and not text.startswith(" . .")


class TextBuilder:
    """Accumulates running text with collapsed white space and known offsets.

    XML indentation is noise: runs of white space become one space, and no
    space is kept at the start of a line or before a line break.
    """

    __slots__ = ("_length", "_newlines", "_parts")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._newlines = 0  # trailing "\n" count, so breaks never pile up

    @property
    def position(self) -> int:
        return self._length

    def add(self, text: str) -> None:
        text = _SPACE.sub(" ", text)
        if not text:
            return
        last = self._last_char()
        if text[0] == " " and (
            last in _NO_SPACE_AFTER or (len(text) > 1 and _closes_without_space(text))
        ):
            # Indentation between elements, not a real space: "(<persName>\n Foster".
            text = text.lstrip(" ")
            if not text:
                return
        elif last == " " and _closes_without_space(" " + text):
            self._trim_space()  # "Foster\n)" -> "Foster)"
        self._parts.append(text)
        self._length += len(text)
        self._newlines = 0

    def line_break(self, count: int = 1) -> None:
        """End the current line; ``count=2`` starts a new paragraph."""
        self._trim_space()
        if self._length == 0:
            return
        missing = count - self._newlines
        if missing > 0:
            self._parts.append("\n" * missing)
            self._length += missing
            self._newlines = count

    def tab(self) -> None:
        self._trim_space()
        self._parts.append("\t")
        self._length += 1
        self._newlines = 0

    def text(self) -> str:
        return "".join(self._parts).rstrip()

    def _last_char(self) -> str:
        return self._parts[-1][-1] if self._parts else ""

    def _trim_space(self) -> None:
        if self._parts and self._parts[-1].endswith(" "):
            trimmed = self._parts[-1][:-1]
            self._length -= 1
            if trimmed:
                self._parts[-1] = trimmed
            else:
                self._parts.pop()
