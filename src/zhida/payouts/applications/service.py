"""An application's life: started from a checkup result, filled and attached by the enterprise,
moved through the declared workflow (``application.workflow.yaml``) by the people who hold a role
on it. Every call works in the caller's session: the application, its workflow case and step,
the ledger's record, the audit entries and the notifications commit together or not at all.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.dates import supported
from zhida.errors import ZhidaError
from zhida.money_format import money
from zhida.payouts import rules_check
from zhida.payouts.applications import attachments, frozen, ledger_link, materials, notices, roles, routing
from zhida.payouts.applications.tables import Application, ApplicationFile, ApplicationSnapshot
from zhida.workflow import NotAllowed, available, fire, load, mirror_subjects
from zhida.workflow import start as start_case
from zhida.workflow import tick as tick_workflow
from zhida.workflow.calendar import BEIJING, beijing_day
from zhida.workflow.tables import WorkflowCase

WORKFLOW = load(Path(__file__).with_name("application.workflow.yaml"))
SUBJECT = "application"
EDITABLE = ("draft", "correcting")  # states in which the enterprise may change its declaration and files
CENT = Decimal("0.01")


def get(session: Session, application_id: int, *, lock: bool = False) -> Application:
    application = session.get(Application, application_id, with_for_update=lock or None)
    if application is None:
        raise ZhidaError("application", f"没有编号为 {application_id} 的申请")
    return application


def case_of(session: Session, application: Application) -> WorkflowCase:
    return session.get(WorkflowCase, application.case_id)


def mirror(application: Application, case: WorkflowCase) -> None:
    """Copy the case's state and its open step's deadline onto the application (what the queue,
    the overdue filter and the figures read, indexed)."""
    application.state = case.state
    application.open_due_at = None if case.closed else case.due_at


def _mirror_cases(session: Session, cases: list[WorkflowCase]) -> None:
    """The engine's hook: after every start and transition of an application's case, whatever
    fired it (this service, the clock, a bulk action, a script), in the same transaction."""
    ids = {int(c.subject_id) for c in cases if c.subject_id.isdigit()}
    found = ([session.get(Application, *ids)] if len(ids) == 1  # the identity map: no query
             else session.scalars(select(Application).where(Application.id.in_(ids))))
    loaded = {a.id: a for a in found if a is not None}
    for case in cases:
        if (application := loaded.get(int(case.subject_id) if case.subject_id.isdigit() else 0)) is not None:
            mirror(application, case)


mirror_subjects(WORKFLOW, _mirror_cases)


def start(session: Session, *, profile, enterprise_name: str | None, measure_id: str, person, now: datetime,
          as_of: date, policies) -> Application:
    """A draft application of ``person``'s enterprise for ``measure_id``, with the facts frozen."""
    if person.role != "enterprise" or not person.uscc or person.uscc != profile.uscc:
        raise NotAllowed("application", "只有申请企业本企业的账户可以发起申请")
    measure = policies.measures.get(measure_id)
    if measure is None:
        raise ZhidaError("measure_id", f"没有编号为 {measure_id} 的政策措施")
    if measure.application == "免申即享":
        raise ZhidaError("measure_id", f"{measure.title}为免申即享，无需申请，由责任单位直接兑现")
    snapshot = rules_check.freeze(profile)
    outcome = rules_check.evaluate(measure, snapshot, as_of, policies)
    if outcome.status != "eligible":
        raise ZhidaError("measure_id", f"按本企业当前信息，{measure.title}不是“可享受”，不能申请兑现")
    route = routing.route(measure, profile.region_code)
    period = str(as_of.year)
    open_one = session.scalar(
        select(Application.id).join(WorkflowCase, WorkflowCase.id == Application.case_id)
        .where(Application.uscc == profile.uscc, Application.measure_id == measure_id,
               Application.period == period, WorkflowCase.closed.is_(False)))
    if open_one is not None:
        raise ZhidaError("measure_id", f"本企业已有该政策{period}年度的申请（编号 {open_one}）在办理中或已兑现")
    application = Application(
        uscc=profile.uscc, enterprise_name=enterprise_name or getattr(profile, "name", None),
        region_code=profile.region_code, measure_id=measure.id, measure_title=measure.title, level=route.level,
        unit=route.unit, district=route.district, payer_unit=route.payer_unit, as_of=as_of, period=period,
        snapshot=ApplicationSnapshot(facts=snapshot, used_facts=frozen.used_facts(measure, profile, as_of, policies)),
        rule_amount=_cents(outcome.amount), materials=materials.for_measure(session, measure, policies), declared=False,
        created_by=person.username, created_at=now)
    session.add(application)
    session.flush()
    actor = roles.actor_of(person, application)
    case = start_case(session, WORKFLOW, subject_type=SUBJECT, subject_id=str(application.id), actor=actor, now=now,
                      unit=route.unit)
    application.case_id = case.id
    session.flush()
    audit.record(session, actor=person.username, actor_id=person.user_id, action="application_create",
                 entity=SUBJECT, entity_id=str(application.id), before=None,
                 after={"uscc": application.uscc, "measure": measure.id, "unit": route.unit, "level": route.level,
                        "district": route.district, "rule_amount": _text(outcome.amount), "as_of": as_of.isoformat()})
    return application


