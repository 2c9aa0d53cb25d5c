"""What people see of the ledger: an enterprise — where its money is and when it is expected;
an official — the records of their units' measures and their district.

Where the money is, in the words of the public 免申即享 promise (数据比对 → 意愿确认 → 拨付到账)
and of 申报: each entry names its step, the date it is expected (the workflow step's working-day
limit, or the record's expected payment date) and, once paid, when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from zhida.money_format import yuan as money
from zhida.payouts import exempt
from zhida.payouts.ledger import SOURCE_ZH, STATUS_ZH
from zhida.payouts.tables import ExemptItem, ExemptList, PayoutRecord
from zhida.workflow.calendar import beijing_day
from zhida.workflow.tables import WorkflowCase

# where the money is, per record status
STEP_ZH = {"queued": "已核准，等待资金池安排", "approved": "已核准，等待拨付", "paid": "已拨付到账",
           "flagged": "企业情况有变化，待复核", "clawed_back": "已追回", "cancelled": "已撤销"}


@dataclass(frozen=True)
class Scope:
    """Whose records: one enterprise (``uscc``), or an official's units' measures and district."""

    uscc: str | None = None
    measures: frozenset[str] | None = None  # None: every measure
    district: str | None = None  # GB/T 2260 code; None: the whole city


def _aware(instant: datetime | None) -> datetime | None:
    if instant is not None and instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant


def _day(instant: datetime | None) -> str | None:
    return None if instant is None else beijing_day(instant).isoformat()


def _title(policies, measure_id: str) -> str:
    m = policies.measures.get(measure_id)
    return m.title if m is not None else measure_id


def record_view(r: PayoutRecord, policies, item: ExemptItem | None = None, case: WorkflowCase | None = None) -> dict:
    step = STEP_ZH[r.status]
    expected = _aware(r.expected_at)
    if case is not None and case.state == "confirmed":
        step, expected = "待企业确认收款信息（意愿确认）", _aware(case.due_at)
    return {
        "id": r.id, "uscc": r.uscc, "enterprise": r.enterprise_name, "region_code": r.region_code,
        "measure_id": r.measure_id, "measure": _title(policies, r.measure_id), "benefit_id": r.benefit_id,
        "period": r.period, "item": r.item, "year": r.year, "amount": f"{r.amount:.2f}", "amount_text": money(r.amount),
        "rule_amount": None if r.rule_amount is None else f"{r.rule_amount:.2f}",
        "reduction_reason": r.reduction_reason, "payer": r.payer, "status": r.status,
        "status_label": STATUS_ZH[r.status], "status_reason": r.status_reason, "step": step,
        "expected_on": _day(expected) if r.status in ("approved", "queued") else None,
        "paid_on": _day(_aware(r.paid_at)), "source": SOURCE_ZH[r.source_type], "source_id": r.source_id,
        "rule_version": r.rule_version, "as_of": r.as_of.isoformat(), "approvers": r.approvers,
        "exempt_item": None if item is None else item.id, "state": None if case is None else case.state,
        "version": None if case is None else case.version, "can_confirm": False, "reason": None,
        "created_at": _aware(r.created_at).isoformat(),
    }


def _filtered(query, scope: Scope, model):
    if scope.uscc is not None:
        query = query.where(model.uscc == scope.uscc)
    if scope.district is not None:
        query = query.where(model.region_code == scope.district)
    return query


def records(session: Session, scope: Scope, policies, *, status: str | None = None, measure_id: str | None = None,
            offset: int = 0, limit: int = 50) -> tuple[int, list[dict]]:
    query = _filtered(select(PayoutRecord), scope, PayoutRecord)
    if scope.measures is not None:
        query = query.where(PayoutRecord.measure_id.in_(sorted(scope.measures)))
    if status:
        query = query.where(PayoutRecord.status == status)
    if measure_id:
        query = query.where(PayoutRecord.measure_id == measure_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(PayoutRecord.id.desc()).offset(offset).limit(limit)))
    items = _items_of(session, [r.id for r in rows])
    out = []
    for r in rows:
        item = items.get(r.id)
        case = session.get(WorkflowCase, item.case_id) if item is not None and item.case_id else None
        out.append(record_view(r, policies, item, case))
    return total, out


def _items_of(session: Session, record_ids: list[int]) -> dict[int, ExemptItem]:
    if not record_ids:
        return {}
    return {i.record_id: i for i in session.scalars(select(ExemptItem).where(ExemptItem.record_id.in_(record_ids)))}


def record(session: Session, scope: Scope, record_id: int, policies) -> dict | None:
    """One record, or None when it does not exist or is outside ``scope`` (the same answer)."""
    r = session.get(PayoutRecord, record_id)
    if r is None or (scope.uscc is not None and r.uscc != scope.uscc) or \
            (scope.district is not None and r.region_code != scope.district) or \
            (scope.measures is not None and r.measure_id not in scope.measures):
        return None
    item = _items_of(session, [r.id]).get(r.id)
    case = session.get(WorkflowCase, item.case_id) if item is not None and item.case_id else None
    view = record_view(r, policies, item, case)
    view["facts"] = r.facts
    return view


def my_money(session: Session, uscc: str, policies) -> list[dict]:
    """我的兑现: every ledger record of the enterprise, and its 免申即享 items not yet in the ledger
    (listed, waiting for the unit) or waiting for its own 意愿确认 — newest first."""
    _, rows = records(session, Scope(uscc=uscc), policies, limit=500)
    pending = session.execute(
        select(ExemptItem, ExemptList, WorkflowCase).join(ExemptList, ExemptList.id == ExemptItem.list_id)
        .join(WorkflowCase, WorkflowCase.id == ExemptItem.case_id)
        .where(ExemptItem.uscc == uscc, or_(ExemptItem.record_id.is_(None), WorkflowCase.state == "confirmed"))
        .order_by(ExemptItem.id.desc())).all()
    flow = exempt.workflow()
    by_record = {row["id"]: row for row in rows}
    out = []
    for item, listing, case in pending:
        entry = {"exempt_item": item.id, "measure_id": listing.measure_id, "measure": _title(policies, listing.measure_id),
                 "period": str(listing.year), "amount": f"{item.amount:.2f}", "amount_text": money(item.amount),
                 "source": "免申即享", "state": case.state, "step": flow.label_of(case.state),
                 "expected_on": _day(_aware(case.due_at)), "version": case.version,
                 "can_confirm": case.state == "confirmed", "reason": item.exclusion_reason,
                 "status": None, "status_reason": None, "paid_on": None}
        if item.record_id in by_record:
            by_record[item.record_id]["can_confirm"] = True
            continue
        out.append(entry)
    return out + rows


def exempt_lists(session: Session, measures: frozenset[str] | None) -> list[dict]:
    query = select(ExemptList).order_by(ExemptList.id.desc())
    if measures is not None:
        query = query.where(ExemptList.measure_id.in_(sorted(measures)))
    return [exempt.list_json(x, session) for x in session.scalars(query)]


def exempt_items(session: Session, list_id: int, district: str | None, *, offset: int = 0,
                 limit: int = 100) -> tuple[int, list[dict]]:
    query = select(ExemptItem, WorkflowCase).join(WorkflowCase, WorkflowCase.id == ExemptItem.case_id).where(
        ExemptItem.list_id == list_id)
    if district is not None:
        query = query.where(ExemptItem.region_code == district)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    flow = exempt.workflow()
    rows = []
    for item, case in session.execute(query.order_by(ExemptItem.id).offset(offset).limit(limit)):
        rows.append({"id": item.id, "uscc": item.uscc, "name": item.name, "region_code": item.region_code,
                     "amount": f"{item.amount:.2f}", "amount_text": money(item.amount), "state": case.state,
                     "step": flow.label_of(case.state), "excluded": item.excluded,
                     "reason": item.exclusion_reason, "record_id": item.record_id,
                     "due_on": _day(_aware(case.due_at)), "account": exempt.mask((item.account or {}).get("number"))})
    return total, rows
