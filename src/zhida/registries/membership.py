"""Membership with history: entering (or moving tier), leaving, who was on a list on a date.

Every change is audited in its transaction and mirrored into the enterprise's profile
(``EnterpriseProfile.registries``), where ``zhida.enterprises.facts`` reads the registry's
membership facts as of any date — so matching, the checkup (a new profile revision) and the
batch population (an audited enterprise write) all see it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.dates import supported
from zhida.enterprises.tables import Enterprise
from zhida.errors import ZhidaError
from zhida.registries import figures_cache
from zhida.registries.definition import Registry
from zhida.registries.tables import WAYS, Membership


def _now() -> datetime:
    return datetime.now(UTC)


def current(session: Session, registry: str, uscc: str, on: date) -> Membership | None:
    """The stay valid on ``on``."""
    query = select(Membership).where(Membership.registry_name == registry, Membership.uscc == uscc,
                                     Membership.valid_from <= on,
                                     or_(Membership.valid_to.is_(None), Membership.valid_to >= on))
    return session.scalars(query.order_by(Membership.valid_from.desc())).first()




def _valid_to(reg: Registry, start: date) -> date | None:
    if not reg.validity_years:
        return None
    try:
        end = start.replace(year=start.year + reg.validity_years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + reg.validity_years, day=28)
    return end - timedelta(days=1)


def enter(session: Session, reg: Registry, *, uscc: str, name: str, tier: str | None, on: date, way: str,
          actor: str, actor_id: int | None = None, proposal_id: int | None = None,
          valid_to: date | None = None, region_code: str | None = None, industry_code: str | None = None,
          mirror: bool = True) -> tuple[Membership, bool]:
    """Put ``uscc`` on the list at ``tier`` from ``on``; (membership, changed). A member at another
    tier moves: the old stay ends the day before. Already there at that tier: unchanged."""
    if way not in WAYS:
        raise ZhidaError("way", f"入库方式“{way}”无效")
    supported(on, "on", "入库日期")  # 9999-12-31 + 有效期 3 年 left the calendar (ValueError → 500)
    tier = reg.tier(tier).code
    held = current(session, reg.name, uscc, on)
    if held is not None and held.tier == tier:
        return held, False
    if held is not None:
        moved = "升至" if reg.rank(tier) > reg.rank(held.tier) else "调整为"
        _end(session, held, on - timedelta(days=1), f"{moved}{reg.tier_label(tier)}", actor, actor_id)
    ent = session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    row = Membership(registry_name=reg.name, uscc=uscc, name=name or (ent.name if ent else uscc),
                     region_code=region_code or (ent.region_code if ent else None),
                     industry_code=industry_code or (ent.industry_code if ent else None), tier=tier,
                     valid_from=on, valid_to=valid_to or _valid_to(reg, on), way=way, proposal_id=proposal_id,
                     created_at=_now())
    session.add(row)
    session.flush()
    figures_cache.changed(session, reg.name)
    audit.record(session, actor=actor, actor_id=actor_id, action="registry_enter", entity="registry_membership",
                 entity_id=f"{reg.name}:{uscc}", before=None if held is None else {"tier": held.tier},
                 after={"tier": tier, "valid_from": on.isoformat(), "way": way, "id": row.id})
    if mirror:
        mirror_profile(session, uscc, actor, actor_id)
    return row, True


def _end(session: Session, row: Membership, last_day: date, reason: str, actor: str, actor_id: int | None) -> None:
    before = {"valid_to": row.valid_to.isoformat() if row.valid_to else None}
    row.valid_to, row.ended_reason = last_day, reason
    figures_cache.changed(session, row.registry_name)
    audit.record(session, actor=actor, actor_id=actor_id, action="registry_leave", entity="registry_membership",
                 entity_id=f"{row.registry_name}:{row.uscc}", before=before,
                 after={"valid_to": last_day.isoformat(), "tier": row.tier, "id": row.id}, detail=reason)


def leave(session: Session, reg: Registry, *, uscc: str, last_day: date, reason: str, actor: str,
          actor_id: int | None = None) -> Membership:
    """End the open stay of ``uscc`` on ``last_day`` (移出), with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ZhidaError("reason", "移出企业库须填写理由")
    held = current(session, reg.name, uscc, last_day)
    if held is None:
        raise ZhidaError("uscc", f"{uscc} 不在{reg.label}中")
    if last_day < held.valid_from:
        raise ZhidaError("last_day", "移出日期早于入库日期")
    _end(session, held, last_day, reason, actor, actor_id)
    session.flush()
    mirror_profile(session, uscc, actor, actor_id)
    return held


def mirror_profile(session: Session, uscc: str, actor: str, actor_id: int | None) -> bool:
    """Copy the enterprise's stays on every registry into its profile (audited as an enterprise
    edit); False if the enterprise is not stored (a national list names enterprises elsewhere)."""
    ent = session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    if ent is None:
        return False
    rows = session.scalars(select(Membership).where(Membership.uscc == uscc)
                           .order_by(Membership.registry_name, Membership.valid_from)).all()
    entries = [{"registry": r.registry_name, "tier": r.tier, "valid_from": r.valid_from.isoformat(),
                "valid_to": r.valid_to.isoformat() if r.valid_to else None} for r in rows]
    profile = dict(ent.profile_json)
    before = profile.get("registries")
    if before == entries:
        return True
    profile["registries"] = entries
    ent.profile_json = profile
    audit.record(session, actor=actor, actor_id=actor_id, action="registry_mirror", entity="enterprise",
                 entity_id=uscc, before={"registries": before}, after={"registries": entries})
    return True


def members_on(session: Session, registry: str, day: date, *, tier: str | None = None,
               region: str | None = None, offset: int = 0, limit: int | None = None,
               after: str | None = None, before: str | None = None) -> tuple[int, list[Membership]]:
    """Who was on the list on ``day`` (from history), ordered by USCC; (total, the page).

    Keyset pages: ``after`` (the page after that USCC) or ``before`` (the page before it) walk the
    (registry, uscc) or (registry, tier, uscc) index from that point — as fast on the 300th page
    as on the first; ``offset`` is kept for the API's numbered pages."""
    from sqlalchemy import func

    query = select(Membership).where(Membership.registry_name == registry, Membership.valid_from <= day,
                                     or_(Membership.valid_to.is_(None), Membership.valid_to >= day))
    if tier:
        query = query.where(Membership.tier == tier)
    if region:
        query = query.where(Membership.region_code == region)
    # ``uscc > ''`` (true of every USCC) steers SQLite's planner to the indexes in USCC order: the
    # count of one tier reads the covering (registry, tier, uscc, valid_from, valid_to) index, a page
    # walks it (or (registry, uscc)) from its start instead of sorting every member valid on the day
    counted = query.where(Membership.uscc > "") if tier else query
    total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    if before is not None:
        page = query.where(Membership.uscc < before).order_by(Membership.uscc.desc())
        return total, list(reversed(session.scalars(page.limit(limit) if limit is not None else page).all()))
    query = query.where(Membership.uscc > (after or ""))
    page = query.order_by(Membership.uscc).offset(offset)
    if limit is not None:
        page = page.limit(limit)
    return total, list(session.scalars(page))


def member_usccs(session: Session, registry: str, day: date) -> dict[str, str]:
    """USCC → tier of every member on ``day``."""
    rows = session.execute(select(Membership.uscc, Membership.tier).where(
        Membership.registry_name == registry, Membership.valid_from <= day,
        or_(Membership.valid_to.is_(None), Membership.valid_to >= day)))
    return {u: t for u, t in rows}
