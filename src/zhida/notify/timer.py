"""The web app's own periodic tick (optional): every ``ZHIDA_NOTIFY_TICK_SECONDS`` seconds a
daemon thread runs ``ticker.tick`` (reminders, newly eligible, e-mail). Every process of
`zhida serve --workers N` may run one: ticks are idempotent and outbox rows are leased, so
nothing is published or sent twice. Unset or 0: off (run `zhida notify tick` from cron instead)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

from zhida.errors import ZhidaError

log = logging.getLogger("zhida.notify")


def seconds_from_env() -> float:
    raw = (os.environ.get("ZHIDA_NOTIFY_TICK_SECONDS") or "0").strip()
    try:
        value = float(raw)
    except ValueError:
        raise ZhidaError("ZHIDA_NOTIFY_TICK_SECONDS", f"应为秒数（0 表示不启用），而不是 {raw!r}") from None
    if value < 0:
        raise ZhidaError("ZHIDA_NOTIFY_TICK_SECONDS", "不能为负数")
    return value


def start(store, seconds: float, *, tick: Callable | None = None) -> Callable[[], None]:
    """Start ticking every ``seconds``; returns a function that stops the thread (and waits)."""
    if seconds <= 0:
        return lambda: None
    from zhida.notify import clock, ticker

    tick = tick or (lambda: ticker.tick(store, now=clock.utc()))
    stopping = threading.Event()

    def loop():
        while not stopping.wait(seconds):
            try:
                tick()
            except Exception:  # noqa: BLE001 - a failed tick is logged; the next one tries again
                log.exception("notify tick failed")

    thread = threading.Thread(target=loop, name="zhida-notify-tick", daemon=True)
    thread.start()

    def stop():
        stopping.set()
        thread.join(timeout=30)

    return stop
