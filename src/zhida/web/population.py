"""Every stored enterprise × measures → status and amount (the web's batch and what-if engine).

The same compiled rules and evaluator as one-enterprise matching (zhida.matching.evaluator),
without explanations. Facts are those of ``profile_to_facts`` (the latest event of each type in
focus). Enterprises' facts are memoized per as-of date and store state, so what-ifs re-run
only the measures they change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from zhida.enterprises.facts import profile_to_facts
from zhida.enterprises.profile import EnterpriseProfile
from zhida.enterprises.tables import Enterprise
from zhida.matching.evaluator import compiled, evaluate_measure, new_evaluator
from zhida.matching.match import load_default_policies
from zhida.rules.model import Measure
from zhida.store.database import Store

CHUNK = 1000


@dataclass(frozen=True)
class Member:
    uscc: str
    name: str
    region_code: str
    industry_code: str
    facts: dict


@dataclass(frozen=True)
class Outcome:
    uscc: str
    measure_id: str
    status: str
    amount: Decimal | None


class Cancelled(Exception):
    pass


_MEMO: dict[tuple, list[Member]] = {}
_MEMO_LOCK = threading.Lock()


def state_key(store: Store) -> tuple:
    with store.sessions() as session:
        count, last = session.execute(select(func.count(Enterprise.id), func.max(Enterprise.id))).one()
    return (id(store), count, last, _GENERATION[0])


_GENERATION = [0]


def invalidate() -> None:
    """Call after changing a stored profile: the memoized facts are stale."""
    with _MEMO_LOCK:
        _GENERATION[0] += 1
        _MEMO.clear()


def members(store: Store, as_of: date, progress: Callable[[int, int], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> list[Member]:
    key = (*state_key(store), as_of)
    with _MEMO_LOCK:
        if key in _MEMO:
            return _MEMO[key]
    out: list[Member] = []
    with store.sessions() as session:
        total = session.scalar(select(func.count(Enterprise.id))) or 0
        last_id = 0
        while True:
            rows = session.execute(select(Enterprise.id, Enterprise.uscc, Enterprise.name, Enterprise.region_code,
                                          Enterprise.industry_code, Enterprise.profile_json)
                                   .where(Enterprise.id > last_id).order_by(Enterprise.id).limit(CHUNK)).all()
            if not rows:
                break
            for row_id, uscc, name, region, industry, profile_json in rows:
                facts = profile_to_facts(EnterpriseProfile.model_validate(profile_json), as_of)
                out.append(Member(uscc, name, region, industry, facts))
                last_id = row_id
            if cancelled and cancelled():
                raise Cancelled()
            if progress:
                progress(len(out), total)
    with _MEMO_LOCK:
        _MEMO.clear()  # one population at a time is plenty of memory
        _MEMO[key] = out
    return out


def evaluate(population: Iterable[Member], as_of: date, measures: list[Measure], *, keep_not_applicable: bool = False,
             progress: Callable[[int], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> list[Outcome]:
    policies = load_default_policies()
    compiled_measures = [compiled(m, policies) for m in measures]
    out: list[Outcome] = []
    for index, member in enumerate(population, start=1):
        ev = new_evaluator(member.facts, as_of, policies)
        for c in compiled_measures:
            result = evaluate_measure(c, ev)
            if result.status != "not_applicable" or keep_not_applicable:
                out.append(Outcome(member.uscc, c.measure.id, result.status, result.amount))
        if index % 500 == 0:
            if cancelled and cancelled():
                raise Cancelled()
            if progress:
                progress(index)
    return out
