"""REST API of 融资对接: /api/v1/finance/products, /needs (with matched products and reasons),
/needs/{id}/responses (lenders' 接洽 / 授信 / 放款 / 不予支持), /figures."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from zhida.finance import figures, matching, needs, products, responses
from zhida.finance.lenders import is_lender, lender_units
from zhida.finance.tables import FinanceNeed, FinanceProduct
from zhida.web.deps import Principal, require
from zhida.web.ids import RowId
from zhida.web.errors import LOOKUP_ERRORS, READ_ERRORS, WRITE_ERRORS, NotFound
from zhida.web.projects.common import read, today, work
from zhida.web.projects.common import now as clock

router = APIRouter(tags=["融资对接"])
reader, writer = require("finance", "read"), require("finance", "write")


class ProductIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=255)
    lender: str = Field(min_length=1, max_length=255, description="金融机构（已登记）")
    kind: Literal["credit", "xinyidai", "tou_dai", "mid_long", "srdi", "guarantee"] = "credit"
    amount_min: str | None = Field(None, max_length=24)
    amount_max: str | None = Field(None, max_length=24)
    term_min: int | None = Field(None, ge=1, le=600)
    term_max: int | None = Field(None, ge=1, le=600)
    rate_min: str | None = Field(None, max_length=8, description="年利率下限（%）")
    rate_max: str | None = Field(None, max_length=8)
    conditions: list[dict[str, str]] = Field(default_factory=list, max_length=20,
                                             description="准入条件 {id, label, expr}（规则表达式，基于企业事实）")
    description: str | None = Field(None, max_length=2000)
    active: bool = True


class NeedIn(BaseModel):
    amount: str = Field(max_length=24, description="融资金额（元）")
    term_months: int = Field(ge=1, le=600)
    purpose: str = Field(min_length=1, max_length=2000)
    uscc: str | None = Field(None, max_length=18, description="工作人员代企业登记时")
    project_id: int | None = Field(None, ge=1, le=2**31 - 1)
    share_lenders: list[str] = Field(default_factory=list, max_length=20, description="共享给的金融机构（* 为全部）")
    share_profile: bool = Field(False, description="同意向上述机构共享企业画像")


class Answer(BaseModel):
    product_id: int = Field(ge=1, le=2**31 - 1)
    transition: Literal["contact", "credit", "lend", "decline", "withdraw"]
    reason: str | None = Field(None, max_length=2000)
    amount: str | None = Field(None, max_length=24)
    version: int | None = Field(None, ge=1, le=2**31 - 1)


def list_products(session, principal) -> list[dict[str, Any]]:
    return [products.product_json(p) for p in session.scalars(products.visible_query(principal).order_by(FinanceProduct.id))]


def list_needs(session, principal, page: int = 1, per_page: int = 20) -> list[dict[str, Any]]:
    query = select(FinanceNeed)
    scope = needs.visible(principal)
    if scope is not None:
        query = query.where(scope)
    rows = session.scalars(query.order_by(FinanceNeed.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return [needs.need_json(n) for n in rows]


def need_detail(session, principal, need_id: RowId) -> dict[str, Any]:
    need = needs.get(session, principal, need_id)
    out = needs.need_json(need)
    out["matches"] = matching.products_for_need(session, need, today(), principal)
    answered = responses.for_need(session, need.id)
    if is_lender(principal):
        answered = [r for r in answered if r["lender"] in lender_units(principal)]
    out["responses"] = answered
    return out


@router.get("/api/v1/finance/products", responses=READ_ERRORS, summary="金融产品（金融机构账户只见本机构产品）")
def api_products(request: Request, principal: Principal = Depends(reader)) -> dict[str, Any]:
    return read(request, lambda s: {"items": list_products(s, principal)})


@router.post("/api/v1/finance/products", responses=WRITE_ERRORS, summary="登记或更新金融产品（按产品编号幂等）")
def api_product(request: Request, body: ProductIn, principal: Principal = Depends(writer)) -> dict[str, Any]:
    if principal.role == "enterprise":
        from zhida.web.errors import Forbidden

        raise Forbidden("企业用户不能登记金融产品")
    return work(request, lambda s: products.product_json(products.save(s, principal, body.model_dump(), now=clock())[0]))


@router.get("/api/v1/finance/products/{product_id}/needs", responses=LOOKUP_ERRORS,
            summary="产品匹配的融资需求（仅企业已共享的需求，含理由）")
def api_product_needs(request: Request, product_id: RowId, principal: Principal = Depends(reader)) -> dict[str, Any]:
    def run(s):
        product = s.scalar(products.visible_query(principal).where(FinanceProduct.id == product_id))
        if product is None or principal.role == "enterprise":
            raise NotFound(f"产品 {product_id} 不存在或不在您的范围内", field="product_id")
        return {"product": products.product_json(product), "needs": matching.needs_for_product(s, product, today(), principal)}

    return read(request, run)


@router.get("/api/v1/finance/needs", responses=READ_ERRORS, summary="融资需求（企业见本企业；金融机构只见共享给它的）")
def api_needs(request: Request, page: int = Query(1, ge=1, le=100_000), per_page: int = Query(20, ge=1, le=100),
              principal: Principal = Depends(reader)) -> dict[str, Any]:
    return read(request, lambda s: {"items": list_needs(s, principal, page, per_page), "page": page})


@router.post("/api/v1/finance/needs", status_code=201, responses=WRITE_ERRORS, summary="发布融资需求")
def api_post_need(request: Request, body: NeedIn, principal: Principal = Depends(writer)) -> dict[str, Any]:
    return work(request, lambda s: needs.need_json(needs.post(s, principal, body.model_dump(), now=clock())))


@router.get("/api/v1/finance/needs/{need_id}", responses=LOOKUP_ERRORS, summary="融资需求详情：匹配的产品与理由、机构答复")
def api_need(request: Request, need_id: RowId, principal: Principal = Depends(reader)) -> dict[str, Any]:
    return read(request, lambda s: need_detail(s, principal, need_id))


@router.post("/api/v1/finance/needs/{need_id}/responses", responses=WRITE_ERRORS,
             summary="金融机构答复：接洽 / 授信 / 放款 / 不予支持（须说明理由）；企业可撤回")
def api_answer(request: Request, need_id: RowId, body: Answer, principal: Principal = Depends(writer)) -> dict[str, Any]:
    def run(s):
        responses.respond(s, principal, need_id, body.product_id, body.transition, now=clock(), reason=body.reason,
                          amount=body.amount, version=body.version)
        return need_detail(s, principal, need_id)

    return work(request, run)


@router.get("/api/v1/finance/figures", responses=READ_ERRORS, summary="融资对接统计：按产品、按区")
def api_figures(request: Request, principal: Principal = Depends(require("finance", "figures"))) -> dict[str, Any]:
    lender = lender_units(principal) if is_lender(principal) else None
    return read(request, lambda s: {"by_product": figures.by_product(s, lender),
                                    "by_district": figures.by_district(s) if lender is None else []})
