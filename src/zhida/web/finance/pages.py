"""Pages of 融资对接: /finance (products, needs, post a need), /finance/needs/{id} (matched products
with reasons, lenders' answers, one form per step for the lender)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from zhida.finance import figures, products, responses
from zhida.finance.lenders import declared, is_lender, lender_units
from zhida.web.deps import Principal, require
from zhida.web.ids import RowId
from zhida.web.finance.api import list_needs, list_products, need_detail
from zhida.web.pages.common import render
from zhida.web.projects.common import now as clock
from zhida.web.projects.common import read, work

router = APIRouter(include_in_schema=False)


@router.get("/finance")
def finance_home(request: Request, principal: Principal = Depends(require("finance", "read"))):
    def run(s):
        lender = lender_units(principal) if is_lender(principal) else None
        return {"products": list_products(s, principal), "needs": list_needs(s, principal),
                "figures": figures.by_product(s, lender) if principal.role != "enterprise" else []}

    data = read(request, run)
    return render(request, "finance/home.html", {"title": "融资对接", "data": data, "lenders": declared(),
                                                 "kinds": products.KINDS, "lender": is_lender(principal)},
                  active="finance")


@router.post("/finance/needs")
def post_need(request: Request, amount: str = Form(..., max_length=24), term_months: int = Form(..., ge=1, le=600),
              purpose: str = Form(..., max_length=2000), uscc: str = Form("", max_length=18),
              share_lenders: list[str] = Form([]), share_profile: str = Form("", max_length=8),
              principal: Principal = Depends(require("finance", "write"))):
    from zhida.finance import needs

    data = {"amount": amount, "term_months": term_months, "purpose": purpose, "uscc": uscc or None,
            "share_lenders": share_lenders[:20], "share_profile": share_profile or None}
    made = work(request, lambda s: needs.post(s, principal, data, now=clock()))
    return RedirectResponse(f"/finance/needs/{made.id}", status_code=303)


@router.get("/finance/needs/{need_id}")
def need_page(request: Request, need_id: RowId, principal: Principal = Depends(require("finance", "read"))):
    need = read(request, lambda s: need_detail(s, principal, need_id))
    mine = set(lender_units(principal))
    answered = {r["product_id"]: r for r in need["responses"]}
    steps = {}
    for m in need["matches"]:
        if m["lender"] not in mine:
            continue
        state = answered.get(m["product_id"], {}).get("state", "matched")
        steps[m["product_id"]] = [(t.name, t.label, t.needs) for t in responses.FLOW.allowed(state, {"lender"})] \
            if not responses.FLOW.states[state].final else []
    return render(request, "finance/need.html", {"title": "融资需求", "n": need, "steps": steps, "answered": answered},
                  active="finance")


@router.post("/finance/needs/{need_id}/respond")
def respond_page(request: Request, need_id: RowId, product_id: int = Form(..., ge=1, le=2**31 - 1),
                 transition: str = Form(..., max_length=16), reason: str = Form("", max_length=2000),
                 amount: str = Form("", max_length=24), version: int | None = Form(None, ge=1, le=2**31 - 1),
                 principal: Principal = Depends(require("finance", "write"))):
    work(request, lambda s: responses.respond(s, principal, need_id, product_id, transition, now=clock(),
                                              reason=reason or None, amount=amount or None, version=version))
    return RedirectResponse(f"/finance/needs/{need_id}", status_code=303)
