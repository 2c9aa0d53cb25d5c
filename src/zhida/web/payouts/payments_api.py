"""/api/v1/payments: the ledger's records (scoped), their detail, 免申即享 lists and the steps on
them (bulk confirm with exclusions, the enterprise's 意愿确认, 拨付到账), and which of an
enterprise's measures stack. Thin over ``zhida.payouts``."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from zhida.errors import ZhidaError
from zhida.matching.match import load_default_policies
from zhida.payouts import exempt, views
from zhida.web.api.common import Pagination, pagination
from zhida.web.api.schemas import PageMeta
from zhida.web.deps import Principal, require
from zhida.web.errors import LOOKUP_ERRORS, READ_ERRORS, WRITE_ERRORS, Forbidden, NotFound
from zhida.web.ids import RowId
from zhida.web.payouts.payments_scope import approver, own_list, scope_for, stacking_of, web_error

router = APIRouter(prefix="/api/v1/payments", tags=["政策兑现"])
Status = Literal["queued", "approved", "paid", "flagged", "clawed_back", "cancelled"]


class Payments(BaseModel):
    meta: PageMeta
    items: list[dict[str, Any]] = Field(description="id, uscc, measure_id, measure, benefit_id, period, item, "
                                                      "amount (元, two decimals), rule_amount, status, status_label, "
                                                      "step (where the money is), expected_on, paid_on, source, "
                                                      "rule_version, approvers")


class MyPayments(BaseModel):
    entries: list[dict[str, Any]] = Field(description="the enterprise's records and 免申即享 items, each with "
                                                      "step, expected_on and, for 意愿确认, exempt_item and version")


class ExemptLists(BaseModel):
    lists: list[dict[str, Any]]


class ExemptItems(BaseModel):
    list: dict[str, Any]
    meta: PageMeta
    items: list[dict[str, Any]]


class ConfirmBody(BaseModel):
    exclusions: dict[str, str] = Field(default_factory=dict, description="USCC → reason (each needs one)")


class Confirmed(BaseModel):
    confirmed: int
    excluded: int
    refused: list[dict[str, str]] = Field(description="items a guard refused (excluded with the guard's reason)")
    total: str


class AcceptBody(BaseModel):
    holder: str = Field(max_length=100, description="收款户名")
    bank: str = Field(max_length=100, description="开户银行")
    number: str = Field(max_length=40, description="银行账号（8–32位数字）")
    version: int | None = Field(None, description="the step's version the enterprise saw")


class PayBody(BaseModel):
    reference: str | None = Field(None, max_length=64, description="payment reference (国库支付凭证号)")


class Paid(BaseModel):
    paid: list[int]


def _run(request: Request, work):
    return _mapped(lambda: request.app.state.store.retrying(work))


def _mapped(call):
    """A guard's refusal (409), a step not allowed (403) or stale (409); other bad input 422."""
    try:
        return call()
    except ZhidaError as exc:
        mapped = web_error(exc)
        if mapped is not None:
            raise mapped from None
        raise


@router.get("", response_model=Payments, responses=READ_ERRORS,
            summary="兑现记录（企业看本企业；工作人员看本单位措施、本辖区）")
def list_payments(request: Request, status: Status | None = None, measure: str | None = Query(None, max_length=128),
                  paging: Pagination = Depends(pagination),
                  principal: Principal = Depends(require("payments", "read"))) -> Payments:
    policies = load_default_policies()
    with request.app.state.store.transaction() as s:
        total, rows = views.records(s, scope_for(principal, policies), policies, status=status, measure_id=measure,
                                    offset=paging.offset, limit=paging.per_page)
    return Payments(meta=_meta(paging, total), items=rows)


