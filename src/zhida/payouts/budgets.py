"""Who sets a measure's 资金池 (budget per year and payer), and setting it as that person: the
staff of the paying unit (the finance unit the measure names, …财政局, else its responsible unit —
the same payer an application is routed to) or an administrator. Everyone who sees the ledger
sees the budgets; only they change them. Every change is audited by ``ledger.set_budget``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from zhida.errors import ZhidaError
from zhida.payouts import ledger
from zhida.payouts.applications.routing import payer_unit
from zhida.payouts.tables import Budget
from zhida.workflow import NotAllowed


def paying_unit(measure) -> str | None:
    try:
        return payer_unit(measure)
    except ZhidaError:  # a measure that names no unit: only an administrator sets its budget
        return None


def may_set(person, measure) -> bool:
    if person.role == "admin":
        return True
    unit = paying_unit(measure)
    return person.role == "staff" and unit is not None and unit in set(person.units or ())


def settable(person, policies) -> list:
    """The measures whose budgets ``person`` may set (the form's choices), by title."""
    return sorted((m for m in policies.measures.values() if m.enterprise_benefit and may_set(person, m)),
                  key=lambda m: m.id)


def set_as(session: Session, person, *, measure_id: str, year, payer: str, amount, on_exceed: str,
           note: str | None, policies, now: datetime | None = None) -> Budget:
    """``ledger.set_budget`` as ``person``: NotAllowed unless they are staff of the paying unit."""
    measure = policies.measures.get(measure_id)
    if measure is None:
        raise ZhidaError("measure_id", f"没有编号为 {measure_id} 的政策措施")
    if not may_set(person, measure):
        unit = paying_unit(measure) or "管理员"
        raise NotAllowed("budget", f"只有出资单位（{unit}）的工作人员可以设定{measure.title}的资金池")
    try:
        year = int(str(year).strip())
    except ValueError:
        raise ZhidaError("year", "年度须为四位数年份") from None
    note = (note or "").strip() or None
    if note and len(note) > 500:
        raise ZhidaError("note", "说明不超过 500 字")
    return ledger.set_budget(session, measure_id=measure_id, year=year, payer=payer, amount=amount,
                             on_exceed=on_exceed, note=note,
                             actor=ledger.Approver(person.username, person.user_id, "payer"),
                             policies=policies, now=now)
