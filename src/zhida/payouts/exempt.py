"""免申即享: a measure's eligible enterprises found by the batch engine, confirmed by the unit in
bulk, confirmed by each enterprise (意愿确认 + 收款账户), then paid (拨付到账).

- ``compute`` — the list itself: the measure compiled alone and run by DuckDB over a facts Parquet
  (the store's population, ``zhida.batch.population``, or any ``zhida generate`` file); eligible
  rows with an amount, and the facts the rule read (kept with each item: the frozen facts).
- ``build`` — stores the list and starts one ``exempt_payment`` workflow case per enterprise.
- ``confirm`` — the unit's bulk confirmation, with exclusions and their reasons; each confirmed
  item is reserved in the ledger (every guard: double payment, caps, stacking, budget); an item a
  guard refuses is excluded with the guard's reason, visibly — nothing half-written.
- ``accept`` / ``decline`` — the enterprise's 意愿确认 with its receiving account; the expected
  payment date is ``pay_within`` working days later (official calendar, ``zhida.workflow.calendar``).
- ``pay`` — 拨付到账: the ledger record is paid, the case closed.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from zhida import audit, notify
from zhida.errors import ZhidaError
from zhida.matching.evaluator import concept_facts
from zhida.matching.match import load_default_policies
from zhida.money_format import yuan as money
from zhida.payouts import declarations, ledger, rules_check
from zhida.payouts.ledger import Approver, LedgerError
from zhida.payouts.tables import ExemptItem, ExemptList, PayoutRecord
from zhida.rules.expr import OPEN, columns
from zhida.workflow import definition as wf_definition
from zhida.workflow import engine as wf
from zhida.workflow.calendar import add_working_days
from zhida.workflow.tables import WorkflowCase

WORKFLOW_FILE = Path(__file__).with_name("exempt.workflow.yaml")
APPLICABILITY = ("entity_type", "region_code", "tax_region_code", "premises_region_code", "special_zone")
_ACCOUNT = re.compile(r"^\d{8,32}$")


@cache
def workflow() -> wf_definition.Workflow:
    return wf_definition.load(WORKFLOW_FILE)


@dataclass
class Computed:
    table: object  # pyarrow.Table: uscc, name, region_code, amount, then the facts read
    facts: list[str]  # fact names of the facts columns
    seconds: float


def mark_of(measure_id: str, policies) -> declarations.ExemptMark:
    mark = declarations.for_policies(policies).exempt.get(measure_id)
    if mark is None:
        raise ZhidaError("measure", f"{measure_id} 未标记为免申即享（原文或责任单位在 policies/payouts/exempt.yaml 标记）")
    return mark


def facts_read(measure, policies) -> list[str]:
    """Catalogue facts the measure's conditions and amount read (concepts unfolded), and applicability."""
    nodes = [c.expanded for c in measure.conditions]
    if measure.amount is not None:
        nodes += [n for n in (measure.amount.expr, measure.amount.cap, measure.amount.floor, measure.amount.upper)
                  if n is not None]
    names: set[str] = set(APPLICABILITY)
    concepts = concept_facts(policies)
    for node in nodes:
        for ref in columns(node):
            if ref in policies.concepts:
                names |= concepts[ref]
            elif not ref.startswith(OPEN + "."):
                names.add(ref)
    return sorted(n for n in names if policies.catalogue.get(n) is not None)


def compute(measure, as_of: date, input_path: Path, policies, threads: int | None = None) -> Computed:
    """The eligible enterprises of ``measure`` with their amounts (DuckDB over the Parquet)."""
    from zhida.batch.engines import DuckDBEngine

    started = time.perf_counter()
    engine = DuckDBEngine(threads=threads)
    con = engine.connect()
    try:
        present = set(engine.facts_view(con, policies, input_path, as_of))
        facts = [f for f in facts_read(measure, policies) if policies.catalogue.get(f).column in present]
        cols = [policies.catalogue.get(f).column for f in facts]
        carry = tuple(dict.fromkeys(c for c in ("name", "region_code", *cols) if c in present))
        compiled = engine.compile(policies, [measure], as_of, carry, status_codes=True)
        names = compiled.columns[measure.id]
        select_facts = "".join(f', "{c}" AS "f:{f}"' for f, c in zip(facts, cols))
        name = '"name"' if "name" in present else "NULL"
        sql = (f'SELECT "uscc", {name} AS name, "region_code" AS region_code, '
               f'CAST("{names["amount"]}" AS DECIMAL(20,2)) AS amount{select_facts} FROM ({compiled.sql}) '
               f'WHERE "{names["status"]}" = 1 AND "{names["amount"]}" > 0 ORDER BY "uscc"')
        table = con.sql(sql).to_arrow_table()
    finally:
        con.close()
    return Computed(table, facts, time.perf_counter() - started)


