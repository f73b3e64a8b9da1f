"""The embedded search backend: a tantivy index in a directory of its own.

Analyzers: lowercase and ASCII folding, then Snowball stemming. The body, the
bulk of the text, goes to ``body`` (English stemmer) or ``body_ru`` (Russian
stemmer) by the record's first language, and a query looks in both: running
both stemmers over every body doubled the indexing cost (measured: the Russian
stemmer alone took 40% of it on English text). The short fields (title,
header, from:, to:...) use both stemmers in turn, which is cheap there, so a
Russian title or ``type:"Запись беседы"`` stems like an English one. Each
stemmer leaves the other script alone. ё is folded to е in Python before
indexing and querying, since no tantivy filter does it.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import tantivy

from opis.model import Record
from opis.search import names
from opis.search.base import FACET_FIELDS, SORTS, FacetValue, Hit, SearchError, SearchResult
from opis.search.fields import IndexFields, index_fields
from opis.search.query import parse
from opis.search.tantivy_query import KEYWORD_FIELDS, KEYWORD_NAME_FIELDS, Compiler, Highlights
from opis.search.versions import VersionLedger

SCHEMA_VERSION = 3
"""Bump when fields or analyzers change: an index of another version is rebuilt."""

TEXT_ANALYZER = "opis_text"
EN_ANALYZER = "opis_en"
RU_ANALYZER = "opis_ru"
FIELD_ANALYZERS = {"body": EN_ANALYZER, "body_ru": RU_ANALYZER}
"""Fields not listed use TEXT_ANALYZER (both stemmers), or KEY_ANALYZER for name keys."""
KEY_ANALYZER = "opis_keys"
FACET_SIZE = 20
ALL_VALUES = ("archive", "fond", "collection")
"""Facets counted in full (the browse page lists every repository, fond and volume)."""
SNIPPET_CHARS = 240
SNIPPET_SCAN = 100_000
"""Characters of a hit's body searched for its snippet: a 700,000-character report
otherwise costs a search hundreds of milliseconds; a hit deeper in shows the lead."""
WRITER_HEAP = 256_000_000


def text_analyzer(languages: tuple[str, ...] = ("english", "russian")) -> tantivy.TextAnalyzer:
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(60))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
    )
    for language in languages:
        builder = builder.filter(tantivy.Filter.stemmer(language))
    return builder.build()


ANALYZERS = {
    TEXT_ANALYZER: ("english", "russian"),
    EN_ANALYZER: ("english",),
    RU_ANALYZER: ("russian",),
}


def key_analyzer() -> tantivy.TextAnalyzer:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_bytes_field("doc", stored=True)
    for name in ("title", "header", "body", "body_ru"):
        sb.add_text_field(name, tokenizer_name=FIELD_ANALYZERS.get(name, TEXT_ANALYZER))
    sb.add_text_field("names", tokenizer_name=KEY_ANALYZER)
    for name in KEYWORD_FIELDS.values():
        if name != "title":
            sb.add_text_field(name, tokenizer_name=TEXT_ANALYZER)
    for name in KEYWORD_NAME_FIELDS.values():
        sb.add_text_field(name, tokenizer_name=KEY_ANALYZER)
    for name in FACET_FIELDS:
        sb.add_text_field(f"f_{name}", tokenizer_name="raw", fast=True)
    sb.add_date_field("date_start", indexed=True, fast=True)
    sb.add_date_field("date_end", indexed=True, fast=True)
    return sb.build()


def to_document(fields: IndexFields) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("id", fields.id)
    stored = {
        "title": fields.display_title,
        "date": fields.display_date,
        "type": fields.type,
        "body": fields.display_body,
        "ru": fields.russian,
    }
    doc.add_bytes("doc", json.dumps(stored, ensure_ascii=False).encode("utf-8"))
    doc.add_text("title", fields.title)
    if fields.header:
        doc.add_text("header", fields.header)
    doc.add_text("body_ru" if fields.russian else "body", fields.body)
    if fields.names:
        doc.add_text("names", fields.names)
    for key, value in fields.keywords.items():
        if value and key != "title":
            doc.add_text(KEYWORD_FIELDS[key], value)
    for key, value in fields.keyword_names.items():
        if value:
            doc.add_text(KEYWORD_NAME_FIELDS[key], value)
    for key, values in fields.facets.items():
        for value in values:
            doc.add_text(f"f_{key}", value)
    if fields.date_start is not None and fields.date_end is not None:
        doc.add_date("date_start", fields.date_start)
        doc.add_date("date_end", fields.date_end)
    return doc


class TantivyBackend:
    """A SearchBackend over a tantivy index in ``path`` (created if missing)."""

    def __init__(self, path: str | os.PathLike[str], *, writer_heap: int = WRITER_HEAP) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        marker = self.path / "opis-index.json"
        tantivy_dir = self.path / "tantivy"
        if marker.exists() and json.loads(marker.read_text()).get("schema") != SCHEMA_VERSION:
            # Another layout: start empty; the next sync re-indexes everything.
            shutil.rmtree(tantivy_dir, ignore_errors=True)
            for ledger in self.path.glob("versions.sqlite*"):
                ledger.unlink()
        self.schema = build_schema()
        tantivy_dir.mkdir(exist_ok=True)
        self._index = tantivy.Index(self.schema, path=str(tantivy_dir), reuse=True)
        for name, languages in ANALYZERS.items():
            self._index.register_tokenizer(name, text_analyzer(languages))
        self._local = threading.local()  # one query analyzer per thread (web workers)
        self._meta = tantivy_dir / "meta.json"
        self._generation: tuple[tuple[int, int, int], int] | None = None
        self._seen_meta = self.generation()
        self._index.register_tokenizer(KEY_ANALYZER, key_analyzer())
        marker.write_text(json.dumps({"schema": SCHEMA_VERSION}))
        self._ledger = VersionLedger(self.path / "versions.sqlite")
        if self._index.searcher().num_docs == 0:
            # An index directory removed by hand must not leave a ledger claiming it.
            self._ledger.clear()
        self._writer_heap = writer_heap
        self._writer: tantivy.IndexWriter | None = None
        self._pending: dict[str, int] = {}
        self._pending_deletes: set[str] = set()
        self._lock = threading.Lock()

    # -- writing ------------------------------------------------------------

    def _get_writer(self) -> tantivy.IndexWriter:
        # Opened lazily: a read-only process (the web app) never takes the writer lock.
        if self._writer is None:
            # One indexing thread per spare core: on 2 cores, Python building documents
            # and one tantivy thread indexed 25% faster than Python and two threads.
            threads = max(1, (os.cpu_count() or 2) - 1)
            self._writer = self._index.writer(self._writer_heap, threads)
        return self._writer

    def index(self, items: Iterable[tuple[Record, int]]) -> int:
        count = 0
        with self._lock:
            committed = self._index.searcher()
            for record, version in items:
                # The writer (and its lock) is taken only when there is work to do.
                writer = self._get_writer()
                # Replace only what exists: a queued delete per new record cost about
                # 1 KB of writer memory each until commit (1.7 GB for a 1M rebuild).
                # doc_freq also counts deleted documents, so it errs towards deleting.
                if record.id in self._pending or committed.doc_freq("id", record.id):
                    writer.delete_documents_by_term("id", record.id)
                writer.add_document(to_document(index_fields(record)))
                self._pending[record.id] = version
                self._pending_deletes.discard(record.id)
                count += 1
        return count

    def delete(self, ids: Iterable[str]) -> None:
        with self._lock:
            for record_id in ids:
                writer = self._get_writer()
                writer.delete_documents_by_term("id", record_id)
                self._pending.pop(record_id, None)
                self._pending_deletes.add(record_id)

    def commit(self) -> None:
        with self._lock:
            if self._writer is None:
                return
            self._writer.commit()
            # Only now may the ledger say the index holds these versions.
            self._ledger.apply(self._pending, self._pending_deletes)
            self._pending, self._pending_deletes = {}, set()
            self._index.reload()

    def clear(self) -> None:
        with self._lock:
            writer = self._get_writer()
            writer.delete_all_documents()
            writer.commit()
            self._ledger.clear()
            self._pending, self._pending_deletes = {}, set()
            self._index.reload()

    def indexed_versions(self) -> dict[str, int]:
        return self._ledger.all()

    def wait_merging(self) -> None:
        """Finish background segment merges (for benchmarks and before copying the index)."""
        with self._lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None

    def close(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.rollback()  # uncommitted work is dropped, as after a crash
                self._writer = None
            self._ledger.close()

    # -- reading ------------------------------------------------------------

    def analyze(self, text: str, field: str = "title") -> list[str]:
        """The tokens ``field`` indexes for ``text``."""
        name = FIELD_ANALYZERS.get(field, TEXT_ANALYZER)
        analyzers = getattr(self._local, "analyzers", None)
        if analyzers is None:
            analyzers = self._local.analyzers = {
                n: text_analyzer(langs) for n, langs in ANALYZERS.items()
            }
        tokens: list[str] = analyzers[name].analyze(names.fold_yo(text))
        return tokens

    def generation(self) -> int:
        """Changes with every commit, by any process: the hash of tantivy's meta.json.

        Not its mtime alone: two commits within one clock tick (a few ms) can leave the
        same mtime and size. tantivy replaces the file by renaming a new one over it, so
        each commit also gives it a new inode: the file is read again only when its
        inode, mtime or size moved (every search asks, and a read cost more than a stat).
        """
        try:
            stat = os.stat(self._meta)
        except FileNotFoundError:
            return 0
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        known = self._generation
        if known is not None and known[0] == seen:
            return known[1]
        try:
            stamp = hash(self._meta.read_bytes())
        except FileNotFoundError:
            return 0
        self._generation = (seen, stamp)
        return stamp

    def _searcher(self) -> tantivy.Searcher:
        # Another process (an ingest) may have committed: pick up its segments.
        stamp = self.generation()
        if stamp != self._seen_meta:
            self._seen_meta = stamp
            self._index.reload()
        return self._index.searcher()

    def search(
        self,
        query: str,
        *,
        facets: Sequence[str] = (),
        filters: Mapping[str, Sequence[str]] = {},
        sort: str = "relevance",
        limit: int = 10,
        offset: int = 0,
    ) -> SearchResult:
        if sort not in SORTS:
            raise SearchError(f"unknown sort '{sort}' (use one of: {', '.join(SORTS)})")
        for name in (*facets, *filters):
            if name not in FACET_FIELDS:
                raise SearchError(f"unknown facet '{name}' (use one of: {', '.join(FACET_FIELDS)})")
        if limit < 0 or offset < 0:
            raise SearchError("limit and offset must not be negative")
        compiler = Compiler(self.schema, self.analyze)
        # No query: every document (browsing by year, repository or fond).
        compiled = compiler.compile(parse(query)) if query.strip() else tantivy.Query.all_query()
        filtered = self._filtered(compiled, filters)
        searcher = self._searcher()
        # Never ask tantivy for 0 hits: it panics past `except Exception`.
        if sort == "relevance":
            result = searcher.search(filtered, max(limit, 1), count=True, offset=offset)
        else:
            order = tantivy.Order.Asc if sort == "date" else tantivy.Order.Desc
            result = searcher.search(
                filtered, max(limit, 1), count=True, offset=offset,
                order_by_field="date_start", order=order,
            )  # fmt: skip
        rows = result.hits[:limit]
        docs = [searcher.doc(address) for _, address in rows]
        stored = [json.loads(doc.get_first("doc") or b"{}") for doc in docs]
        snippets = self._snippets(searcher, compiled, compiler.highlights, stored)
        hits = [
            Hit(
                id=str(doc.get_first("id")),
                title=data["title"],
                date=data["date"],
                type=data["type"],
                score=float(key) if sort == "relevance" else None,
                snippet=snippet,
            )
            for (key, _), doc, data, snippet in zip(rows, docs, stored, snippets, strict=True)
        ]
        return SearchResult(
            total=int(getattr(result, "count", 0) or 0),
            hits=hits,
            facets=self._facets(searcher, filtered, facets),
        )

    def _filtered(
        self, query: tantivy.Query, filters: Mapping[str, Sequence[str]]
    ) -> tantivy.Query:
        clauses = [(tantivy.Occur.Must, query)]
        for name, values in filters.items():
            if not values:
                continue
            anyof = [
                (tantivy.Occur.Should, tantivy.Query.term_query(self.schema, f"f_{name}", v))
                for v in values
            ]
            # A selected facet narrows the result without changing its ranking.
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.const_score_query(
                    tantivy.Query.boolean_query(anyof), 0.0))
            )  # fmt: skip
        return query if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)

    def _facets(
        self, searcher: tantivy.Searcher, query: tantivy.Query, wanted: Sequence[str]
    ) -> dict[str, list[FacetValue]]:
        if not wanted:
            return {}
        aggs: dict[str, Any] = {}
        for name in wanted:
            spec: dict[str, Any] = {"field": f"f_{name}", "size": FACET_SIZE}
            if name in ("year", "decade"):
                spec = {"field": f"f_{name}", "size": 1000, "order": {"_key": "asc"}}
            elif name in ALL_VALUES:
                spec = {"field": f"f_{name}", "size": 1000}
            aggs[name] = {"terms": spec}
        raw = searcher.aggregate(query, aggs)
        return {
            name: [
                FacetValue(str(bucket["key"]), int(bucket["doc_count"]))
                for bucket in raw.get(name, {}).get("buckets", [])
            ]
            for name in wanted
        }

    def _snippets(
        self,
        searcher: tantivy.Searcher,
        query: tantivy.Query,
        highlights: Highlights,
        stored: list[dict[str, Any]],
    ) -> list[str]:
        """A highlighted snippet of each hit's body.

        Tokenising a long body whole cost milliseconds a hit, so the generator reads
        only the stretch where the asked words stand thickest (``_window``), and the
        whole text only when that stretch holds no match after all.
        """
        texts = [data["body"][:SNIPPET_SCAN] for data in stored]
        folded = [names.fold_yo(text) for text in texts]
        fields = ["body_ru" if data.get("ru") else "body" for data in stored]
        leading = names.TABLE.words_leading_to(highlights.name_keys)
        windows: list[tuple[int, int] | None] = []
        extra: dict[str, set[str]] = {}
        for field in set(fields):
            extra[field] = set()
            for prefix in highlights.prefixes:
                extra[field].update(
                    t for t, _ in searcher.terms_with_prefix(field, prefix, limit=64)
                )
        locators = {f: _locator(highlights.terms.get(f, set()) | extra[f]) for f in extra}
        for text, field in zip(folded, fields, strict=True):
            locator = locators[field]
            window = _window(locator, text) if locator is not None else None
            # Mark what matched through names too: the words of each hit whose name key
            # was asked for (Сталина for "Stalin"), in the stretch shown or else anywhere.
            if highlights.name_keys:
                scope = text[window[0] : window[1]] if window else text
                words = names.words_with_keys(scope, highlights.name_keys, leading=leading)
                found = {t for word in words for t in self.analyze(word, field)}
                extra[field] |= found
                if window is None and found:
                    named = _locator(found)
                    window = _window(named, text) if named is not None else None
            windows.append(window)
        generators = {f: self._generator(searcher, query, f, extra[f]) for f in extra}
        return [
            self._snippet(generators[field], field, text, fold, window)
            for text, fold, field, window in zip(texts, folded, fields, windows, strict=True)
        ]

    def _generator(
        self, searcher: tantivy.Searcher, query: tantivy.Query, field: str, extra: set[str]
    ) -> tantivy.SnippetGenerator:
        """The field's snippet generator, marking ``extra`` terms beside the query's."""
        snippet_query = query
        if extra:
            snippet_query = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Should, query),
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.term_set_query(self.schema, field, sorted(extra)),
                    ),
                ]
            )
        generator = tantivy.SnippetGenerator.create(searcher, snippet_query, self.schema, field)
        generator.set_max_num_chars(SNIPPET_CHARS)
        return generator

    @staticmethod
    def _snippet(
        generator: tantivy.SnippetGenerator,
        field: str,
        display: str,
        folded: str,
        window: tuple[int, int] | None,
    ) -> str:
        """The best fragment of ``display`` (in ``window`` if it has one) with its
        matches marked, or the text's first words.

        Without a window the text holds no word the generator could mark (unless a
        Latin diacritic hides one from the pattern: "Pérez" for perez), and it need not
        read the text.
        """
        marked = None
        if window is not None:
            start, end = window
            marked = _marked(generator, field, display[start:end], folded[start:end])
        if marked is None and (window is not None or _LATIN_DIACRITIC.search(display)):
            marked = _marked(generator, field, display, folded)
        if marked is None:
            lead = " ".join(display[: SNIPPET_CHARS + 40].split())
            return _escape(lead[:SNIPPET_CHARS])
        return marked


def _marked(
    generator: tantivy.SnippetGenerator, field: str, display: str, folded: str
) -> str | None:
    """The generator's fragment of ``display`` (``folded`` is it with ё as е), or None."""
    snippet = generator.snippet_from_doc(tantivy.Document(**{field: folded}))
    fragment = snippet.fragment_range()
    if fragment.end <= fragment.start:
        return None
    # ё and е have the same UTF-8 length, so the folded offsets fit the display text.
    raw = display.encode("utf-8")[fragment.start : fragment.end]
    out, at = [], 0
    for span in snippet.highlighted():
        out.append(_escape(raw[at : span.start]))
        out.append(f"<b>{_escape(raw[span.start : span.end])}</b>")
        at = span.end
    out.append(_escape(raw[at:]))
    return " ".join("".join(out).split())