def _meta(paging: Pagination, total: int) -> PageMeta:
    return PageMeta(page=paging.page, per_page=paging.per_page, total=total,
                    pages=max(1, -(-total // paging.per_page)))


@router.get("/mine", response_model=MyPayments, responses=READ_ERRORS,
            summary="我的兑现（企业用户）：每笔资金到了哪一步、预计何时到账")
def my_payments(request: Request, principal: Principal = Depends(require("payments", "confirm"))) -> MyPayments:
    with request.app.state.store.transaction() as s:
        return MyPayments(entries=views.my_money(s, principal.uscc or "—", load_default_policies()))


@router.get("/stacking", response_model=list[dict[str, Any]], responses=LOOKUP_ERRORS,
            summary="申请前：本企业可能符合的措施中，哪些可叠加、哪些不得重复享受或就高")
def my_stacking(request: Request, as_of: date | None = None,
                principal: Principal = Depends(require("payments", "confirm"))) -> list[dict[str, Any]]:
    advice = stacking_of(request, principal, as_of or date.today())
    if advice is None:
        raise NotFound("企业库中还没有本企业的画像", "uscc")
    return advice


@router.get("/exempt-lists", response_model=ExemptLists, responses=READ_ERRORS,
            summary="免申即享名单（本单位措施）")
def exempt_lists(request: Request, principal: Principal = Depends(require("exempt", "read"))) -> ExemptLists:
    scope = scope_for(principal)
    with request.app.state.store.transaction() as s:
        return ExemptLists(lists=views.exempt_lists(s, scope.measures))


@router.get("/exempt-lists/{list_id}", response_model=ExemptItems, responses=LOOKUP_ERRORS,
            summary="免申即享名单中的企业（本辖区），各自所处步骤")
def exempt_items(request: Request, list_id: RowId, paging: Pagination = Depends(pagination),
                 principal: Principal = Depends(require("exempt", "read"))) -> ExemptItems:
    scope = scope_for(principal)
    with request.app.state.store.transaction() as s:
        listing = own_list(s, principal, list_id)
        total, rows = views.exempt_items(s, list_id, scope.district, offset=paging.offset, limit=paging.per_page)
        return ExemptItems(list=exempt.list_json(listing, s), meta=_meta(paging, total), items=rows)


@router.post("/exempt-lists/{list_id}/confirm", response_model=Confirmed, responses=WRITE_ERRORS,
             summary="单位确认免申即享名单（批量，可排除并写明理由）")
def confirm_list(request: Request, body: ConfirmBody, list_id: RowId,
                 principal: Principal = Depends(require("exempt", "write"))) -> Confirmed:
    scope = scope_for(principal)

    def work(s):
        own_list(s, principal, list_id)
        if scope.district is not None:  # a district official confirms only the list's enterprises it sees
            _, rows = views.exempt_items(s, list_id, None, limit=10_000_000)
            if any(r["region_code"] != scope.district for r in rows):
                raise Forbidden("名单含本辖区以外的企业，须由市级单位确认")
        return exempt.confirm(s, list_id, actor=approver(principal), exclusions=body.exclusions)

    done = _run(request, work)
    return Confirmed(confirmed=done.confirmed, excluded=done.excluded, total=f"{done.total:.2f}",
                     refused=[{"uscc": u, "reason": r} for u, r in done.refused])


@router.post("/exempt-lists/{list_id}/pay", response_model=Paid, responses=WRITE_ERRORS,
             summary="拨付到账：企业已确认收款信息的事项")
def pay_list(request: Request, body: PayBody, list_id: RowId,
             principal: Principal = Depends(require("exempt", "write"))) -> Paid:
    def work(s):
        own_list(s, principal, list_id)
        return exempt.pay(s, list_id, actor=approver(principal), reference=body.reference)

    return Paid(paid=_run(request, work))


@router.post("/exempt-items/{item_id}/accept", response_model=dict[str, Any], responses=WRITE_ERRORS,
             summary="企业意愿确认并填写收款账户（免申即享）")
def accept_item(request: Request, body: AcceptBody, item_id: RowId,
                principal: Principal = Depends(require("payments", "confirm"))) -> dict[str, Any]:
    def work(s):
        exempt.accept(s, item_id, uscc=principal.uscc or "—", actor=approver(principal, "enterprise"),
                      account=body.model_dump(exclude={"version"}), expected_version=body.version)
        return next((e for e in views.my_money(s, principal.uscc, load_default_policies())
                     if e.get("exempt_item") == item_id), {})

    return _run(request, work)


class ReviewBody(BaseModel):
    decision: Literal["keep", "claw_back"] = Field(description="keep: 复核后维持; claw_back: 追回")
    reason: str = Field(max_length=500, description="复核理由")


@router.get("/budgets", response_model=list[dict[str, Any]], responses=READ_ERRORS,
            summary="资金池（本单位措施）：预算、已核准、余额、超出时拒绝或排队、排队条数")
def budgets(request: Request, principal: Principal = Depends(require("exempt", "read"))) -> list[dict[str, Any]]:
    from zhida.web.payouts.ledger_pages import budgets_in_scope

    policies = load_default_policies()
    with request.app.state.store.transaction() as s:
        return budgets_in_scope(s, scope_for(principal, policies), policies)


class BudgetBody(BaseModel):
    measure_id: str = Field(min_length=1, max_length=128, description="政策措施编号")
    year: int = Field(ge=2000, le=2100, description="年度")
    payer: Literal["市级", "区级", "省级", "国家"] = Field(description="出资方（资金池按年度和出资方设定）")
    amount: str = Field(min_length=1, max_length=32, description="预算金额（元，最多到分）")
    on_exceed: Literal["refuse", "queue"] = Field("refuse", description="超出预算时：refuse 拒绝核准；queue 排队待核")
    note: str | None = Field(None, max_length=500, description="说明（如预算批复文号）")


@router.put("/budgets", response_model=dict[str, Any], responses=WRITE_ERRORS,
            summary="设定资金池（出资单位工作人员或管理员；已核准的金额照计，排队记录在余额足够时转为核准）")
def set_budget(request: Request, body: BudgetBody,
               principal: Principal = Depends(require("exempt", "write"))) -> dict[str, Any]:
    from zhida.payouts import budgets as budget_rights
    from zhida.payouts.ledger import budget_json

    policies = load_default_policies()
    return _run(request, lambda s: budget_json(budget_rights.set_as(
        s, principal, measure_id=body.measure_id, year=body.year, payer=body.payer, amount=body.amount,
        on_exceed=body.on_exceed, note=body.note, policies=policies)))


@router.post("/{record_id}/review", response_model=dict[str, Any], responses=WRITE_ERRORS,
             summary="待复核的兑现记录：维持或追回（须写明理由）")
def review_record(request: Request, body: ReviewBody, record_id: RowId,
                  principal: Principal = Depends(require("exempt", "write"))) -> dict[str, Any]:
    from zhida.web.payouts.ledger_pages import review

    return _mapped(lambda: review(request.app.state.store, principal, record_id, body.decision, body.reason))


@router.get("/{record_id}", response_model=dict[str, Any], responses=LOOKUP_ERRORS,
            summary="一条兑现记录：措施、事项、期间、金额、规则版本、冻结的企业信息、核准人")
def payment(request: Request, record_id: RowId,
            principal: Principal = Depends(require("payments", "read"))) -> dict[str, Any]:
    policies = load_default_policies()
    with request.app.state.store.transaction() as s:
        view = views.record(s, scope_for(principal, policies), record_id, policies)
    if view is None:
        raise NotFound("没有这条兑现记录", "record_id")
    return view
