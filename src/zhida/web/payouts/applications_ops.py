"""What the applications API and pages share: each call in one transaction of the store (retried
while SQLite is busy), the application loaded only for someone holding a role on it (else 404:
nobody learns it exists), and the workflow's refusals as HTTP answers (403 not yours to take,
409 someone moved it first, 422 bad input) — the same facts for pages and API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from fastapi import Request

from zhida.errors import ZhidaError
from zhida.matching.match import load_default_policies
from zhida.money_format import money
from zhida.payouts.applications import materials, progress, queries, roles, service
from zhida.payouts.applications.tables import Application
from zhida.web import enterprise_data
from zhida.web.deps import Principal
from zhida.web.errors import Conflict, Forbidden, Invalid, NotFound, WebError
from zhida.workflow import NotAllowed, StaleCase
from zhida.workflow.calendar import BEIJING

T = TypeVar("T")


def now() -> datetime:
    return datetime.now(UTC)


def run(request: Request, work: Callable[[Any], T], *, writes: bool = True) -> T:
    """``work(session)`` in one transaction (``writes=False``: a read, which on SQLite does not wait
    in the writers' line); the workflow's refusals as web errors."""
    store = request.app.state.store
    try:
        if not writes:
            with store.transaction() as session:
                return work(session)
        return store.retrying(work)
    except NotAllowed as exc:
        raise Forbidden(exc.reason) from None
    except StaleCase as exc:
        raise Conflict(exc.reason, field="expected_version") from None
    except WebError:
        raise
    except ZhidaError as exc:
        raise Invalid(exc.reason, field=exc.where) from None


def load(session, principal: Principal, application_id: int) -> Application:
    application = session.get(Application, application_id)
    if application is None or not roles.may_see(principal, application):
        raise NotFound(f"没有编号为 {application_id} 的申请", field="application_id")
    return application


def start(request: Request, principal: Principal, measure_id: str) -> int:
    if principal.role != "enterprise" or not principal.uscc:
        raise Forbidden("只有企业账户可以申请兑现")
    stored = enterprise_data.get(request.app.state.store, principal.uscc)
    if stored is None:
        raise NotFound("企业库中没有本企业的画像，请先完善企业信息", field="uscc")

    def work(session):
        return service.start(session, profile=stored.profile, enterprise_name=stored.name, measure_id=measure_id,
                             person=principal, now=now(), as_of=request.app.state.as_of,
                             policies=load_default_policies()).id

    return run(request, work)


def preview(request: Request, principal: Principal, measure_id: str) -> dict:
    """What an application for ``measure_id`` would carry, before it is created."""
    from zhida.payouts import rules_check
    from zhida.payouts.applications import frozen, routing

    policies = load_default_policies()
    measure = policies.measures.get(measure_id)
    if measure is None:
        raise NotFound(f"没有编号为 {measure_id} 的政策措施", field="measure")
    if principal.role != "enterprise" or not principal.uscc:
        raise Forbidden("只有企业账户可以申请兑现")
    stored = enterprise_data.get(request.app.state.store, principal.uscc)
    if stored is None:
        raise NotFound("企业库中没有本企业的画像，请先完善企业信息", field="uscc")
    as_of = request.app.state.as_of
    outcome = rules_check.evaluate(measure, rules_check.freeze(stored.profile), as_of, policies)
    try:
        route = routing.route(measure, stored.profile.region_code)
    except ZhidaError as exc:
        route, problem = None, exc.reason
    else:
        problem = None if outcome.status == "eligible" else f"按本企业当前信息，{measure.title}不是“可享受”，不能申请兑现"
    with request.app.state.store.transaction() as session:
        items = materials.for_measure(session, measure, policies)
    return {"measure": measure, "enterprise": stored, "amount": outcome.amount, "route": route, "problem": problem,
            "used_facts": frozen.used_facts(measure, stored.profile, as_of, policies), "materials": items,
            "as_of": as_of}


def money_text(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def detail(session, principal: Principal, application: Application, at: datetime) -> dict:
    seen = progress.of(session, application, principal, at)
    return {
        "id": application.id, "uscc": application.uscc, "enterprise_name": application.enterprise_name,
        "measure_id": application.measure_id, "measure_title": application.measure_title,
        "level": application.level, "unit": application.unit, "district": application.district,
        "payer_unit": application.payer_unit, "as_of": application.as_of, "period": application.period,
        "state": seen.state, "state_label": seen.state_label, "version": seen.version, "closed": seen.closed,
        "due_day": seen.due_day, "due_estimated": seen.due_estimated, "overdue": seen.overdue,
        "escalated": seen.escalated, "days_in_step": seen.days_in_step, "next_step": seen.next_text,
        "road": seen.road,
        "steps": [{"label": s.label, "state_label": s.state, "at": s.at.astimezone(BEIJING), "who": s.who, "reason": s.reason,
                   "data": s.data} for s in seen.steps],
        "actions": seen.actions,
        "rule_amount": money_text(application.rule_amount), "approved_amount": money_text(application.approved_amount),
        "rule_amount_text": money(application.rule_amount) if application.rule_amount is not None else "规则未给出金额",
        "approved_amount_text": money(application.approved_amount) if application.approved_amount is not None else None,
        "reduction_reason": application.reduction_reason, "used_facts": application.used_facts,
        "materials": application.materials, "declared": application.declared,
        "files": [{"id": f.id, "material": f.material, "filename": f.filename, "kind": f.kind, "size": f.size,
                   "uploaded_at": f.uploaded_at} for f in service.files(session, application)],
        "payment_reference": application.payment_reference, "paid_at": application.paid_at,
        "created_at": application.created_at, "record_id": application.record_id,
        "roles": sorted(roles.roles_of(principal, application)),
    }


def show(request: Request, principal: Principal, application_id: int) -> dict:
    def work(session):
        return detail(session, principal, load(session, principal, application_id), now())

    return run(request, work)


def moved(application: Application, case, principal: Principal) -> dict:
    """What a transition's answer carries: where the application is now and what the viewer may do
    next — read from the rows the transition already holds (no history, files or frozen facts read
    back; the page and the client fetch the detail when they show it)."""
    seen = progress.now_at(application, case, principal)
    return {"id": application.id, "state": seen.state, "state_label": seen.state_label, "version": seen.version,
            "closed": seen.closed, "due_day": seen.due_day, "due_estimated": seen.due_estimated,
            "next_step": seen.next_text, "actions": seen.actions,
            "rule_amount": money_text(application.rule_amount),
            "approved_amount": money_text(application.approved_amount), "record_id": application.record_id}


def act(request: Request, principal: Principal, application_id: int, transition: str, *, expected_version: int | None,
        reason: str | None = None, deadline: date | None = None, amount: str | None = None,
        reference: str | None = None) -> dict:
    """Take the transition; the answer is ``moved`` (the lean state, not the whole detail). An
    approval's rule is evaluated on the frozen facts first, in a read of its own, so that the
    writing transaction (one at a time on SQLite) does not hold the database while it runs."""
    policies = load_default_policies()
    judged = None
    if transition == "approve":
        judged = run(request, lambda session: service.judge(load(session, principal, application_id), policies),
                     writes=False)

    def work(session):
        application = load(session, principal, application_id)
        case = service.case_of(session, application)  # held: the session keeps only weak references
        service.act(session, application, principal, transition, now=now(), policies=policies,
                    expected_version=expected_version, reason=reason, deadline=deadline, amount=amount,
                    reference=reference, judged=judged)
        return moved(application, case, principal)

    return run(request, work)


def declare(request: Request, principal: Principal, application_id: int, declared: bool,
            expected_version: int | None) -> dict:
    def work(session):
        application = load(session, principal, application_id)
        service.declare(session, application, principal, declared, now=now(), expected_version=expected_version)
        return detail(session, principal, application, now())

    return run(request, work)


def attach(request: Request, principal: Principal, application_id: int, material: str, filename: str | None,
           data: bytes) -> dict:
    def work(session):
        application = load(session, principal, application_id)
        row = service.attach(session, application, principal, material=material, filename=filename, data=data,
                             now=now())
        return {"id": row.id, "material": row.material, "filename": row.filename, "kind": row.kind, "size": row.size,
                "uploaded_at": row.uploaded_at}

    return run(request, work)


def detach(request: Request, principal: Principal, application_id: int, file_id: int) -> None:
    def work(session):
        service.detach(session, load(session, principal, application_id), principal, file_id)

    run(request, work)


def file_bytes(request: Request, principal: Principal, application_id: int, file_id: int) -> tuple[str, str, bytes]:
    from zhida.payouts.applications import attachments
    from zhida.payouts.applications.tables import ApplicationFile

    def work(session):
        load(session, principal, application_id)
        row = session.get(ApplicationFile, file_id)
        if row is None or row.application_id != application_id:
            raise NotFound(f"本申请没有编号为 {file_id} 的附件", field="file_id")
        return row.filename, attachments.MEDIA.get(row.kind, "application/octet-stream"), attachments.read(row.key)

    return run(request, work)


def listing(request: Request, principal: Principal, *, measure_id: str | None, state: str | None, overdue: bool,
            page: int, per_page: int) -> tuple[int, list]:
    if state and state not in service.WORKFLOW.states:
        raise Invalid(f"没有“{state}”这一状态", field="state")
    with request.app.state.store.transaction() as session:
        return queries.listing(session, principal, now=now(), measure_id=measure_id or None, state=state or None,
                               overdue=overdue, offset=(page - 1) * per_page, limit=per_page)


def export_rows(request: Request, principal: Principal, *, measure_id: str | None, state: str | None, overdue: bool,
                limit: int, chunk: int = 1000) -> Iterator[list]:
    """The rows of an export, ``chunk`` at a time (the ids found first, in one read; the rows of
    each chunk loaded as the workbook takes them)."""
    if state and state not in service.WORKFLOW.states:
        raise Invalid(f"没有“{state}”这一状态", field="state")
    at = now()
    store = request.app.state.store
    with store.transaction() as session:
        ids = queries.listing_ids(session, principal, now=at, measure_id=measure_id or None, state=state or None,
                                  overdue=overdue, limit=limit)

    def chunks():
        for start in range(0, len(ids), chunk):
            with store.transaction() as session:
                yield queries.rows_of(session, ids[start:start + chunk], at)

    return chunks()


def figures(request: Request, principal: Principal) -> list:
    with request.app.state.store.transaction() as session:
        return queries.by_measure(session, principal, now())


def monthly(request: Request, principal: Principal, month: str) -> list:
    def work(session):
        return queries.monthly(session, principal, month, now())

    return run(request, work)


def configure_materials(request: Request, principal: Principal, measure_id: str, items) -> list[str]:
    policies = load_default_policies()
    measure = policies.measures.get(measure_id)
    if measure is None:
        raise NotFound(f"没有编号为 {measure_id} 的政策措施", field="measure_id")
    if principal.role != "admin" and not set(principal.units) & set(measure.responsible_units):
        raise Forbidden("只有该政策的责任单位可以配置材料清单")

    def work(session):
        return materials.configure(session, measure_id, items, actor=principal.username, actor_id=principal.user_id,
                                   now=now())

    return run(request, work)
