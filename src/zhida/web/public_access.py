"""Reading without an account (政策库, 政策解读, 政策计算器): a per-address rate limit, nothing stored.

A visitor who is not logged in may read the public families of ``deps.PERMISSIONS`` (those whose
roles include ``anonymous``). Their requests are counted per client address in this process's
memory (``limits``: a moving window), never in the store: no session row, no audit row, no
counter table holding their address. The budget is per worker process — enough to stop one
address from scraping the library or hammering the calculator, which is all this is for (login
throttling, where each guess matters, is counted in the store: ``login_throttle``).
"""

from __future__ import annotations

import math
import os
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from zhida.web.errors import WebError

DEFAULT_RATE = "120/minute"  # a person reading and answering questions stays far below this


class TooManyRequests(WebError):
    def __init__(self, retry_after: int):
        super().__init__(429, "too_many_requests", f"访问过于频繁，请 {retry_after} 秒后再试（登录后不受此限制）")
        self.retry_after = retry_after


class PublicLimit:
    """The per-address budget of anonymous requests: ``ZHIDA_PUBLIC_RATE`` (``limits`` notation,
    e.g. ``120/minute``, ``5/second``), default ``DEFAULT_RATE``."""

    def __init__(self, rate: str | None = None):
        self.rate = parse(rate or os.environ.get("ZHIDA_PUBLIC_RATE") or DEFAULT_RATE)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, address: str | None) -> None:
        """Count one request from ``address``; TooManyRequests once its budget is spent."""
        key = address or "unknown"
        if self._limiter.hit(self.rate, "public", key):
            return
        reset_at, _remaining = self._limiter.get_window_stats(self.rate, "public", key)
        raise TooManyRequests(max(1, math.ceil(reset_at - time.time())))


class QuietAnswers:
    """A filter for uvicorn's access log: the calculator page carries a visitor's answers in its
    query string (revenue, employees …); the log keeps the path and drops the query, so the
    answers are not written to the server's log either."""

    PATHS = ("/calculator",)

    def filter(self, record) -> bool:  # logging.Filter protocol
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, _, query = args[2].partition("?")
            if query and path.startswith(self.PATHS):
                record.args = (*args[:2], path + "?…", *args[3:])
        return True


def quiet_access_log() -> None:
    """Install ``QuietAnswers`` on uvicorn's access logger once per process."""
    import logging

    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, QuietAnswers) for f in logger.filters):
        logger.addFilter(QuietAnswers())
