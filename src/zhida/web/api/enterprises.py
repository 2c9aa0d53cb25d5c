"""企业 API: list, profile, checkup (JSON, XLSX, PDF), supplying a fact, import.

Every route keyed by a USCC goes through ``deps.enterprise_access``: an enterprise user only
ever reaches its own USCC, staff only enterprises of their region, whatever the URL says.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, File, Header, Path, Query, Request, UploadFile
from fastapi.responses import Response
from anyio import to_thread

from zhida.web import checkup_http, enterprise_data, enterprise_ops, import_jobs
from zhida.web.as_of import as_of_param
from zhida.web.api.common import Pagination, meta, pagination
from zhida.web.api.enterprise_schemas import (CheckupReport, EnterpriseDetail, EnterpriseList, EnterpriseSummary,
                                              FactInput, FactResult, ImportJobView, JudgementInput,
                                              JudgementResult)
from zhida.web.deps import Principal, enterprise_access, require
from zhida.web.enterprise_data import StaleRevision
from zhida.web.errors import CONDITIONAL_WRITE_ERRORS, LOOKUP_ERRORS, READ_ERRORS, WRITE_ERRORS, PreconditionFailed
from zhida.web.library import Page
from zhida.web.reports.pdf import checkup_pdf
from zhida.web.reports.xlsx import checkup_xlsx
from zhida.web.ids import RowId

router = APIRouter(prefix="/api/v1/enterprises", tags=["企业"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AS_OF = Depends(as_of_param)


def _binary(media_type: str, description: str) -> dict:
    return {200: {"content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
                  "description": description}}


@router.get("", response_model=EnterpriseList, responses=READ_ERRORS, summary="企业列表（按名称/代码、地区、行业筛选，分页）")
def list_enterprises(
    request: Request,
    q: str | None = Query(None, max_length=100, description="名称或代码包含"),
    region: str | None = Query(None, max_length=32, description="地区名称或行政区划代码"),
    industry: str | None = Query(None, max_length=8, description="行业代码前缀，如 C 或 C39"),
    paging: Pagination = Depends(pagination),
    principal: Principal = Depends(require("enterprises", "read")),
) -> EnterpriseList:
    total, items = enterprise_data.search(request.app.state.store, principal, q=q, region=region, industry=industry,
                                          offset=paging.offset, limit=paging.per_page)
    page = Page(items=items, total=total, page=paging.page, per_page=paging.per_page)
    return EnterpriseList(items=items, meta=meta(page))


@router.post("/import", response_model=ImportJobView, status_code=202, responses=WRITE_ERRORS,
             summary="导入企业（XLSX/CSV/JSON 上传；后台导入，进度见 import-jobs/{id}；无效行进入拒收清单，"
                     "文件无法导入时 422 且不入库）")
async def import_enterprises(request: Request, file: UploadFile = File(..., description=".xlsx、.csv 或 .json"),
                             principal: Principal = Depends(require("enterprises", "import"))) -> ImportJobView:
    job = await enterprise_ops.start_import(request, principal, file)
    return ImportJobView(**import_jobs.view(job))


@router.get("/import-jobs/{job_id}", response_model=ImportJobView, responses=LOOKUP_ERRORS,
            summary="导入进度（管理员或上传者本人）")
def import_job(request: Request, job_id: str = Path(max_length=32),
               principal: Principal = Depends(require("enterprises", "import"))) -> ImportJobView:
    return ImportJobView(**import_jobs.view(import_jobs.visible(request.app.state.store, principal, job_id)))


@router.get("/imports/{import_id}/rejects", responses={**LOOKUP_ERRORS, **_binary("text/csv", "拒收清单 CSV")},
            response_class=Response, summary="导入的拒收清单（CSV：行号、字段、值、原因）")
def import_rejects(request: Request, import_id: RowId,
                   principal: Principal = Depends(require("enterprises", "import"))):
    return Response(enterprise_ops.rejects_csv(request, principal, import_id), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="import-{import_id}-rejects.csv"'})


@router.get("/{uscc}", response_model=EnterpriseDetail, responses=LOOKUP_ERRORS, summary="企业画像（一户一档）")
def get_enterprise(request: Request, response: Response,
                   access: tuple[Principal, str] = Depends(enterprise_access("enterprises", "read"))) -> EnterpriseDetail:
    _, uscc = access
    e = enterprise_ops.load(request, uscc)
    response.headers["ETag"] = f'"{e.revision}"'
    return EnterpriseDetail(enterprise=EnterpriseSummary(**e.summary()),
                            profile=e.profile.model_dump(mode="json", exclude_none=True), revision=e.revision)


@router.get("/{uscc}/checkup", response_model=CheckupReport, responses=LOOKUP_ERRORS,
            summary="政策体检：每项措施的结果、金额、理由、缺失事实、差一点与原文依据")
async def get_checkup(request: Request, as_of: date | None = AS_OF,
                      explain: bool = Query(True, description="false：简要体检（各项措施的结果、金额、缺失事实与依据，"
                                                               "不含理由 reasons 与差一点 near_miss；计算量约为完整体检的几分之一）"),
                      access: tuple[Principal, str] = Depends(enterprise_access("checkup", "read"))):
    # Sent from prepared bytes (checkup_http: gzip when accepted, ETag, 304 on If-None-Match). A
    # memoized checkup is usually answered before routing (checkup_fast); this route answers the
    # rest: the first checkup of a profile revision, a staff user limited to a region, a session
    # not memoized yet.
    _, uscc = access
    checkup = enterprise_ops.memoized_checkup(request, uscc, as_of, explain)
    if checkup is None:  # the engine runs in a thread, once however many clients ask at once
        checkup = await to_thread.run_sync(_prepared_checkup, request, uscc, as_of, explain,
                                           limiter=enterprise_ops.engine_requests(request.app.state))
    status, headers, body = checkup_http.answer(checkup_http.representations(checkup), request.headers.get("accept-encoding"),
                                                request.headers.get("if-none-match"))
    response = Response(status_code=status)
    response.raw_headers = list(headers)
    response.body = body
    return response


def _prepared_checkup(request: Request, uscc: str, as_of: date | None, explain: bool = True):
    checkup = enterprise_ops.run_checkup(request, uscc, as_of, explain)
    checkup_http.representations(checkup)  # compressed here, in the thread, not on the event loop
    return checkup


@router.patch("/{uscc}/facts", response_model=FactResult, responses=CONDITIONAL_WRITE_ERRORS,
              summary="补充或更正一项事实（记入审计日志），并立即重新体检；"
                      "带 If-Match（画像的 ETag）时，画像已被他人修改则为 412，不作修改")
async def supply_fact(request: Request, response: Response, body: FactInput,
                      if_match: str | None = Header(None, max_length=2000,
                                                    description="画像的 ETag（GET /api/v1/enterprises/{uscc}）"),
                      access: tuple[Principal, str] = Depends(enterprise_access("enterprises", "write"))) -> FactResult:
    principal, uscc = access
    checkup = await to_thread.run_sync(_supplied, request, principal, uscc, body, entity_tags(if_match),
                                       limiter=enterprise_ops.engine_requests(request.app.state))
    revision = checkup.enterprise.revision
    response.headers["ETag"] = f'"{revision}"'
    return FactResult(uscc=uscc, fact=body.fact, revision=revision, summary=checkup.summary)


@router.put("/{uscc}/judgements/{criterion}", response_model=JudgementResult, responses=WRITE_ERRORS,
            summary="责任单位认定一项未量化标准（open.<id>：满足/不满足；仅部门用户与管理员，记入审计日志），并立即重新体检")
async def put_judgement(request: Request, response: Response, body: JudgementInput,
                        criterion: str = Path(..., min_length=1, max_length=128, pattern=r"^(open\.)?[a-z][a-z0-9_]*$"),
                        access: tuple[Principal, str] = Depends(enterprise_access("judgements", "write"))) -> JudgementResult:
    principal, uscc = access

    def work():
        checkup, judged = enterprise_ops.judge(request, principal, uscc, criterion, body.met, body.by, body.on, body.note)
        checkup_http.representations(checkup)  # prepared in the thread
        return checkup, judged

    checkup, judged = await to_thread.run_sync(work, limiter=enterprise_ops.engine_requests(request.app.state))
    revision = checkup.enterprise.revision
    response.headers["ETag"] = f'"{revision}"'
    return JudgementResult(uscc=uscc, criterion=criterion.removeprefix("open."), revision=revision,
                           summary=checkup.summary, **judged)


def entity_tags(if_match: str | None) -> tuple[str, ...] | None:
    """The revisions an If-Match header accepts (None: any — absent or ``*``)."""
    if if_match is None or if_match.strip() == "*":
        return None
    tags = tuple(t.strip().removeprefix("W/").strip('"') for t in if_match.split(",") if t.strip())
    return tags or None


def _supplied(request: Request, principal: Principal, uscc: str, body: FactInput, expected: tuple[str, ...] | None):
    try:
        checkup = enterprise_ops.supply_fact(request, principal, uscc, body.fact, body.value,
                                             expected_revision=expected)
    except StaleRevision:
        raise PreconditionFailed("企业画像已被修改（If-Match 与当前版本不符），请重新读取画像后再提交") from None
    checkup_http.representations(checkup)  # the re-check that follows is served from it; prepared here
    return checkup


@router.get("/{uscc}/checkup.xlsx", response_class=Response, responses={**LOOKUP_ERRORS, **_binary(XLSX, "体检结果 XLSX")},
            summary="导出政策体检结果（XLSX）")
def export_xlsx(request: Request, as_of: date | None = AS_OF,
                access: tuple[Principal, str] = Depends(enterprise_access("exports", "read"))):
    principal, uscc = access
    checkup = enterprise_ops.run_checkup(request, uscc, as_of)
    enterprise_ops.audit_export(request, principal, uscc, "XLSX", as_of)
    return Response(checkup_xlsx(checkup), media_type=XLSX,
                    headers=enterprise_ops.download_name(uscc, "xlsx"))


@router.get("/{uscc}/checkup.pdf", response_class=Response,
            responses={**LOOKUP_ERRORS, **_binary("application/pdf", "体检报告 PDF")}, summary="导出政策体检报告（PDF）")
def export_pdf(request: Request, as_of: date | None = AS_OF,
               access: tuple[Principal, str] = Depends(enterprise_access("exports", "read"))):
    principal, uscc = access
    checkup = enterprise_ops.run_checkup(request, uscc, as_of)
    enterprise_ops.audit_export(request, principal, uscc, "PDF", as_of)
    return Response(checkup_pdf(checkup, request.app.state.templates), media_type="application/pdf",
                    headers=enterprise_ops.download_name(uscc, "pdf"))
