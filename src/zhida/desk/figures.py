"""接诉即办 figures per unit and month (definitions and formulas in docs/desk.md).

All from one GROUP BY over ``desk_requests`` (merged duplicates are counted in their main
request, not again). A rate whose denominator is zero is None (不适用), never 0.

- 响应率 = 按时响应件数 / 派至该单位的件数 (按时响应: signed — or answered by the first unit — within the limit)
- 解决率 = 评价“已解决”件数 / 已评价件数
- 满意率 = (满意 + 基本满意) / 已评价件数
- 超期件数 = 有任一环节超过时限的件数; 各环节平均用时 = 工作日的平均
- 综合得分 = 三率的平均 (三率中缺少的不计); ranked within each unit grade (市级/区级 …) and per type.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Integer, case, func, select
from sqlalchemy.orm import Session

from zhida.desk import offices
from zhida.desk.tables import DeskCitation, DeskRequest

STEPS = (("days_accept", "受理"), ("days_dispatch", "派单"), ("days_sign", "签收"), ("days_handle", "办理"))


@dataclass
class UnitMonth:
    unit: str
    month: str
    grade: str
    total: int
    responded: int
    rated: int
    solved: int
    satisfied: int
    overdue: int
    days: dict[str, Decimal | None]
    category: str | None = None
    rank: int | None = None

    @property
    def response_rate(self) -> Decimal | None:
        return _rate(self.responded, self.total)

    @property
    def solve_rate(self) -> Decimal | None:
        return _rate(self.solved, self.rated)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _rate(self.satisfied, self.rated)

    @property
    def score(self) -> Decimal | None:
        rates = [r for r in (self.response_rate, self.solve_rate, self.satisfaction_rate) if r is not None]
        return (sum(rates) / len(rates)).quantize(Decimal("0.1"), ROUND_HALF_UP) if rates else None

    def to_json(self) -> dict[str, Any]:
        def text(v):
            return None if v is None else str(v)

        return {"unit": self.unit, "month": self.month, "grade": self.grade, "category": self.category,
                "total": self.total, "responded": self.responded, "rated": self.rated, "solved": self.solved,
                "satisfied": self.satisfied, "overdue": self.overdue, "response_rate": text(self.response_rate),
                "solve_rate": text(self.solve_rate), "satisfaction_rate": text(self.satisfaction_rate),
                "score": text(self.score), "rank": self.rank, "days": {k: text(v) for k, v in self.days.items()}}


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _avg(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _columns():
    true = lambda condition: func.sum(case((condition, 1), else_=0)).cast(Integer)  # noqa: E731
    return (func.count().label("total"), true(DeskRequest.responded_in_time.is_(True)).label("responded"),
            true(DeskRequest.rating.is_not(None)).label("rated"), true(DeskRequest.solved.is_(True)).label("solved"),
            true(DeskRequest.rating.in_(("satisfied", "basic"))).label("satisfied"),
            true(DeskRequest.overdue > 0).label("overdue"),
            *(func.avg(getattr(DeskRequest, name)).label(name) for name, _ in STEPS))


def monthly(session: Session, months: list[str], units: list[str] | None = None,
            by_category: bool = False) -> list[UnitMonth]:
    """One line per unit (and type, when ``by_category``) and month; ranked within grade and month."""
    book = offices.load()
    keys = [DeskRequest.unit, DeskRequest.month] + ([DeskRequest.category] if by_category else [])
    query = (select(*keys, *_columns()).where(DeskRequest.month.in_(months), DeskRequest.merged_into.is_(None),
                                               DeskRequest.dispatched_at.is_not(None) | DeskRequest.answered_at.is_not(None))
             .group_by(*keys))
    lines = []
    for row in session.execute(query):
        m = row._mapping
        lines.append(UnitMonth(m["unit"], m["month"], book.grade(m["unit"]), m["total"], m["responded"] or 0,
                               m["rated"] or 0, m["solved"] or 0, m["satisfied"] or 0, m["overdue"] or 0,
                               {label: _avg(m[name]) for name, label in STEPS},
                               book.types[m["category"]].label if by_category and m["category"] in book.types
                               else (m["category"] if by_category else None)))
    _rank(lines, by_category)
    if units is not None:
        lines = [x for x in lines if x.unit in units]
    return sorted(lines, key=lambda x: (x.month, x.category or "", x.grade, x.rank or 10**9, x.unit))


def _rank(lines: list[UnitMonth], by_category: bool) -> None:
    """分级分类排名: units are compared only with units of the same grade (and type), per month;
    equal scores share a rank; units without any rate are not ranked."""
    groups: dict[tuple, list[UnitMonth]] = {}
    for line in lines:
        groups.setdefault((line.month, line.grade, line.category if by_category else None), []).append(line)
    for group in groups.values():
        scored = sorted((x for x in group if x.score is not None), key=lambda x: -x.score)
        previous, rank = None, 0
        for position, line in enumerate(scored, 1):
            if line.score != previous:
                rank, previous = position, line.score
            line.rank = rank


def trend(session: Session, units: list[str] | None, months: list[str]) -> list[UnitMonth]:
    """The three rates per month, all units of ``units`` together (the whole city when None)."""
    query = (select(DeskRequest.month, *_columns()).where(DeskRequest.month.in_(months),
                                                          DeskRequest.merged_into.is_(None))
             .group_by(DeskRequest.month).order_by(DeskRequest.month))
    if units is not None:
        query = query.where(DeskRequest.unit.in_(units))
    out = []
    for row in session.execute(query):
        m = row._mapping
        out.append(UnitMonth("合计", m["month"], "", m["total"], m["responded"] or 0, m["rated"] or 0, m["solved"] or 0,
                             m["satisfied"] or 0, m["overdue"] or 0, {label: _avg(m[name]) for name, label in STEPS}))
    return out


def policy_feedback(session: Session, months: list[str], units: list[str] | None = None,
                    limit: int = 50) -> list[dict[str, Any]]:
    """Back to policy: the clauses answers cite most, split into questions and complaints, by unit and month."""
    is_ = lambda kind: func.sum(case((DeskCitation.kind == kind, 1), else_=0)).cast(Integer)  # noqa: E731
    query = (select(DeskCitation.cite, DeskCitation.unit, DeskCitation.month, func.count().label("total"),
                    is_("consult").label("questions"), is_("complaint").label("complaints"))
             .where(DeskCitation.month.in_(months))
             .group_by(DeskCitation.cite, DeskCitation.unit, DeskCitation.month)
             .order_by(func.count().desc(), DeskCitation.cite).limit(limit))
    if units is not None:
        query = query.where(DeskCitation.unit.in_(units))
    return [dict(row._mapping) for row in session.execute(query)]


def months_back(last: str, count: int) -> list[str]:
    year, month = map(int, last.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]
