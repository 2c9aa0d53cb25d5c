"""REST API of supervision (督办): /api/v1/tasks — drafts, review, the matrix, progress reports
with evidence, per-unit figures, the monthly report (XLSX / PDF). Officials only; the row scope
(a unit sees what it owes, the office sees all) and who may write what are zhida.supervision's."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from zhida import audit
from zhida.supervision import cycles, reports, roles, tasks, views
from zhida.supervision.evidence import Upload, read as read_evidence
from zhida.supervision.reports import STATUSES
from zhida.supervision.tables import SvEvidence, SvReport
from zhida.web.deps import Principal, require
from zhida.web.domain import local, read, work
from zhida.web.domain import now as clock
from zhida.web.errors import LOOKUP_ERRORS, READ_ERRORS, WRITE_ERRORS, Invalid, NotFound
from zhida.web.supervision import reports as exports

router = APIRouter(tags=["督办"])
reader, writer = require("tasks", "read"), require("tasks", "write")
CYCLE = Query(None, pattern=r"^\d{4}-(?:0[1-9]|1[0-2]|Q[1-4])$", description="报告周期：2026-11（月）或 2026-Q4（季度）")
MAX_UPLOAD = 10 * 1024 * 1024 + 1
ID = Annotated[int, Path(ge=1, le=2**31 - 1)]


def task_json(row: views.Row, version: int | None = None) -> dict[str, Any]:
    t = row.task
    return {"id": t.id, "document": t.document, "document_title": t.document_title, "doc_number": t.doc_number,
            "citation": (t.draft or {}).get("citation"), "clause_id": t.clause_id, "section": t.section,
            "section_title": t.section_title, "title": t.title, "quote": t.quote, "start": t.start, "end": t.end,
            "lead": row.lead, "support": row.support, "lead_inferred": t.lead_inferred,
            "deadline": t.deadline.isoformat() if t.deadline else None, "deadline_basis": t.deadline_basis,
            "deadline_text": t.deadline_text, "targets": t.targets or [], "cycle": t.cycle, "state": row.state,
            "state_label": row.state_label, "version": version, "colour": row.status.colour,
            "colour_label": row.status.label, "progress": t.progress, "progress_label": row.progress_label,
            "figures": t.figures or [], "report_overdue": row.report_overdue,
            "attainment": str(row.attainment) if row.attainment is not None else None,
            "reported_at": t.reported_at.isoformat() if t.reported_at else None}


def report_json(report: SvReport, files: list[SvEvidence]) -> dict[str, Any]:
    return {"id": report.id, "unit": report.unit, "cycle": report.cycle, "status": report.status,
            "status_label": STATUSES.get(report.status) if report.status else "待报送",
            "narrative": report.narrative, "figures": report.figures or [],
            "due_at": report.due_at.isoformat() if report.due_at else None, "due_local": local(report.due_at),
            "submitted_at": report.submitted_at.isoformat() if report.submitted_at else None,
            "submitted_local": local(report.submitted_at), "submitted_by": report.submitted_by,
            "on_time": report.on_time, "escalated": report.escalated,
            "evidence": [{"id": f.id, "filename": f.filename, "size": f.size, "content_type": f.content_type,
                          "href": f"/api/v1/tasks/{report.task_id}/evidence/{f.id}"} for f in files]}


def task_detail(session, principal, task_id: int) -> dict[str, Any]:
    task = tasks.load(session, principal, task_id)
    row = next(r for r in views.rows(session, principal, clock()) if r.task.id == task.id)
    case = tasks.case_of(session, task)
    out = task_json(row, case.version)
    found = reports.of_task(session, task.id)
    files = reports.evidence_of(session, [r.id for r in found])
    out["reports"] = [report_json(r, files.get(r.id, [])) for r in found]
    out["may_edit"] = roles.is_office(principal) and not case.closed
    out["report_units"] = [u for u in row.lead + row.support if roles.may_report(principal, u)] if row.state == "active" else []
    out["draft"] = task.draft
    out["derived"] = tasks.derived_groups(session, task)
    return out


class Draft(BaseModel):
    document: str = Field(min_length=1, max_length=255, description="文件键（documents.key）")


class Edit(BaseModel):
    title: str | None = Field(None, max_length=500)
    lead: list[str] | None = Field(None, max_length=20)
    support: list[str] | None = Field(None, max_length=50)
    deadline: date | None = Field(None, description="期限（YYYY-MM-DD）；clear_deadline 为真时清除")
    clear_deadline: bool = False
    targets: list[dict[str, Any]] | None = Field(None, max_length=20, description="[{value, unit, comparator, text}]")
    cycle: Literal["month", "quarter"] | None = None


class Step(BaseModel):
    version: int | None = Field(None, ge=1, le=2**31 - 1, description="所见的版本（防止覆盖他人的处理）")
    reason: str | None = Field(None, max_length=2000)


@router.get("/api/v1/tasks", responses=READ_ERRORS, summary="督办任务列表（本单位承担的 / 督查室看全部）")
def list_tasks(request: Request, document: str | None = Query(None, max_length=255),
               unit: str | None = Query(None, max_length=255),
               colour: Literal["red", "yellow", "blue", "green", "grey", "none"] | None = None,
               state: Literal["draft", "active", "done", "dropped"] | None = None,
               page: int = Query(1, ge=1, le=100_000), per_page: int = Query(50, ge=1, le=500),
               principal: Principal = Depends(reader)) -> dict[str, Any]:
    def run(session):
        found = views.rows(session, principal, clock(), document=document, unit=unit)
        found = [r for r in found if (colour is None or r.status.colour == colour) and (state is None or r.state == state)]
        return {"items": [task_json(r) for r in found[(page - 1) * per_page:page * per_page]], "total": len(found),
                "page": page, "per_page": per_page}

    return read(request, run)


@router.get("/api/v1/tasks/matrix", responses=READ_ERRORS, summary="任务 × 单位矩阵（跨全部文件）")
def matrix(request: Request, document: str | None = Query(None, max_length=255),
           unit: str | None = Query(None, max_length=255), principal: Principal = Depends(reader)) -> dict[str, Any]:
    def run(session):
        m = views.matrix(session, principal, clock(), document=document, unit=unit)
        return {"units": m.units, "rows": [{**task_json(r), "cells": {u: m.cell(r, u) for u in r.lead + r.support}}
                                           for r in m.rows]}

    return read(request, run)


@router.get("/api/v1/tasks/figures", responses=READ_ERRORS, summary="按单位、按区域：按期完成率、滞后任务、综合绩效得分")
def figures(request: Request, document: str | None = Query(None, max_length=255),
            principal: Principal = Depends(reader)) -> dict[str, Any]:
    def one(f: views.UnitFigures) -> dict[str, Any]:
        def s(v):
            return str(v) if v is not None else None
        return {"unit": f.unit, "district": f.district, "led": f.led, "supporting": f.supporting, "done": f.done,
                "overdue": f.overdue, "completion_rate": s(f.completion_rate), "reporting_rate": s(f.reporting_rate),
                "attainment": s(f.attainment), "score": s(f.score), "lagging": [r.task.id for r in f.lagging]}

    def run(session):
        units = views.by_unit(session, principal, clock(), document=document)
        out = {"units": [one(f) for f in units], "districts": [one(f) for f in views.by_district(units)]}
        if document:
            out["sections"] = [{"section": s.section, "title": s.title, "total": s.total, "done": s.done,
                                "overdue": s.overdue, "lagging": s.lagging,
                                "rate": str(s.rate) if s.rate is not None else None}
                               for s in views.by_section(views.rows(session, principal, clock(), document=document))]
        return out

    return read(request, run)


def _export(request: Request, principal: Principal, cycle: str | None, document: str | None, unit: str | None,
            kind: str) -> Response:
    cycle = cycle or cycles.previous("month", clock())
    found = read(request, lambda s: exports.build(s, principal, clock(), cycle, document, unit))
    if kind == "xlsx":
        content, media = exports.xlsx_bytes(found), exports.XLSX
    else:
        content, media = exports.pdf_bytes(found, request.app.state.templates.env), "application/pdf"
    audit.event(request.app.state.store, actor=principal.username, actor_id=principal.user_id, action="export",
                entity="sv_report", entity_id=cycle, detail=f"导出督办月报（{kind.upper()}，{found['scope']}，{cycle}）")
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename=supervision-{cycle}.{kind}"})


@router.get("/api/v1/tasks/report.xlsx", responses=READ_ERRORS, summary="督办月报（XLSX）：按文件、按单位或全部")
def report_xlsx(request: Request, cycle: str | None = CYCLE, document: str | None = Query(None, max_length=255),
                unit: str | None = Query(None, max_length=255), principal: Principal = Depends(reader)) -> Response:
    return _export(request, principal, cycle, document, unit, "xlsx")


@router.get("/api/v1/tasks/report.pdf", responses=READ_ERRORS, summary="督办月报（A4 PDF）")
def report_pdf(request: Request, cycle: str | None = CYCLE, document: str | None = Query(None, max_length=255),
               unit: str | None = Query(None, max_length=255), principal: Principal = Depends(reader)) -> Response:
    return _export(request, principal, cycle, document, unit, "pdf")


@router.post("/api/v1/tasks/draft", responses=WRITE_ERRORS, summary="从已入库文件起草督办任务（督查室；已起草的不重复）")
def draft(request: Request, body: Draft, principal: Principal = Depends(writer)) -> dict[str, Any]:
    def run(session):
        if not roles.is_office(principal):
            raise tasks.workflow.NotAllowed("task", "只有督查室可以起草任务")
        made = tasks.draft_stored(session, body.document, actor=principal.username, actor_id=principal.user_id,
                                  now=clock())
        return {"created": [t.id for t in made]}

    return work(request, run)


@router.get("/api/v1/tasks/{task_id}", responses=LOOKUP_ERRORS, summary="一项任务：出处、单位、期限、目标、各期报告")
def get_task(request: Request, task_id: ID, principal: Principal = Depends(reader)) -> dict[str, Any]:
    return read(request, lambda s: task_detail(s, principal, task_id))


@router.patch("/api/v1/tasks/{task_id}", responses=WRITE_ERRORS, summary="修改任务草稿或任务（督查室）")
def edit_task(request: Request, task_id: ID, body: Edit, principal: Principal = Depends(writer)) -> dict[str, Any]:
    deadline = None if body.clear_deadline else (body.deadline if body.deadline is not None else False)
    work(request, lambda s: tasks.edit(s, principal, task_id, now=clock(), title=body.title, lead=body.lead,
                                       support=body.support, deadline=deadline, targets=body.targets,
                                       cycle=body.cycle))
    return read(request, lambda s: task_detail(s, principal, task_id))


@router.post("/api/v1/tasks/{task_id}/confirm", responses=WRITE_ERRORS, summary="确认任务草稿（督查室）")
def confirm_task(request: Request, task_id: ID, body: Step, principal: Principal = Depends(writer)) -> dict[str, Any]:
    work(request, lambda s: tasks.confirm(s, principal, task_id, now=clock(), version=body.version))
    return read(request, lambda s: task_detail(s, principal, task_id))


@router.post("/api/v1/tasks/{task_id}/drop", responses=WRITE_ERRORS, summary="撤销任务（督查室，须写理由）")
def drop_task(request: Request, task_id: ID, body: Step, principal: Principal = Depends(writer)) -> dict[str, Any]:
    work(request, lambda s: tasks.drop(s, principal, task_id, now=clock(), reason=body.reason, version=body.version))
    return read(request, lambda s: task_detail(s, principal, task_id))


async def uploads_of(files: list[UploadFile] | None) -> list[Upload]:
    out = []
    for f in files or []:
        if not f.filename:
            continue
        content = await f.read(MAX_UPLOAD)
        out.append(Upload(f.filename, content, f.content_type))
    return out


def parse_figures(text: str | None) -> list[dict]:
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        raise Invalid("完成数应为 JSON：[{\"target\": 0, \"value\": \"12\"}]", field="figures") from None
    if not isinstance(value, list):
        raise Invalid("完成数应为列表", field="figures")
    return value


@router.post("/api/v1/tasks/{task_id}/reports", responses=WRITE_ERRORS,
             summary="报送进展（本单位；状态、进展情况、完成数、佐证材料，一次写入）")
async def submit_report(request: Request, task_id: ID,
                        status: Literal["completed", "on_track", "behind", "not_started"] = Form(...),
                        narrative: str = Form(..., max_length=4000), unit: str | None = Form(None, max_length=255),
                        cycle: str | None = Form(None, max_length=16),
                        figures: str | None = Form(None, max_length=4000, description="JSON：[{target, value}]"),
                        version: int | None = Form(None, ge=1, le=2**31 - 1),
                        files: list[UploadFile] | None = File(None, description="佐证材料"),
                        principal: Principal = Depends(writer)) -> dict[str, Any]:
    uploads = await uploads_of(files)
    parsed = parse_figures(figures)
    made = work(request, lambda s: reports.submit(s, principal, task_id, now=clock(), status=status,
                                                  narrative=narrative, unit=unit or None, cycle=cycle or None,
                                                  figures=parsed, uploads=uploads, version=version))
    return {"report": made.id, "task": read(request, lambda s: task_detail(s, principal, task_id))}


@router.get("/api/v1/tasks/{task_id}/evidence/{evidence_id}", responses=LOOKUP_ERRORS, summary="下载佐证材料")
def download_evidence(request: Request, task_id: ID, evidence_id: ID, principal: Principal = Depends(reader)) -> Response:
    def run(session):
        tasks.load(session, principal, task_id)
        row = session.get(SvEvidence, evidence_id)
        report = session.get(SvReport, row.report_id) if row else None
        if row is None or report is None or report.task_id != task_id:
            raise NotFound("佐证材料不存在", field="evidence")
        return row

    row = read(request, run)
    return Response(read_evidence(row.path), media_type=row.content_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(row.filename)}",
                             "X-Content-Type-Options": "nosniff"})


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
