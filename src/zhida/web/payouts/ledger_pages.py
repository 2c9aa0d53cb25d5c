"""资金台账 for officials: the budgets (资金池) of their units' measures with what is used, left and
queued — set here by the staff of the paying unit (``zhida.payouts.budgets``, audited) — and the
records flagged for review (facts changed) with the reviewer's decision — keep (复核后维持) or
claw back (追回), each with a reason. Thin over ``zhida.payouts.ledger``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from zhida.errors import ZhidaError
from zhida.matching.match import load_default_policies
from zhida.payouts import budgets as budget_rights
from zhida.payouts import ledger, views
from zhida.payouts.declarations import PAYERS
from zhida.web.deps import Principal, require
from zhida.web.errors import NotFound
from zhida.web.ids import RowId
from zhida.web.pages.common import render
from zhida.web.payouts.payments_scope import approver, scope_for

router = APIRouter(include_in_schema=False)


def budgets_in_scope(session, scope: views.Scope, policies) -> list[dict]:
    rows = [b for b in ledger.budgets(session) if scope.measures is None or b["measure_id"] in scope.measures]
    for b in rows:
        m = policies.measures.get(b["measure_id"])
        b["measure"] = m.title if m is not None else b["measure_id"]
    return rows


def review(store, principal: Principal, record_id: int, decision: str, reason: str) -> dict:
    """A flagged record kept or clawed back, if it is in the user's scope (else as absent)."""
    policies = load_default_policies()
    scope = scope_for(principal, policies)

    def work(s):
        if views.record(s, scope, record_id, policies) is None:
            raise NotFound("没有这条兑现记录", "record_id")
        if decision == "keep":
            ledger.clear_flag(s, record_id, approver(principal, "reviewer"), reason)
        elif decision == "claw_back":
            ledger.claw_back(s, record_id, approver(principal, "reviewer"), reason)
        else:
            raise ZhidaError("decision", "复核结论须为维持或追回")
        return views.record(s, scope, record_id, policies)

    return store.retrying(work)


def _page(request: Request, principal: Principal, *, error=None, error_record=None, done=None, status_code=200,
          budget_error=None, budget_form=None):
    policies = load_default_policies()
    scope = scope_for(principal, policies)
    with request.app.state.store.transaction() as s:
        budgets = budgets_in_scope(s, scope, policies)
        flagged_total, flagged = views.records(s, scope, policies, status="flagged", limit=200)
        queued_total, queued = views.records(s, scope, policies, status="queued", limit=200)
    return render(request, "payouts/ledger.html", {
        "title": "资金台账", "budgets": budgets, "flagged": flagged, "flagged_total": flagged_total,
        "queued": queued, "queued_total": queued_total, "error": error, "error_record": error_record, "done": done,
        "settable": budget_rights.settable(principal, policies), "payers": PAYERS, "budget_error": budget_error,
        "budget_form": budget_form or {},
    }, status_code=status_code, active="ledger")


@router.get("/payouts/ledger")
def ledger_page(request: Request, principal: Principal = Depends(require("exempt", "read"))):
    done = {"keep": "已维持", "claw_back": "已追回", "budget": "资金池已保存"}.get(request.query_params.get("done", ""))
    return _page(request, principal, done=done)


@router.post("/payouts/ledger/{record_id}/review")
def review_page(request: Request, record_id: RowId, decision: str = Form("", max_length=16),
                reason: str = Form("", max_length=500), principal: Principal = Depends(require("exempt", "write"))):
    try:
        review(request.app.state.store, principal, record_id, decision, reason)
    except ZhidaError as exc:
        return _page(request, principal, error=exc, error_record=record_id, status_code=422)
    return RedirectResponse(f"/payouts/ledger?done={decision}", status_code=303)


@router.post("/payouts/ledger/budgets")
def budget_page(request: Request, measure_id: str = Form("", max_length=128), year: str = Form("", max_length=8),
                payer: str = Form("", max_length=8), amount: str = Form("", max_length=32),
                on_exceed: str = Form("refuse", max_length=8), note: str = Form("", max_length=500),
                principal: Principal = Depends(require("exempt", "write"))):
    from zhida.workflow import NotAllowed

    form = {"measure_id": measure_id, "year": year, "payer": payer, "amount": amount, "on_exceed": on_exceed,
            "note": note}
    policies = load_default_policies()
    try:
        request.app.state.store.retrying(lambda s: budget_rights.set_as(
            s, principal, measure_id=measure_id, year=year, payer=payer, amount=amount, on_exceed=on_exceed,
            note=note, policies=policies))
    except NotAllowed as exc:
        return _page(request, principal, budget_error=exc, budget_form=form, status_code=403)
    except ZhidaError as exc:
        return _page(request, principal, budget_error=exc, budget_form=form, status_code=422)
    return RedirectResponse("/payouts/ledger?done=budget", status_code=303)
