"""The ledger: every yuan granted, reserved at approval and guarded (issue 12 "Guards").

``reserve`` is called when a reviewer approves (an application) or a unit confirms (a 免申即享
item). In one transaction, under a lock on the enterprise's row (and the budget's row), it
refuses with one Chinese line — and writes nothing — when:

- the rule does not hold on the frozen facts, or the amount is more than the rule allows (less
  needs a reason);
- the same benefit (shared benefit ids: every document that grants it) already has a live record
  for this enterprise, period and item (no double payment; ``once`` periods clash with every
  period; ``item`` is the product or project a per-item measure pays for, "" otherwise);
- a stacking declaration forbids it (同一事项不得重复享受 / 就高不重复, ``declarations``);
- a per-enterprise cap (年獎勵額不超過…, 每家總額不超過…) would be exceeded;
- the measure's budget (资金池 per year and payer) has too little left — refused, or queued
  (status ``queued``, visible, promoted when the budget grows or money is released).

Concurrency: PostgreSQL — ``SELECT … FOR UPDATE`` on the enterprise's lock row and on the budget
row, so a second approval at the same instant waits and then sees the first; SQLite — the caller
runs ``reserve`` inside ``Store.retrying`` (``BEGIN IMMEDIATE``: one writer at a time); a plain
deferred transaction fails with "database is locked" rather than exceed anything. Every change is
audited in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.errors import ZhidaError
from zhida.matching.match import load_default_policies
from zhida.money_format import yuan as money
from zhida.payouts import declarations, rules_check
from zhida.payouts.tables import ACTIVE, Budget, EnterpriseLock, PayoutRecord
from zhida.workflow.calendar import beijing_day

STATUS_ZH = {"queued": "排队待核（预算不足）", "approved": "已核准待拨付", "paid": "已拨付到账",
             "flagged": "待复核（企业情况变化）", "clawed_back": "已追回", "cancelled": "已撤销"}
SOURCE_ZH = {"application": "申报", "exempt": "免申即享", "manual": "人工录入"}
CENT = Decimal("0.01")
_PERIOD = re.compile(r"^(\d{4}|once)$")


class LedgerError(ZhidaError):
    """A payment the guards refuse (double payment, cap, budget, stacking, more than the rule)."""


@dataclass(frozen=True)
class Approver:
    name: str
    user_id: int | None = None
    role: str = "reviewer"


def now_utc() -> datetime:
    return datetime.now(UTC)


def parse_amount(value, where: str = "amount") -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ZhidaError(where, f"“{value}”不是金额") from None
    if isinstance(value, float):
        raise ZhidaError(where, "金额须为精确小数（不接受浮点数）")
    if not amount.is_finite() or amount <= 0:
        raise ZhidaError(where, "金额须大于0")
    if amount != amount.quantize(CENT):
        raise ZhidaError(where, "金额最多到分（两位小数）")
    return amount.quantize(CENT)


def _period(period) -> str:
    text = str(period).strip()
    if not _PERIOD.match(text):
        raise ZhidaError("period", "期间须为年度（如2023）或 once（一次性）")
    return text


def _uscc(value) -> str:
    from zhida.enterprises import uscc as codes

    try:
        return codes.validate(str(value or ""))
    except codes.USCCError as exc:
        raise ZhidaError("uscc", f"统一社会信用代码有误：{exc.zh}") from None


def lock_enterprise(session: Session, uscc: str) -> None:
    """Hold the enterprise's lock row until commit (created on first use)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(EnterpriseLock).values(uscc=uscc).on_conflict_do_nothing())
        session.execute(select(EnterpriseLock.uscc).where(EnterpriseLock.uscc == uscc).with_for_update())
    else:  # SQLite: a write takes the database's write lock (held to commit)
        session.execute(insert(EnterpriseLock).prefix_with("OR IGNORE").values(uscc=uscc))


def _budget(session: Session, measure_id: str, year: int, payer: str) -> Budget | None:
    return session.scalars(select(Budget).where(Budget.measure_id == measure_id, Budget.year == year,
                                                Budget.payer == payer).with_for_update()
                           .execution_options(populate_existing=True)).first()


