"""What the desk's API and pages share: the clock, the domain errors as web errors, lookups."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime

from zhida.desk.requests import NotFoundOrHidden
from zhida.errors import ZhidaError
from zhida.web.errors import Conflict, Forbidden, Invalid, NotFound
from zhida.workflow import NotAllowed, StaleCase


def now() -> datetime:
    return datetime.now(UTC)


def local(instant: datetime | None) -> str:
    """An instant as Beijing time for people (YYYY-MM-DD HH:MM); the API keeps ISO in UTC too."""
    if instant is None:
        return ""
    from zhida.workflow.calendar import BEIJING

    return (instant if instant.tzinfo else instant.replace(tzinfo=UTC)).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


@contextmanager
def as_web_errors():
    """Domain refusals as the web's statuses: hidden → 404, not allowed → 403, stale → 409, bad input → 422."""
    try:
        yield
    except NotFoundOrHidden as exc:
        raise NotFound(exc.reason, field=exc.where) from None
    except NotAllowed as exc:
        raise Forbidden(exc.reason) from None
    except StaleCase as exc:
        raise Conflict(exc.reason, field="version") from None
    except ZhidaError as exc:
        if "不存在或不在您的范围内" in exc.reason:
            raise NotFound(exc.reason, field=exc.where) from None
        raise Invalid(exc.reason, field=exc.where) from None


def work(request, fn):
    """``fn(session)`` in one transaction (retried while the database is busy), domain errors mapped."""
    with as_web_errors():
        return request.app.state.store.retrying(fn)


def read(request, fn):
    with as_web_errors(), request.app.state.store.sessions() as session:
        return fn(session)