def _cents(amount) -> Decimal | None:
    return None if amount is None else Decimal(amount).quantize(CENT)


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _editable(session: Session, application: Application, person, expected_version: int | None) -> WorkflowCase:
    case = case_of(session, application)
    if "applicant" not in roles.roles_of(person, application):
        raise NotAllowed("application", "只有申请企业可以修改申请")
    if case.state not in EDITABLE:
        raise NotAllowed("application", f"当前为“{WORKFLOW.label_of(case.state)}”，不能修改申请")
    if expected_version is not None and expected_version != case.version:
        from zhida.workflow import StaleCase

        raise StaleCase("application", f"此申请已有变动（现为“{WORKFLOW.label_of(case.state)}”），请刷新后重试")
    return case


def declare(session: Session, application: Application, person, declared: bool, *, now: datetime,
            expected_version: int | None = None) -> None:
    """The declaration (本企业承诺所填信息和所附材料真实、准确、完整)."""
    _editable(session, application, person, expected_version)
    before = {"declared": application.declared}
    application.declared = bool(declared)
    application.declared_at = now if declared else None
    audit.record(session, actor=person.username, actor_id=person.user_id, action="application_declare",
                 entity=SUBJECT, entity_id=str(application.id), before=before, after={"declared": application.declared})


def attach(session: Session, application: Application, person, *, material: str, filename: str | None,
           data: bytes, now: datetime) -> ApplicationFile:
    _editable(session, application, person, None)
    names = [m["name"] for m in application.materials]
    if material not in names:
        raise ZhidaError("material", f"“{material}”不在本申请的材料清单中")
    name = attachments.clean_name(filename)
    kind = attachments.check(data, name)
    digest, key = attachments.save(data)
    row = ApplicationFile(application_id=application.id, material=material, filename=name, kind=kind,
                          size=len(data), sha256=digest, key=key, uploaded_by=person.username, uploaded_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor=person.username, actor_id=person.user_id, action="application_attach",
                 entity=SUBJECT, entity_id=str(application.id), before=None,
                 after={"file": row.id, "material": material, "filename": name, "kind": kind, "size": len(data),
                        "sha256": digest})
    return row


def detach(session: Session, application: Application, person, file_id: int) -> None:
    _editable(session, application, person, None)
    row = session.get(ApplicationFile, file_id)
    if row is None or row.application_id != application.id:
        raise ZhidaError("file", f"本申请没有编号为 {file_id} 的附件")
    session.delete(row)
    audit.record(session, actor=person.username, actor_id=person.user_id, action="application_detach",
                 entity=SUBJECT, entity_id=str(application.id), before={"file": file_id, "filename": row.filename},
                 after=None)


def files(session: Session, application: Application) -> list[ApplicationFile]:
    return list(session.scalars(select(ApplicationFile).where(ApplicationFile.application_id == application.id)
                                .order_by(ApplicationFile.id)))


def missing_materials(session: Session, application: Application) -> list[str]:
    have = {f.material for f in files(session, application)}
    return [m["name"] for m in application.materials if m["name"] not in have]


def parse_amount(raw) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise ZhidaError("amount", f"核准金额“{raw}”不是金额（单位：元）") from None
    if not value.is_finite() or value < 0:
        raise ZhidaError("amount", "核准金额应为不小于 0 的金额（单位：元）")
    if value != value.quantize(CENT):
        raise ZhidaError("amount", "核准金额最多精确到分")
    return value.quantize(CENT)


def last_day(due: datetime | None) -> date | None:
    """The working day a deadline closes (a deadline is the instant that day ends, 24:00 Beijing)."""
    return None if due is None else beijing_day(due - timedelta(seconds=1))


def close_of(day: date) -> datetime:
    """A deadline day as the instant it ends (24:00 Beijing)."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), BEIJING).astimezone(UTC)  # SQLite keeps UTC


def judge(application: Application, policies) -> rules_check.RuleOutcome:
    """The measure's rule on the application's frozen facts — what an approval stands on. The facts,
    the measure and the date never change once the application started, so the outcome may be
    computed before the approval's transaction (``act(…, judged=)``)."""
    return rules_check.evaluate(policies.measures[application.measure_id], application.facts,
                                application.as_of, policies)


