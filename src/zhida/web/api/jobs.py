"""Batch jobs: start (asynchronous, in a background thread), poll progress, cancel, read results.

Job state is read from the store, so any worker process answers for a job any other started."""

from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter, Depends, Request

from zhida import audit
from zhida.web import job_scope
from zhida.web.as_of import parsed
from zhida.web.api.enterprise_schemas import BatchStart, JobList, JobResults, JobView, MeasureCounts
from zhida.web.deps import Principal, require
from zhida.web.errors import LOOKUP_ERRORS, READ_ERRORS, WRITE_ERRORS, Forbidden, NotFound, WebError
from zhida.jobs.errors import STATUS_ZH

router = APIRouter(prefix="/api/v1/jobs", tags=["批量任务"])
runner = require("push", "read")  # batch runs feed the push lists: officials only


@router.post("/batch", response_model=JobView, status_code=202, responses=WRITE_ERRORS,
             summary="启动批量匹配（全部企业 × 全部措施，后台执行；已有任务在运行时返回该任务）")
def start_batch(request: Request, body: BatchStart | None = None, principal: Principal = Depends(runner)) -> JobView:
    as_of = (parsed(body.as_of) if body is not None else None) or request.app.state.as_of
    asked = datetime.now(timezone.utc)
    job = request.app.state.jobs.start_batch(request.app.state.store, as_of, principal.username, principal.user_id)
    audit_batch_start(request, principal, job, asked)
    return JobView(**job.view())


def audit_batch_start(request: Request, principal: Principal, job, asked: datetime) -> None:
    """Every start request is audited, saying whether it started a job or found one running."""
    created = job.created_at if job.created_at.tzinfo else job.created_at.replace(tzinfo=timezone.utc)
    started = created >= asked and job.created_by == principal.username
    audit.by(request.app.state.store, principal, "batch_start", "job", job.id,
             detail=(f"启动批量匹配（评估日 {job.params.get('as_of', '')}）" if started
                     else f"请求启动批量匹配：已有任务在运行（{job.created_by} 启动）"))


@router.get("", response_model=JobList, responses=READ_ERRORS, summary="任务列表（最新在前）")
def list_jobs(request: Request, principal: Principal = Depends(runner)) -> JobList:
    return JobList(items=[_view(request, principal, j) for j in request.app.state.jobs.all()])


def _job(request: Request, job_id: str):
    job = request.app.state.jobs.get(job_id)
    if job is None or job.kind != "batch":  # an import job is its uploader's: import-jobs/{id}
        raise NotFound(f"任务 {job_id} 不存在", field="job_id")
    return job


def _view(request: Request, principal: Principal, job) -> JobView:
    """The job as ``principal`` may see it: a district staff user's summary counts their district."""
    latest = request.app.state.jobs.latest if principal.district_scoped and job.status == "completed" else None
    result = latest if latest is not None and latest.run.key == job.summary.get("run") else None
    return JobView(**job_scope.scoped_view(principal, job.view(), result))


@router.get("/{job_id}", response_model=JobView, responses=LOOKUP_ERRORS, summary="任务进度")
def get_job(request: Request, job_id: str, principal: Principal = Depends(runner)) -> JobView:
    return _view(request, principal, _job(request, job_id))


@router.post("/{job_id}/cancel", response_model=JobView, status_code=202, responses=WRITE_ERRORS,
             summary="取消任务（管理员或启动该任务的工作人员；运行任务的进程在下一次进度更新时停止，"
                     "上一次完整的批量结果保留；任务已结束时为 409）")
def cancel_job(request: Request, job_id: str, principal: Principal = Depends(runner)) -> JobView:
    jobs = request.app.state.jobs
    job = _job(request, job_id)
    if principal.role != "admin" and job.created_by != principal.username:
        raise Forbidden("只有管理员或启动该任务的工作人员可以取消任务")
    if not jobs.request_cancel(job_id):
        raise WebError(409, "conflict", f"任务 {job_id} 已结束（{STATUS_ZH.get(jobs.get(job_id).status, '')}），无法取消")
    audit.by(request.app.state.store, principal, "batch_cancel", "job", job_id, detail="取消批量匹配任务")
    return _view(request, principal, jobs.get(job_id))


@router.get("/{job_id}/results", response_model=JobResults, responses=WRITE_ERRORS,
            summary="任务结果：每项措施的符合、待确认、不符合企业数（限定地区的工作人员只计本地区；任务完成前为 409）")
def job_results(request: Request, job_id: str, principal: Principal = Depends(runner)) -> JobResults:
    job = _job(request, job_id)
    latest = request.app.state.jobs.latest
    if job.status != "completed":
        raise WebError(409, "conflict", f"任务 {job_id} 尚未完成（{STATUS_ZH.get(job.status, '')}）")
    if latest is None or latest.run.key != job.summary.get("run"):
        raise WebError(409, "conflict", f"任务 {job_id} 的结果已被更新的批量匹配取代")
    enterprises, counts = job_scope.scoped_counts(principal, latest)
    measures = [MeasureCounts(measure_id=m, eligible=c["eligible"], undetermined=c["undetermined"],
                              ineligible=c["ineligible"]) for m, c in sorted(counts.items())]
    return JobResults(job_id=job_id, as_of=latest.as_of.isoformat(), enterprises=enterprises, measures=measures)
