"""Financing needs: an enterprise (or staff for a library project's owner) posts amount, term and
purpose, and says with which lenders it shares the need and whether its profile goes with it.
Lenders see a need only when it is shared with them (``visible``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.errors import NotFoundOrHidden, ZhidaError
from zhida.finance.lenders import declared, is_lender, lender_units
from zhida.finance.tables import FinanceNeed
from zhida.projects import values
from zhida.workflow import NotAllowed



def _enterprise(session: Session, uscc: str):
    from zhida.enterprises.tables import Enterprise

    return session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))


def post(session: Session, person, data: dict[str, Any], *, now: datetime) -> FinanceNeed:
    if is_lender(person):
        raise NotAllowed("need", "金融机构账户不能发布融资需求")
    uscc = person.uscc if person.role == "enterprise" else values.uscc(data.get("uscc"), "uscc")
    if not uscc:
        raise ZhidaError("uscc", "请填写融资企业的统一社会信用代码")
    project_id = data.get("project_id") or None
    if project_id is not None:
        from zhida.projects.tables import Project

        project = session.get(Project, int(project_id))
        if project is None or project.owner_uscc != uscc:
            raise ZhidaError("project_id", "项目应为本企业在项目库中的项目")
    amount = values.money(data.get("amount"), "amount", required=True)
    if amount <= 0:
        raise ZhidaError("amount", "融资金额应大于 0")
    try:
        term = int(data.get("term_months"))
    except (TypeError, ValueError):
        raise ZhidaError("term_months", "期限应为整数（月）") from None
    if not 0 < term <= 600:
        raise ZhidaError("term_months", "期限应为 1–600 个月")
    purpose = values.text(data.get("purpose"), "purpose", limit=2000, required=True)
    share = data.get("share_lenders") or []
    if isinstance(share, str):
        share = [s for s in share.split(",") if s.strip()]
    share = [s.strip() for s in share]
    if any(s != "*" and s not in declared() for s in share):
        raise ZhidaError("share_lenders", "共享对象应为已登记的金融机构")
    company = _enterprise(session, uscc)
    name = company.name if company else values.text(data.get("enterprise_name"), "enterprise_name", required=True)
    need = FinanceNeed(uscc=uscc, enterprise_name=name, region_code=company.region_code if company else None,
                       project_id=int(project_id) if project_id else None, amount=amount, term_months=term,
                       purpose=purpose, share_lenders=share, share_profile=bool(values.boolean(data.get("share_profile"), "share_profile")),
                       status="open", created_at=now, created_by=person.user_id)
    session.add(need)
    session.flush()
    audit.record(session, actor=person.username, actor_id=person.user_id, action="finance_need_post",
                 entity="finance_need", entity_id=str(need.id), before=None,
                 after={"uscc": uscc, "amount": str(amount), "term_months": term, "share_lenders": share,
                        "share_profile": need.share_profile, "project_id": need.project_id})
    return need


def visible(person):
    """WHERE clause of the needs ``person`` sees (None: all)."""
    if person.role == "admin":
        return None
    if person.role == "enterprise":
        return FinanceNeed.uscc == (person.uscc or "—")
    if is_lender(person):
        from sqlalchemy import String, cast

        text = cast(FinanceNeed.share_lenders, String)
        tests = [text.contains(f'"{u}"') for u in lender_units(person)] + [text.contains('"*"')]
        return or_(*tests)
    region = getattr(person, "region", None)
    if region:
        from zhida.enterprises import regions

        return FinanceNeed.region_code == (regions.scope_code_or_none(region) or "—")
    return None


def shared_with(need: FinanceNeed, lender: str) -> bool:
    return "*" in (need.share_lenders or []) or lender in (need.share_lenders or [])


def get(session: Session, person, need_id: int) -> FinanceNeed:
    query = select(FinanceNeed).where(FinanceNeed.id == need_id)
    scope = visible(person)
    if scope is not None:
        query = query.where(scope)
    need = session.scalar(query)
    if need is None or (is_lender(person) and not any(shared_with(need, u) for u in lender_units(person))):
        raise NotFoundOrHidden("need", f"融资需求 {need_id} 不存在或不在您的范围内（未向您共享）")
    return need


def need_json(need: FinanceNeed, person=None) -> dict[str, Any]:
    from zhida.enterprises import regions
    from zhida.money_format import money

    out = {"id": need.id, "uscc": need.uscc, "enterprise_name": need.enterprise_name,
           "region_code": need.region_code, "region": regions.label(need.region_code) if need.region_code else "—",
           "project_id": need.project_id, "amount": str(need.amount), "amount_text": money(need.amount),
           "term_months": need.term_months, "purpose": need.purpose, "share_lenders": need.share_lenders or [],
           "share_profile": need.share_profile, "status": need.status, "created_at": need.created_at.isoformat()}
    return out