def _unit(measure) -> str | None:
    return measure.responsible_units[0] if measure.responsible_units else None


def _actor(approver: Approver, role: str) -> wf.Actor:
    return wf.Actor(approver.name, frozenset({role}), approver.user_id)


def build(session: Session, *, measure_id: str, year: int, as_of: date, actor: Approver, input_path: Path,
          policies=None, now: datetime | None = None, threads: int | None = None) -> ExemptList:
    policies = policies or load_default_policies()
    now = now or ledger.now_utc()
    if measure_id not in policies.measures:
        raise ZhidaError("measure", f"没有编号为 {measure_id} 的政策措施")
    measure = policies.measures[measure_id]
    mark_of(measure_id, policies)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ZhidaError("year", "年度须为四位数年份")
    open_list = session.scalar(select(ExemptList.id).where(ExemptList.measure_id == measure_id,
                                                           ExemptList.year == year, ExemptList.status == "built"))
    if open_list is not None:
        raise ZhidaError("list", f"{year}年已有待确认的名单 #{open_list}，请先确认该名单")
    computed = compute(measure, as_of, input_path, policies, threads)
    rows = computed.table.to_pylist()
    total = sum((r["amount"] for r in rows), Decimal("0.00"))
    listing = ExemptList(measure_id=measure_id, year=year, as_of=as_of,
                         rule_version=rules_check.rule_version(measure, policies), status="built", items=len(rows),
                         total=total, built_by=actor.name, built_at=now)
    session.add(listing)
    session.flush()
    if rows:
        session.execute(insert(ExemptItem), [
            {"list_id": listing.id, "uscc": r["uscc"], "name": r["name"], "region_code": r["region_code"],
             "amount": r["amount"], "excluded": False,
             "facts": {"facts": {f: _json(r[f"f:{f}"]) for f in computed.facts}}} for r in rows])
    flow, unit = workflow(), _unit(measure)
    system = _actor(actor, wf_definition.SYSTEM_ROLE)
    items = list(session.scalars(select(ExemptItem).where(ExemptItem.list_id == listing.id).order_by(ExemptItem.id)))
    cases = wf.start_many(session, flow, subject_type="exempt_item", subject_ids=[str(i.id) for i in items],
                          actor=system, now=now, unit=unit, about=("exempt_list", str(listing.id)),
                          data=[{"list": listing.id, "uscc": i.uscc, "amount": f"{i.amount:.2f}"} for i in items])
    for item, case in zip(items, cases):
        item.case_id = case.id
    audit.record(session, actor=actor.name, actor_id=actor.user_id, action="exempt_build", entity="exempt_list",
                 entity_id=str(listing.id), before=None,
                 after={"measure_id": measure_id, "year": year, "as_of": as_of.isoformat(), "items": len(rows),
                        "total": f"{total:.2f}", "seconds": round(computed.seconds, 3)})
    return listing


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def get_list(session: Session, list_id: int) -> ExemptList:
    listing = session.get(ExemptList, list_id)
    if listing is None:
        raise ZhidaError("list", f"没有编号为 {list_id} 的免申即享名单")
    return listing


def _case(session: Session, item: ExemptItem) -> WorkflowCase:
    return session.get(WorkflowCase, item.case_id)


def _cases(session: Session, items: list[ExemptItem]) -> dict[int, WorkflowCase]:
    """The items' workflow cases by id, read in chunks (not one query per item)."""
    ids = [i.case_id for i in items]
    found: dict[int, WorkflowCase] = {}
    for at in range(0, len(ids), 500):
        chunk = select(WorkflowCase).where(WorkflowCase.id.in_(ids[at:at + 500]))
        found.update({c.id: c for c in session.scalars(chunk)})
    return found


@dataclass
class Confirmed:
    confirmed: int
    excluded: int
    refused: list[tuple[str, str]]  # (uscc, the guard's reason): excluded automatically
    total: Decimal


