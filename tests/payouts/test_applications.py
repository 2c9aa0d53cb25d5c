"""Applications through their package, on SQLite and PostgreSQL (-m postgres): every transition of
the declared workflow taken by the role allowed and refused for every other person; facts frozen
and the rule's amount a ceiling; a half-failed submit leaves nothing; the clock ends publicity."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from zhida.audit.chain import verify
from zhida.audit.tables import AuditEntry
from zhida.errors import ZhidaError
from zhida.matching.match import load_default_policies
from zhida.payouts.applications import notices, progress, queries, routing, service
from zhida.payouts.applications.tables import Application, ApplicationFile
from zhida.store import open_store
from zhida.workflow import NotAllowed, StaleCase
from zhida.workflow.tables import WorkflowCase, WorkflowStep

from .application_fixtures import AS_OF, MEASURE, NOW, PDF, RULE_AMOUNT, people, profile

WORKFLOW = service.WORKFLOW
POLICIES = load_default_policies()
# the path from a new draft to each state, and the person taking each step
PATHS = {
    "draft": [], "submitted": ["submit"], "reviewing": ["submit", "accept"],
    "correcting": ["submit", "accept", "request_correction"], "approved": ["submit", "accept", "approve"],
    "publicity": ["submit", "accept", "approve", "publish"],
    "paying": ["submit", "accept", "approve", "publish", "publicity_ends"],
    "paid": ["submit", "accept", "approve", "publish", "publicity_ends", "pay"],
}
TAKER = {"submit": "applicant", "resubmit": "applicant", "withdraw": "applicant", "accept": "acceptor",
         "not_accept": "acceptor", "request_correction": "reviewer", "approve": "reviewer", "refuse": "reviewer",
         "publish": "reviewer", "object": "reviewer", "pay": "payer", "claw_back": "payer"}


@pytest.fixture
def store(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIDA_ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    store = open_store(database_url)
    yield store
    store.close()


PROFILE = profile()
PEOPLE = people(PROFILE.uscc)


def arguments(transition: str) -> dict:
    spec = WORKFLOW.transitions[transition]
    return {"reason": "材料不全" if "reason" in spec.needs else None,
            "deadline": date(2026, 12, 10) if "deadline" in spec.needs else None}


def draft(session) -> Application:
    application = service.start(session, profile=PROFILE, enterprise_name="忻州测试装备有限公司", measure_id=MEASURE,
                                person=PEOPLE["applicant"], now=NOW, as_of=AS_OF, policies=POLICIES)
    service.declare(session, application, PEOPLE["applicant"], True, now=NOW)
    for item in application.materials:
        service.attach(session, application, PEOPLE["applicant"], material=item["name"], filename="材料.pdf", data=PDF,
                       now=NOW)
    return application


def assert_mirrored(session, application: Application) -> None:
    """The application row's copy of its case (what the queue and the figures read) is the case's."""
    session.flush()
    mine, due, state, closed, case_due = session.execute(
        select(Application.state, Application.open_due_at, WorkflowCase.state, WorkflowCase.closed, WorkflowCase.due_at)
        .join(WorkflowCase, WorkflowCase.id == Application.case_id).where(Application.id == application.id)).one()
    assert mine == state
    assert due == (None if closed else case_due)


def bring(session, state: str) -> Application:
    application = draft(session)
    assert_mirrored(session, application)
    for name in PATHS[state]:
        if name == "publicity_ends":
            service.tick(session, NOW + timedelta(days=30))
        else:
            service.act(session, application, PEOPLE[TAKER[name]], name, now=NOW, policies=POLICIES,
                        **arguments(name))
        assert_mirrored(session, application)
    assert service.case_of(session, application).state == state
    return application


HUMAN = sorted(t for t in WORKFLOW.transitions if t != "publicity_ends")


@pytest.mark.parametrize("transition", HUMAN)
def test_every_transition_by_its_role_and_refused_to_every_other_person(store, transition):
    spec = WORKFLOW.transitions[transition]
    source = next(s for s in spec.sources if s in PATHS)
    for who, person in PEOPLE.items():
        with store.transaction() as session:
            application = bring(session, source)
            case = service.case_of(session, application)
            version = case.version
            allowed = bool(spec.roles & service.roles.roles_of(person, application))
            assert allowed == (who in spec.roles or (who == "reviewer" and "acceptor" in spec.roles)
                               or (who == "acceptor" and "reviewer" in spec.roles)), (transition, who)
            if allowed:
                service.act(session, application, person, transition, now=NOW, policies=POLICIES,
                            **arguments(transition))
                assert case.state == spec.target and case.version == version + 1
                assert_mirrored(session, application)
            else:
                with pytest.raises(NotAllowed):
                    service.act(session, application, person, transition, now=NOW, policies=POLICIES,
                                **arguments(transition))
                assert case.state == source and case.version == version
            session.rollback()


def test_the_copied_state_follows_transitions_fired_outside_the_service(store):
    """The mirror is the workflow engine's hook: a transition fired straight through
    ``zhida.workflow`` (a script, another mechanism, the engine's own clock) still updates the
    application row the queues read."""
    from zhida.workflow import Actor, fire, tick

    with store.transaction() as session:
        application = bring(session, "submitted")
        case = service.case_of(session, application)
        fire(session, WORKFLOW, case, "accept", actor=Actor("gxj", frozenset({"acceptor"})), now=NOW)
        assert application.state == "reviewing" and application.open_due_at == case.due_at is not None
        assert_mirrored(session, application)
        fire(session, WORKFLOW, case, "approve", actor=Actor("gxj", frozenset({"reviewer"})), now=NOW)
        fire(session, WORKFLOW, case, "publish", actor=Actor("gxj", frozenset({"reviewer"})), now=NOW)
        assert application.state == "publicity"
        tick(session, WORKFLOW, NOW + timedelta(days=30))  # the engine's clock, not service.tick
        assert application.state == "paying" and application.open_due_at == case.due_at
        assert_mirrored(session, application)
    with store.transaction() as session:
        stored = session.get(Application, application.id)
        assert stored.state == "paying"
        assert session.scalar(select(func.count()).select_from(Application).where(
            Application.state != select(WorkflowCase.state).where(WorkflowCase.id == Application.case_id)
            .scalar_subquery())) == 0


def test_the_clock_alone_ends_publicity_after_five_working_days(store):
    with store.transaction() as session:
        application = bring(session, "publicity")
        case = service.case_of(session, application)
        for person in PEOPLE.values():
            with pytest.raises(NotAllowed):
                service.act(session, application, person, "publicity_ends", now=NOW, policies=POLICIES)
        # 5 working days from Thursday 2026-12-03: Thursday 12-10, closing 24:00 Beijing (16:00 UTC)
        assert service.tick(session, NOW + timedelta(days=7, hours=13, minutes=59)).fired == []
        fired = service.tick(session, NOW + timedelta(days=7, hours=14)).fired
        assert [(c.id, s.transition) for c, s in fired] == [(case.id, "publicity_ends")]
        assert case.state == "paying"


def test_facts_are_frozen_and_the_rule_amount_is_a_ceiling(store):
    with store.transaction() as session:
        application = bring(session, "reviewing")
        assert application.rule_amount == Decimal(RULE_AMOUNT)
        assert application.facts["profile"]["uscc"] == PROFILE.uscc
        labels = {f["label"] for f in application.used_facts}
        assert any("首台套" in label or "装备" in label for label in labels), labels
        with pytest.raises(ZhidaError, match="超过政策规则按冻结信息算出的 28.00 万元，不能多于规则"):
            service.act(session, application, PEOPLE["reviewer"], "approve", now=NOW, policies=POLICIES,
                        amount="280000.01")
        assert service.case_of(session, application).state == "reviewing"
        with pytest.raises(ZhidaError, match="须写明核减理由"):
            service.act(session, application, PEOPLE["reviewer"], "approve", now=NOW, policies=POLICIES,
                        amount="200000")
        service.act(session, application, PEOPLE["reviewer"], "approve", now=NOW, policies=POLICIES,
                    amount="200000", reason="购置发票金额核减")
        assert application.approved_amount == Decimal("200000.00")
        assert application.reduction_reason == "购置发票金额核减"


def test_an_application_starts_only_for_an_eligible_measure_of_its_own_enterprise(store):
    with store.transaction() as session:
        with pytest.raises(NotAllowed):
            service.start(session, profile=PROFILE, enterprise_name=None, measure_id=MEASURE,
                          person=PEOPLE["other_enterprise"], now=NOW, as_of=AS_OF, policies=POLICIES)
        with pytest.raises(ZhidaError, match="不是“可享受”"):
            service.start(session, profile=PROFILE, enterprise_name=None, measure_id="bj2022.sme-equipment-deduction",
                          person=PEOPLE["applicant"], now=NOW, as_of=AS_OF, policies=POLICIES)
        draft(session)
        with pytest.raises(ZhidaError, match="已有该政策2022年度的申请"):
            draft(session)


def test_submit_needs_the_declaration_and_every_material(store):
    with store.transaction() as session:
        application = service.start(session, profile=PROFILE, enterprise_name=None, measure_id=MEASURE,
                                    person=PEOPLE["applicant"], now=NOW, as_of=AS_OF, policies=POLICIES)
        with pytest.raises(ZhidaError, match="承诺声明"):
            service.act(session, application, PEOPLE["applicant"], "submit", now=NOW, policies=POLICIES)
        service.declare(session, application, PEOPLE["applicant"], True, now=NOW)
        with pytest.raises(ZhidaError, match="尚缺材料"):
            service.act(session, application, PEOPLE["applicant"], "submit", now=NOW, policies=POLICIES)
        with pytest.raises(ZhidaError, match="不是可接受的文件类型"):
            service.attach(session, application, PEOPLE["applicant"], material=application.materials[0]["name"],
                           filename="伪装.pdf", data=b"MZ\x90\x00 an executable", now=NOW)


def test_a_half_failed_submit_leaves_nothing(store, monkeypatch):
    with store.transaction() as session:
        application_id = draft(session).id
        audits = session.scalar(select(func.count()).select_from(AuditEntry))

    def broken(*args, **kwargs):
        raise RuntimeError("通知写入失败")

    monkeypatch.setattr(notices, "tell", broken)
    with pytest.raises(RuntimeError):
        with store.transaction() as session:
            application = service.get(session, application_id)
            service.act(session, application, PEOPLE["applicant"], "submit", now=NOW, policies=POLICIES)
    with store.transaction() as session:
        application = service.get(session, application_id)
        assert service.case_of(session, application).state == "draft"
        assert application.submitted_at is None
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == audits
        assert session.scalar(select(func.count()).select_from(WorkflowStep)
                              .where(WorkflowStep.case_id == application.case_id)) == 1
        assert verify(session).intact


def test_a_stale_version_is_refused(store):
    with store.transaction() as session:
        application = bring(session, "reviewing")
        seen = service.case_of(session, application).version
        service.act(session, application, PEOPLE["reviewer"], "approve", now=NOW, policies=POLICIES,
                    expected_version=seen)
        with pytest.raises(StaleCase):
            service.act(session, application, PEOPLE["reviewer"], "refuse", now=NOW, policies=POLICIES,
                        expected_version=seen, reason="不符合")


def test_progress_shows_the_step_its_deadline_and_what_comes_next(store):
    with store.transaction() as session:
        application = bring(session, "correcting")
        seen = progress.of(session, application, PEOPLE["applicant"], NOW)
        assert seen.state_label == "补正" and seen.due_day == "2026-12-10"
        assert [s.label for s in seen.steps] == ["创建申请", "提交申请", "受理", "要求补正"]
        assert seen.steps[-1].reason == "材料不全"
        assert "重新提交" in seen.next_text
        assert {a["name"] for a in seen.actions} == {"resubmit", "withdraw"}
        late = progress.of(session, application, PEOPLE["applicant"], NOW + timedelta(days=10))
        assert late.overdue


def test_lists_follow_the_roles(store):
    with store.transaction() as session:
        bring(session, "reviewing")
        counts = {who: queries.listing(session, p, now=NOW)[0] for who, p in PEOPLE.items()}
        assert counts == {"applicant": 1, "acceptor": 1, "reviewer": 1, "payer": 1, "supervisor": 1,
                          "other_enterprise": 0, "other_unit": 0, "other_district": 0}
        figures = queries.by_measure(session, PEOPLE["reviewer"], NOW + timedelta(days=30))
        assert figures[0].by_state == {"reviewing": 1} and figures[0].overdue == 1


def test_queue_filters_and_figures_read_the_mirrored_state_and_count_each_application_once(store):
    from .application_fixtures import person

    with store.transaction() as session:
        refused = bring(session, "reviewing")
        service.act(session, refused, PEOPLE["reviewer"], "refuse", now=NOW, policies=POLICIES, reason="不符合")
        correcting = bring(session, "correcting")  # due 2026-12-10 (its correction deadline)
        reviewer, payer = PEOPLE["reviewer"], PEOPLE["payer"]
        both = person(8, "both", "staff", units=("市工信局", "市财政局"))  # routed to and paid by: counted once
        total, rows = queries.listing(session, reviewer, now=NOW, state="refused")
        assert total == 1 and [r.id for r in rows] == [refused.id] and rows[0].state_label == "不通过"
        assert [r.id for r in queries.listing(session, payer, now=NOW, state="correcting")[1]] == [correcting.id]
        later = NOW + timedelta(days=20)
        assert [r.id for r in queries.listing(session, reviewer, now=later, overdue=True)[1]] == [correcting.id]
        assert queries.listing(session, reviewer, now=NOW, overdue=True)[0] == 0
        assert [r.id for r in queries.listing(session, both, now=NOW)[1]] == [correcting.id, refused.id]
        for who in (reviewer, payer, both, PEOPLE["supervisor"]):
            (figures,) = queries.by_measure(session, who, later)
            assert figures.total == 2 and figures.by_state == {"refused": 1, "correcting": 1}, who.username
            assert figures.overdue == 1 and figures.title == refused.measure_title
        assert queries.by_measure(session, PEOPLE["other_unit"], later) == []
        assert queries.by_measure(session, PEOPLE["other_district"], later) == []


def test_routing_by_the_measure_jurisdiction_and_the_enterprise_district():
    city = routing.route(POLICIES.measures[MEASURE], "140902")
    assert (city.level, city.unit, city.district, city.payer_unit) == ("市级", "市工信局", None, "市财政局")
    district = routing.route(POLICIES.measures["cy2022.social-insurance-deferral-sme"], "110105")
    assert (district.level, district.unit, district.district, district.payer_unit) == ("区级", "区人力社保局", "110105",
                                                                                       "区财政局")
    with pytest.raises(ZhidaError, match="适用区域不符"):
        routing.route(POLICIES.measures["cy2022.social-insurance-deferral-sme"], "110108")


def test_every_step_is_audited(store):
    with store.transaction() as session:
        application = bring(session, "paid")
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "application",
                                                                  AuditEntry.entity_id == str(application.id))
                                  .order_by(AuditEntry.id)).all()
        assert [a for a in actions if a.startswith("workflow:")] == [
            "workflow:submit", "workflow:accept", "workflow:approve", "workflow:publish", "workflow:publicity_ends",
            "workflow:pay"]
        assert "application_create" in actions and "application_attach" in actions
        assert application.paid_at is not None
        assert session.scalar(select(func.count()).select_from(ApplicationFile)) == len(application.materials)
        assert session.get(WorkflowCase, application.case_id).closed is False  # 追回 stays possible


def test_an_overdue_step_goes_to_the_supervisor_once_and_is_told(store):
    from zhida import notify

    with store.transaction() as session:
        application = bring(session, "submitted")  # 2 working days to accept: Monday 12-07, 24:00 Beijing
        assert service.tick(session, NOW + timedelta(days=4)).escalated == []
        late = service.tick(session, NOW + timedelta(days=5))
        assert [c.id for c in late.escalated] == [application.case_id]
        assert service.tick(session, NOW + timedelta(days=6)).escalated == []
        total, items = notify.inbox(session, PEOPLE["applicant"])
        assert any("已转督办" in item.title for item in items), [i.title for i in items]
        assert queries.listing(session, PEOPLE["reviewer"], now=NOW + timedelta(days=5), overdue=True)[0] == 1


def test_the_unit_configures_the_materials_when_the_text_says_none(store):
    from zhida.payouts.applications import materials

    with store.transaction() as session:
        with pytest.raises(ZhidaError, match="至少一项"):
            materials.configure(session, MEASURE, " \n ", actor="gxj", actor_id=2, now=NOW)
        materials.configure(session, MEASURE, "首台套认定文件\n购置合同及发票", actor="gxj", actor_id=2, now=NOW)
        application = service.start(session, profile=PROFILE, enterprise_name=None, measure_id=MEASURE,
                                    person=PEOPLE["applicant"], now=NOW, as_of=AS_OF, policies=POLICIES)
        assert [(m["name"], m["basis"]) for m in application.materials] == [("首台套认定文件", "unit"),
                                                                           ("购置合同及发票", "unit")]
