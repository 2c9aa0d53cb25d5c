"""Pages of supervision (督办): /supervision (the matrix: what each unit owes, from every document,
on one page), /supervision/tasks/{id} (source, review form for the office, progress report form
for the unit, the reports), /supervision/documents/{key} (completion by section),
/supervision/units (per unit and district: on-time rates, lagging tasks, score)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse

from zhida.supervision import cycles, reports, roles, settings, tasks, views
from zhida.supervision.reports import STATUSES
from zhida.supervision.tasks import CYCLES
from zhida.web.deps import Principal, require
from zhida.web.domain import now as clock
from zhida.web.domain import read, work
from zhida.web.pages.common import render
from zhida.web.supervision.api import ID, task_detail, task_json, uploads_of

router = APIRouter(include_in_schema=False)
reader, writer = require("tasks", "read"), require("tasks", "write")
MATRIX_UNITS = 14  # unit columns on the page; the API returns all


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/supervision")
def matrix_page(request: Request, document: str = Query("", max_length=255), unit: str = Query("", max_length=255),
                colour: str = Query("", max_length=16), principal: Principal = Depends(reader)):
    def run(session):
        m = views.matrix(session, principal, clock(), document=document or None, unit=unit or None)
        rows = [r for r in m.rows if not colour or r.status.colour == colour]
        return {"units": m.units[:MATRIX_UNITS], "more_units": max(0, len(m.units) - MATRIX_UNITS),
                "rows": [{**task_json(r), "cells": {u: m.cell(r, u) for u in m.units[:MATRIX_UNITS]}} for r in rows],
                "documents": views.documents(session, principal)}

    found = read(request, run)
    counts: dict[str, int] = {}
    for row in found["rows"]:
        counts[row["colour"]] = counts.get(row["colour"], 0) + 1
    return render(request, "supervision/matrix.html", {
        "title": "督办任务", "m": found, "filters": {"document": document, "unit": unit, "colour": colour},
        "office": roles.is_office(principal), "own_units": sorted(roles.own_units(principal)), "counts": counts,
        "cycle": cycles.previous("month", clock()), "office_name": settings.load().office,
    }, active="supervision")


@router.post("/supervision/draft")
def draft_page(request: Request, document: str = Form(..., max_length=255), principal: Principal = Depends(writer)):
    def run(session):
        if not roles.is_office(principal):
            raise tasks.workflow.NotAllowed("task", "只有督查室可以起草任务")
        return tasks.draft_stored(session, document, actor=principal.username, actor_id=principal.user_id, now=clock())

    work(request, run)
    return _back(f"/supervision?document={document}")


@router.get("/supervision/tasks/{task_id}")
def task_page(request: Request, task_id: ID, principal: Principal = Depends(reader)):
    item = read(request, lambda s: task_detail(s, principal, task_id))
    return render(request, "supervision/task.html", {
        "title": f"督办任务：{item['title'][:40]}", "t": item, "statuses": STATUSES, "cycles": CYCLES,
        "cycle": cycles.current(item["cycle"], clock()), "rules": settings.load(),
    }, active="supervision")


@router.post("/supervision/tasks/{task_id}/edit")
def edit_page(request: Request, task_id: ID, title: str = Form(..., max_length=500), lead: str = Form(..., max_length=2000),
              support: str = Form("", max_length=4000), deadline: str = Form("", max_length=10),
              cycle: str = Form("month", max_length=16), confirm: str = Form("", max_length=8),
              version: int = Form(..., ge=1, le=2**31 - 1), principal: Principal = Depends(writer)):
    def run(session):
        tasks.edit(session, principal, task_id, now=clock(), title=title, lead=lead, support=support,
                   deadline=deadline or None, cycle=cycle)
        if confirm:
            tasks.confirm(session, principal, task_id, now=clock(), version=version)

    work(request, run)
    return _back(f"/supervision/tasks/{task_id}")


@router.post("/supervision/tasks/{task_id}/drop")
def drop_page(request: Request, task_id: ID, reason: str = Form("", max_length=2000),
              version: int = Form(..., ge=1, le=2**31 - 1), principal: Principal = Depends(writer)):
    work(request, lambda s: tasks.drop(s, principal, task_id, now=clock(), reason=reason, version=version))
    return _back(f"/supervision/tasks/{task_id}")


@router.post("/supervision/tasks/{task_id}/reports")
async def report_page(request: Request, task_id: ID, status: str = Form(..., max_length=16),
                      narrative: str = Form("", max_length=4000), unit: str = Form("", max_length=255),
                      figure: list[str] = Form([]), files: list[UploadFile] | None = File(None),
                      principal: Principal = Depends(writer)):
    uploads = await uploads_of(files)
    figures = [{"target": i, "value": v} for i, v in enumerate(figure) if v.strip()]
    work(request, lambda s: reports.submit(s, principal, task_id, now=clock(), status=status, narrative=narrative,
                                           unit=unit or None, figures=figures, uploads=uploads))
    return _back(f"/supervision/tasks/{task_id}")


@router.get("/supervision/documents/{document}")
def document_page(request: Request, document: str, principal: Principal = Depends(reader)):
    def run(session):
        found = views.rows(session, principal, clock(), document=document)
        return {"sections": views.by_section(found), "rows": [task_json(r) for r in found],
                "title": found[0].task.document_title if found else document}

    found = read(request, run)
    return render(request, "supervision/document.html", {
        "title": "文件任务完成情况", "d": found, "document": document, "cycle": cycles.previous("month", clock()),
    }, active="supervision")


@router.get("/supervision/units")
def units_page(request: Request, principal: Principal = Depends(reader)):
    def run(session):
        units = views.by_unit(session, principal, clock())
        return {"units": units, "districts": views.by_district(units)}

    found = read(request, run)
    return render(request, "supervision/units.html", {
        "title": "单位与区域督办情况", "f": found, "cycle": cycles.previous("month", clock()),
    }, active="supervision")
