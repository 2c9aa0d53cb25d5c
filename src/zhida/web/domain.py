"""What the mechanisms' pages and API share: the clock, Beijing time for people, and the domain's
refusals as the web's statuses — one mapping for every concern."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime

from zhida.errors import NotFoundOrHidden, ZhidaError
from zhida.web.errors import Conflict, Forbidden, Invalid, NotFound, WebError
from zhida.workflow import NotAllowed, StaleCase
from zhida.workflow.calendar import BEIJING


def now() -> datetime:
    return datetime.now(UTC)


def local(instant: datetime | None) -> str:
    """An instant as Beijing time for people (YYYY-MM-DD HH:MM); the API keeps ISO in UTC too."""
    if instant is None:
        return ""
    return (instant if instant.tzinfo else instant.replace(tzinfo=UTC)).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


@contextmanager
def as_web_errors(stale_field: str = "version"):
    """Hidden or missing → 404, not allowed → 403, stale → 409, bad input → 422 (one Chinese line)."""
    try:
        yield
    except WebError:
        raise
    except NotFoundOrHidden as exc:
        raise NotFound(exc.reason, field=exc.where) from None
    except NotAllowed as exc:
        raise Forbidden(exc.reason) from None
    except StaleCase as exc:
        raise Conflict(exc.reason, field=stale_field) from None
    except ZhidaError as exc:
        raise Invalid(exc.reason, field=exc.where) from None


def work(request, fn):
    """``fn(session)`` in one transaction (retried while the database is busy), domain errors mapped."""
    with as_web_errors():
        return request.app.state.store.retrying(fn)


def read(request, fn):
    with as_web_errors(), request.app.state.store.sessions() as session:
        return fn(session)
