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

        Not its mtime: two commits within one clock tick (a few ms) can leave the same
        mtime and size. The file is small; reading it costs microseconds.
        """
        try:
            return hash(self._meta.read_bytes())
        except FileNotFoundError:
            return 0

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
        generators: dict[str, tantivy.SnippetGenerator] = {}
        out = []
        for data in stored:
            field = "body_ru" if data.get("ru") else "body"
            if field not in generators:
                generators[field] = self._generator(searcher, query, highlights, stored, field)
            out.append(self._snippet(generators[field], field, data["body"][:SNIPPET_SCAN]))
        return out

    def _generator(
        self,
        searcher: tantivy.Searcher,
        query: tantivy.Query,
        highlights: Highlights,
        stored: list[dict[str, Any]],
        field: str,
    ) -> tantivy.SnippetGenerator:
        # Mark what matched through names or prefixes too: the words of each hit
        # whose name key was asked for (Сталина for "Stalin"), the terms a prefix covers.
        extra: set[str] = set()
        if highlights.name_keys:
            for data in stored:
                body = data["body"][:SNIPPET_SCAN]
                for word in names.words_with_keys(body, highlights.name_keys):
                    extra.update(self.analyze(word, field))
        for prefix in highlights.prefixes:
            extra.update(t for t, _ in searcher.terms_with_prefix(field, prefix, limit=64))
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
    def _snippet(generator: tantivy.SnippetGenerator, field: str, display: str) -> str:
        folded = names.fold_yo(display)
        snippet = generator.snippet_from_doc(tantivy.Document(**{field: folded}))
        fragment = snippet.fragment_range()
        if fragment.end <= fragment.start:
            lead = " ".join(display[: SNIPPET_CHARS + 40].split())
            return _escape(lead[:SNIPPET_CHARS])
        # ё and е have the same UTF-8 length, so the folded offsets fit the display text.
        raw = display.encode("utf-8")[fragment.start : fragment.end]
        out, at = [], 0
        for span in snippet.highlighted():
            out.append(_escape(raw[at : span.start]))
            out.append(f"<b>{_escape(raw[span.start : span.end])}</b>")
            at = span.end
        out.append(_escape(raw[at:]))
        return " ".join("".join(out).split())


def _escape(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return html.escape(text, quote=False)