def _live(session: Session, uscc: str, *where):
    return list(session.scalars(select(PayoutRecord).where(PayoutRecord.uscc == uscc,
                                                           PayoutRecord.status.in_(ACTIVE), *where)
                                .order_by(PayoutRecord.id)))


def _clash(period: str, other: str) -> bool:
    return period == other or "once" in (period, other)


def record_json(r: PayoutRecord) -> dict:
    return {"id": r.id, "uscc": r.uscc, "measure_id": r.measure_id, "benefit_id": r.benefit_id, "period": r.period,
            "item": r.item, "year": r.year, "amount": f"{r.amount:.2f}", "rule_amount": None if r.rule_amount is None else f"{r.rule_amount:.2f}",
            "payer": r.payer, "status": r.status, "source": f"{r.source_type}:{r.source_id}",
            "rule_version": r.rule_version}


def reserve(session: Session, *, uscc: str, measure_id: str, period, amount, facts, as_of: date,
            approver: Approver, source_type: str, source_id: str, benefit_id: str | None = None,
            reason: str | None = None, item: str = "", payer: str | None = None, year: int | None = None,
            expected_at: datetime | None = None, enterprise_name: str | None = None,
            region_code: str | None = None, policies=None, now: datetime | None = None,
            outcome: rules_check.RuleOutcome | None = None, audited: bool = True) -> PayoutRecord:
    """Approve ``amount`` of ``measure_id`` for ``uscc`` and ``period``; returns the new record
    (status ``approved``, or ``queued`` when the budget queues). Raises LedgerError / ZhidaError,
    having written nothing but the enterprise's lock row.

    ``outcome``: the rule already evaluated on these frozen facts by the caller (an approval
    checks it first) — not evaluated a second time. ``audited=False``: the caller audits the
    records it reserves in one entry (``audit_reserved``, a bulk confirmation)."""
    policies = policies or load_default_policies()
    now = now or now_utc()
    if measure_id not in policies.measures:
        raise ZhidaError("measure_id", f"没有编号为 {measure_id} 的政策措施")
    measure = policies.measures[measure_id]
    if benefit_id is not None and benefit_id != measure.benefit:
        raise ZhidaError("benefit_id", f"{measure_id} 的事项编号是 {measure.benefit}，不是 {benefit_id}")
    if source_type not in SOURCE_ZH:
        raise ZhidaError("source_type", "来源须为申报、免申即享或人工录入")
    if not str(source_id or "").strip():
        raise ZhidaError("source_id", "须写明来源（申请编号或免申即享名单编号）")
    uscc = _uscc(uscc)
    period = _period(period)
    item = str(item or "").strip()
    if len(item) > 64:
        raise ZhidaError("item", "兑现对象（产品、项目编号）最长64个字符")
    amount = parse_amount(amount)
    reason = (reason or "").strip() or None
    year = year or (int(period) if period != "once" else beijing_day(now).year)
    frozen = rules_check.freeze(facts)
    if outcome is None:
        outcome = rules_check.evaluate(measure, frozen, as_of, policies)
    if outcome.status != "eligible":
        why = "；".join(outcome.failing) or "所需信息不全"
        raise LedgerError("rule", f"按冻结的企业信息，{measure.title}不成立（{why}），不能核准")
    if outcome.amount is not None and amount > outcome.amount:
        raise LedgerError("amount", f"核准金额 {money(amount)} 超过政策规则算出的 {money(outcome.amount)}，不能多于规则")
    if (outcome.amount is None or amount < outcome.amount) and not reason:
        what = "低于规则金额" if outcome.amount is not None else "规则未给出金额"
        raise ZhidaError("reason", f"{what}，须写明核定理由")
    decl = declarations.for_policies(policies)
    payer = payer or (decl.exempt[measure_id].payer if measure_id in decl.exempt else declarations._payer_of(measure))
    if payer not in declarations.PAYERS:
        raise ZhidaError("payer", f"出资方须为{'、'.join(declarations.PAYERS)}之一")

    lock_enterprise(session, uscc)
    _check_double(session, uscc, measure, period, item, policies)
    _check_stacking(session, uscc, measure, period, amount, decl, policies)
    _check_caps(session, uscc, measure, period, amount, decl, policies)
    status, budget = "approved", _budget(session, measure_id, year, payer)
    if budget is not None:
        left = budget.amount - budget.used
        if amount > left:
            if budget.on_exceed == "refuse":
                raise LedgerError("budget", f"{year}年{payer}资金池余额 {money(left)}，不足 {money(amount)}，不能核准")
            status = "queued"
        else:
            budget.used += amount
            budget.updated_at = now
    record = PayoutRecord(
        uscc=uscc, enterprise_name=enterprise_name, region_code=region_code, measure_id=measure_id,
        benefit_id=measure.benefit, period=period, item=item, year=year, amount=amount, rule_amount=outcome.amount,
        reduction_reason=reason, payer=payer, rule_version=rules_check.rule_version(measure, policies), as_of=as_of,
        facts=frozen, approvers=[{"user": approver.name, "user_id": approver.user_id, "role": approver.role,
                                  "at": now.isoformat()}],
        source_type=source_type, source_id=str(source_id), status=status,
        status_reason="资金池余额不足，排队待核" if status == "queued" else None,
        expected_at=expected_at, created_at=now, updated_at=now)
    session.add(record)
    session.flush()
    if audited:
        audit.record(session, actor=approver.name, actor_id=approver.user_id, action="payout_reserve",
                     entity="payout", entity_id=str(record.id), before=None, after=record_json(record),
                     detail=reason)
    return record


