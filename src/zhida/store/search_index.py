"""The clause search index: a tantivy index (BM25 over positional postings) kept beside the database.

Why tantivy: ranking must be complete — every matching clause scored — and fast. SQLite FTS5's
bm25() costs ~2 µs per matching row in SQLite's VM: ranking all 100,000 clauses that contain 疫情
(20,000 documents, 566,000 clauses) took 19–143 ms, so the old index ranked only the 2,000 most
recently ingested matches; PostgreSQL's ts_rank is slower still (p95 127 ms at 1,000 documents).
tantivy computes the complete BM25 top 10 of the same corpus in 0.4–5 ms, for both back ends alike.

One tantivy document per clause of a current version:

- ``tokens``: ``tokens.token_stream`` of the simplified text, space-joined and split again by
  tantivy's whitespace tokenizer, with positions (a query term is the phrase of its bigrams);
- ``units``, ``beneficiaries``: ``tokens.suffix_tokens`` of the "|a|b|" lists, so a part of a name
  is the prefix query ``财政.*`` (a filter: it adds nothing to the score);
- ``clause`` (clauses.id, a fast field to map hits back) and ``version`` (document_versions.id,
  indexed: a version's clauses are deleted, and ``--doc`` filters, by one term).

This module is the index alone; ``search_sync`` decides where it lives and keeps it in step with
the database. The state file beside tantivy's own files records which database and which entry
of its ``search_log`` the index reflects.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import tantivy

from zhida.store.tokens import bigrams, query_terms, suffix_tokens, token_stream

FORMAT = 1  # bump when the fields or tokens.token_stream change: existing indexes are rebuilt
STATE_FILE = "zhida-search.json"
WHITESPACE = "zhida_whitespace"
WRITER_HEAP = 128_000_000  # bytes buffered before tantivy writes a segment (allocated as used)


@dataclass
class IndexRow:
    clause_id: int  # clauses.id
    version_id: int  # document_versions.id
    text: str  # the clause's simplified text
    units: str  # clauses.units ("|a|b|")
    beneficiaries: str  # clauses.beneficiaries


@dataclass
class State:
    """What the index reflects: the database (its store_instance id) and its last search_log seq."""

    instance: str
    seq: int
    format: int = FORMAT


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("tokens", tokenizer_name=WHITESPACE, index_option="position")
    for name in ("units", "beneficiaries"):
        builder.add_text_field(name, tokenizer_name=WHITESPACE, index_option="basic")
    builder.add_integer_field("clause", fast=True)
    builder.add_integer_field("version", indexed=True)
    return builder.build()


SCHEMA = _schema()
_ANALYZER = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


def _document(row: IndexRow) -> tantivy.Document:
    return tantivy.Document(
        tokens=" ".join(token_stream(row.text)),
        units=" ".join(suffix_tokens(row.units)),
        beneficiaries=" ".join(suffix_tokens(row.beneficiaries)),
        clause=row.clause_id,
        version=row.version_id,
    )


class Writer:
    """Changes to the index; none is visible until ``commit``."""

    def __init__(self, writer: tantivy.IndexWriter):
        self._writer = writer

    def delete_all(self) -> None:
        self._writer.delete_all_documents()

    def delete_versions(self, version_ids: Iterable[int]) -> None:
        for version_id in version_ids:
            self._writer.delete_documents_by_term("version", version_id)

    def add(self, rows: Iterable[IndexRow]) -> int:
        count = 0
        for row in rows:
            self._writer.add_document(_document(row))
            count += 1
        return count

    def commit(self) -> None:
        self._writer.commit()


class ClauseIndex:
    """One tantivy index directory (or memory, for an in-memory database) and its state file."""

    def __init__(self, path: Path | None):
        self.path = path
        self._lock = threading.Lock()  # one writer per process; tantivy's lock file covers processes
        self._memory_state: State | None = None  # the state of an index without a directory
        self._index = self._open()

    def _open(self) -> tantivy.Index:
        if self.path is None:
            index = tantivy.Index(SCHEMA)
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            state = self.state()
            if (state is not None and state.format != FORMAT) or not _compatible(self.path):
                _clear(self.path)  # another format: rebuilt from the database by search_sync
            try:
                index = tantivy.Index(SCHEMA, path=str(self.path))
            except ValueError:  # unreadable or another schema without a state file
                _clear(self.path)
                index = tantivy.Index(SCHEMA, path=str(self.path))
        index.register_tokenizer(WHITESPACE, _ANALYZER)
        index.config_reader(reload_policy="manual")  # reloaded before each search, no watcher thread
        return index

    # --- state -------------------------------------------------------------------------

    def state(self) -> State | None:
        if self.path is None:
            return self._memory_state
        try:
            return State(**json.loads((self.path / STATE_FILE).read_text(encoding="utf-8")))
        except (FileNotFoundError, ValueError, TypeError):
            return None

    def _save_state(self, state: State) -> None:
        if self.path is None:
            self._memory_state = state
            return
        partial = self.path / (STATE_FILE + ".partial")
        partial.write_text(json.dumps(state.__dict__), encoding="utf-8")
        os.replace(partial, self.path / STATE_FILE)  # readers see the old or the new state, whole

    # --- writing -------------------------------------------------------------------------

    @contextmanager
    def writing(self, wait: float = 0.0) -> Iterator[Writer | None]:
        """The writer, or None when another thread or process kept it for ``wait`` seconds (then
        leave the work to that holder or to a later call).

        The state is saved only after tantivy's commit: a crash in between leaves the old seq, and
        the entries are applied again (idempotently) by the next writer.
        """
        deadline = time.monotonic() + wait
        acquired = self._lock.acquire(timeout=wait) if wait > 0 else self._lock.acquire(blocking=False)
        if not acquired:
            yield None
            return
        try:
            raw = self._acquire(deadline)
            if raw is None:
                yield None
                return
            try:
                yield Writer(raw)
            except BaseException:
                raw.rollback()
                raise
            finally:
                raw.wait_merging_threads()  # finish merges (or segments pile up), release the lock
        finally:
            self._lock.release()

    def _acquire(self, deadline: float) -> tantivy.IndexWriter | None:
        while True:
            try:
                return self._index.writer(heap_size=WRITER_HEAP, num_threads=1)
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise
                if time.monotonic() >= deadline:
                    return None
                time.sleep(0.1)

    def commit(self, writer: Writer, state: State) -> None:
        writer.commit()
        self._save_state(state)
        self._index.reload()

    # --- searching -----------------------------------------------------------------------

    def reload(self) -> None:
        self._index.reload()

    def size(self) -> int:
        return self._index.searcher().num_docs

    def top(
        self,
        terms: list[list[str]],
        *,
        version_id: int | None = None,
        unit: str | None = None,
        beneficiary: str | None = None,
        limit: int = 10,
    ) -> list[tuple[int, float]]:
        """The best ``limit`` (clauses.id, BM25 score) of every clause matching all ``terms`` (each
        a list of script variants, any of which may match) and the filters; best first."""
        searcher = self._index.searcher()
        must = [_any_of([_variant_query(searcher, variant) for variant in variants]) for variants in terms]
        if version_id is not None:
            must.append(_filter(tantivy.Query.term_query(SCHEMA, "version", version_id)))
        for field, value in (("units", unit), ("beneficiaries", beneficiary)):
            if value:
                # runs are letters, digits and CJK only: nothing to escape in the regex
                must.extend(_filter(tantivy.Query.regex_query(SCHEMA, field, run + ".*")) for run in query_terms(value))
        query = tantivy.Query.boolean_query([(tantivy.Occur.Must, sub) for sub in must])
        found = searcher.search(query, limit, count=False).hits
        ids = searcher.fast_field_values("clause", [address for _, address in found])
        return sorted(((int(id_), float(score)) for (score, _), id_ in zip(found, ids)), key=lambda p: (-p[1], p[0]))

    def top_any(self, terms: list[tuple[list[str], float]], *, limit: int = 10) -> list[tuple[int, float]]:
        """The best ``limit`` (clauses.id, score) of the clauses matching ANY of ``terms`` (each a list
        of script variants and a boost): the sum of the matched terms' boosted BM25, best first.
        For free text (a request, a question) rather than a search box's AND of terms."""
        searcher = self._index.searcher()
        should = []
        for variants, boost in terms:
            query = _any_of([_variant_query(searcher, variant) for variant in variants])
            should.append(tantivy.Query.boost_query(query, float(boost)) if boost != 1 else query)
        if not should:
            return []
        query = tantivy.Query.boolean_query([(tantivy.Occur.Should, sub) for sub in should])
        found = searcher.search(query, limit, count=False).hits
        ids = searcher.fast_field_values("clause", [address for _, address in found])
        return sorted(((int(id_), float(score)) for (score, _), id_ in zip(found, ids)), key=lambda p: (-p[1], p[0]))


def _variant_query(searcher: tantivy.Searcher, variant: str) -> tantivy.Query:
    grams = bigrams(variant)
    if len(variant) == 1:
        # Every occurrence of a character starts a token (tokens.py), so the clauses containing it
        # are those with a token that starts with it; OR-ing those terms keeps BM25 ranking.
        tokens = [token for token, _ in searcher.terms_with_prefix("tokens", variant)]
        return _any_of([tantivy.Query.term_query(SCHEMA, "tokens", token) for token in tokens])
    if len(grams) == 1:
        return tantivy.Query.term_query(SCHEMA, "tokens", grams[0])
    return tantivy.Query.phrase_query(SCHEMA, "tokens", grams)


def _any_of(queries: list[tantivy.Query]) -> tantivy.Query:
    if not queries:
        return tantivy.Query.empty_query()
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, query) for query in queries])


def _filter(query: tantivy.Query) -> tantivy.Query:
    return tantivy.Query.const_score_query(query, 0.0)  # must match, adds nothing to the rank


def _compatible(path: Path) -> bool:
    return not tantivy.Index.exists(str(path)) or tantivy.Index.is_compatible(str(path))


def _clear(path: Path) -> None:
    for child in path.iterdir():
        if child.is_file():
            child.unlink()
