"""企业画像 / 政策体检 pages: list and import (officials), one enterprise with its checkup,
supplying a missing fact in place (htmx), and the XLSX / PDF exports."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from zhida.enterprises.fact_edit import field_for
from zhida.errors import DataError
from zhida.matching import checkup_change
from zhida.web import enterprise_data, enterprise_ops, import_jobs
from zhida.web.enterprise_data import StaleRevision
from zhida.web.deps import Principal, enterprise_access, require
from zhida.web.errors import WebError
from zhida.web.library import Page
from zhida.web.pages.common import render
from zhida.web.reports.pdf import checkup_pdf
from zhida.web.reports.xlsx import checkup_xlsx
from zhida.web.uscc import normalize_uscc
from zhida.web.ids import RowId

router = APIRouter(include_in_schema=False)
PER_PAGE = 20
CONFLICT_ZH = "此企业画像已被他人修改，未保存您的修改：页面已更新为最新内容，请核对后重新提交。"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _list_context(request: Request, principal: Principal, q: str, region: str, industry: str, page: int) -> dict:
    total, items = enterprise_data.search(request.app.state.store, principal, q=q, region=region, industry=industry,
                                          offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    result = Page(items=items, total=total, page=page, per_page=PER_PAGE)
    last = import_jobs.latest_of(request.app.state.store, principal) if principal.can("enterprises", "import") else None
    return {"title": "企业画像/政策体检", "result": result, "filters": {"q": q, "region": region, "industry": industry},
            "error": None, "uscc": "", "import_error": None,
            "import_job": import_jobs.shown(request.app.state.store, last) if last is not None else None}


@router.get("/enterprises")
def enterprises_page(request: Request, q: str = Query("", max_length=100), region: str = Query("", max_length=32),
                     industry: str = Query("", max_length=8), page: int = Query(1, ge=1, le=100000),
                     principal: Principal = Depends(require("enterprises", "read"))):
    if principal.role == "enterprise":  # an enterprise user has exactly one enterprise
        return RedirectResponse(f"/enterprises/{principal.uscc}", status_code=303)
    return render(request, "sections/enterprises.html", _list_context(request, principal, q, region, industry, page),
                  active="enterprises")


@router.get("/enterprises/lookup")
def enterprise_lookup(request: Request, uscc: str = Query("", max_length=32),
                      principal: Principal = Depends(require("enterprises", "read"))):
    try:
        code = normalize_uscc(uscc)
    except DataError as exc:
        context = _list_context(request, principal, "", "", "", 1)
        context.update(error=exc.reason, uscc=uscc)
        return render(request, "sections/enterprises.html", context, status_code=422, active="enterprises")
    return RedirectResponse(f"/enterprises/{code}", status_code=303)


@router.post("/enterprises/import")
async def import_page(request: Request, file: UploadFile = File(...),
                      principal: Principal = Depends(require("enterprises", "import"))):
    context = _list_context(request, principal, "", "", "", 1)
    try:
        job = await enterprise_ops.start_import(request, principal, file)
    except WebError as exc:
        context["import_error"] = exc.message
        return render(request, "sections/enterprises.html", context, status_code=exc.status, active="enterprises")
    context["import_job"] = import_jobs.shown(request.app.state.store, job)  # the page polls its progress
    return render(request, "sections/enterprises.html", context, active="enterprises")


@router.get("/enterprises/import-jobs/{job_id}/progress")
def import_progress(request: Request, job_id: str = Path(max_length=32),
                    principal: Principal = Depends(require("enterprises", "import"))):
    job = import_jobs.shown(request.app.state.store, import_jobs.visible(request.app.state.store, principal, job_id))
    if request.headers.get("HX-Request"):
        return render(request, "enterprises/_import_progress.html", {"job": job}, active="enterprises")
    context = _list_context(request, principal, "", "", "", 1) | {"import_job": job}
    return render(request, "sections/enterprises.html", context, active="enterprises")


@router.get("/enterprises/import-template.xlsx")
def import_template(principal: Principal = Depends(require("enterprises", "import"))):
    """The import template: header with the period columns, an example row, 填写说明."""
    from zhida.enterprises.import_template import xlsx_bytes

    return Response(xlsx_bytes(), media_type=XLSX,
                    headers={"Content-Disposition": "attachment; filename=\"import-template.xlsx\"; "
                                                    "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"})


@router.get("/enterprises/imports/{import_id}/rejects.csv")
def import_rejects(request: Request, import_id: RowId,
                   principal: Principal = Depends(require("enterprises", "import"))):
    return Response(enterprise_ops.rejects_csv(request, principal, import_id), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="import-{import_id}-rejects.csv"'})


def _workspace(request: Request, checkup, *, error: str | None = None, error_fact: str | None = None,
               notice: str | None = None, status_code: int = 200):
    e = checkup.enterprise
    template = "enterprises/_workspace.html" if request.headers.get("HX-Request") else "sections/enterprise.html"
    return render(request, template, {"title": f"{e.name}（{e.uscc}）", "uscc": e.uscc, "e": e, "c": checkup,
                                      "error": error, "error_fact": error_fact, "notice": notice},
                  status_code=status_code, active="enterprises")


@router.get("/enterprises/{uscc}")
def enterprise_page(request: Request, access: tuple[Principal, str] = Depends(enterprise_access("enterprises", "read"))):
    _, uscc = access
    return _workspace(request, enterprise_ops.run_checkup(request, uscc))


@router.post("/enterprises/{uscc}/facts")
def supply_fact_page(request: Request, fact: str = Form(..., max_length=128), value: str = Form("", max_length=400),
                     revision: str | None = Form(None, max_length=64),
                     access: tuple[Principal, str] = Depends(enterprise_access("enterprises", "write"))):
    principal, uscc = access
    before = enterprise_ops.run_checkup(request, uscc)  # what the page showed (memoized): compared below
    try:
        # The form carries the revision of the profile it showed: a save by somebody else in
        # between is a conflict (409), shown with the current profile, never silently merged.
        checkup = enterprise_ops.supply_fact(request, principal, uscc, fact, value, expected_revision=revision or None)
    except StaleRevision:
        return _workspace(request, enterprise_ops.run_checkup(request, uscc), error=CONFLICT_ZH, error_fact=fact,
                          status_code=409)
    except WebError as exc:
        if exc.status != 422:
            raise
        # htmx swaps 200 responses: the message is shown beside the form; a plain form post gets 422.
        status = 200 if request.headers.get("HX-Request") else 422
        return _workspace(request, enterprise_ops.run_checkup(request, uscc), error=exc.message, error_fact=fact,
                          status_code=status)
    field = field_for(fact)
    change = checkup_change.compare(before, checkup)
    return _workspace(request, checkup, notice=f"已保存并重新体检（{field.label if field else '所填信息'}）：{change.text}")


@router.get("/enterprises/{uscc}/checkup.xlsx")
def checkup_xlsx_page(request: Request, access: tuple[Principal, str] = Depends(enterprise_access("checkup", "read"))):
    principal, uscc = access
    body = checkup_xlsx(enterprise_ops.run_checkup(request, uscc))
    enterprise_ops.audit_export(request, principal, uscc, "XLSX")
    return Response(body, media_type=XLSX, headers=enterprise_ops.download_name(uscc, "xlsx"))


@router.get("/enterprises/{uscc}/checkup.pdf")
def checkup_pdf_page(request: Request, access: tuple[Principal, str] = Depends(enterprise_access("checkup", "read"))):
    principal, uscc = access
    body = checkup_pdf(enterprise_ops.run_checkup(request, uscc), request.app.state.templates)
    enterprise_ops.audit_export(request, principal, uscc, "PDF")
    return Response(body, media_type="application/pdf", headers=enterprise_ops.download_name(uscc, "pdf"))
