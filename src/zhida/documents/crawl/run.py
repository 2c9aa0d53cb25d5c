"""A crawl: start URLs → fetched, parsed and stored documents, with their provenance."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from zhida.documents.crawl.discover import links
from zhida.documents.crawl.fetcher import PoliteClient, RobotsDisallowed
from zhida.documents.crawl.state import CrawlState, now
from zhida.errors import ZhidaError

# what a file is, when its URL does not say: by the response's Content-Type
_BY_TYPE = {"text/html": ".html", "application/xhtml+xml": ".html", "application/pdf": ".pdf", "text/plain": ".txt",
            "text/markdown": ".md",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}  # fmt: skip
_BY_SUFFIX = {".html": ".html", ".htm": ".html", ".shtml": ".html", ".pdf": ".pdf", ".docx": ".docx",
              ".txt": ".txt", ".md": ".md"}  # fmt: skip


@dataclass
class CrawlReport:
    run: int
    resumed: bool
    finished: bool  # False when stopped by ``max_fetches`` (run again to resume)
    requests: int  # HTTP requests sent by this call, robots.txt included
    outcomes: dict[str, str] = field(default_factory=dict)  # url → new/updated/unchanged/not_modified/listing/…
    errors: dict[str, str] = field(default_factory=dict)  # url → one-line reason

    def counts(self) -> Counter:
        return Counter(self.outcomes.values())


def document_key(url: str) -> str:
    """A stable, readable document key from a URL: host and path, '/' → '_', no suffix."""
    parts = urlsplit(url)
    path = re.sub(r"\.(s?html?|pdf|docx|txt|md)$", "", unquote(parts.path), flags=re.I)
    raw = f"{parts.netloc}{path}" + (f"_{parts.query}" if parts.query else "")
    key = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "_", raw).strip("_")
    if len(key) > 100:
        key = key[:90] + "_" + hashlib.sha256(url.encode()).hexdigest()[:8]
    return key


def crawl(
    store,
    state_path: Path,
    files_dir: Path,
    documents: list[str] = (),
    listings: list[str] = (),
    *,
    pattern: str | None = None,
    follow: str | None = None,
    max_fetches: int | None = None,
    client: PoliteClient | None = None,
    on_event: Callable[[str, str, str], None] | None = None,
) -> CrawlReport:
    """Fetch ``documents`` and what ``listings`` (pages, feeds, sitemaps) link to; store each document.

    Stops after ``max_fetches`` URLs (the crawl is then unfinished: calling again with the same
    start URLs resumes it and fetches nothing it already has).
    """
    from zhida.documents.pipeline import parse_source
    from zhida.documents.readers import read_bytes
    from zhida.store import search_sync
    from zhida.store.ingest import ingest_document

    own_client = client is None
    client = client or PoliteClient()
    state = CrawlState(state_path)
    files_dir.mkdir(parents=True, exist_ok=True)
    requests_before = client.requests
    report = CrawlReport(run=state.begin([*documents, *[f"listing:{u}" for u in listings]]), resumed=state.resumed,
                         finished=False, requests=0)  # fmt: skip
    for url in listings:
        state.add(url, "listing")
    for url in documents:
        state.add(url, "document")
    fetched = 0
    stored_any = False

    def event(url: str, status: str, detail: str = "") -> None:
        if on_event:
            on_event(url, status, detail)

    try:
        while (seen := state.next_pending()) is not None:
            if max_fetches is not None and fetched >= max_fetches:
                break
            fetched += 1
            url = seen.url
            is_listing = seen.kind == "listing"
            try:
                # a listing is read afresh each run (its new entries are the point), a document conditionally
                response = client.get(url, None if is_listing else seen.etag, None if is_listing else seen.last_modified)
            except RobotsDisallowed:
                state.done(url, "disallowed", error="robots.txt disallows it")
                event(url, "disallowed")
                continue
            except httpx.HTTPError as exc:
                state.done(url, "failed", error=f"{url}: {exc.__class__.__name__}: {exc}".splitlines()[0])
                event(url, "failed", str(exc))
                continue
            retrieved_at = now()
            if response.status == 304:
                state.done(url, "not_modified", retrieved_at=retrieved_at)
                event(url, "not_modified")
                continue
            if response.status != 200:
                state.done(url, "failed", error=f"{url}: HTTP {response.status}")
                event(url, "failed", f"HTTP {response.status}")
                continue
            digest = hashlib.sha256(response.content).hexdigest()
            if is_listing:
                found = links(response.content, response.url, pattern, follow)
                for link in found.listings:
                    state.add(link, "listing")
                for link in found.documents:
                    state.add(link, "document")
                state.done(url, "listing", etag=response.etag, last_modified=response.last_modified, sha256=digest,
                           retrieved_at=retrieved_at)  # fmt: skip
                event(url, "listing", f"{found.kind}: {len(found.documents)} documents, {len(found.listings)} listings")
                continue
            key = document_key(url)
            suffix = _suffix(url, response.content_type)
            path = files_dir / f"{key}{suffix}"
            try:
                if suffix is None:
                    raise ZhidaError(url, f"not a document type zhida reads ({response.content_type or 'no type'})")
                path.write_bytes(response.content)
                parsed = parse_source(read_bytes(response.content, path.name, suffix))
                parsed.metadata.extra["source_url"] = url
                parsed.metadata.extra["retrieved_at"] = retrieved_at
                result = ingest_document(store, parsed, key, update_index=False)
            except ZhidaError as exc:
                line = str(exc) if url in str(exc) else f"{url}: {exc}"
                state.done(url, "failed", etag=response.etag, last_modified=response.last_modified, sha256=digest,
                           retrieved_at=retrieved_at, error=line)  # fmt: skip
                report.errors[url] = line
                event(url, "failed", line)
                continue
            stored_any = stored_any or result.status != "unchanged"
            state.done(url, result.status, etag=response.etag, last_modified=response.last_modified, sha256=digest,
                       path=str(path), retrieved_at=retrieved_at)  # fmt: skip
            event(url, result.status, key)
        else:
            state.finish()
            report.finished = True
        report.outcomes = state.outcomes()
        for url, status in report.outcomes.items():
            if status == "failed" and url not in report.errors:
                row = state.db.execute("SELECT error FROM urls WHERE url = ?", (url,)).fetchone()
                report.errors[url] = row[0] if row else status
    finally:
        report.requests = client.requests - requests_before
        state.close()
        if own_client:
            client.close()
        if stored_any:
            search_sync.catch_up(store, wait=60)
    return report


def _suffix(url: str, content_type: str) -> str | None:
    path = urlsplit(url).path.lower()
    for ending, suffix in _BY_SUFFIX.items():
        if path.endswith(ending):
            return suffix
    return _BY_TYPE.get(content_type.split(";")[0].strip().lower())
