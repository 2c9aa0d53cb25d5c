"""The workflow engine on a real store (SQLite, and PostgreSQL under -m postgres): every
transition walked with the role allowed and refused for each other role, the clock's limits,
lost updates refused, every transition audited."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from zhida.audit.chain import verify
from zhida.audit.tables import AuditEntry
from zhida.errors import ZhidaError
from zhida.store import open_store
from zhida.workflow import Actor, NotAllowed, StaleCase, available, fire, history, load, overdue, start, tick
from zhida.workflow.tables import WorkflowCase

WORKFLOW = load(Path(__file__).with_name("review.workflow.yaml"))
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Beijing
ROLES = ("applicant", "reviewer", "supervisor", "system")


def actor(role: str) -> Actor:
    return Actor(f"user-{role}", frozenset({role}), None)


@pytest.fixture
def store(database_url):
    store = open_store(database_url)
    yield store
    store.close()


def new_case(session):
    return start(session, WORKFLOW, subject_type="thing", subject_id="1", actor=actor("applicant"), now=NOW,
                 unit="市财政局")


def arguments(transition: str) -> dict:
    spec = WORKFLOW.transitions[transition]
    return {"reason": "材料不全" if "reason" in spec.needs else None,
            "deadline": NOW + timedelta(days=5) if "deadline" in spec.needs else None}


def case_in(session, state: str) -> WorkflowCase:
    """A case brought to ``state`` by the allowed roles, along the declared paths."""
    case = new_case(session)
    path = {"draft": [], "review": ["submit"], "correcting": ["submit", "correct"],
            "publicity": ["submit", "approve"], "refused": ["submit", "refuse"]}[state]
    for name in path:
        role = sorted(WORKFLOW.transitions[name].roles)[0]
        fire(session, WORKFLOW, case, name, actor=actor(role), now=NOW, **arguments(name))
    assert case.state == state
    return case


@pytest.mark.parametrize("transition", sorted(WORKFLOW.transitions))
def test_every_transition_is_taken_by_its_role_and_refused_to_every_other(store, transition):
    spec = WORKFLOW.transitions[transition]
    for role in ROLES:
        with store.transaction() as session:
            case = case_in(session, spec.sources[0])
            version = case.version
            if role in spec.roles:
                fire(session, WORKFLOW, case, transition, actor=actor(role), now=NOW, **arguments(transition))
                assert case.state == spec.target and case.version == version + 1
            else:
                with pytest.raises(NotAllowed, match="只有"):
                    fire(session, WORKFLOW, case, transition, actor=actor(role), now=NOW, **arguments(transition))
                assert case.state == spec.sources[0] and case.version == version


def test_a_transition_that_does_not_leave_the_state_is_refused(store):
    with store.transaction() as session:
        case = case_in(session, "draft")
        with pytest.raises(NotAllowed, match="当前为“草稿”，不能审核通过"):
            fire(session, WORKFLOW, case, "approve", actor=actor("reviewer"), now=NOW)
        refused = case_in(session, "refused")
        assert available(WORKFLOW, refused, actor("reviewer")) == []


def test_needs_are_enforced(store):
    with store.transaction() as session:
        case = case_in(session, "review")
        with pytest.raises(ZhidaError, match="须填写理由"):
            fire(session, WORKFLOW, case, "refuse", actor=actor("reviewer"), now=NOW, reason="  ")
        with pytest.raises(ZhidaError, match="须给出期限"):
            fire(session, WORKFLOW, case, "correct", actor=actor("reviewer"), now=NOW, reason="缺营业执照")
        assert case.state == "review"


def test_limits_in_working_days_and_the_correction_deadline(store):
    with store.transaction() as session:
        case = case_in(session, "review")  # 3 working days from Thursday 2026-12-03: Tue 12-08, 24:00 Beijing
        assert case.due_at.replace(tzinfo=UTC) == datetime(2026, 12, 8, 16, 0, tzinfo=UTC)
        deadline = datetime(2026, 12, 20, 16, 0, tzinfo=UTC)
        fire(session, WORKFLOW, case, "correct", actor=actor("reviewer"), now=NOW, reason="缺营业执照",
             deadline=deadline)
        assert case.due_at.replace(tzinfo=UTC) == deadline


def test_the_clock_ends_publicity_and_escalates_overdue_reviews(store):
    with store.transaction() as session:
        public = case_in(session, "publicity")
        waiting = case_in(session, "review")
    with store.transaction() as session:
        assert tick(session, WORKFLOW, NOW + timedelta(days=2)).fired == []
    with store.transaction() as session:
        result = tick(session, WORKFLOW, datetime(2026, 12, 9, 0, 0, tzinfo=UTC))  # review limit passed
        assert [c.id for c in result.escalated] == [waiting.id] and result.fired == []
        assert tick(session, WORKFLOW, datetime(2026, 12, 9, 1, 0, tzinfo=UTC)).escalated == []  # once
    with store.transaction() as session:
        # publicity: 5 working days from Thursday 12-03 → Thursday 12-10, closing 24:00 Beijing
        assert tick(session, WORKFLOW, datetime(2026, 12, 10, 15, 59, tzinfo=UTC)).fired == []
        result = tick(session, WORKFLOW, datetime(2026, 12, 10, 16, 0, tzinfo=UTC))
        assert [(c.id, s.transition) for c, s in result.fired] == [(public.id, "publicity_ends")]
        assert session.get(WorkflowCase, public.id).state == "done"
        assert [c.id for c in overdue(session, WORKFLOW, datetime(2026, 12, 11, tzinfo=UTC))] == [waiting.id]


def test_every_transition_is_audited_and_the_history_kept(store):
    with store.transaction() as session:
        case = case_in(session, "correcting")
        steps = history(session, case.id)
        assert [(s.transition, s.to_state) for s in steps] == [("", "draft"), ("submit", "review"),
                                                               ("correct", "correcting")]
        assert steps[-1].reason == "材料不全" and steps[-1].role == "reviewer"
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["workflow_start", "workflow:submit", "workflow:correct"]
        assert verify(session).intact


def test_a_stale_version_is_refused_and_changes_nothing(store):
    with store.transaction() as session:
        case = case_in(session, "review")
        seen = case.version
        fire(session, WORKFLOW, case, "approve", actor=actor("reviewer"), now=NOW, expected_version=seen)
        with pytest.raises(StaleCase, match="已被他人处理（现为“公示”）"):
            fire(session, WORKFLOW, case, "refuse", actor=actor("reviewer"), now=NOW, reason="x",
                 expected_version=seen)
        assert case.state == "publicity"


def test_two_reviewers_at_once_one_wins(store):
    """Two reviewers saw the case at the same version and act at the same instant: exactly one
    transition lands, the other is told the case moved on (on PostgreSQL the second UPDATE waits
    for the first's row lock, then finds the version changed)."""
    with store.transaction() as session:
        case_id = case_in(session, "review").id
        seen = session.get(WorkflowCase, case_id).version
    barrier, outcomes = threading.Barrier(2), []

    def act(name: str, **kwargs):
        barrier.wait(timeout=10)
        try:
            def work(session):
                case = session.get(WorkflowCase, case_id)
                fire(session, WORKFLOW, case, name, actor=actor("reviewer"), now=NOW, expected_version=seen,
                     **kwargs)
            store.retrying(work)
            outcomes.append(name)
        except StaleCase:
            outcomes.append("stale")

    threads = [threading.Thread(target=act, args=("approve",)),
               threading.Thread(target=act, args=("refuse",), kwargs={"reason": "不符合"})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) in (["approve", "stale"], ["refuse", "stale"])
    with store.transaction() as session:
        case = session.get(WorkflowCase, case_id)
        assert case.version == seen + 1
        assert case.state == {"approve": "publicity", "refuse": "refused"}[next(o for o in outcomes if o != "stale")]
        assert len(history(session, case_id)) == 3


def test_bulk_start_and_fire_do_what_one_by_one_does_with_one_audit_entry_each(store):
    from zhida.workflow import fire_many, start_many

    with store.transaction() as session:
        cases = start_many(session, WORKFLOW, subject_type="thing", subject_ids=[str(n) for n in range(1, 8)],
                           actor=actor("applicant"), now=NOW, unit="市财政局", about=("batch", "7"),
                           data=[{"n": n} for n in range(1, 8)])
        assert [c.subject_id for c in cases] == [str(n) for n in range(1, 8)]
        assert {(c.state, c.version, c.unit) for c in cases} == {("draft", 1, "市财政局")}
        assert fire_many(session, WORKFLOW, cases, "submit", actor=actor("applicant"), now=NOW) == 7
        due = datetime(2026, 12, 8, 16, 0, tzinfo=UTC)  # 3 working days, as for one case
        assert {(c.state, c.version, c.due_at.replace(tzinfo=UTC)) for c in cases} == {("review", 2, due)}
        with pytest.raises(ZhidaError, match="须填写理由"):
            fire_many(session, WORKFLOW, cases[:2], "refuse", actor=actor("reviewer"), now=NOW)
        with pytest.raises(NotAllowed, match="只有审核人员"):
            fire_many(session, WORKFLOW, cases, "approve", actor=actor("applicant"), now=NOW)
        fire_many(session, WORKFLOW, cases[:3], "refuse", actor=actor("reviewer"), now=NOW, reason="不符合")
        with pytest.raises(NotAllowed, match="当前为“不通过”，不能审核通过"):  # checked before anything is written
            fire_many(session, WORKFLOW, cases[2:5], "approve", actor=actor("reviewer"), now=NOW)
        assert [c.state for c in cases[3:5]] == ["review", "review"]
        ids = [c.id for c in cases]
    with store.transaction() as session:  # what the store holds is what the objects said
        stored = {c.id: (c.state, c.version, c.closed) for c in
                  session.scalars(select(WorkflowCase).where(WorkflowCase.id.in_(ids)))}
        assert [stored[i] for i in ids] == [("refused", 3, True)] * 3 + [("review", 2, False)] * 4
        assert [(s.transition, s.to_state, s.reason) for s in history(session, ids[0])] == [
            ("", "draft", None), ("submit", "review", None), ("refuse", "refused", "不符合")]
        assert history(session, ids[6])[0].data == {"n": 7}
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [e.action for e in entries] == ["workflow_start_many", "workflow_fire_many", "workflow_fire_many"]
        assert entries[0].entity == "batch" and entries[0].after["cases"] == [[i, str(n)] for n, i in enumerate(ids, 1)]
        assert entries[2].after["cases"] == [[i, str(n), "review"] for n, i in enumerate(ids[:3], 1)]
        assert entries[2].detail == "不符合" and entries[2].after["step"] == "不通过"
        assert verify(session).intact


def test_bulk_fire_refuses_a_case_moved_since_it_was_read(store):
    from zhida.workflow import fire_many

    with store.transaction() as session:
        cases = [case_in(session, "review") for _ in range(3)]
        ids = [c.id for c in cases]
    with store.transaction() as session:
        mine = [session.get(WorkflowCase, i) for i in ids]
    with store.transaction() as session:  # someone else approves the second one meanwhile
        fire(session, WORKFLOW, session.get(WorkflowCase, ids[1]), "approve", actor=actor("reviewer"), now=NOW)
    with store.transaction() as session:
        stale = [session.merge(c, load=False) for c in mine]
        with pytest.raises(StaleCase):
            fire_many(session, WORKFLOW, stale, "refuse", actor=actor("reviewer"), now=NOW, reason="x")
        session.rollback()
    with store.transaction() as session:
        assert [session.get(WorkflowCase, i).state for i in ids] == ["review", "publicity", "review"]


def test_a_registered_mirror_sees_every_start_transition_and_tick(store):
    from zhida.workflow import engine, fire_many, mirror_subjects, start_many

    seen: list[tuple[str, str]] = []
    mirror_subjects(WORKFLOW, lambda session, cases: seen.extend((c.subject_id, c.state) for c in cases))
    try:
        with store.transaction() as session:
            case = case_in(session, "publicity")
            assert seen == [("1", "draft"), ("1", "review"), ("1", "publicity")]
            tick(session, WORKFLOW, NOW + timedelta(days=30))
            assert seen[-1] == ("1", "done")
            more = start_many(session, WORKFLOW, subject_type="thing", subject_ids=["2", "3"], actor=actor("applicant"),
                              now=NOW)
            fire_many(session, WORKFLOW, more, "submit", actor=actor("applicant"), now=NOW)
            assert seen[-4:] == [("2", "draft"), ("3", "draft"), ("2", "review"), ("3", "review")]
            assert case.state == "done"
    finally:
        engine._MIRRORS.pop(WORKFLOW.name, None)