def confirm(session: Session, list_id: int, *, actor: Approver, exclusions: dict[str, str] | None = None,
            policies=None, now: datetime | None = None) -> Confirmed:
    """The unit confirms the list in bulk; ``exclusions``: uscc → reason (each needs one)."""
    policies = policies or load_default_policies()
    now = now or ledger.now_utc()
    listing = get_list(session, list_id)
    if listing.status != "built":
        raise ZhidaError("list", f"名单 #{list_id} 已确认，不能再次确认")
    exclusions = {k.strip().upper(): (v or "").strip() for k, v in (exclusions or {}).items()}
    items = list(session.scalars(select(ExemptItem).where(ExemptItem.list_id == list_id).order_by(ExemptItem.id)))
    known = {i.uscc for i in items}
    for uscc, reason in exclusions.items():
        if uscc not in known:
            raise ZhidaError("exclusions", f"{uscc} 不在名单 #{list_id} 中")
        if not reason:
            raise ZhidaError("exclusions", f"排除 {uscc} 须写明理由")
    mark = mark_of(listing.measure_id, policies)
    flow, unit_actor = workflow(), _actor(actor, "unit")
    out = Confirmed(0, 0, [], Decimal("0.00"))
    cases = _cases(session, items)
    reserved: list[tuple[ExemptItem, WorkflowCase, PayoutRecord]] = []
    excluded: dict[str, list[WorkflowCase]] = {}  # reason → the cases excluded for it
    for item in items:
        case = cases[item.case_id]
        if case.state != "listed":
            continue
        reason = exclusions.get(item.uscc)
        if reason is None:
            try:  # a refusal writes nothing (but the enterprise's lock row): no savepoint needed
                record = ledger.reserve(
                    session, uscc=item.uscc, measure_id=listing.measure_id, period=str(listing.year),
                    amount=item.amount, facts=item.facts, as_of=listing.as_of, approver=actor,
                    source_type="exempt", source_id=f"list-{listing.id}", payer=mark.payer, year=listing.year,
                    enterprise_name=item.name, region_code=item.region_code, policies=policies, now=now,
                    audited=False)
            except LedgerError as exc:
                reason = f"系统拦截：{exc.reason}"
                out.refused.append((item.uscc, exc.reason))
            else:
                item.record_id = record.id
                reserved.append((item, case, record))
                out.confirmed += 1
                out.total += record.amount
                continue
        item.excluded, item.exclusion_reason = True, reason
        excluded.setdefault(reason, []).append(case)
        out.excluded += 1
    about = ("exempt_list", str(listing.id))
    ledger.audit_reserved(session, [r for _, _, r in reserved], actor, entity=about[0], entity_id=about[1])
    wf.fire_many(session, flow, [c for _, c, _ in reserved], "confirm", actor=unit_actor, now=now, about=about,
                 data=[{"record": r.id, "status": r.status} for _, _, r in reserved])
    for reason, excluded_cases in excluded.items():
        wf.fire_many(session, flow, excluded_cases, "exclude", actor=unit_actor, now=now, reason=reason, about=about)
    title = f"免申即享：{_title(listing, policies)}"
    notify.publish_many(session, [notify.Notice(
        "exemption.listed", [notify.Recipient.enterprise(item.uscc)], title[:255],
        f"贵企业经数据比对符合条件，金额 {money(record.amount)}，无需申请。请在“我的兑现”中确认领取并填写"
        f"收款账户（{_due_text(case)}前）；确认后 {mark.pay_within} 个工作日内拨付到账。", "/my/payouts",
        f"exempt-item:{item.id}:listed") for item, case, record in reserved], at=now)
    listing.status, listing.confirmed_by, listing.confirmed_at = "confirmed", actor.name, now
    audit.record(session, actor=actor.name, actor_id=actor.user_id, action="exempt_confirm", entity="exempt_list",
                 entity_id=str(listing.id), before={"status": "built"},
                 after={"status": "confirmed", "confirmed": out.confirmed, "excluded": out.excluded,
                        "refused": len(out.refused), "total": f"{out.total:.2f}"})
    return out


def item_of(session: Session, item_id: int, uscc: str | None = None) -> ExemptItem:
    item = session.get(ExemptItem, item_id)
    if item is None or (uscc is not None and item.uscc != uscc):
        raise ZhidaError("item", f"没有编号为 {item_id} 的免申即享事项")
    return item


def check_account(account: dict) -> dict:
    holder = str(account.get("holder") or "").strip()
    bank = str(account.get("bank") or "").strip()
    number = re.sub(r"[\s-]", "", str(account.get("number") or ""))
    if not holder:
        raise ZhidaError("holder", "请填写收款户名")
    if not bank:
        raise ZhidaError("bank", "请填写开户银行")
    if not _ACCOUNT.match(number):
        raise ZhidaError("number", "银行账号须为8至32位数字")
    return {"holder": holder[:100], "bank": bank[:100], "number": number}


