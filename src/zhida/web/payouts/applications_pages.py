"""政策兑现 pages: the enterprise applies from its checkup (申请兑现 beside an eligible measure), fills
the declaration, attaches its materials, submits, follows every step and corrects when asked; staff
see their queue per measure (time in step, overdue), review (approve, approve less with a reason,
ask for a correction, refuse), start publicity and record payment; exports and the monthly report."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from zhida.payouts.applications.attachments import MAX_BYTES
from zhida.payouts.applications.service import WORKFLOW
from zhida.web.deps import Principal, require
from zhida.web.errors import Invalid, WebError
from zhida.web.ids import RowId
from zhida.web.library import Page
from zhida.web.pages.common import render
from zhida.web.payouts import applications_ops as ops

router = APIRouter(include_in_schema=False)
PER_PAGE = 30


def _list_context(request: Request, principal: Principal, measure: str, state: str, overdue: bool, page: int) -> dict:
    total, rows = ops.listing(request, principal, measure_id=measure, state=state, overdue=overdue, page=page,
                              per_page=PER_PAGE)
    staff = principal.can("applications", "report")
    return {"title": "政策兑现", "result": Page(items=rows, total=total, page=page, per_page=PER_PAGE),
            "figures": ops.figures(request, principal) if staff else [], "staff": staff,
            "states": [(s.name, s.label) for s in WORKFLOW.states.values()],
            "filters": {"measure": measure, "state": state, "overdue": overdue},
            "this_month": ops.now().strftime("%Y-%m"), "error": None, "notice": None}


@router.get("/applications")
def applications_page(request: Request, measure: str = Query("", max_length=128), state: str = Query("", max_length=32),
                      overdue: bool = Query(False), page: int = Query(1, ge=1, le=100_000),
                      principal: Principal = Depends(require("applications", "read"))):
    return render(request, "applications/list.html", _list_context(request, principal, measure, state, overdue, page),
                  active="applications")


@router.post("/applications/materials")
def materials_page(request: Request, measure_id: str = Form(..., max_length=128), items: str = Form(..., max_length=4000),
                   principal: Principal = Depends(require("applications", "report"))):
    context = _list_context(request, principal, "", "", False, 1)
    try:
        saved = ops.configure_materials(request, principal, measure_id, items)
    except WebError as exc:
        context["error"] = exc.message
        return render(request, "applications/list.html", context, status_code=exc.status, active="applications")
    context["notice"] = f"已保存材料清单（{len(saved)} 项），此后新发起的申请使用该清单。"
    return render(request, "applications/list.html", context, active="applications")


@router.get("/applications/new")
def new_page(request: Request, measure: str = Query(..., max_length=128),
             principal: Principal = Depends(require("applications", "write"))):
    seen = ops.preview(request, principal, measure)
    return render(request, "applications/new.html", {"title": f"申请兑现：{seen['measure'].title}", "p": seen,
                                                     "error": None}, active="applications")


@router.post("/applications/new")
def create_page(request: Request, measure: str = Form(..., max_length=128),
                principal: Principal = Depends(require("applications", "write"))):
    try:
        application_id = ops.start(request, principal, measure)
    except WebError as exc:
        seen = ops.preview(request, principal, measure)
        return render(request, "applications/new.html", {"title": f"申请兑现：{seen['measure'].title}", "p": seen,
                                                         "error": exc.message},
                      status_code=exc.status, active="applications")
    return RedirectResponse(f"/applications/{application_id}", status_code=303)


def _detail(request: Request, principal: Principal, application_id: int, *, error: str | None = None,
            notice: str | None = None, status_code: int = 200):
    a = ops.show(request, principal, application_id)
    return render(request, "applications/detail.html",
                  {"title": f"申请 {a['id']}：{a['measure_title']}", "a": a, "error": error, "notice": notice,
                   "today": ops.now().date().isoformat(), "max_mb": MAX_BYTES // (1024 * 1024)},
                  status_code=status_code, active="applications")


NOTICES = {"declaration": "已保存承诺声明", "file": "已上传附件", "removed": "已删除附件"}


def _notice(done: str) -> str | None:
    if done in NOTICES:
        return NOTICES[done]
    return f"已{WORKFLOW.transitions[done].label}" if done in WORKFLOW.transitions else None


@router.get("/applications/{application_id}")
def detail_page(request: Request, application_id: RowId, done: str = Query("", max_length=64),
                principal: Principal = Depends(require("applications", "read"))):
    return _detail(request, principal, application_id, notice=_notice(done))


def _after(request: Request, principal: Principal, application_id: int, action, done: str):
    try:
        action()
    except WebError as exc:
        if exc.status == 404:
            raise
        return _detail(request, principal, application_id, error=exc.message, status_code=exc.status)
    return RedirectResponse(f"/applications/{application_id}?done={quote(done)}#progress", status_code=303)


@router.post("/applications/{application_id}/declaration")
def declaration_page(request: Request, application_id: RowId, declared: str = Form(""),
                     version: int | None = Form(None, ge=1),
                     principal: Principal = Depends(require("applications", "write"))):
    return _after(request, principal, application_id,
                  lambda: ops.declare(request, principal, application_id, declared == "on", version), "declaration")


@router.post("/applications/{application_id}/files")
async def upload_page(request: Request, application_id: RowId, material: str = Form(..., max_length=255),
                      file: UploadFile = File(...), principal: Principal = Depends(require("applications", "write"))):
    from starlette.concurrency import run_in_threadpool

    data = await file.read(MAX_BYTES + 1)

    def action():
        if len(data) > MAX_BYTES:
            raise Invalid(f"“{file.filename}”超过 {MAX_BYTES // (1024 * 1024)} MB，请压缩后再上传", field="file")
        ops.attach(request, principal, application_id, material, file.filename, data)

    return await run_in_threadpool(_after, request, principal, application_id, action, "file")


@router.post("/applications/{application_id}/files/{file_id}/delete")
def remove_page(request: Request, application_id: RowId, file_id: RowId,
                principal: Principal = Depends(require("applications", "write"))):
    return _after(request, principal, application_id, lambda: ops.detach(request, principal, application_id, file_id),
                  "removed")


@router.get("/applications/{application_id}/files/{file_id}")
def file_page(request: Request, application_id: RowId, file_id: RowId,
              principal: Principal = Depends(require("applications", "read"))):
    name, media, body = ops.file_bytes(request, principal, application_id, file_id)
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename=\"file\"; filename*=UTF-8''{quote(name)}"})


@router.post("/applications/{application_id}/act")
def act_page(request: Request, application_id: RowId, transition: str = Form(..., max_length=64),
             version: int = Form(..., ge=1), reason: str = Form("", max_length=2000),
             deadline: str = Form("", max_length=10), amount: str = Form("", max_length=32),
             reference: str = Form("", max_length=128),
             principal: Principal = Depends(require("applications", "write"))):
    def action():
        try:
            day = date.fromisoformat(deadline) if deadline else None
        except ValueError:
            raise Invalid("补正期限应为日期，如 2026-12-20", field="deadline") from None
        ops.act(request, principal, application_id, transition, expected_version=version, reason=reason or None,
                deadline=day, amount=amount or None, reference=reference or None)

    return _after(request, principal, application_id, action, transition)
