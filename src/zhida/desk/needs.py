"""服务需求清单: an enterprise's needs, each with a category, an owner unit, a status and its
history ("动态更新": every change is a history line and an audit entry)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.desk.roles import Person
from zhida.desk.tables import Need, NeedEvent
from zhida.errors import NotFoundOrHidden, ZhidaError

CATEGORIES = {"finance": "融资", "space": "用地/空间", "talent": "人才", "approval": "审批", "market": "市场/场景",
              "payout": "政策兑现", "logistics": "物流/供应链", "other": "其他"}
STATUSES = {"open": "待办", "working": "办理中", "solved": "已解决", "closed": "已关闭"}
OPEN = ("open", "working")


def add(session: Session, person: Person, *, uscc: str, category: str, title: str, now: datetime,
        detail: str | None = None, unit: str | None = None, package_id: int | None = None,
        visit_id: int | None = None) -> Need:
    if person.role not in ("admin", "staff"):
        raise ZhidaError("need", "只有工作人员可以登记服务需求")
    if category not in CATEGORIES:
        raise ZhidaError("category", f"需求类别应为：{'、'.join(CATEGORIES.values())}")
    title = (title or "").strip()
    if not title or len(title) > 255:
        raise ZhidaError("title", "请填写需求内容（不超过 255 字）")
    need = Need(package_id=package_id, uscc=uscc, category=category, title=title, detail=(detail or "").strip() or None,
                unit=(unit or "").strip() or None, status="open", visit_id=visit_id, version=1, created_at=now,
                updated_at=now)
    session.add(need)
    session.flush()
    session.add(NeedEvent(need_id=need.id, at=now, actor=person.username, status="open", note="登记"))
    audit.record(session, actor=person.username, actor_id=person.user_id, action="desk_need_add", entity="desk_need",
                 entity_id=str(need.id), before=None,
                 after={"uscc": uscc, "category": category, "title": title, "unit": need.unit})
    return need


def update(session: Session, person: Person, need_id: int, *, now: datetime, package_id: int, status: str | None = None,
           unit: str | None = None, note: str | None = None, version: int | None = None) -> Need:
    """Status or owner unit changed, with a history line; the caller has checked ``person`` may
    serve the need's enterprise in ``package_id`` (packages.serving)."""
    need = session.get(Need, need_id)
    if need is None or need.package_id != package_id or person.role not in ("admin", "staff"):
        raise NotFoundOrHidden("need", f"需求 {need_id} 不存在或不在您的范围内")
    if version is not None and version != need.version:
        raise ZhidaError("version", "此需求已被他人更新，请刷新后重试")
    if status is not None and status not in STATUSES:
        raise ZhidaError("status", f"状态应为：{'、'.join(STATUSES.values())}")
    before = {"status": need.status, "unit": need.unit, "version": need.version}
    need.status = status or need.status
    need.unit = (unit or "").strip() or need.unit
    need.version += 1
    need.updated_at = now
    session.add(NeedEvent(need_id=need.id, at=now, actor=person.username, status=need.status,
                          note=(note or "").strip()[:1000] or None))
    audit.record(session, actor=person.username, actor_id=person.user_id, action="desk_need_update", entity="desk_need",
                 entity_id=str(need.id), before=before,
                 after={"status": need.status, "unit": need.unit, "version": need.version})
    return need


def of_enterprise(session: Session, uscc: str, open_only: bool = False) -> list[Need]:
    query = select(Need).where(Need.uscc == uscc)
    if open_only:
        query = query.where(Need.status.in_(OPEN))
    return list(session.scalars(query.order_by(Need.id.desc())))


def events(session: Session, need_id: int) -> list[NeedEvent]:
    return list(session.scalars(select(NeedEvent).where(NeedEvent.need_id == need_id).order_by(NeedEvent.id)))
