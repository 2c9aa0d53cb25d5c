"""诉求: submit from any source and move through the declared chain (``data/request.workflow.yaml``).

Every change goes through ``zhida.workflow.fire`` (roles checked against the declaration, the
version the actor saw compared, the step audited) and the request row records what the figures
count, in the same transaction. ``act`` is the one entry point for a step; the step's own
effects (派单 sets the unit and 会商单位, 反馈 stores the answer and the clauses it cites, 评价
closes or reopens) are applied only after the engine accepted the transition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit, workflow
from zhida.desk import offices, notices
from zhida.desk.roles import Person, may_see, roles_on
from zhida.desk.tables import DeskCitation, DeskConsult, DeskObjection, DeskRequest
from zhida.errors import NotFoundOrHidden, ZhidaError
from zhida.workflow.calendar import beijing_day, working_days_between
from zhida.workflow.tables import WorkflowCase

FLOW = workflow.load(Path(__file__).parent / "data" / "request.workflow.yaml")
SOURCES = {"web": "网上提交", "phone": "电话记录", "visit": "走访发现", "hotline": "12345工单"}
KINDS = {"consult": "咨询", "help": "求助", "complaint": "投诉", "suggestion": "建议"}
RATINGS = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
TEXT_MAX = 4000



@dataclass(frozen=True)
class Loaded:
    request: DeskRequest
    case: WorkflowCase
    roles: frozenset[str]


def _text(value: str | None, where: str, label: str, limit: int = TEXT_MAX, required: bool = True) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ZhidaError(where, f"请填写{label}")
        return None
    if len(value) > limit:
        raise ZhidaError(where, f"{label}不超过 {limit} 字")
    return value


def actor_of(person: Person, roles: frozenset[str]) -> workflow.Actor:
    return workflow.Actor(person.username, roles, person.user_id)


def submit(session: Session, person: Person, *, text: str, now: datetime, title: str | None = None,
           kind: str = "consult", category: str | None = None, uscc: str | None = None,
           requester: str | None = None, contact: str | None = None, source: str | None = None,
           ticket_id: str | None = None, receiving_unit: str | None = None, enterprise_line: bool | None = None,
           suggestion: dict | None = None, need_id: int | None = None, visit_id: int | None = None) -> DeskRequest:
    """A new request. An enterprise submits on the web for its own USCC, received by the 涉企专席;
    staff record a phone call, a visit finding or a 12345 ticket, received by their own unit (or
    the hotline's), which then owns it until it is dispatched (首接负责)."""
    book = offices.load()
    text = _text(text, "text", "诉求内容")
    if kind not in KINDS:
        raise ZhidaError("kind", f"诉求性质应为：{'、'.join(KINDS.values())}")
    if person.role == "enterprise":
        source, uscc = "web", person.uscc
        receiving_unit = book.enterprise_line
        enterprise_line = True
    else:
        source = source or "phone"
        if source not in SOURCES or source == "web":
            raise ZhidaError("source", f"工作人员登记的来源应为：{'、'.join(v for k, v in SOURCES.items() if k != 'web')}")
        if source == "hotline":
            receiving_unit = receiving_unit or book.hotline
        elif person.role == "staff":
            if receiving_unit and receiving_unit not in person.units:
                raise ZhidaError("receiving_unit", "首接单位应为您所在的单位之一")
            receiving_unit = receiving_unit or (person.units[0] if person.units else None)
        receiving_unit = receiving_unit or book.enterprise_line
        if uscc:
            from zhida.enterprises.uscc import USCCError, check_normalized

            try:
                uscc = check_normalized(uscc.strip().upper())
            except USCCError as exc:
                raise ZhidaError("uscc", f"统一社会信用代码有误：{exc.zh}") from None
    category = category or (suggestion or {}).get("category") or book.classify(text)
    book.type(category)
    line = "enterprise" if (enterprise_line if enterprise_line is not None else bool(uscc)) else "general"
    request = DeskRequest(
        ticket_id=ticket_id, source=source, line=line, kind=kind, category=category, uscc=uscc,
        requester=_text(requester, "requester", "诉求人", 255, required=False) or (uscc or "匿名诉求人"),
        contact=_text(contact, "contact", "联系方式", 64, required=False),
        title=_text(title, "title", "标题", 255, required=False) or text[:40], text=text,
        receiving_unit=receiving_unit, unit=receiving_unit, co_units=[], received_at=now,
        month=beijing_day(now).strftime("%Y-%m"), suggestion=suggestion, citations=[], reopened=0, overdue=0,
        need_id=need_id, visit_id=visit_id, created_by=person.user_id)
    session.add(request)
    session.flush()
    case = workflow.start(session, FLOW, subject_type="desk_request", subject_id=str(request.id),
                          unit=receiving_unit, now=now,
                          actor=workflow.Actor(person.username, frozenset({person.role}), person.user_id))
    request.case_id = case.id
    audit.record(session, actor=person.username, actor_id=person.user_id, action="desk_request_submit",
                 entity="desk_request", entity_id=str(request.id), before=None,
                 after={"source": source, "kind": kind, "category": category, "uscc": uscc, "unit": receiving_unit,
                        "ticket_id": ticket_id})
    notices.send(session, event="desk.request", units=[receiving_unit], title=f"新诉求待受理：{request.title}",
                 body=text[:500], link=f"/desk/requests/{request.id}", dedupe_key=f"desk:{request.id}:submit")
    return request


def load(session: Session, person: Person, request_id: int, *, for_update: bool = False) -> Loaded:
    request = session.get(DeskRequest, request_id)
    if request is None or not may_see(person, request):
        raise NotFoundOrHidden("request", f"诉求 {request_id} 不存在或不在您的范围内")
    case = session.get(WorkflowCase, request.case_id)
    return Loaded(request, case, roles_on(person, request))


def available(loaded: Loaded, person: Person) -> list[workflow.Transition]:
    return workflow.available(FLOW, loaded.case, actor_of(person, loaded.roles))


def act(session: Session, person: Person, request_id: int, transition: str, *, now: datetime,
        version: int | None = None, reason: str | None = None, unit: str | None = None,
        co_units: list[str] | None = None, answer: str | None = None, citations: list[dict] | None = None,
        rating: str | None = None, solved: bool | None = None, merging: bool = False) -> DeskRequest:
    if transition == "merge" and not merging:
        raise ZhidaError("transition", "并单须指明主单（merging.merge）")
    loaded = load(session, person, request_id)
    request, case = loaded.request, loaded.case
    book = offices.load()
    # the step's own input is checked first: a refused step changes nothing
    if transition in ("dispatch", "redispatch"):
        unit = offices.canonical(_text(unit, "unit", "承办单位", 255))
        co_units = [offices.canonical(u) for u in dict.fromkeys(co_units or []) if u and u.strip()]
        co_units = [u for u in co_units if u != unit]
    if transition in ("answer", "answer_direct"):
        answer = _text(answer, "answer", "答复内容")
        citations = _citations(citations)
    if transition == "rate_ok":
        if rating not in ("satisfied", "basic"):
            raise ZhidaError("rating", "评价应为“满意”或“基本满意”（不满意请选择重办）")
    if transition == "rate_bad":
        rating = "unsatisfied"
    late = case.due_at is not None and workflow.engine._aware(case.due_at) < now
    already_counted = case.escalated_at is not None
    due = case.due_at
    before_state = case.state
    workflow.fire(session, FLOW, case, transition, actor=actor_of(person, loaded.roles), now=now, reason=reason,
                  expected_version=version, unit=unit if transition in ("dispatch", "redispatch") else None,
                  data={k: v for k, v in {"unit": unit, "co_units": co_units, "rating": rating,
                                          "solved": solved}.items() if v not in (None, [])} or None)
    if late and not already_counted:
        request.overdue += 1
    since = _entered(request, before_state)
    link = f"/desk/requests/{request.id}"
    if transition == "accept":
        request.accepted_at, request.days_accept = now, working_days_between(since, now)
    elif transition in ("dispatch", "redispatch"):
        request.unit, request.dispatched_at = unit, now
        request.days_dispatch = working_days_between(request.accepted_at or request.received_at, now)
        request.co_units = co_units
        _set_consults(session, request, co_units)
        if transition == "redispatch":
            _decide(session, request, person, "upheld", now, unit)
        notices.send(session, event="desk.dispatch", units=[unit, *co_units], title=f"派单：{request.title}",
                     body=f"请在时限内签收办理。{('会商单位：' + '、'.join(co_units)) if co_units else ''}", link=link,
                     dedupe_key=f"desk:{request.id}:dispatch:{case.version}")
    elif transition == "sign":
        request.signed_at = now
        request.days_sign = working_days_between(request.dispatched_at or now, now)
        if request.responded_in_time is None:
            request.responded_in_time = due is None or now <= workflow.engine._aware(due)
    elif transition == "object":
        session.add(DeskObjection(request_id=request.id, unit=request.unit, reason=reason, suggested_unit=unit,
                                  by=person.username, at=now))
        notices.send(session, event="desk.objection", units=[book.supervisor], title=f"派单异议待裁定：{request.title}",
                     body=reason or "", link=link, dedupe_key=f"desk:{request.id}:object:{case.version}")
    elif transition == "keep":
        _decide(session, request, person, "rejected", now, None)
    elif transition in ("answer", "answer_direct"):
        if transition == "answer_direct" and request.responded_in_time is None:
            request.responded_in_time = due is None or now <= workflow.engine._aware(due)
        _answer(session, request, person, answer, citations, now)
    elif transition == "rate_ok":
        request.rating, request.solved, request.rated_at, request.closed_at = rating, solved, now, now
    elif transition == "rate_bad":
        request.rating, request.solved, request.rated_at = rating, False if solved is None else solved, now
        request.reopened += 1
        request.closed_at = None
        notices.send(session, event="desk.reopen", units=[request.unit], title=f"诉求人不满意，重办：{request.title}",
                     body=reason or "", link=link, dedupe_key=f"desk:{request.id}:reopen:{case.version}")
    elif transition in ("refuse", "close_unrated"):
        request.closed_at = now
    session.flush()
    return request


def _entered(request: DeskRequest, state: str) -> datetime:
    return {"submitted": request.received_at, "accepted": request.accepted_at or request.received_at,
            "dispatched": request.dispatched_at, "handling": request.signed_at}.get(state) or request.received_at


def _citations(citations: list[dict] | None) -> list[dict]:
    out = []
    for c in citations or []:
        if not isinstance(c, dict) or not c.get("document") or not c.get("clause_id"):
            raise ZhidaError("citations", "引用的条款应给出文件与条款")
        out.append({"document": str(c["document"])[:64], "clause_id": str(c["clause_id"])[:64],
                    "cite": str(c.get("cite") or "")[:500], "quote": str(c.get("quote") or "")[:1000]})
    return out


def _answer(session: Session, request: DeskRequest, person: Person, answer: str, citations: list[dict],
            now: datetime) -> None:
    request.answer, request.citations, request.answered_at = answer, citations, now
    request.days_handle = working_days_between(request.signed_at or request.accepted_at or request.received_at, now)
    for c in citations:
        session.add(DeskCitation(request_id=request.id, document=c["document"], clause_id=c["clause_id"],
                                 cite=c["cite"], kind=request.kind, unit=request.unit, month=request.month))
    notices.send(session, event="desk.answer", enterprise=request.uscc, title=f"您的诉求已答复：{request.title}",
                 body=answer[:1000], link=f"/desk/requests/{request.id}",
                 dedupe_key=f"desk:{request.id}:answer:{request.reopened}")
    from zhida.desk.merging import answer_followers

    answer_followers(session, request, now)


def _set_consults(session: Session, request: DeskRequest, units: list[str]) -> None:
    existing = {c.unit: c for c in session.scalars(select(DeskConsult).where(DeskConsult.request_id == request.id))}
    for name, row in existing.items():
        if name not in units and row.opinion is None:
            session.delete(row)
    for name in units:
        if name not in existing:
            session.add(DeskConsult(request_id=request.id, unit=name))


def _decide(session: Session, request: DeskRequest, person: Person, decision: str, now: datetime,
            new_unit: str | None) -> None:
    pending = session.scalars(select(DeskObjection).where(DeskObjection.request_id == request.id,
                                                          DeskObjection.decision.is_(None))).all()
    for objection in pending:
        objection.decision, objection.decided_by, objection.decided_at = decision, person.username, now
        objection.new_unit = new_unit


def give_opinion(session: Session, person: Person, request_id: int, opinion: str, now: datetime) -> DeskConsult:
    """会商: a co-unit's opinion on a request being handled by the lead unit."""
    loaded = load(session, person, request_id)
    if "co_handler" not in loaded.roles:
        raise workflow.NotAllowed("request", "只有会商单位可以提交会商意见")
    if loaded.case.closed or loaded.case.state not in ("dispatched", "handling"):
        raise workflow.NotAllowed("request", f"当前为“{FLOW.label_of(loaded.case.state)}”，不能提交会商意见")
    opinion = _text(opinion, "opinion", "会商意见")
    row = session.scalar(select(DeskConsult).where(DeskConsult.request_id == request_id,
                                                   DeskConsult.unit.in_(list(person.units))))
    before = {"opinion": row.opinion}
    row.opinion, row.by, row.at = opinion, person.username, now
    audit.record(session, actor=person.username, actor_id=person.user_id, action="desk_consult_opinion",
                 entity="desk_request", entity_id=str(request_id), before=before,
                 after={"unit": row.unit, "opinion": opinion})
    notices.send(session, event="desk.consult", units=[loaded.request.unit], title=f"会商意见：{loaded.request.title}",
                 body=opinion[:500], link=f"/desk/requests/{request_id}",
                 dedupe_key=f"desk:{request_id}:opinion:{row.unit}:{now.isoformat()}")
    return row


def tick(session: Session, now: datetime) -> workflow.Tick:
    """The clock: overdue steps escalate to the supervising unit (督办, counted once per step);
    answers not rated within the limit close."""
    result = workflow.tick(session, FLOW, now)
    book = offices.load()
    ids = {int(c.subject_id) for c in result.escalated} | {int(c.subject_id) for c, _ in result.fired}
    rows = {r.case_id: r for r in session.scalars(select(DeskRequest).where(DeskRequest.id.in_(ids)))} if ids else {}
    for case in result.escalated:
        request = rows[case.id]
        request.overdue += 1
        notices.send(session, event="desk.escalate", units=[book.supervisor, case.unit],
                     title=f"督办：{request.title}（{FLOW.label_of(case.state)}超时）",
                     body=f"承办：{case.unit}。已超过{FLOW.states[case.state].limit}个工作日时限。",
                     link=f"/desk/requests/{request.id}", dedupe_key=f"desk:{request.id}:escalate:{case.version}")
    for case, _ in result.fired:
        rows[case.id].closed_at = now
    session.flush()
    return result


def history(session: Session, request: DeskRequest) -> list[dict[str, Any]]:
    return [{"at": s.at, "step": FLOW.transitions[s.transition].label if s.transition else "登记",
             "state": FLOW.label_of(s.to_state), "actor": s.actor, "reason": s.reason, "data": s.data}
            for s in workflow.history(session, request.case_id)]