def audit_reserved(session: Session, records: list[PayoutRecord], approver: Approver, *, entity: str,
                   entity_id: str) -> None:
    """One audit entry for the records a bulk action reserved (each record keeps its approvers,
    rule version and frozen facts): id, enterprise, measure, period, amount and status of each."""
    if not records:
        return
    audit.record(session, actor=approver.name, actor_id=approver.user_id, action="payout_reserve_many",
                 entity=entity, entity_id=entity_id, before=None,
                 after={"count": len(records), "total": f"{sum((r.amount for r in records), Decimal(0)):.2f}",
                        "records": [[r.id, r.uscc, r.measure_id, r.period, f"{r.amount:.2f}", r.status]
                                    for r in records]})


def _check_double(session, uscc, measure, period, item, policies) -> None:
    for other in _live(session, uscc, PayoutRecord.benefit_id == measure.benefit, PayoutRecord.item == item):
        if _clash(period, other.period):
            title = policies.measures[other.measure_id].title if other.measure_id in policies.measures else other.measure_id
            raise LedgerError("double_payment", f"同一事项已兑现或已核准：记录 #{other.id}（{title}，{_period_zh(other.period)}{_item_zh(item)}，"
                                                f"{STATUS_ZH[other.status]}）；同一企业同一期间只兑现一次")


def _check_stacking(session, uscc, measure, period, amount, decl, policies) -> None:
    for rule in decl.stacking_of(measure.id):
        if rule.relation == "stackable":
            continue
        others = [m for m in rule.measures if m != measure.id]
        for other in _live(session, uscc, PayoutRecord.measure_id.in_(others)):
            if not _clash(period, other.period):
                continue
            title = policies.measures[other.measure_id].title
            if rule.relation == "exclusive":
                raise LedgerError("stacking", f"{rule.label}（{_basis_zh(rule)}）：已有记录 #{other.id}（{title}）")
            raise LedgerError("stacking", f"{rule.label}（{_basis_zh(rule)}）：已有记录 #{other.id}（{title}，"
                                          f"{money(other.amount)}）；如本项金额 {money(amount)} 更高，须先撤销该记录")


def _basis_zh(rule) -> str:
    return f"原文：“{rule.source.quote}”" if rule.basis == "text" else f"{rule.decided_by}确定"


