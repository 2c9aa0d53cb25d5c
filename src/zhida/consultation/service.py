"""政策征集, as the drafting unit, enterprises and the public meet it.

- ``open_consultation``: a stored document's current version is opened for comments for a period
  of at least the rules' working days (data/rules.yaml); the workflow case closes by the clock.
- ``comment``: anyone comments on a clause of that version while the period runs.
- ``answer``: after the period the drafting unit answers every comment (采纳 / 部分采纳 / 不予采纳
  with the reason / 说明).
- ``publish``: the 意见征集情况说明 — main views, every answer — published before the deadline
  (the period's last day + the rules' days); the commenters with accounts are told.
- ``outcome``: once a newer version of the document is stored, what became of each commented clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhida import audit, workflow
from zhida.dates import supported
from zhida.consultation.tables import Consultation, ConsultationComment
from zhida.errors import NotFoundOrHidden, ZhidaError
from zhida.store.catalog import resolve
from zhida.store.schema import ClauseRow, Document, DocumentVersion
from zhida.workflow import Actor, NotAllowed
from zhida.workflow.calendar import BEIJING, is_workday
from zhida.workflow.tables import WorkflowCase

DATA = Path(__file__).parent / "data"
DECISIONS = {"adopted": "采纳", "partly": "部分采纳", "not_adopted": "不予采纳", "noted": "说明"}
AUTHOR_KINDS = {"enterprise": "企业", "public": "公众", "official": "部门"}
TEXT_MAX = 2000


@cache
def flow() -> workflow.Workflow:
    return workflow.load(DATA / "consultation.workflow.yaml")


@cache
def rules() -> dict[str, Any]:
    return yaml.safe_load((DATA / "rules.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Person:
    """Who acts: role admin / staff / enterprise, or None for a visitor without an account."""

    role: str | None
    name: str
    user_id: int | None = None
    units: tuple[str, ...] = ()
    uscc: str | None = None

    def keeps(self, consultation: Consultation) -> bool:
        """The drafting unit's staff (and the admin) answer and publish."""
        return self.role == "admin" or (self.role == "staff" and consultation.unit in self.units)



