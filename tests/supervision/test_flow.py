"""Drafts stored and confirmed, units reporting only for themselves, evidence checked, never
half-saved, the clock escalating late reports and overdue tasks to the unit and the office,
the matrix, the per-unit figures and the score — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from zhida import workflow
from zhida.audit.tables import AuditEntry
from zhida.errors import ZhidaError
from zhida.notify.tables import Message, MessageRecipient
from zhida.supervision import reports, tasks, views
from zhida.supervision.evidence import Upload
from zhida.supervision.tables import SvEvidence, SvReport, SvTask

from .conftest import ADMIN, ENTERPRISE, FGW, GYJ, JXJ, OFFICE

XINZHOU = "003_4b22abcac525f172"
NOW = datetime(2022, 6, 1, 2, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _draft_all(store):
    with store.transaction() as session:
        for key in ("000_094af80e03a20c8c", "001_17557c858a299f6c", XINZHOU):
            tasks.draft_stored(session, key, actor="cli:test", actor_id=None, now=NOW)


def _task(session, clause: str) -> SvTask:
    return session.scalar(select(SvTask).where(SvTask.document == XINZHOU, SvTask.clause_id == clause))


def _recipients(session, title_part: str) -> set[str]:
    rows = session.execute(select(MessageRecipient.key).join(Message, Message.id == MessageRecipient.message_id)
                           .where(Message.title.contains(title_part))).scalars()
    return set(rows)


def test_draft_is_idempotent_and_confirm_edit_are_office_only(seeded):
    _draft_all(seeded)
    with seeded.transaction() as session:
        count = session.scalar(select(func.count()).select_from(SvTask))
        assert count > 60
        assert tasks.draft_stored(session, XINZHOU, actor="cli:test", actor_id=None, now=NOW) == []
        task = _task(session, "4.37")
        assert task.deadline == date(2022, 12, 31) and task.targets[0]["value"] == "25"
        with pytest.raises(workflow.NotAllowed):
            tasks.confirm(session, GYJ, task.id, now=NOW)
        with pytest.raises(workflow.NotAllowed):
            tasks.edit(session, GYJ, task.id, now=NOW, deadline="2022-11-30")
        with pytest.raises(tasks.NotFoundOrHidden):  # not its task: the same answer as a missing one
            tasks.load(session, JXJ, task.id)
        with pytest.raises(ZhidaError) as bad:
            tasks.edit(session, OFFICE, task.id, now=NOW, deadline="2022-13-01")
        assert bad.value.where == "deadline"
        tasks.edit(session, OFFICE, task.id, now=NOW, support=["市财政局"], deadline="2022-11-30")
        tasks.confirm(session, OFFICE, task.id, now=NOW)
        assert tasks.case_of(session, task).state == "active"
        assert tasks.units_of(session, task.id) == (["市工信局"], ["市财政局"])
        assert task.draft["deadline"] == "2022-12-31"  # the draft as zhida made it stays
        actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(task.id))))
        assert {"sv_task_draft", "sv_task_edit"} <= actions
        assert tasks.units_of(session, task.id)[0] == ["市工信局"]
        # a unit sees all it owes, from every document, and nothing else
        mine = views.rows(session, GYJ, NOW)
        assert mine and all("市工信局" in r.lead + r.support for r in mine)
        assert {r.task.document for r in views.rows(session, ADMIN, NOW)} >= {XINZHOU, "001_17557c858a299f6c"}
        assert views.rows(session, ENTERPRISE, NOW) == []


def test_report_with_evidence_updates_the_matrix_and_bad_input_writes_nothing(seeded):
    _draft_all(seeded)
    with seeded.transaction() as session:
        task = _task(session, "4.37")
        tasks.confirm(session, OFFICE, task.id, now=NOW)
        task_id = task.id
    with seeded.transaction() as session:
        with pytest.raises(tasks.NotFoundOrHidden):  # 市发改委 is not on 4.37
            reports.submit(session, FGW, task_id, now=NOW, status="on_track", narrative="x")
        with pytest.raises(workflow.NotAllowed):  # the office reads reports, it does not write a unit's
            reports.submit(session, OFFICE, task_id, now=NOW, status="on_track", narrative="x")
    for bad, field in ((dict(status="fine"), "status"), (dict(narrative=" "), "narrative"),
                       (dict(figures=[{"target": 0, "value": "很多"}]), "figures[0]"),
                       (dict(uploads=[Upload("证明.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")]), "evidence"),
                       (dict(uploads=[Upload("run.exe", b"MZ", None)]), "evidence")):
        args = dict(status="on_track", narrative="已认定12家", figures=[{"target": 0, "value": "12"}]) | bad
        with pytest.raises(ZhidaError) as refused, seeded.transaction() as session:
            reports.submit(session, GYJ, task_id, now=NOW, **args)
        assert refused.value.where == field
        with seeded.transaction() as session:
            assert session.scalar(select(func.count()).select_from(SvReport)) == 0
    with seeded.transaction() as session:
        report = reports.submit(session, GYJ, task_id, now=NOW, status="on_track", narrative="已认定12家",
                                figures=[{"target": 0, "value": "12"}], uploads=[Upload("认定名单.pdf", PDF, "application/pdf")])
        assert report.cycle == "2022-06" and report.on_time
    with seeded.transaction() as session:
        row = next(r for r in views.rows(session, OFFICE, NOW) if r.task.id == task_id)
        assert row.progress_label == "按进度推进" and row.attainment == Decimal(12) / Decimal(25)
        files = session.scalars(select(SvEvidence)).all()
        assert [f.filename for f in files] == ["认定名单.pdf"] and files[0].size == len(PDF)
        unit = next(f for f in views.by_unit(session, OFFICE, NOW) if f.unit == "市工信局")
        assert unit.led == 1 and unit.reports_due == 1 and unit.reports_on_time == 1
        assert unit.score == Decimal("74.0")  # (0.3 × 1 + 0.3 × 12/25) / 0.6 × 100: completion undetermined yet


def test_the_clock_opens_cycles_and_escalates_late_reports_and_overdue_tasks(seeded):
    _draft_all(seeded)
    with seeded.transaction() as session:
        task = _task(session, "4.37")  # 2022年新培育认定25家以上, lead 市工信局, deadline 2022-12-31
        tasks.confirm(session, OFFICE, task.id, now=NOW)
        task_id = task.id
    july = datetime(2022, 7, 1, 1, 0, tzinfo=UTC)  # the June cycle opens
    with seeded.transaction() as session:
        assert reports.tick(session, july)["opened"] == 1
        report = session.scalar(select(SvReport).where(SvReport.task_id == task_id))
        assert report.cycle == "2022-06" and report.unit == "市工信局"
        assert _recipients(session, "请报送督办任务进展") == {"市工信局"}
    # five working days later the report is late: 督办 to the unit and the office
    with seeded.transaction() as session:
        assert reports.tick(session, datetime(2022, 7, 6, 1, 0, tzinfo=UTC))["late_reports"] == 0
        assert reports.tick(session, datetime(2022, 7, 9, 1, 0, tzinfo=UTC))["late_reports"] == 1
        assert _recipients(session, "未按时报送") == {"市工信局", "市政府督查室"}
        row = next(r for r in views.rows(session, OFFICE, datetime(2022, 7, 9, tzinfo=UTC)) if r.task.id == task_id)
        assert (row.status.colour, row.report_overdue) == ("yellow", True)
        assert reports.tick(session, datetime(2022, 7, 10, 1, 0, tzinfo=UTC))["late_reports"] == 0  # once
    # December: the deadline is near (blue); January: past it and not done (red), escalated once
    with seeded.transaction() as session:
        reports.submit(session, GYJ, task_id, now=datetime(2022, 7, 10, tzinfo=UTC), status="on_track",
                       narrative="按计划推进", figures=[{"target": 0, "value": "20"}])
        row = next(r for r in views.rows(session, OFFICE, datetime(2022, 12, 20, tzinfo=UTC)) if r.task.id == task_id)
        assert row.status.colour == "blue"
        jan = datetime(2023, 1, 2, 1, 0, tzinfo=UTC)
        result = reports.tick(session, jan)
        assert result["late_tasks"] == 1
        assert _recipients(session, "任务逾期未完成") == {"市工信局", "市政府督查室"}
        assert reports.tick(session, jan)["late_tasks"] == 0
        row = next(r for r in views.rows(session, OFFICE, jan) if r.task.id == task_id)
        assert row.status.colour == "red"
        unit = next(f for f in views.by_unit(session, OFFICE, jan) if f.unit == "市工信局")
        assert unit.overdue == 1 and unit.completion_rate == 0 and [r.task.id for r in unit.lagging] == [task_id]
        escalations = session.scalar(select(func.count()).select_from(AuditEntry)
                                     .where(AuditEntry.action == "workflow_escalate"))
        assert escalations == 2
    # the lead unit reports 已完成: the task is done (green) and counts as late completion
    with seeded.transaction() as session:
        reports.submit(session, GYJ, task_id, now=datetime(2023, 1, 3, tzinfo=UTC), status="completed",
                       narrative="全年认定27家", figures=[{"target": 0, "value": "27"}])
        row = next(r for r in views.rows(session, OFFICE, datetime(2023, 1, 3, tzinfo=UTC)) if r.task.id == task_id)
        assert (row.state, row.status.colour) == ("done", "green")
        sections = views.by_section(views.rows(session, OFFICE, datetime(2023, 1, 3, tzinfo=UTC), document=XINZHOU))
        assert [(s.section, s.total, s.done) for s in sections] == [("4", 1, 1)]
