"""重复诉求并单: a duplicate request follows a main one; when the main one is answered, every
merged requester gets the same answer (and rates it themselves)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit, workflow
from zhida.desk import notices
from zhida.desk.roles import Person
from zhida.desk.tables import DeskRequest
from zhida.errors import ZhidaError
from zhida.workflow.tables import WorkflowCase


def merge(session: Session, person: Person, duplicate_id: int, main_id: int, *, now: datetime,
          version: int | None = None) -> DeskRequest:
    from zhida.desk.requests import FLOW, act, load

    if duplicate_id == main_id:
        raise ZhidaError("main", "不能与自身并单")
    main = load(session, person, main_id).request
    if main.merged_into is not None:
        raise ZhidaError("main", f"诉求 {main_id} 本身已并入 {main.merged_into}，请并入主单")
    main_case = session.get(WorkflowCase, main.case_id)
    if main_case.closed or main_case.state == "merged":
        raise ZhidaError("main", f"主单当前为“{FLOW.label_of(main_case.state)}”，不能再并入")
    duplicate = act(session, person, duplicate_id, "merge", now=now, version=version, reason=f"并入诉求 {main_id}",
                    merging=True)
    duplicate.merged_into = main.id
    audit.record(session, actor=person.username, actor_id=person.user_id, action="desk_request_merge",
                 entity="desk_request", entity_id=str(duplicate.id), before=None, after={"merged_into": main.id})
    if main.answered_at is not None and main_case.state in ("answered",):
        answer_followers(session, main, now)
    return duplicate


def answer_followers(session: Session, main: DeskRequest, now: datetime) -> list[DeskRequest]:
    from zhida.desk.requests import FLOW

    followers = session.scalars(select(DeskRequest).where(DeskRequest.merged_into == main.id)).all()
    clock = workflow.Actor.system("system:并单")
    answered = []
    for follower in followers:
        case = session.get(WorkflowCase, follower.case_id)
        if case.state != "merged":
            continue
        workflow.fire(session, FLOW, case, "follow_answer", actor=clock, now=now, reason=f"随主单 {main.id} 答复")
        follower.answer, follower.citations, follower.answered_at = main.answer, main.citations, now
        follower.unit = main.unit
        notices.send(session, event="desk.answer", enterprise=follower.uscc, title=f"您的诉求已答复：{follower.title}",
                     body=(main.answer or "")[:1000], link=f"/desk/requests/{follower.id}",
                     dedupe_key=f"desk:{follower.id}:answer:{main.reopened}")
        answered.append(follower)
    return answered
