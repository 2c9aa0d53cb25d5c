"""政策兑现申请 API under /api/v1/applications: create from a checkup result, list, detail,
declaration, attachments, workflow transitions (with the version the client saw), the staff's
figures and exports, and a unit's 材料清单. Thin over ``zhida.payouts.applications``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from zhida.payouts.applications.attachments import MAX_BYTES
from zhida.web.deps import Principal, require
from zhida.web.errors import CONDITIONAL_WRITE_ERRORS, LOOKUP_ERRORS, READ_ERRORS, WRITE_ERRORS, Invalid
from zhida.web.ids import RowId
from zhida.web.payouts import applications_ops as ops
from zhida.web.payouts import applications_reports as reports

router = APIRouter(prefix="/api/v1/applications", tags=["政策兑现申请"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE_MAX = 200
EXPORT_MAX = 100_000


class CreateIn(BaseModel):
    measure_id: str = Field(min_length=1, max_length=128, description="政策措施编号（体检结果中“可享受”的措施）")


class DeclarationIn(BaseModel):
    declared: bool = Field(description="承诺所填信息和所附材料真实、准确、完整")
    expected_version: int | None = Field(None, ge=1, description="客户端看到的版本；已变动则 409")


class TransitionIn(BaseModel):
    transition: str = Field(min_length=1, max_length=64, description="流转名称（详情中的 actions[].name）")
    expected_version: int = Field(ge=1, description="客户端看到的版本；已被他人处理则 409")
    reason: str | None = Field(None, max_length=2000, description="理由（不予受理、补正、不通过、核减、异议、追回须填）")
    deadline: date | None = Field(None, description="补正期限（要求补正时必填，晚于今天）")
    amount: str | None = Field(None, max_length=32, description="核准金额（元，审核通过时；不填为规则金额，不得多于规则金额）")
    reference: str | None = Field(None, max_length=128, description="拨付凭证号（拨付时）")


class MaterialsIn(BaseModel):
    items: list[str] = Field(min_length=1, max_length=20, description="材料清单，每项一个名称")


class FileOut(BaseModel):
    id: int
    material: str
    filename: str
    kind: str
    size: int
    uploaded_at: datetime


# A transition's answer: where the application is now and what the account may do next (the
# steps, files and frozen facts: GET /api/v1/applications/{id}, ApplicationOut).
class TransitionOut(BaseModel):
    id: int
    state: str
    state_label: str
    version: int
    closed: bool
    due_day: str | None = Field(description="本环节办理期限（最后一个工作日，北京时间）")
    due_estimated: bool
    next_step: str | None
    actions: list[dict[str, Any]] = Field(description="当前账户可执行的流转")
    rule_amount: str | None = Field(description="规则按冻结信息算出的金额（元）")
    approved_amount: str | None
    record_id: int | None


class ApplicationOut(TransitionOut):  # the whole detail
    uscc: str
    enterprise_name: str | None
    measure_id: str
    measure_title: str
    level: str = Field(description="市级 / 区级")
    unit: str = Field(description="受理（审核）单位")
    district: str | None
    payer_unit: str
    as_of: date
    period: str
    overdue: bool
    escalated: bool = Field(description="已转督办")
    days_in_step: int = Field(description="本环节已用工作日")
    road: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    rule_amount_text: str
    approved_amount_text: str | None
    reduction_reason: str | None
    used_facts: list[dict[str, Any]] = Field(description="冻结的企业信息（规则读取的事实及其期间、取值）")
    materials: list[dict[str, Any]]
    declared: bool
    files: list[FileOut]
    payment_reference: str | None
    paid_at: datetime | None
    created_at: datetime
    roles: list[str]


class ListItem(BaseModel):
    id: int
    uscc: str
    enterprise_name: str | None
    measure_id: str
    measure_title: str
    unit: str
    level: str
    state: str
    state_label: str
    version: int
    due_at: datetime | None
    overdue: bool
    escalated: bool
    days_in_step: int
    rule_amount: str | None
    approved_amount: str | None
    created_at: datetime


class ListOut(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[ListItem]


class FigureOut(BaseModel):
    measure_id: str
    title: str
    total: int
    by_state: dict[str, int]
    overdue: int
    approved: str
    paid: str
    budgets: list[dict[str, Any]]


def _item(r) -> ListItem:
    return ListItem(id=r.id, uscc=r.uscc, enterprise_name=r.enterprise_name, measure_id=r.measure_id,
                    measure_title=r.measure_title, unit=r.unit, level=r.level, state=r.state, state_label=r.state_label,
                    version=r.version, due_at=r.due_at, overdue=r.overdue, escalated=r.escalated,
                    days_in_step=r.days_in_step, rule_amount=ops.money_text(r.rule_amount),
                    approved_amount=ops.money_text(r.approved_amount), created_at=r.created_at)


@router.post("", status_code=201, response_model=ApplicationOut, responses=WRITE_ERRORS,
             summary="从体检结果发起申请（冻结企业信息，生成材料清单，按层级路由到责任单位）")
def create(request: Request, body: CreateIn, principal: Principal = Depends(require("applications", "write"))):
    return ops.show(request, principal, ops.start(request, principal, body.measure_id))


@router.get("", response_model=ListOut, responses=READ_ERRORS, summary="申请列表（按当前账户可见范围）")
def list_applications(request: Request, measure_id: str = Query("", max_length=128), state: str = Query("", max_length=32),
                      overdue: bool = Query(False, description="只看超期"), page: int = Query(1, ge=1, le=100_000),
                      per_page: int = Query(50, ge=1, le=PER_PAGE_MAX),
                      principal: Principal = Depends(require("applications", "read"))) -> ListOut:
    total, rows = ops.listing(request, principal, measure_id=measure_id, state=state, overdue=overdue, page=page,
                              per_page=per_page)
    return ListOut(total=total, page=page, per_page=per_page, items=[_item(r) for r in rows])


@router.get("/figures", response_model=list[FigureOut], responses=READ_ERRORS,
            summary="按政策措施汇总：各状态数量、超期、核准与兑现金额（及资金池）")
def figures(request: Request, principal: Principal = Depends(require("applications", "report"))):
    return [FigureOut(measure_id=f.measure_id, title=f.title, total=f.total, by_state=f.by_state, overdue=f.overdue,
                      approved=f"{f.approved:.2f}", paid=f"{f.paid:.2f}", budgets=f.budgets)
            for f in ops.figures(request, principal)]


def _download(body: bytes, media: str, name: str) -> Response:
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename=\"applications.{name.rsplit('.', 1)[-1]}\"; "
                                                    f"filename*=UTF-8''{quote(name)}"})


@router.get("/export.xlsx", responses={**READ_ERRORS, 200: {"content": {XLSX: {}}, "description": "XLSX"}},
            response_class=Response, summary="导出申请清单与按政策汇总（XLSX）")
def export(request: Request, measure_id: str = Query("", max_length=128), state: str = Query("", max_length=32),
           overdue: bool = Query(False), principal: Principal = Depends(require("applications", "report"))):
    chunks = ops.export_rows(request, principal, measure_id=measure_id, state=state, overdue=overdue,
                             limit=EXPORT_MAX)
    return _download(reports.queue_xlsx(chunks, ops.figures(request, principal)), XLSX, "政策兑现申请清单.xlsx")


_MONTH = Query(..., pattern=r"^\d{4}-\d{2}$", description="年-月，如 2026-12")


@router.get("/report.xlsx", responses={**READ_ERRORS, 200: {"content": {XLSX: {}}, "description": "XLSX"}},
            response_class=Response, summary="政策兑现月报（按责任单位与区县，XLSX）")
def month_xlsx(request: Request, month: str = _MONTH, principal: Principal = Depends(require("applications", "report"))):
    return _download(reports.monthly_xlsx(ops.monthly(request, principal, month), month), XLSX, f"政策兑现月报{month}.xlsx")


@router.get("/report.pdf", responses={**READ_ERRORS, 200: {"content": {"application/pdf": {}}, "description": "PDF"}},
            response_class=Response, summary="政策兑现月报（按责任单位与区县，A4 PDF）")
def month_pdf(request: Request, month: str = _MONTH, principal: Principal = Depends(require("applications", "report"))):
    body = reports.monthly_pdf(ops.monthly(request, principal, month), month, scope_label(principal),
                               request.app.state.templates)
    return _download(body, "application/pdf", f"政策兑现月报{month}.pdf")


def scope_label(principal: Principal) -> str:
    if principal.role == "admin":
        return "全市"
    units = "、".join(principal.units) or "无责任单位"
    return f"{units}（{principal.region_label}）" if principal.region else units


@router.put("/materials/{measure_id}", response_model=list[str], responses=WRITE_ERRORS,
            summary="责任单位配置材料清单（政策原文未载明材料时使用）")
def configure_materials(request: Request, measure_id: str, body: MaterialsIn,
                        principal: Principal = Depends(require("applications", "report"))):
    return ops.configure_materials(request, principal, measure_id, body.items)


@router.get("/{application_id}", response_model=ApplicationOut, responses=LOOKUP_ERRORS,
            summary="申请详情：进度、期限、冻结信息、材料、可执行的流转")
def detail(request: Request, application_id: RowId, principal: Principal = Depends(require("applications", "read"))):
    return ops.show(request, principal, application_id)


@router.patch("/{application_id}", response_model=ApplicationOut, responses=CONDITIONAL_WRITE_ERRORS,
              summary="勾选或取消承诺声明（草稿、补正时）")
def declare(request: Request, application_id: RowId, body: DeclarationIn,
            principal: Principal = Depends(require("applications", "write"))):
    return ops.declare(request, principal, application_id, body.declared, body.expected_version)


@router.post("/{application_id}/transitions", response_model=TransitionOut, responses=WRITE_ERRORS,
             summary="流转：提交、受理、补正、审核通过（可核减，不得多于规则）、公示、拨付、撤回、追回……；"
                     "答复为流转后的状态、版本与可执行的流转（详情另取）")
def transition(request: Request, application_id: RowId, body: TransitionIn,
               principal: Principal = Depends(require("applications", "write"))):
    return ops.act(request, principal, application_id, body.transition, expected_version=body.expected_version,
                   reason=body.reason, deadline=body.deadline, amount=body.amount, reference=body.reference)


@router.post("/{application_id}/attachments", status_code=201, response_model=FileOut,
             responses={**WRITE_ERRORS, 413: {"description": "文件过大"}},
             summary="上传附件（PDF、图片、Word/Excel/PowerPoint；按内容判断类型，最大 10 MB）")
async def upload(request: Request, application_id: RowId, material: str = Form(..., max_length=255),
                 file: UploadFile = File(...), principal: Principal = Depends(require("applications", "write"))):
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Invalid(f"“{file.filename}”超过 {MAX_BYTES // (1024 * 1024)} MB，请压缩后再上传", field="file")
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(ops.attach, request, principal, application_id, material, file.filename, data)


@router.get("/{application_id}/attachments/{file_id}", response_class=Response,
            responses={**LOOKUP_ERRORS, 200: {"content": {"application/octet-stream": {}}, "description": "附件"}},
            summary="下载附件")
def download(request: Request, application_id: RowId, file_id: RowId,
             principal: Principal = Depends(require("applications", "read"))):
    name, media, body = ops.file_bytes(request, principal, application_id, file_id)
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename=\"file\"; filename*=UTF-8''{quote(name)}"})


@router.delete("/{application_id}/attachments/{file_id}", status_code=204, response_class=Response,
               responses=WRITE_ERRORS, summary="删除附件（草稿、补正时）")
def remove(request: Request, application_id: RowId, file_id: RowId,
           principal: Principal = Depends(require("applications", "write"))):
    ops.detach(request, principal, application_id, file_id)
    return Response(status_code=204)
