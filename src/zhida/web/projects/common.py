"""What the project and finance adapters share: the clock, domain refusals as web errors."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime

from zhida.errors import ZhidaError
from zhida.web.errors import Conflict, Forbidden, Invalid, NotFound
from zhida.workflow import NotAllowed, StaleCase


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    from zhida.workflow.calendar import BEIJING

    return now().astimezone(BEIJING).date()


def local(instant: datetime | None) -> str:
    from zhida.web.desk.common import local as desk_local

    return desk_local(instant)


@contextmanager
def as_web_errors():
    from zhida.finance.needs import NotFoundOrHidden as NeedHidden
    from zhida.projects.library import NotFoundOrHidden

    try:
        yield
    except (NotFoundOrHidden, NeedHidden) as exc:
        raise NotFound(exc.reason, field=exc.where) from None
    except NotAllowed as exc:
        raise Forbidden(exc.reason) from None
    except StaleCase as exc:
        raise Conflict(exc.reason, field="version") from None
    except ZhidaError as exc:
        raise Invalid(exc.reason, field=exc.where) from None


def work(request, fn):
    with as_web_errors():
        return request.app.state.store.retrying(fn)


def read(request, fn):
    with as_web_errors(), request.app.state.store.sessions() as session:
        return fn(session)
