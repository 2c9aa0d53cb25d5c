"""Crawling where documents are published, against a local HTTP server serving saved pages.

The server (a thread on 127.0.0.1) serves fixtures/site: robots.txt, listing pages, an RSS feed,
a sitemap index, and real saved pages of www.gov.cn. It honours If-None-Match / If-Modified-Since
with 304 and counts every request, so the tests can say what was fetched, how often, and how.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhida.documents.crawl import crawl
from zhida.documents.crawl.discover import links
from zhida.documents.crawl.fetcher import PoliteClient
from zhida.documents.crawl.run import document_key
from zhida.store import open_store
from zhida.store.catalog import show_document

SITE = Path(__file__).parent / "fixtures" / "site"
MODIFIED = formatdate(1545580800, usegmt=True)  # 2018-12-24


class Site(BaseHTTPRequestHandler):
    requests: Counter
    conditional: list  # (path, answered 304?)

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.path.split("?")[0]
        self.requests[path] += 1
        file = SITE / path.lstrip("/")
        if path.endswith("/") or not file.is_file() or SITE not in file.resolve().parents:
            self.send_error(404)
            return
        body = file.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        asked = self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since")
        if asked:
            unchanged = self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == MODIFIED
            self.conditional.append((path, unchanged))
            if unchanged:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
        kind = {".htm": "text/html; charset=utf-8", ".xml": "application/xml", ".txt": "text/plain"}[file.suffix]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", MODIFIED)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    handler = type("Handler", (Site,), {"requests": Counter(), "conditional": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    server.handler = handler
    yield server
    server.shutdown()
    server.server_close()


class FakeClock:
    """monotonic()/sleep() without waiting: the pauses a polite client takes are recorded."""

    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    yield opened
    opened.close()


def run(store, tmp_path, site, clock=None, **kwargs):
    client = PoliteClient(delay=0.5, clock=clock or FakeClock())
    try:
        return crawl(store, tmp_path / "state.sqlite", tmp_path / "files", client=client, **kwargs)
    finally:
        client.close()


LISTING = "/zhengce/index.htm"
DOCS = ["/zhengce/content/content_5353307.htm", "/zhengce/content/content_5351624.htm",
        "/zhengce/content/content_5351607.htm"]  # fmt: skip


def test_listing_pages_are_followed_and_documents_stored_with_provenance(store, tmp_path, site):
    report = run(store, tmp_path, site, listings=[site.base + LISTING], follow=r"index_\d+\.htm")
    assert report.finished and not report.resumed
    counts = report.counts()
    assert (counts["new"], counts["listing"], counts["disallowed"], counts["failed"]) == (3, 2, 1, 0)
    requested = site.handler.requests
    assert "/private/draft.htm" not in requested  # robots.txt said no
    assert "/about.htm" not in requested and "/" not in requested  # navigation is no document
    assert all(requested[path] == 1 for path in DOCS)
    key = document_key(site.base + DOCS[0])
    shown = show_document(store, key)
    extra = shown["metadata"]["extra"]
    assert extra["source_url"] == site.base + DOCS[0]
    assert extra["retrieved_at"].endswith("+00:00")
    assert shown["metadata"]["doc_number"] == "国发〔2018〕43号"
    saved = tmp_path / "files" / f"{key}.html"
    assert saved.read_bytes() == (SITE / DOCS[0].lstrip("/")).read_bytes()


def test_an_interrupted_crawl_resumes_and_fetches_nothing_twice(store, tmp_path, site):
    seeds = dict(listings=[site.base + LISTING], follow=r"index_\d+\.htm")
    first = run(store, tmp_path, site, max_fetches=2, **seeds)
    assert not first.finished
    second = run(store, tmp_path, site, max_fetches=2, **seeds)
    assert second.resumed and second.run == first.run and not second.finished
    third = run(store, tmp_path, site, **seeds)
    assert third.resumed and third.finished
    requested = site.handler.requests
    pages = [LISTING, "/zhengce/index_1.htm", *DOCS]
    assert {path: requested[path] for path in pages} == {path: 1 for path in pages}
    assert third.counts()["new"] == 3
    assert site.handler.conditional == []  # nothing was asked for again, not even conditionally


def test_a_later_crawl_asks_conditionally_and_stores_no_new_version(store, tmp_path, site):
    seeds = dict(listings=[site.base + LISTING], follow=r"index_\d+\.htm")
    run(store, tmp_path, site, **seeds)
    again = run(store, tmp_path, site, **seeds)
    assert again.finished and not again.resumed
    assert again.counts()["not_modified"] == 3 and again.counts()["new"] == 0
    assert sorted(path for path, unchanged in site.handler.conditional if unchanged) == sorted(DOCS)
    assert show_document(store, document_key(site.base + DOCS[0]))["current_version"] == 1


def test_requests_to_one_site_are_spaced_by_the_robots_crawl_delay(store, tmp_path, site):
    clock = FakeClock()
    run(store, tmp_path, site, clock=clock, documents=[site.base + DOCS[0], site.base + DOCS[1]])
    # robots.txt, then two documents: each later request waited Crawl-delay (2 s) > our 0.5 s
    assert clock.sleeps == [2.0, 2.0]


def test_rss_feed_and_sitemap_index(store, tmp_path, site):
    report = run(store, tmp_path, site, listings=[site.base + "/rss.xml"])
    assert report.counts()["new"] == 2
    report = run(store, tmp_path / "b", site, listings=[site.base + "/sitemap.xml"], pattern=r"/content/")
    assert report.counts()["listing"] == 2  # the index and the sitemap it names
    assert sorted(u for u, s in report.outcomes.items() if s in ("new", "unchanged")) == sorted(
        site.base + p for p in (DOCS[0], DOCS[2]))


def test_failures_are_one_line_each_and_the_crawl_goes_on(store, tmp_path, site):
    report = run(store, tmp_path, site, documents=[site.base + "/zhengce/missing.htm", site.base + DOCS[0],
                                                    site.base + "/sitemap.xml"])  # fmt: skip
    assert report.counts()["new"] == 1
    assert report.errors[site.base + "/zhengce/missing.htm"].endswith("HTTP 404")
    line = report.errors[site.base + "/sitemap.xml"]  # XML is no document type zhida reads
    assert "sitemap.xml" in line and "\n" not in line


def test_links_of_a_listing_page_ignore_navigation():
    page = (SITE / "zhengce" / "index.htm").read_bytes()
    found = links(page, "http://example.gov.cn/zhengce/index.htm", follow=r"index_\d+\.htm")
    assert found.kind == "html"
    assert found.documents == ["http://example.gov.cn/zhengce/content/content_5353307.htm",
                               "http://example.gov.cn/zhengce/content/content_5351624.htm",
                               "http://example.gov.cn/private/draft.htm"]  # fmt: skip
    assert found.listings == ["http://example.gov.cn/zhengce/index_1.htm"]


def test_cli_crawl(site, tmp_path, monkeypatch):
    from zhida.cli import _register, app

    _register()
    monkeypatch.setenv("ZHIDA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ZHIDA_DATABASE_URL", f"sqlite:///{tmp_path / 'home' / 'z.db'}")
    (tmp_path / "home").mkdir()
    result = CliRunner().invoke(app, ["documents", "crawl", "--listing", site.base + "/rss.xml", "--delay", "0"],
                                catch_exceptions=False)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "new 2" in result.stdout and "listing 1" in result.stdout
    assert (tmp_path / "home" / "crawl" / "state.sqlite").exists()
