"""Facts change: re-evaluate approved and paid records on the enterprise's current facts.

A record whose rule no longer holds on today's profile (the status is no longer eligible, or the
rule now allows less than was approved) is flagged for review (``flagged``) with the reasons —
never clawed back silently: a reviewer keeps it (``ledger.clear_flag``) or claws it back
(``ledger.claw_back``), both with reasons. An enterprise not in the store cannot be re-checked
and is reported as such (unknown is not a failure).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida.enterprises.profile import EnterpriseProfile
from zhida.enterprises.tables import Enterprise
from zhida.matching.match import load_default_policies
from zhida.money_format import yuan as money
from zhida.payouts import rules_check
from zhida.payouts.ledger import Approver, _change, now_utc
from zhida.payouts.tables import PayoutRecord


@dataclass
class Rechecked:
    record_id: int
    outcome: str  # holds | flagged | no_profile | unknown_measure
    reason: str | None = None


def recheck(session: Session, *, actor: Approver, uscc: str | None = None, measure_id: str | None = None,
            profiles: dict[str, EnterpriseProfile] | None = None, policies=None,
            now: datetime | None = None) -> list[Rechecked]:
    """Every approved or paid record (of ``uscc`` / ``measure_id`` when given) against current facts:
    ``profiles`` (uscc → profile) when given, else the store's enterprise profiles."""
    policies = policies or load_default_policies()
    now = now or now_utc()
    query = select(PayoutRecord).where(PayoutRecord.status.in_(("approved", "paid"))).order_by(PayoutRecord.id)
    if uscc:
        query = query.where(PayoutRecord.uscc == uscc)
    if measure_id:
        query = query.where(PayoutRecord.measure_id == measure_id)
    out = []
    for record in session.scalars(query.with_for_update()).all():
        measure = policies.measures.get(record.measure_id)
        if measure is None:
            out.append(Rechecked(record.id, "unknown_measure", "规则已不存在"))
            continue
        profile = (profiles or {}).get(record.uscc) if profiles is not None else _stored(session, record.uscc)
        if profile is None:
            out.append(Rechecked(record.id, "no_profile", "库中没有该企业的当前信息，无法复核"))
            continue
        outcome = rules_check.evaluate(measure, rules_check.freeze(profile), record.as_of, policies)
        reason = None
        if outcome.status != "eligible":
            why = "；".join(outcome.failing) or "所需信息现已不全"
            reason = f"按企业当前信息，{measure.title}不再成立（{why}）"
        elif outcome.amount is not None and outcome.amount < record.amount:
            reason = f"按企业当前信息，规则金额为 {money(outcome.amount)}，低于已核准的 {money(record.amount)}"
        if reason is None:
            out.append(Rechecked(record.id, "holds"))
            continue
        _change(session, record, "flagged", actor, "payout_flag", reason, now)
        out.append(Rechecked(record.id, "flagged", reason))
    return out


def has_records(session: Session, uscc: str) -> bool:
    """Any approved or paid record of this enterprise (the cheap test before a recheck)."""
    return session.scalar(select(PayoutRecord.id).where(PayoutRecord.uscc == uscc,
                                                        PayoutRecord.status.in_(("approved", "paid"))).limit(1)) is not None


def _stored(session: Session, uscc: str) -> EnterpriseProfile | None:
    row = session.scalars(select(Enterprise.profile_json).where(Enterprise.uscc == uscc)).first()
    return None if row is None else EnterpriseProfile.model_validate(row)
