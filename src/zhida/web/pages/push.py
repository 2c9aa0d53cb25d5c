"""精准推送 page: per measure the eligible enterprises (from the last complete batch), filtered
by district and industry, grouped by responsible unit; batch start with progress; XLSX export."""

from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from zhida.web import push_lists
from zhida.web.api.jobs import audit_batch_start
from zhida.web.deps import Principal, require
from zhida.web.pages.common import render
from zhida.web.reports.xlsx import push_list_xlsx

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_PER_MEASURE = 50


@router.get("/push")
def push_page(request: Request, measure: str = Query("", max_length=128), region: str = Query("", max_length=32),
              industry: str = Query("", max_length=8), principal: Principal = Depends(require("push", "read"))):
    jobs = request.app.state.jobs
    batch, job = jobs.latest, jobs.running()
    groups = []
    if batch is not None:
        lists = push_lists.build(batch, principal, measure=measure or None, region=region or None,
                                 industry=industry or None, limit_per_measure=SHOWN_PER_MEASURE)
        groups = push_lists.by_unit(lists, principal)
    measures = push_lists.visible_measures(principal)
    return render(request, "sections/push.html", {
        "title": "精准推送", "batch": batch, "groups": groups, "measures": measures, "job": job,
        "may_cancel": _may_cancel(job, principal),
        "filters": {"measure": measure, "region": region, "industry": industry}, "shown": SHOWN_PER_MEASURE,
    }, active="push")


@router.post("/push/batch")
def start_batch(request: Request, principal: Principal = Depends(require("push", "read"))):
    asked = datetime.now(timezone.utc)
    job = request.app.state.jobs.start_batch(request.app.state.store, request.app.state.as_of, principal.username,
                                             principal.user_id)
    audit_batch_start(request, principal, job, asked)
    if request.headers.get("HX-Request"):
        return job_progress(request, principal)
    return RedirectResponse("/push", status_code=303)


@router.get("/push/progress")
def job_progress(request: Request, principal: Principal = Depends(require("push", "read"))):
    job = request.app.state.jobs.newest()
    return render(request, "push/_progress.html", {"job": job, "may_cancel": _may_cancel(job, principal)})


@router.post("/push/jobs/{job_id}/cancel")
def cancel_job(request: Request, job_id: str, principal: Principal = Depends(require("push", "read"))):
    from zhida.web.api.jobs import cancel_job as cancel

    cancel(request, job_id, principal)  # same checks as the API: 404, 403, 409
    if request.headers.get("HX-Request"):
        return job_progress(request, principal)
    return RedirectResponse("/push", status_code=303)


def _may_cancel(job, principal: Principal) -> bool:
    return job is not None and job.active and (principal.role == "admin" or job.created_by == principal.username)


@router.get("/push.xlsx")
def push_xlsx(request: Request, measure: str = Query("", max_length=128), region: str = Query("", max_length=32),
              industry: str = Query("", max_length=8), principal: Principal = Depends(require("push", "read"))):
    from zhida.web.errors import WebError

    batch = request.app.state.jobs.latest
    if batch is None:
        raise WebError(409, "conflict", "尚未完成批量匹配：请先运行批量匹配")
    lists = push_lists.build(batch, principal, measure=measure or None, region=region or None,
                             industry=industry or None)
    filters = {"评估日": batch.as_of.isoformat(), "措施": measure or "全部", "地区": region or principal.region_label or "全部",
               "行业": industry or "全部", "导出人": principal.username}
    push_lists.audit_export(request, principal, lists, filters)
    return Response(push_list_xlsx(lists, filters), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="push-list.xlsx"'})
