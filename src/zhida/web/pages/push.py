"""精准推送 page: one line per measure (units listed), amounts by kind, grouped by document, searchable
and paginated; a measure's eligible enterprises a page at a time; batch start with progress; XLSX export."""

from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse

from zhida.matching.match import load_default_policies
from zhida.pushlists import listing
from zhida.pushlists.choices import industry_choices, region_choices
from zhida.web import push_lists
from zhida.web.api.jobs import audit_batch_start
from zhida.web.deps import Principal, require
from zhida.web.pages.common import render

router = APIRouter(include_in_schema=False)
MEASURES_PER_PAGE = 20
ENTERPRISES_PER_PAGE = 50


@router.get("/push")
def push_page(request: Request, q: str = Query("", max_length=64), measure: str = Query("", max_length=128),
              region: str = Query("", max_length=32), industry: str = Query("", max_length=8),
              page: int = Query(1, ge=1, le=10_000), principal: Principal = Depends(require("push", "read"))):
    jobs = request.app.state.jobs
    batch, job = jobs.latest, jobs.newest()
    policies = load_default_policies()
    scope = push_lists.scope_of(principal)
    found = chosen = None
    if batch is not None:
        known = push_lists.titles(request.app.state.store, policies)
        if measure:
            chosen = listing.enterprises(batch.run, policies, scope, measure, region=region or None,
                                         industry=industry or None, page=page, per_page=ENTERPRISES_PER_PAGE,
                                         titles=known)
        found = listing.listing(batch.run, policies, scope, query=q, region=region or None,
                                industry=industry or None, page=1 if measure else page, per_page=MEASURES_PER_PAGE,
                                titles=known)
    return render(request, "sections/push.html", {
        "title": "精准推送", "batch": batch, "listing": found, "chosen": chosen, "job": job,
        "may_cancel": _may_cancel(job, principal),
        "regions": region_choices(scope.district), "industries": industry_choices(),
        "filters": {"q": q, "measure": measure, "region": region, "industry": industry},
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
    jobs = request.app.state.jobs
    job = jobs.newest()
    return render(request, "push/_progress.html", {"job": job, "batch": jobs.latest,
                                                   "may_cancel": _may_cancel(job, principal)})


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
def push_xlsx(request: Request, q: str = Query("", max_length=64), measure: str = Query("", max_length=128),
              region: str = Query("", max_length=32), industry: str = Query("", max_length=8),
              principal: Principal = Depends(require("push", "read"))):
    return push_lists.export_response(request, principal, query=q, measure=measure or None, region=region or None,
                                      industry=industry or None)
