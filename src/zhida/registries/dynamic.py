"""动态管理: at each batch run, members who no longer meet their tier's criteria in force are
flagged with the reasons (the conditions that fail, or the facts missing to decide) and the keeping
unit is told (registries.notices, same transaction); the unit then removes them (membership.leave,
the enterprise is told) or keeps them, which resolves the flag."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.registries import notices
from zhida.registries.criteria import Verdict
from zhida.registries.definition import Registry
from zhida.registries.tables import Flag, Membership


def reasons_of(v: Verdict) -> list[str]:
    out = [f"不满足：{label}" for label in v.failing]
    out += [f"无法判断（缺少信息）：{label}" for label in v.unknown]
    return out or ["不在本企业库的适用范围内（注册地或主体类型）"]


def flag_lapsed(session: Session, reg: Registry, verdicts: list[Verdict], on: date, actor: str) -> list[Flag]:
    """Flag every member on ``on`` whose tier's criteria are not met (ineligible, or undetermined
    with the facts named); a member already flagged and unresolved is not flagged twice. Members
    the criteria do not reach at all (no verdict: another region) are flagged as out of scope; a
stay the unit already ended (移出, or moved to another tier) is not."""
    by_key = {(v.uscc, v.tier): v for v in verdicts}
    run_tiers = {v.tier for v in verdicts}
    from sqlalchemy import or_

    members = session.scalars(select(Membership).where(
        Membership.registry_name == reg.name, Membership.valid_from <= on, Membership.ended_reason.is_(None),
        or_(Membership.valid_to.is_(None), Membership.valid_to >= on))).all()
    flagged = set(session.scalars(select(Flag.membership_id).where(Flag.registry_name == reg.name, Flag.resolved.is_(False))))
    shared = None if reg.ladder else next(iter(run_tiers), None)
    out = []
    for m in members:
        tier = m.tier if reg.ladder else shared
        if tier not in run_tiers or m.id in flagged:
            continue
        v = by_key.get((m.uscc, tier))
        if v is not None and v.status == "eligible":
            continue
        if v is None:
            v = Verdict(m.uscc, tier, "not_applicable", (), (), ())
        flag = Flag(registry_name=reg.name, uscc=m.uscc, membership_id=m.id, tier=m.tier, evaluated_on=on,
                    status=v.status, reasons=reasons_of(v), resolved=False, created_at=datetime.now(UTC))
        session.add(flag)
        session.flush()
        audit.record(session, actor=actor, actor_id=None, action="registry_flag", entity="registry_membership",
                     entity_id=f"{reg.name}:{m.uscc}", before=None,
                     after={"flag": flag.id, "status": v.status, "reasons": flag.reasons})
        out.append(flag)
    notices.flagged(session, reg, out, {m.id: m.name for m in members}, on)
    return out


def resolve(session: Session, reg: Registry, flag_id: int, *, keep: bool, reason: str, on: date, actor: str,
            actor_id: int | None = None) -> Flag:
    """The unit's answer to a flag: keep the member (with the reason) or remove it from ``on``."""
    from zhida.errors import ZhidaError
    from zhida.registries import membership

    flag = session.get(Flag, flag_id)
    if flag is None or flag.registry_name != reg.name or flag.resolved:
        raise ZhidaError("flag", "没有这条待处理的动态管理提示")
    if not (reason or "").strip():
        raise ZhidaError("reason", "处理动态管理提示须填写理由")
    if not keep:
        membership.leave(session, reg, uscc=flag.uscc, last_day=on, reason=reason, actor=actor, actor_id=actor_id)
        notices.removed(session, reg, flag, reason.strip(), on)
    flag.resolved = True
    audit.record(session, actor=actor, actor_id=actor_id, action="registry_flag_resolve", entity="registry_membership",
                 entity_id=f"{reg.name}:{flag.uscc}", before={"flag": flag.id},
                 after={"keep": keep}, detail=reason)
    return flag