def end_of(day: date) -> datetime:
    """The last instant of a Beijing calendar day, in UTC: a period 'until 12月31日' includes that day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=BEIJING).astimezone(UTC)


def today_in_beijing(now: datetime) -> date:
    return now.astimezone(BEIJING).date()


def open_consultation(session: Session, *, document: str, unit: str, opens_on: date, closes_on: date,
                      person: Person, now: datetime) -> Consultation:
    if person.role not in ("admin", "staff") or (person.role == "staff" and unit not in person.units):
        raise NotAllowed("unit", "只有起草单位的工作人员可以发起征集")
    minimum = int(rules()["min_period_working_days"])
    for field, day in (("opens_on", opens_on), ("closes_on", closes_on)):  # 9999-12-31 overflowed (a 500)
        supported(day, field, "日期")
    if closes_on < opens_on:
        raise ZhidaError("closes_on", "截止日期早于开始日期")
    days = sum(is_workday(opens_on + timedelta(days=n))[0] for n in range((closes_on - opens_on).days + 1))
    if days < minimum:
        raise ZhidaError("closes_on", f"征求意见时间应在{minimum}个工作日以上（现为{days}个工作日）："
                                      f"{rules()['min_period_source']['document']}")
    try:
        doc = resolve(session, document)
    except ZhidaError:
        raise NotFoundOrHidden("document", "该政策文件不存在") from None
    version = session.scalars(select(DocumentVersion).where(DocumentVersion.document_id == doc.id,
                                                            DocumentVersion.version == doc.current_version)).one()
    publish_due = closes_on + timedelta(days=int(rules()["publish_within_days"]))
    row = Consultation(document=doc.key, version=version.version, title=version.title or doc.key, unit=unit,
                       opens_on=opens_on, closes_on=closes_on, publish_due=publish_due,
                       created_by=person.name, created_at=now)
    session.add(row)
    session.flush()
    case = workflow.start(session, flow(), subject_type="consultation", subject_id=str(row.id),
                          actor=_actor(person, row), now=now, unit=unit)
    case.due_at = end_of(closes_on)  # the period is a calendar date set here, not a working-day limit
    row.case_id = case.id
    audit.record(session, actor=person.name, actor_id=person.user_id, action="consultation_open",
                 entity="consultation", entity_id=str(row.id), before=None,
                 after={"document": doc.key, "version": version.version, "unit": unit,
                        "opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat(),
                        "publish_due": publish_due.isoformat()})
    return row


def _actor(person: Person, consultation: Consultation) -> Actor:
    roles = {"unit"} if person.keeps(consultation) else set()
    return Actor(person.name, frozenset(roles), person.user_id)


def get(session: Session, consultation_id: int) -> tuple[Consultation, WorkflowCase]:
    row = session.get(Consultation, consultation_id)
    if row is None:
        raise NotFoundOrHidden("consultation", "该征集不存在")
    return row, session.get(WorkflowCase, row.case_id)


def comment(session: Session, consultation_id: int, *, clause_id: str, text: str, person: Person,
            author_name: str | None, now: datetime) -> ConsultationComment:
    row, case = get(session, consultation_id)
    today = today_in_beijing(now)
    if case.state != "open" or not (row.opens_on <= today <= row.closes_on):
        raise NotAllowed("consultation", f"征集期为{row.opens_on.isoformat()}至{row.closes_on.isoformat()}，"
                                         "现不在征集期内")
    text = (text or "").strip()
    if not 2 <= len(text) <= TEXT_MAX:
        raise ZhidaError("text", f"意见应为2–{TEXT_MAX}字")
    if clause_id not in _clause_ids(session, row):
        raise ZhidaError("clause_id", f"征求意见稿中没有条款 {clause_id}")
    if person.role is None:
        name = (author_name or "").strip()
        if not 1 <= len(name) <= 50:
            raise ZhidaError("author_name", "请填写署名（1–50字）")
        kind = "public"
    else:
        name = person.name
        kind = "enterprise" if person.role == "enterprise" else "official"
    item = ConsultationComment(consultation_id=row.id, clause_id=clause_id, author_kind=kind, author_name=name,
                               uscc=person.uscc, user_id=person.user_id, text=text, created_at=now)
    session.add(item)
    session.flush()
    # A visitor without an account leaves no trace beyond the comment itself (no address, no audit actor id).
    audit.record(session, actor=person.name if person.role else "public", actor_id=person.user_id,
                 action="consultation_comment", entity="consultation", entity_id=str(row.id), before=None,
                 after={"comment": item.id, "clause_id": clause_id, "author_kind": kind})
    return item


def _clause_ids(session: Session, row: Consultation) -> set[str]:
    version_id = _version_id(session, row.document, row.version)
    return set(session.scalars(select(ClauseRow.clause_id).where(ClauseRow.version_id == version_id)))


def _version_id(session: Session, key: str, number: int) -> int:
    return session.scalar(select(DocumentVersion.id).join(Document, Document.id == DocumentVersion.document_id)
                          .where(Document.key == key, DocumentVersion.version == number))


def answer(session: Session, comment_id: int, *, decision: str, text: str, person: Person,
           now: datetime) -> ConsultationComment:
    item = session.get(ConsultationComment, comment_id)
    if item is None:
        raise NotFoundOrHidden("comment", "该意见不存在")
    row, case = get(session, item.consultation_id)
    if not person.keeps(row):
        raise NotAllowed("comment", "只有起草单位可以答复意见")
    if case.state != "answering":
        raise NotAllowed("comment", f"当前为“{flow().label_of(case.state)}”，不能答复")
    if decision not in DECISIONS:
        raise ZhidaError("decision", "采纳情况应为：采纳、部分采纳、不予采纳或说明")
    text = (text or "").strip()
    if not text:
        raise ZhidaError("answer", "不予采纳须说明理由" if decision == "not_adopted" else "请填写答复")
    before = {"decision": item.decision, "answer": item.answer}
    item.decision, item.answer, item.answered_by, item.answered_at = decision, text, person.name, now
    audit.record(session, actor=person.name, actor_id=person.user_id, action="consultation_answer",
                 entity="consultation", entity_id=str(row.id), before=before,
                 after={"comment": item.id, "decision": decision, "answer": text})
    return item


def publish(session: Session, consultation_id: int, *, summary: str, person: Person, now: datetime,
            expected_version: int | None = None) -> Consultation:
    from zhida.notify import Recipient, publish as notify

    row, case = get(session, consultation_id)
    comments = _comments(session, row.id)
    open_items = [c for c in comments if c.decision is None]
    if open_items:
        raise ZhidaError("summary", f"还有 {len(open_items)} 条意见未答复，全部答复后才能公布")
    summary = (summary or "").strip() or ("本次征集未收到意见。" if not comments else "")
    if not summary:
        raise ZhidaError("summary", "请填写征集意见的主要观点与总体采纳情况")
    workflow.fire(session, flow(), case, "publish", actor=_actor(person, row), now=now,
                  expected_version=expected_version)
    row.summary, row.published_at = summary, now
    recipients = list(dict.fromkeys(
        Recipient.enterprise(c.uscc) if c.uscc else Recipient.user(c.user_id)
        for c in comments if c.uscc or c.user_id))
    if recipients:
        notify(session, event="consultation.published", recipients=recipients,
               title=f"意见征集情况说明已公布：{row.title[:40]}", body=summary[:500],
               link=f"/consultations/{row.id}", dedupe_key=f"consultation.published:{row.id}", at=now)
    return row


def tick(session: Session, now: datetime) -> dict[str, int]:
    """The clock: periods that ended are closed (the publication deadline set), late publications
    are escalated to the supervisor once."""
    moved = workflow.tick(session, flow(), now)
    for case, _ in moved.fired:
        row = session.scalars(select(Consultation).where(Consultation.case_id == case.id)).one()
        case.due_at = end_of(row.publish_due)
    late = workflow.tick(session, flow(), now)
    return {"closed": len(moved.fired), "escalated": len(moved.escalated) + len(late.escalated)}


def _comments(session: Session, consultation_id: int) -> list[ConsultationComment]:
    return list(session.scalars(select(ConsultationComment).where(ConsultationComment.consultation_id ==
                                                                  consultation_id).order_by(ConsultationComment.id)))


def listing(session: Session) -> list[dict[str, Any]]:
    counts = dict(session.execute(select(ConsultationComment.consultation_id, func.count())
                                  .group_by(ConsultationComment.consultation_id)).all())
    rows = session.execute(select(Consultation, WorkflowCase.state).join(WorkflowCase,
                                                                         WorkflowCase.id == Consultation.case_id)
                           .order_by(Consultation.closes_on.desc(), Consultation.id.desc())).all()
    return [{"id": r.id, "title": r.title, "document": r.document, "unit": r.unit, "opens_on": r.opens_on.isoformat(),
             "closes_on": r.closes_on.isoformat(), "publish_due": r.publish_due.isoformat(), "state": state,
             "state_label": flow().label_of(state), "comments": counts.get(r.id, 0)} for r, state in rows]


def detail(session: Session, consultation_id: int, person: Person, now: datetime) -> dict[str, Any]:
    """The draft's clauses with the comments the person may see: before publication the unit sees
    all, a commenter their own; after publication everyone sees every comment and its answer."""
    row, case = get(session, consultation_id)
    keeper = person.keeps(row)
    published = case.state == "published"
    version_id = _version_id(session, row.document, row.version)
    clauses = session.execute(select(ClauseRow.clause_id, ClauseRow.labels, ClauseRow.text)
                              .where(ClauseRow.version_id == version_id).order_by(ClauseRow.position)).all()
    visible = [c for c in _comments(session, row.id)
               if published or keeper or (person.user_id is not None and c.user_id == person.user_id)]
    outcome = outcome_of(session, row) if published or keeper else {}
    by_clause: dict[str, list[dict]] = {}
    for c in visible:
        by_clause.setdefault(c.clause_id, []).append({
            "id": c.id, "clause_id": c.clause_id, "author_kind": AUTHOR_KINDS[c.author_kind],
            "author": c.author_name if (published or keeper or c.user_id == person.user_id) else "",
            "text": c.text, "created_at": c.created_at.isoformat(), "decision": c.decision,
            "decision_zh": DECISIONS.get(c.decision or "", ""), "answer": c.answer if (published or keeper) else None,
            "clause_outcome": outcome.get(c.clause_id)})
    today = today_in_beijing(now)
    return {
        "id": row.id, "title": row.title, "document": row.document, "version": row.version, "unit": row.unit,
        "opens_on": row.opens_on.isoformat(), "closes_on": row.closes_on.isoformat(),
        "publish_due": row.publish_due.isoformat(), "state": case.state, "state_label": flow().label_of(case.state),
        "case_version": case.version, "summary": row.summary if published or keeper else None,
        "published_at": row.published_at.isoformat() if row.published_at else None,
        "accepting": case.state == "open" and row.opens_on <= today <= row.closes_on,
        "keeper": keeper, "overdue": case.state == "answering" and today > row.publish_due,
        "total_comments": session.scalar(select(func.count()).select_from(ConsultationComment)
                                         .where(ConsultationComment.consultation_id == row.id)),
        "clauses": [{"id": cid, "labels": labels, "text": text, "comments": by_clause.get(cid, [])}
                    for cid, labels, text in clauses],
        "final_version": outcome.get("__version__"),
        "rules": {"min_period": rules()["min_period_source"], "publish": rules()["publish_source"]},
    }


def outcome_of(session: Session, row: Consultation) -> dict[str, Any]:
    """Clause id of the draft → what the newest stored version did to it (未修改 / 修改 with the inline
    changes / 删除 / 调整序号), once a newer version than the draft exists."""
    from zhida.lifecycle.diff import compare_clauses

    current = session.scalar(select(Document.current_version).where(Document.key == row.document))
    if current is None or current <= row.version:
        return {}
    texts = {}
    for number in (row.version, current):
        texts[number] = [(cid, text) for cid, text in session.execute(
            select(ClauseRow.clause_id, ClauseRow.text).where(ClauseRow.version_id ==
                                                              _version_id(session, row.document, number))
            .order_by(ClauseRow.position))]
    changes, _ = compare_clauses(texts[row.version], texts[current])
    out: dict[str, Any] = {"__version__": current}
    for change in changes:
        if change.old_id is not None:
            out[change.old_id] = {"change": change.change, "change_zh": change.change_zh, "new_id": change.new_id,
                                  "segments": [list(s) for s in change.segments]}
    for clause_id, _ in texts[row.version]:
        out.setdefault(clause_id, {"change": "unchanged", "change_zh": "未修改", "new_id": clause_id, "segments": []})
    return out