def accept(session: Session, item_id: int, *, uscc: str, account: dict, actor: Approver, policies=None,
           now: datetime | None = None, expected_version: int | None = None) -> ExemptItem:
    """意愿确认: the enterprise confirms it wants the money and where to pay it."""
    policies = policies or load_default_policies()
    now = now or ledger.now_utc()
    item = item_of(session, item_id, uscc)
    account = check_account(account)
    if item.record_id is None:
        raise ZhidaError("item", "该事项尚未经单位确认")
    listing = get_list(session, item.list_id)
    due = add_working_days(now, mark_of(listing.measure_id, policies).pay_within)
    wf.fire(session, workflow(), _case(session, item), "accept", actor=_actor(actor, "enterprise"), now=now,
            deadline=due.at, expected_version=expected_version, data={"account": mask(account["number"])})
    item.account = account
    record = ledger.get(session, item.record_id, lock=True)
    record.expected_at, record.updated_at = due.at, now
    return item


def decline(session: Session, item_id: int, *, uscc: str, reason: str, actor: Approver,
            now: datetime | None = None, policies=None) -> ExemptItem:
    now = now or ledger.now_utc()
    item = item_of(session, item_id, uscc)
    wf.fire(session, workflow(), _case(session, item), "decline", actor=_actor(actor, "enterprise"), now=now,
            reason=reason)
    if item.record_id is not None:
        ledger.cancel(session, item.record_id, actor, f"企业放弃：{reason}", now=now, policies=policies)
    return item


def pay(session: Session, list_id: int, *, actor: Approver, reference: str | None = None,
        item_ids: list[int] | None = None, now: datetime | None = None) -> list[int]:
    """拨付到账 for every item of the list the enterprise confirmed (or those of ``item_ids``);
    returns the ids of the items paid. A record still queued for budget is not paid."""
    now = now or ledger.now_utc()
    listing = get_list(session, list_id)
    query = select(ExemptItem).where(ExemptItem.list_id == list_id).order_by(ExemptItem.id)
    if item_ids:
        query = query.where(ExemptItem.id.in_(item_ids))
    paid = []
    flow, unit_actor = workflow(), _actor(actor, "unit")
    for item in session.scalars(query):
        case = _case(session, item)
        if case.state != "willing" or item.record_id is None:
            continue
        if session.get(PayoutRecord, item.record_id).status != "approved":
            continue
        record = ledger.pay(session, item.record_id, actor, now=now, reference=reference)
        wf.fire(session, flow, case, "pay", actor=unit_actor, now=now, data={"reference": reference})
        _tell(session, item, "payment.made", f"资金已拨付：{_title(listing, None)}",
              f"免申即享资金 {money(record.amount)} 已拨付到账（收款账户 {mask((item.account or {}).get('number'))}）。",
              now, "paid")
        paid.append(item.id)
    return paid


def _title(listing: ExemptList, policies) -> str:
    policies = policies or load_default_policies()
    m = policies.measures.get(listing.measure_id)
    return m.title if m is not None else listing.measure_id


def _due_text(case: WorkflowCase) -> str:
    from zhida.workflow.calendar import beijing_day

    return f"{beijing_day(case.due_at):%Y年%m月%d日}" if case.due_at else "尽快"


def _tell(session: Session, item: ExemptItem, event: str, title: str, body: str, now: datetime, step: str) -> None:
    """The enterprise's inbox (and e-mail, by its preferences) in the step's transaction (zhida.notify)."""
    notify.publish(session, event=event, recipients=[notify.Recipient.enterprise(item.uscc)], title=title[:255],
                   body=body, link="/my/payouts", dedupe_key=f"exempt-item:{item.id}:{step}", at=now)


def mask(number: str | None) -> str | None:
    return None if not number else f"****{number[-4:]}"


def list_json(listing: ExemptList, session: Session | None = None) -> dict:
    out = {"id": listing.id, "measure_id": listing.measure_id, "year": listing.year, "as_of": listing.as_of.isoformat(),
           "status": listing.status, "items": listing.items, "total": f"{listing.total:.2f}",
           "total_text": money(listing.total), "built_by": listing.built_by, "rule_version": listing.rule_version}
    if session is not None:
        states = session.execute(select(WorkflowCase.state, func.count()).join(
            ExemptItem, ExemptItem.case_id == WorkflowCase.id).where(ExemptItem.list_id == listing.id)
            .group_by(WorkflowCase.state)).all()
        flow = workflow()
        out["steps"] = {flow.label_of(s): n for s, n in states}
    return out