LOCATOR_MATCHES = 64
"""How many places of a long text the locator weighs before choosing a stretch."""
LEAD_CHARS = SNIPPET_CHARS // 4
"""Context kept before the first asked word of the stretch."""
_LATIN_DIACRITIC = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")


def _locator(terms: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern for the words a snippet may mark, to run on lower-cased text.

    Stemmed terms are searched less their last letter ("happi" for happy, "studi" for
    study); a pattern that also hits other words only costs a look that finds nothing.
    The pattern starts with its words, not with a word boundary, so the regex engine
    can skip ahead to their first letters; ``_window`` checks the boundary.
    """
    stems = {t[:-1] if len(t) > 4 else t for t in terms if t}
    if not stems:
        return None
    return re.compile("|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True)))


def _window(locator: re.Pattern[str], text: str) -> tuple[int, int] | None:
    """The stretch of ``text`` around the place where the most distinct asked words
    stand within one snippet's length; None when none stands anywhere."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer (İ)
        return None
    hits: list[tuple[int, str]] = []
    for match in locator.finditer(lowered):
        at = match.start()
        if at and lowered[at - 1].isalnum():
            continue
        hits.append((at, match.group()))
        if len(hits) >= LOCATOR_MATCHES:
            break
    if not hits:
        return None
    # Weigh each asked word by how rarely it stands in the text: a stretch with the
    # one "hopelessly" beats one with a third "means" (the generator weighs by rarity
    # in the whole index too).
    counts: dict[str, int] = {}
    for _, word in hits:
        counts[word] = counts.get(word, 0) + 1
    best, best_weight = hits[0][0], 0.0
    reach = SNIPPET_CHARS - LEAD_CHARS
    for index, (at, _) in enumerate(hits):
        words = set()
        for position, word in hits[index:]:
            if position >= at + reach:
                break
            words.add(word)
        weight = sum(1 / counts[word] for word in words)
        if weight > best_weight:
            best, best_weight = at, weight
    # The generator cuts its text into fragments from the start: the first fragment
    # holds the stretch, with some words before it.
    start = max(0, best - LEAD_CHARS)
    end = min(len(text), best + 2 * SNIPPET_CHARS)
    # Whole words only: a cut word could be marked or tokenised differently.
    if start:
        space = text.find(" ", start, best)
        start = space + 1 if space >= 0 else best
    if end < len(text):
        space = text.rfind(" ", best, end)
        end = space if space > best else end
    return start, end


def _escape(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return html.escape(text, quote=False)
