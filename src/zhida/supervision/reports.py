"""Progress reports: each reporting cycle (monthly by default) the lead units of every active task
report its status (已完成 / 按进度推进 / 滞后 / 未启动), a narrative, figures against the targets
and evidence files. A report is a case of ``data/report.workflow.yaml`` (待报送 → 已报送), due a
few working days after its cycle opens; the clock escalates a late one.

``submit`` checks everything before it writes anything, and writes the report, its evidence rows
and files, the task's latest progress, the workflow step and the audit entry in the caller's one
transaction — never half-saved."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit, notify, workflow
from zhida.errors import ZhidaError
from zhida.supervision import cycles, evidence, roles, settings, tasks
from zhida.supervision.tables import SvEvidence, SvReport, SvTask, SvTaskUnit
from zhida.workflow.engine import _aware
from zhida.workflow.tables import WorkflowCase

STATUSES = {"completed": "已完成", "on_track": "按进度推进", "behind": "滞后", "not_started": "未启动"}
NARRATIVE_MAX = 4000


def _notify(session: Session, *, event: str, units, title: str, body: str, link: str, key: str) -> None:
    recipients = [notify.Recipient.unit(u) for u in dict.fromkeys(units) if u]
    if recipients:
        notify.publish(session, event=event, recipients=recipients, title=title[:255], body=body, link=link,
                       dedupe_key=key[:255])


def _open(session: Session, task: SvTask, unit: str, cycle: str, now: datetime, actor: workflow.Actor) -> SvReport:
    case = workflow.start(session, settings.REPORT_FLOW, subject_type="sv_report", subject_id="0", actor=actor,
                          now=now, unit=unit)
    report = SvReport(task_id=task.id, unit=unit, cycle=cycle, case_id=case.id, due_at=case.due_at,
                      escalated=False, created_at=now)
    session.add(report)
    session.flush()
    case.subject_id = str(report.id)
    return report


def active_tasks(session: Session) -> list[SvTask]:
    return list(session.scalars(select(SvTask).join(WorkflowCase, WorkflowCase.id == SvTask.case_id)
                                .where(WorkflowCase.state == "active").order_by(SvTask.id)))


def open_cycle(session: Session, now: datetime, cycle: str | None = None) -> list[SvReport]:
    """Open the reports of a cycle (default: the one that just ended, per task's cycle kind) for the
    lead units of every active task; a report already opened is left alone."""
    opened = []
    clock = workflow.Actor.system()
    for task in active_tasks(session):
        wanted = cycle if cycle is not None else cycles.previous(task.cycle, now)
        if cycles.kind_of(wanted) != task.cycle:
            continue
        lead = [r.unit for r in session.scalars(select(SvTaskUnit).where(SvTaskUnit.task_id == task.id,
                                                                          SvTaskUnit.role == "lead"))]
        have = set(session.scalars(select(SvReport.unit).where(SvReport.task_id == task.id, SvReport.cycle == wanted)))
        for unit in lead:
            if unit in have:
                continue
            report = _open(session, task, unit, wanted, now, clock)
            opened.append(report)
            _notify(session, event="supervision.report", units=[unit], title=f"请报送督办任务进展（{wanted}）：{task.title}",
                    body=f"请于 {_aware(report.due_at):%Y-%m-%d} 前报送。", link=f"/supervision/tasks/{task.id}",
                    key=f"sv:{task.id}:{unit}:{wanted}:open")
    session.flush()
    return opened


def _figures(task: SvTask, figures) -> list[dict]:
    out = []
    targets = task.targets or []
    for item in figures or []:
        if not isinstance(item, dict) or "target" not in item:
            raise ZhidaError("figures", "完成数应为 {target: 序号, value: 数值} 的列表")
        try:
            index = int(item["target"])
        except (TypeError, ValueError):
            raise ZhidaError("figures", "完成数的目标序号应为整数") from None
        if not 0 <= index < len(targets):
            raise ZhidaError(f"figures[{index}]", "没有这一项目标")
        value = item.get("value")
        if value in (None, ""):
            continue
        try:
            number = Decimal(str(value).replace(",", "").strip())
        except InvalidOperation:
            raise ZhidaError(f"figures[{index}]", f"“{targets[index]['text']}”的完成数“{value}”不是数字") from None
        if not number.is_finite() or number < 0:
            raise ZhidaError(f"figures[{index}]", "完成数应为非负数")
        out.append({"target": index, "value": str(number)})
    return out


def submit(session: Session, person: roles.Person, task_id: int, *, now: datetime, status: str, narrative: str,
           unit: str | None = None, cycle: str | None = None, figures: list[dict] | None = None,
           uploads: list[evidence.Upload] | None = None, version: int | None = None) -> SvReport:
    task = tasks.load(session, person, task_id)
    lead, support = tasks.units_of(session, task.id)
    mine = [u for u in [*lead, *support] if roles.may_report(person, u)]
    if unit is None:
        unit = mine[0] if mine else None
    if unit is None or unit not in mine:
        raise workflow.NotAllowed("unit", "只能由本单位报送本单位承担的任务进展")
    task_case = tasks.case_of(session, task)
    if task_case.state != "active":
        raise workflow.NotAllowed("task", f"任务当前为“{settings.TASK_FLOW.label_of(task_case.state)}”，不能报送进展")
    if status not in STATUSES:
        raise ZhidaError("status", f"进展状态应为：{'、'.join(STATUSES.values())}")
    narrative = (narrative or "").strip()
    if not narrative:
        raise ZhidaError("narrative", "请填写进展情况")
    if len(narrative) > NARRATIVE_MAX:
        raise ZhidaError("narrative", f"进展情况不超过 {NARRATIVE_MAX} 字")
    checked_figures = _figures(task, figures)
    checked_files = evidence.check(uploads or [])
    # the report of the cycle: the one open for this unit (oldest first), else the current cycle's
    query = select(SvReport).join(WorkflowCase, WorkflowCase.id == SvReport.case_id).where(
        SvReport.task_id == task.id, SvReport.unit == unit)
    if cycle is not None:
        report = session.scalar(query.where(SvReport.cycle == cycles.check(cycle)))
    else:
        report = session.scalar(query.where(WorkflowCase.state == "due").order_by(SvReport.cycle))
    actor = workflow.Actor(person.username, frozenset({"reporter"}), person.user_id)
    if report is None:
        wanted = cycle or cycles.current(task.cycle, now)
        report = _open(session, task, unit, wanted, now, actor)
    case = session.get(WorkflowCase, report.case_id)
    workflow.fire(session, settings.REPORT_FLOW, case, "submit", actor=actor, now=now, expected_version=version,
                  data={"status": status})
    report.status, report.narrative, report.figures = status, narrative, checked_figures
    report.submitted_at, report.submitted_by = now, person.username
    report.on_time = report.due_at is None or now <= _aware(report.due_at)
    task.progress, task.figures, task.reported_at = status, checked_figures, now
    audit.record(session, actor=person.username, actor_id=person.user_id, action="sv_report_submit",
                 entity="sv_task", entity_id=str(task.id), before=None,
                 after={"report": report.id, "unit": unit, "cycle": report.cycle, "status": status,
                        "figures": checked_figures, "evidence": [c.filename for c in checked_files],
                        "on_time": report.on_time})
    session.flush()
    for item in checked_files:
        session.add(SvEvidence(report_id=report.id, filename=item.filename, content_type=item.content_type,
                               size=len(item.content), sha256=item.sha256, path=evidence.write(item),
                               uploaded_at=now))
    if status == "completed" and unit in lead:
        workflow.fire(session, settings.TASK_FLOW, task_case, "complete",
                      actor=workflow.Actor(person.username, frozenset({"owner"}), person.user_id), now=now)
        task.completed_at = now
    if status == "behind":
        _notify(session, event="supervision.escalate", units=[settings.load().office],
                title=f"任务滞后：{task.title}", body=f"{unit}报告滞后：{narrative[:300]}",
                link=f"/supervision/tasks/{task.id}", key=f"sv:{report.id}:behind")
    session.flush()
    return report


def of_task(session: Session, task_id: int) -> list[SvReport]:
    return list(session.scalars(select(SvReport).where(SvReport.task_id == task_id)
                                .order_by(SvReport.cycle.desc(), SvReport.id.desc())))


def evidence_of(session: Session, report_ids: list[int]) -> dict[int, list[SvEvidence]]:
    out: dict[int, list[SvEvidence]] = {}
    if report_ids:
        for row in session.scalars(select(SvEvidence).where(SvEvidence.report_id.in_(report_ids))
                                   .order_by(SvEvidence.id)):
            out.setdefault(row.report_id, []).append(row)
    return out


def tick(session: Session, now: datetime) -> dict:
    """The clock: open the cycle that just ended, escalate late reports and tasks past their
    deadline to the unit and the supervising office (督办)."""
    office = settings.load().office
    opened = open_cycle(session, now)
    late_reports = workflow.tick(session, settings.REPORT_FLOW, now)
    for case in late_reports.escalated:
        report = session.get(SvReport, int(case.subject_id))
        report.escalated = True
        task = session.get(SvTask, report.task_id)
        _notify(session, event="supervision.escalate", units=[report.unit, office],
                title=f"督办：{report.unit}未按时报送（{report.cycle}）：{task.title}",
                body=f"报送期限 {_aware(report.due_at):%Y-%m-%d} 已过。", link=f"/supervision/tasks/{task.id}",
                key=f"sv:report:{report.id}:escalate")
    late_tasks = workflow.tick(session, settings.TASK_FLOW, now)
    for case in late_tasks.escalated:
        task = session.get(SvTask, int(case.subject_id))
        lead, _ = tasks.units_of(session, task.id)
        _notify(session, event="supervision.escalate", units=[*lead, office],
                title=f"督办：任务逾期未完成：{task.title}",
                body=f"期限 {task.deadline.isoformat() if task.deadline else '—'} 已过，牵头单位：{'、'.join(lead)}。",
                link=f"/supervision/tasks/{task.id}", key=f"sv:task:{task.id}:escalate:{case.version}")
    session.flush()
    return {"opened": len(opened), "late_reports": len(late_reports.escalated),
            "late_tasks": len(late_tasks.escalated)}
