"""Ways in (企业申请、区级推荐、批量候选) and the keeping unit's review, through the declared
workflow ``data/review.workflow.yaml``: accept (入库, from the review date) or reject with a
reason, one by one or in bulk; every step audited by the workflow engine."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import workflow
from zhida.enterprises.tables import Enterprise
from zhida.errors import ZhidaError
from zhida.registries import membership
from zhida.registries.candidates import Candidate
from zhida.registries.definition import Registry
from zhida.registries.tables import WAYS, Proposal
from zhida.workflow.tables import WorkflowCase

FLOW = workflow.load(Path(__file__).parent / "data" / "review.workflow.yaml")
SUBJECT = "registry_proposal"


def keeper(name: str, user_id: int | None = None) -> workflow.Actor:
    return workflow.Actor(name, frozenset({"keeper"}), user_id)


def proposer(name: str, user_id: int | None = None) -> workflow.Actor:
    return workflow.Actor(name, frozenset({"proposer"}), user_id)


def _now() -> datetime:
    return datetime.now(UTC)


def open_proposal(session: Session, registry: str, uscc: str) -> Proposal | None:
    return session.scalar(select(Proposal).where(Proposal.registry_name == registry, Proposal.uscc == uscc,
                                                 Proposal.open.is_(True)))


def propose(session: Session, reg: Registry, *, uscc: str, tier: str | None, way: str, actor: workflow.Actor,
            on: date, note: str | None = None, name: str | None = None, region_code: str | None = None,
            industry_code: str | None = None, version: str | None = None,
            pending: Iterable[str] = (), now: datetime | None = None) -> Proposal:
    """A proposal waiting for review; ZhidaError if one is already open or the tier is unknown."""
    if way not in WAYS:
        raise ZhidaError("way", f"入库方式“{way}”无效")
    tier = reg.tier(tier).code
    if open_proposal(session, reg.name, uscc) is not None:
        raise ZhidaError("uscc", f"{uscc} 已有待审核的入库申请")
    held = membership.current(session, reg.name, uscc, on)
    if held is not None and (not reg.ladder or reg.rank(held.tier) >= reg.rank(tier)):
        raise ZhidaError("uscc", f"{uscc} 已在{reg.label}中（{reg.tier_label(held.tier)}）")
    ent = session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    if ent is None and name is None:
        raise ZhidaError("uscc", f"未找到统一社会信用代码为 {uscc} 的企业")
    now = now or _now()
    case = workflow.start(session, FLOW, subject_type=SUBJECT, subject_id="new", actor=actor, now=now, unit=reg.unit)
    row = Proposal(registry_name=reg.name, tier=tier, uscc=uscc, name=name or ent.name,
                   region_code=region_code or (ent.region_code if ent else None),
                   industry_code=industry_code or (ent.industry_code if ent else None), way=way,
                   proposed_by=actor.name, note=(note or "").strip() or None, criteria_version=version,
                   pending=list(pending) or None, evaluated_on=on, case_id=case.id, open=True, created_at=now)
    session.add(row)
    session.flush()
    case.subject_id = str(row.id)
    return row


def propose_candidates(session: Session, reg: Registry, candidates: list[Candidate], on: date,
                       actor: workflow.Actor) -> int:
    """Each candidate without an open proposal becomes one (idempotent across batch runs)."""
    already = set(session.scalars(select(Proposal.uscc).where(Proposal.registry_name == reg.name, Proposal.open.is_(True))))
    added = 0
    for c in candidates:
        if c.uscc in already:
            continue
        propose(session, reg, uscc=c.uscc, tier=c.tier, way="candidate", actor=actor, on=on, name=c.name,
                region_code=c.region_code, industry_code=c.industry_code, version=c.version, pending=c.pending)
        added += 1
    return added


def decide(session: Session, reg: Registry, ids: Iterable[int], decision: str, *, actor: workflow.Actor,
           on: date, reason: str | None = None, tier: str | None = None, now: datetime | None = None) -> list[Proposal]:
    """Accept or reject proposals of ``reg`` (bulk): each transition checked and audited; an
    accepted one enters the list from ``on``. All or nothing: the caller's transaction."""
    if decision not in ("accept", "reject"):
        raise ZhidaError("decision", "审核结论须为通过或不予入库")
    ids = list(dict.fromkeys(int(i) for i in ids))
    if not ids:
        raise ZhidaError("ids", "请至少选择一家企业")
    rows = session.scalars(select(Proposal).where(Proposal.id.in_(ids), Proposal.registry_name == reg.name)).all()
    if len(rows) != len(ids):
        raise ZhidaError("ids", "所选企业中有不属于本企业库的申请")
    now = now or _now()
    cases = {c.id: c for c in session.scalars(select(WorkflowCase).where(
        WorkflowCase.id.in_([r.case_id for r in rows])))}
    for row in rows:
        workflow.fire(session, FLOW, cases[row.case_id], decision, actor=actor, now=now, reason=reason,
                      data={"tier": tier or row.tier})
        row.open = False
        if decision == "accept":
            membership.enter(session, reg, uscc=row.uscc, name=row.name, tier=tier or row.tier, on=on, way=row.way,
                             actor=actor.name, actor_id=actor.user_id, proposal_id=row.id,
                             region_code=row.region_code, industry_code=row.industry_code)
    return list(rows)


def state_of(session: Session, proposal: Proposal) -> str:
    case = session.get(WorkflowCase, proposal.case_id)
    return FLOW.label_of(case.state) if case else ""
