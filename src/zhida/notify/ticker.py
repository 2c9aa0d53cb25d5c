"""One periodic tick (`zhida notify tick --now …`, or the web app's timer): the reminders and
newly-eligible notifications due at ``now``, then the e-mail outbox. Every step is idempotent
(dedupe keys, outbox leases), so ticking twice, or from two processes, publishes and sends once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class TickResult:
    steps: list[str] = field(default_factory=list)
    mail: object | None = None

    def lines(self) -> list[str]:
        return list(self.steps)


def tick(store, *, now: datetime, send: bool = True, policies=None) -> TickResult:
    from zhida.notify import mailer

    result = TickResult()
    for step in _steps():
        result.steps.append(step(store, now=now, policies=policies))
    if send:
        result.mail = mailer.send_due(store, now=now)
    return result


def _steps():
    from zhida.notify import eligible, reminders

    return [reminders.run, eligible.run]
