"""One batch run of a registry over the store's enterprises: candidates proposed for review and
lapsed members flagged, in one transaction (the CLI, the web and the scheduler call this)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from zhida import audit
from zhida.registries import candidates as cand
from zhida.registries import criteria, dynamic, membership, review
from zhida.registries.definition import Registry


@dataclass
class RunResult:
    candidates: cand.CandidateList
    proposed: int
    flagged: int


def population(store, on: date) -> Path:
    from zhida.batch.population import facts_file

    return facts_file(store, on)


def run(store, reg: Registry, on: date, *, actor: str, actor_id: int | None = None, policies=None,
        engine=None, facts: Path | None = None, propose: bool = True) -> RunResult:
    from zhida.matching.match import load_default_policies

    policies = policies or load_default_policies()
    if not criteria.tiers_to_run(reg, on):
        from zhida.errors import ZhidaError

        raise ZhidaError("on", f"{on.isoformat()} 没有适用的{reg.label}认定标准")
    facts = facts or population(store, on)
    with store.transaction() as session:
        members = membership.member_usccs(session, reg.name, on)
    if cand.on_duckdb(engine):  # one pass over the facts for the list, one over the members' rows
        from zhida.registries.scan import Scan

        with Scan(reg, on, facts, policies, members, engine) as scan:
            found = cand.CandidateList(scan.candidates(), scan.tiers)
            verdicts = scan.member_verdicts()
    else:
        done = criteria.execute(reg, on, facts, policies, engine)
        found = cand.CandidateList(cand.table(reg, done, members), done.tiers)
        verdicts = done.verdicts(list(members))  # the members' own verdicts, for 动态管理
    proposed = flagged = 0
    if propose:
        with store.transaction() as session:
            proposed = review.propose_candidates(session, reg, found, on, review.proposer(actor, actor_id))
            flagged = len(dynamic.flag_lapsed(session, reg, verdicts, on, actor))
            audit.record(session, actor=actor, actor_id=actor_id, action="registry_batch", entity="registry",
                         entity_id=reg.name, before=None,
                         after={"on": on.isoformat(), "candidates": len(found), "proposed": proposed,
                                "flagged": flagged})
    return RunResult(found, proposed, flagged)