def _check_caps(session, uscc, measure, period, amount, decl, policies) -> None:
    for cap in decl.caps_of(measure.id):
        where = [PayoutRecord.measure_id.in_(cap.measures)]
        if cap.per == "year" and period != "once":
            where.append(PayoutRecord.period.in_((period, "once")))
        used = session.scalar(select(func.coalesce(func.sum(PayoutRecord.amount), 0)).where(
            PayoutRecord.uscc == uscc, PayoutRecord.status.in_(ACTIVE), *where)) or Decimal(0)
        used = Decimal(used)
        if used + amount > cap.amount:
            scope = f"{period}年度" if cap.per == "year" else "累计"
            raise LedgerError("cap", f"超过上限：“{cap.source.quote}”；该企业{scope}已核准 {money(used)}，"
                                     f"本次 {money(amount)}，最多还可 {money(max(cap.amount - used, Decimal(0)))}")


def _item_zh(item: str) -> str:
    return f"，{item}" if item else ""


def _period_zh(period: str) -> str:
    return "一次性" if period == "once" else f"{period}年度"


# --- after approval ------------------------------------------------------------------------------
def get(session: Session, record_id: int, lock: bool = False) -> PayoutRecord:
    query = select(PayoutRecord).where(PayoutRecord.id == record_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    record = session.scalars(query).first()
    if record is None:
        raise ZhidaError("record", f"没有编号为 {record_id} 的兑现记录")
    return record


def _change(session, record: PayoutRecord, status: str, actor: Approver, action: str, reason: str | None,
            now: datetime) -> PayoutRecord:
    before = record_json(record)
    record.status, record.status_reason, record.updated_at = status, reason, now
    session.flush()
    audit.record(session, actor=actor.name, actor_id=actor.user_id, action=action, entity="payout",
                 entity_id=str(record.id), before=before, after=record_json(record), detail=reason)
    return record


def pay(session: Session, record_id: int, actor: Approver, now: datetime | None = None,
        reference: str | None = None) -> PayoutRecord:
    """拨付到账: an approved record is paid (a queued or flagged one is not)."""
    now = now or now_utc()
    record = get(session, record_id, lock=True)
    if record.status != "approved":
        raise LedgerError("status", f"记录 #{record.id} 当前为“{STATUS_ZH[record.status]}”，不能拨付")
    record.paid_at = now
    return _change(session, record, "paid", actor, "payout_pay", reference, now)


def release(session: Session, record: PayoutRecord, now: datetime) -> None:
    """Give a record's money back to its budget (it was counted unless it was queued)."""
    if record.status == "queued":
        return
    budget = _budget(session, record.measure_id, record.year, record.payer or "")
    if budget is not None:
        budget.used -= record.amount
        budget.updated_at = now


def cancel(session: Session, record_id: int, actor: Approver, reason: str, now: datetime | None = None,
           policies=None) -> PayoutRecord:
    """撤销 a record not yet paid (queued, approved, or flagged before payment)."""
    return _withdraw(session, record_id, actor, reason, now, "cancelled", "撤销",
                     lambda r: r.status in ("queued", "approved") or (r.status == "flagged" and r.paid_at is None),
                     "（已拨付的须追回）")


def claw_back(session: Session, record_id: int, actor: Approver, reason: str, now: datetime | None = None) -> PayoutRecord:
    """追回 a paid (or flagged, or approved) record, with its reason; the money returns to the budget."""
    return _withdraw(session, record_id, actor, reason, now, "clawed_back", "追回",
                     lambda r: r.status in ("paid", "flagged", "approved"), "")


def _withdraw(session, record_id, actor, reason, now, status, verb, allowed, hint) -> PayoutRecord:
    """The record's money leaves the ledger (cancelled or clawed back): back to its budget, whose
    queue moves on."""
    now = now or now_utc()
    if not (reason or "").strip():
        raise ZhidaError("reason", f"{verb}须写明理由")
    record = get(session, record_id, lock=True)
    if not allowed(record):
        raise LedgerError("status", f"记录 #{record.id} 当前为“{STATUS_ZH[record.status]}”，不能{verb}{hint}")
    release(session, record, now)
    _change(session, record, status, actor, "payout_cancel" if status == "cancelled" else "payout_claw_back",
            reason.strip(), now)
    promote_queued(session, record.measure_id, record.year, record.payer, actor, now)
    return record


def clear_flag(session: Session, record_id: int, actor: Approver, reason: str, now: datetime | None = None) -> PayoutRecord:
    """复核后维持: a flagged record goes back to where it was (paid, or approved)."""
    now = now or now_utc()
    if not (reason or "").strip():
        raise ZhidaError("reason", "复核结论须写明理由")
    record = get(session, record_id, lock=True)
    if record.status != "flagged":
        raise LedgerError("status", f"记录 #{record.id} 不在待复核状态")
    return _change(session, record, "paid" if record.paid_at else "approved", actor, "payout_review_keep",
                   reason.strip(), now)


def set_budget(session: Session, *, measure_id: str, year: int, payer: str, amount, on_exceed: str,
               actor: Approver, note: str | None = None, policies=None, now: datetime | None = None) -> Budget:
    """Create or change a 资金池; money already approved stays counted; queued records that now fit
    are approved in the order they came."""
    policies = policies or load_default_policies()
    now = now or now_utc()
    if measure_id not in policies.measures:
        raise ZhidaError("measure_id", f"没有编号为 {measure_id} 的政策措施")
    if payer not in declarations.PAYERS:
        raise ZhidaError("payer", f"出资方须为{'、'.join(declarations.PAYERS)}之一")
    if on_exceed not in ("refuse", "queue"):
        raise ZhidaError("on_exceed", "超出预算时须为 refuse（拒绝）或 queue（排队）")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ZhidaError("year", "年度须为四位数年份")
    amount = parse_amount(amount)
    budget = _budget(session, measure_id, year, payer)
    before = None
    if budget is None:
        used = session.scalar(select(func.coalesce(func.sum(PayoutRecord.amount), 0)).where(
            PayoutRecord.measure_id == measure_id, PayoutRecord.year == year, PayoutRecord.payer == payer,
            PayoutRecord.status.in_(("approved", "paid", "flagged"))))
        budget = Budget(measure_id=measure_id, year=year, payer=payer, amount=amount, used=Decimal(used or 0),
                        on_exceed=on_exceed, note=note, updated_at=now)
        session.add(budget)
    else:
        before = budget_json(budget)
        budget.amount, budget.on_exceed, budget.note, budget.updated_at = amount, on_exceed, note, now
    if amount < budget.used:
        raise LedgerError("amount", f"已核准 {money(budget.used)}，资金池不能少于已核准金额")
    session.flush()
    audit.record(session, actor=actor.name, actor_id=actor.user_id, action="payout_budget", entity="payout_budget",
                 entity_id=f"{measure_id}:{year}:{payer}", before=before, after=budget_json(budget), detail=note)
    promote_queued(session, measure_id, year, payer, actor, now)
    return budget


def budget_json(b: Budget) -> dict:
    return {"measure_id": b.measure_id, "year": b.year, "payer": b.payer, "amount": f"{b.amount:.2f}",
            "used": f"{b.used:.2f}", "left": f"{b.amount - b.used:.2f}", "on_exceed": b.on_exceed}


def promote_queued(session: Session, measure_id: str, year: int, payer: str | None, actor: Approver,
                   now: datetime) -> list[PayoutRecord]:
    """Queued records of this budget that now fit, approved first come first served."""
    budget = _budget(session, measure_id, year, payer or "")
    if budget is None:
        return []
    promoted = []
    queued = session.scalars(select(PayoutRecord).where(
        PayoutRecord.measure_id == measure_id, PayoutRecord.year == year, PayoutRecord.payer == payer,
        PayoutRecord.status == "queued").order_by(PayoutRecord.id).with_for_update())
    for record in queued:
        if record.amount > budget.amount - budget.used:
            break
        budget.used += record.amount
        promoted.append(_change(session, record, "approved", actor, "payout_promote", "资金池已有余额，排队记录转为核准", now))
    return promoted


def budgets(session: Session, measure_id: str | None = None) -> list[dict]:
    query = select(Budget).order_by(Budget.measure_id, Budget.year, Budget.payer)
    if measure_id:
        query = query.where(Budget.measure_id == measure_id)
    out = []
    for b in session.scalars(query):
        row = budget_json(b)
        row["queued"] = session.scalar(select(func.count()).where(
            PayoutRecord.measure_id == b.measure_id, PayoutRecord.year == b.year, PayoutRecord.payer == b.payer,
            PayoutRecord.status == "queued"))
        out.append(row)
    return out
