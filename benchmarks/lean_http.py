"""A lean HTTP/1.1 load generator: asyncio streams (uvloop when installed), keep-alive connections.

Why not httpx for load: on a 2-core machine the clients share the cores with the server, and
50 httpx clients spent ~3.5 ms CPU per request — more than the server itself. This client
writes a prepared request, reads the status line and headers, then exactly Content-Length
bytes of body (every byte is read); a sample of bodies is decoded (gzip) and checked with a
caller-given function. Enough HTTP for a benchmark against our own server, not a general client:
no chunked bodies (counted as errors), no redirects, no TLS.
"""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    kind: str  # latencies are reported per kind (e.g. "edit", "re-check")
    method: str
    path: str
    head: bytes  # the whole request as sent, prepared once
    body: bytes = b""
    keep: bool = False  # keep the decoded response body (Load.kept)


@dataclass
class Load:
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    verified: int = 0  # bodies decoded and checked
    wall_s: float = 0.0
    kept: dict[tuple[int, int], bytes] = field(default_factory=dict)  # (job, step) → decoded body
    error_samples: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.latencies_ms.values())


def request(kind: str, method: str, path: str, *, host: str, headers: dict[str, str], body: bytes = b"",
            keep: bool = False) -> Request:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", *(f"{k}: {v}" for k, v in headers.items())]
    if body or method not in ("GET", "HEAD"):
        lines.append(f"Content-Length: {len(body)}")
    return Request(kind, method, path, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body, body, keep)


@dataclass
class Response:
    status: int
    headers: dict[bytes, bytes]
    body: bytes  # as sent (compressed if it was)

    def decoded(self) -> bytes:
        return gzip.decompress(self.body) if self.headers.get(b"content-encoding") == b"gzip" else self.body


async def _read(reader: asyncio.StreamReader) -> Response:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
    if status in (204, 304):
        return Response(status, headers, b"")
    if b"content-length" not in headers:
        raise ValueError(f"HTTP {status} without Content-Length (chunked bodies are not supported)")
    return Response(status, headers, await reader.readexactly(int(headers[b"content-length"])))


Verify = Callable[[Request, Response], bool]


async def run(host: str, port: int, jobs: Sequence[Sequence[Request]], *, connections: int = 50,
              time_limit: float = 300, verify: Verify | None = None, verify_every: int = 50,
              expect: frozenset[int] = frozenset({200}), pause: Callable[[], float] | None = None) -> Load:
    """Run ``jobs`` over ``connections`` keep-alive connections: each connection takes the next job
    and sends its requests one after the other (a job's steps are ordered: edit, then re-check).
    ``verify(request, response)`` is asked for every ``verify_every``-th job's responses; a False
    answer counts as an error. ``pause()``: the seconds a user thinks after each answer, and before
    its first request (None: no pause)."""
    load = Load()
    pending = iter(enumerate(jobs))
    deadline = time.perf_counter() + time_limit

    async def connection() -> None:
        reader = writer = None
        if pause is not None:  # users who think do not all send their first request at the same instant
            await asyncio.sleep(pause())
        for index, job in pending:
            if time.perf_counter() > deadline:
                break
            for step, req in enumerate(job):
                start = time.perf_counter()
                response = None
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection(host, port)
                    writer.write(req.head)
                    response = await _read(reader)
                    if response.status not in expect:
                        load.error(f"{req.method} {req.path}: HTTP {response.status} {response.body[:200]!r}")
                    else:
                        if req.keep:
                            load.kept[(index, step)] = response.decoded()
                        if verify is not None and index % verify_every == 0:
                            load.verified += 1
                            if not verify(req, response):
                                load.error(f"{req.method} {req.path}: body failed verification")
                    if response.headers.get(b"connection") == b"close":
                        writer.close()
                        reader = writer = None
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
                    load.error(f"{req.method} {req.path}: {type(exc).__name__}: {exc}")
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                load.latencies_ms.setdefault(req.kind, []).append((time.perf_counter() - start) * 1000)
                if response is not None:
                    load.statuses[response.status] = load.statuses.get(response.status, 0) + 1
                if pause is not None:
                    await asyncio.sleep(pause())
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    load.wall_s = time.perf_counter() - started
    return load


def run_sync(*args, **kwargs) -> Load:
    """``run`` on a fresh event loop (uvloop when available: the client's own CPU matters here)."""
    try:
        import uvloop

        factory = uvloop.new_event_loop
    except ImportError:  # pragma: no cover - uvloop is a dependency on Linux
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(run(*args, **kwargs))