def act(session: Session, application: Application, person, transition: str, *, now: datetime, policies,
        expected_version: int | None = None, reason: str | None = None, deadline: date | None = None,
        amount=None, reference: str | None = None, judged: rules_check.RuleOutcome | None = None):
    """Take ``transition`` as ``person``; NotAllowed / StaleCase / ZhidaError change nothing.
    ``judged``: ``judge(application, policies)`` computed by the caller beforehand (else here)."""
    case = case_of(session, application)
    actor = roles.actor_of(person, application)
    reason = (reason or "").strip() or None
    if not any(t.name == transition for t in available(WORKFLOW, case, actor)):
        fire(session, WORKFLOW, case, transition, actor=actor, now=now, expected_version=expected_version)  # raises
        raise AssertionError("unreachable")
    data: dict = {}
    due = None
    if transition in ("submit", "resubmit"):
        if not application.declared:
            raise ZhidaError("declaration", "提交前须勾选承诺声明")
        if missing := missing_materials(session, application):
            raise ZhidaError("materials", f"尚缺材料：{'、'.join(missing)}")
    if transition == "request_correction":
        if deadline is None:
            raise ZhidaError("deadline", "要求补正须给出补正期限")
        if deadline <= beijing_day(now):
            raise ZhidaError("deadline", "补正期限应晚于今天")
        supported(deadline, "deadline", "补正期限")  # 9999-12-31 overflowed its close instant (a 500)
        due = close_of(deadline)
        data["deadline"] = deadline.isoformat()
    approved = outcome = None
    if transition == "approve":
        outcome = judged if judged is not None else judge(application, policies)
        if outcome.status != "eligible":
            raise ZhidaError("approve", "按冻结的企业信息，该政策规则已不成立，不能审核通过")
        rule = _cents(outcome.amount)
        approved = parse_amount(amount) if amount not in (None, "") else rule
        if approved is not None and rule is not None and approved > rule:
            raise ZhidaError("amount", f"核准金额 {money(approved)} 超过政策规则按冻结信息算出的 {money(rule)}，不能多于规则")
        if rule is not None and approved is not None and approved < rule and not reason:
            raise ZhidaError("reason", f"核准金额低于规则金额 {money(rule)}，须写明核减理由")
        data.update({"amount": _text(approved), "rule_amount": _text(rule)})
    if transition == "pay":
        reference = (reference or "").strip() or None
        if reference and len(reference) > 128:
            raise ZhidaError("reference", "拨付凭证号不超过 128 字")
        data["reference"] = reference
    step = fire(session, WORKFLOW, case, transition, actor=actor, now=now, reason=reason, deadline=due,
                expected_version=expected_version, data=data or None)
    if transition in ("submit", "resubmit"):
        application.submitted_at = application.submitted_at or now
    elif transition == "approve":
        application.approved_amount, application.decided_at = approved, now
        application.reduction_reason = reason if (approved is not None and application.rule_amount is not None
                                                  and approved < application.rule_amount) else None
        application.record_id = ledger_link.reserve(session, application, amount=approved, reason=reason,
                                                    actor=actor, now=now, policies=policies, outcome=outcome)
    elif transition in ("refuse", "not_accept"):
        application.decided_at = now
    elif transition == "object":
        ledger_link.cancel(session, application, actor=actor, now=now, reason=reason)
        application.record_id, application.approved_amount, application.decided_at = None, None, None
    elif transition == "pay":
        ledger_link.pay(session, application, actor=actor, now=now, reference=reference)
        application.paid_at, application.payment_reference = now, reference
    elif transition == "claw_back":
        ledger_link.claw_back(session, application, actor=actor, now=now, reason=reason)
    session.flush()
    if transition == "approve":
        audit.record(session, actor=person.username, actor_id=person.user_id, action="application_amount",
                     entity=SUBJECT, entity_id=str(application.id), before={"rule_amount": _text(application.rule_amount)},
                     after={"approved_amount": _text(approved), "record": application.record_id}, detail=reason)
    _tell(session, application, case, transition, reason, now)
    return step


def _tell(session: Session, application: Application, case: WorkflowCase, transition: str, reason: str | None,
          now: datetime) -> None:
    due = last_day(case.due_at).isoformat() if case.due_at else None
    notices.tell(session, application, state_label=WORKFLOW.label_of(case.state), transition=transition,
                 label=WORKFLOW.transitions[transition].label, version=case.version, reason=reason, due=due, at=now)


def tick(session: Session, now: datetime):
    """The clock: publicity periods that ended move on to 拨付; overdue steps go to 督办."""
    result = tick_workflow(session, WORKFLOW, now)
    for case, step in result.fired:
        application = session.scalar(select(Application).where(Application.case_id == case.id))
        if application is not None:
            _tell(session, application, case, step.transition, None, now)
    for case in result.escalated:  # 督办: the unit and the enterprise are told the step is overdue
        application = session.scalar(select(Application).where(Application.case_id == case.id))
        if application is not None:
            spec = WORKFLOW.states[case.state]
            notices.tell(session, application, state_label=spec.label, transition="escalate",
                         label=f"“{spec.label}”超过{spec.limit}个工作日时限，已转督办", version=case.version, reason=None,
                         due=None, at=now, dedupe=f"application:{application.id}:v{case.version}:escalated")
    return result
