"""A polite HTTP client: robots.txt, a pause between requests to one host, conditional GETs."""

from __future__ import annotations

import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

USER_AGENT = "zhida-crawler/1.0 (+policy documents; polite)"
MAX_BYTES = 50 * 1024 * 1024  # the same order as the largest source file reading accepts


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200, 304 (not modified), or the error status
    content: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None


class RobotsDisallowed(Exception):
    pass


@dataclass
class PoliteClient:
    delay: float = 1.0  # seconds between two requests to one host (at least)
    timeout: float = 30.0
    user_agent: str = USER_AGENT
    clock: object = time  # monotonic() and sleep(); tests pass a fake one
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)
    _http: httpx.Client | None = None
    requests: int = 0  # every request sent, robots.txt included

    def __post_init__(self):
        self._http = httpx.Client(timeout=self.timeout, follow_redirects=True,
                                  headers={"User-Agent": self.user_agent})

    def close(self) -> None:
        self._http.close()

    def allowed(self, url: str) -> bool:
        robots = self._robots_for(url)
        return robots is None or robots.can_fetch(self.user_agent, url)

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET ``url`` (conditionally when ``etag``/``last_modified`` are known); 304 has no content."""
        if not self.allowed(url):
            raise RobotsDisallowed(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        response = self._send(url, headers)
        content = response.content if response.status_code == 200 else b""
        if len(content) > MAX_BYTES:
            raise httpx.HTTPError(f"{url}: response too large ({len(content)} bytes)")
        return Response(str(response.url), response.status_code, content,
                        response.headers.get("content-type", ""), response.headers.get("etag"),
                        response.headers.get("last-modified"))

    def _send(self, url: str, headers: dict[str, str]) -> httpx.Response:
        host = _origin(url)
        pause = max(self.delay, self._crawl_delay(host))
        last = self._last.get(host)
        if last is not None:
            wait = last + pause - self.clock.monotonic()
            if wait > 0:
                self.clock.sleep(wait)
        try:
            return self._http.get(url, headers=headers)
        finally:
            self._last[host] = self.clock.monotonic()
            self.requests += 1

    def _crawl_delay(self, host: str) -> float:
        robots = self._robots.get(host)
        delay = robots.crawl_delay(self.user_agent) if robots is not None else None
        return float(delay or 0)

    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        host = _origin(url)
        if host not in self._robots:
            parser = urllib.robotparser.RobotFileParser()
            try:
                response = self._send(host + "/robots.txt", {})
            except httpx.HTTPError:
                response = None
            if response is None or response.status_code >= 500:
                parser.disallow_all = True  # the site is down or erring: ask again next crawl
            elif response.status_code in (401, 403):
                parser.disallow_all = True
            elif response.status_code >= 400:
                parser.allow_all = True  # no robots.txt: everything is allowed
            else:
                parser.parse(response.text.splitlines())
            self._robots[host] = parser
        return self._robots[host]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
