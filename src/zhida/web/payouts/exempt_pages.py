"""Pages of 政策兑现's ledger: the staff 免申即享 review (lists, one list's enterprises with
exclusions and reasons, bulk confirm, 拨付到账) and the enterprise's 我的兑现 (where each sum is,
when it is expected, 意愿确认 with the receiving account). Thin over ``zhida.payouts``."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from zhida.errors import ZhidaError
from zhida.matching.match import load_default_policies
from zhida.payouts import declarations, exempt, views
from zhida.web.deps import Principal, require
from zhida.web.ids import RowId
from zhida.web.pages.common import render
from zhida.web.payouts.payments_scope import approver, own_list, scope_for, stacking_of, web_error

router = APIRouter(include_in_schema=False)
PAGE = 200  # enterprises per page of a list


def _exempt_measures(principal: Principal, policies) -> list:
    scope = scope_for(principal, policies)
    marks = declarations.for_policies(policies).exempt
    return [policies.measures[m] for m in marks if scope.measures is None or m in scope.measures]


def _lists_page(request: Request, principal: Principal, *, error=None, status_code=200):
    policies = load_default_policies()
    scope = scope_for(principal, policies)
    with request.app.state.store.transaction() as s:
        lists = views.exempt_lists(s, scope.measures)
    titles = {m.id: m.title for m in policies.measures.values()}
    return render(request, "payouts/exempt_lists.html", {
        "title": "免申即享", "lists": lists, "titles": titles, "error": error,
        "measures": _exempt_measures(principal, policies), "year": date.today().year,
    }, status_code=status_code, active="exempt")


@router.get("/payouts/exempt")
def exempt_lists_page(request: Request, principal: Principal = Depends(require("exempt", "read"))):
    return _lists_page(request, principal)


@router.post("/payouts/exempt/build")
def build_list(request: Request, measure: str = Form("", max_length=128), year: int = Form(0, ge=0, le=2100),
               as_of: str = Form("", max_length=10), principal: Principal = Depends(require("exempt", "write"))):
    from zhida.batch.population import facts_file

    policies = load_default_policies()
    try:
        if measure not in {m.id for m in _exempt_measures(principal, policies)}:
            raise ZhidaError("measure", "请选择本单位标记为免申即享的措施")
        try:
            day = date.fromisoformat(as_of) if as_of else date(year, 12, 31)
        except ValueError:
            raise ZhidaError("as_of", "评估日期须为 年-月-日") from None
        store = request.app.state.store
        path = facts_file(store, day)
        listing = store.retrying(lambda s: exempt.build(s, measure_id=measure, year=year, as_of=day,
                                                        actor=approver(principal), input_path=path,
                                                        policies=policies).id)
    except ZhidaError as exc:
        return _lists_page(request, principal, error=exc, status_code=422)
    return RedirectResponse(f"/payouts/exempt/{listing}", status_code=303)


def _list_page(request: Request, principal: Principal, list_id: int, offset: int = 0, *, error=None, done=None,
               status_code=200):
    policies = load_default_policies()
    scope = scope_for(principal, policies)
    with request.app.state.store.transaction() as s:
        listing = exempt.list_json(own_list(s, principal, list_id, policies), s)
        total, items = views.exempt_items(s, list_id, scope.district, offset=offset, limit=PAGE)
    return render(request, "payouts/exempt_list.html", {
        "title": f"免申即享名单 #{list_id}", "l": listing, "items": items, "total": total, "offset": offset,
        "page": PAGE, "measure": policies.measures.get(listing["measure_id"]), "error": error, "done": done,
    }, status_code=status_code, active="exempt")


@router.get("/payouts/exempt/{list_id}")
def exempt_list_page(request: Request, list_id: RowId, offset: int = Query(0, ge=0, le=10_000_000),
                     principal: Principal = Depends(require("exempt", "read"))):
    return _list_page(request, principal, list_id, offset, done=request.query_params.get("done"))


@router.get("/payouts/exempt/{list_id}/export.xlsx")
def export_list(request: Request, list_id: RowId, principal: Principal = Depends(require("exempt", "read"))):
    from fastapi.responses import Response

    from zhida import audit
    from zhida.web.payouts.exempt_export import exempt_list_xlsx, filename
    from zhida.web.push_lists import XLSX, content_disposition

    policies = load_default_policies()
    scope = scope_for(principal, policies)
    with request.app.state.store.transaction() as s:
        listing = exempt.list_json(own_list(s, principal, list_id, policies), s)
        _, items = views.exempt_items(s, list_id, scope.district, limit=10_000_000)
    measure = policies.measures.get(listing["measure_id"])
    title = measure.title if measure is not None else listing["measure_id"]
    audit.by(request.app.state.store, principal, "export", "exempt_list", str(list_id),
             detail=f"导出免申即享名单 XLSX（{title}，{listing['year']}年，{len(items)} 家）", after={"rows": len(items)})
    return Response(exempt_list_xlsx(listing, title, items), media_type=XLSX,
                    headers={"Content-Disposition": content_disposition(filename(listing, title))})


@router.post("/payouts/exempt/{list_id}/confirm")
async def confirm_list(request: Request, list_id: RowId, principal: Principal = Depends(require("exempt", "write"))):
    form = await request.form()
    exclusions = {}
    for uscc in form.getlist("exclude"):
        exclusions[str(uscc)] = str(form.get(f"reason_{uscc}") or "")
    return await _confirm(request, principal, list_id, exclusions)


async def _confirm(request, principal, list_id, exclusions):
    from starlette.concurrency import run_in_threadpool

    def work():
        try:
            def run(s):
                own_list(s, principal, list_id)
                return exempt.confirm(s, list_id, actor=approver(principal), exclusions=exclusions)

            done = request.app.state.store.retrying(run)
        except ZhidaError as exc:
            return _list_page(request, principal, list_id, error=web_error(exc) or exc, status_code=422)
        return RedirectResponse(f"/payouts/exempt/{list_id}?done=confirmed-{done.confirmed}-{done.excluded}",
                                status_code=303)

    return await run_in_threadpool(work)


@router.post("/payouts/exempt/{list_id}/pay")
def pay_list(request: Request, list_id: RowId, reference: str = Form("", max_length=64),
             principal: Principal = Depends(require("exempt", "write"))):
    def run(s):
        own_list(s, principal, list_id)
        return exempt.pay(s, list_id, actor=approver(principal), reference=reference or None)

    try:
        paid = request.app.state.store.retrying(run)
    except ZhidaError as exc:
        return _list_page(request, principal, list_id, error=exc, status_code=422)
    return RedirectResponse(f"/payouts/exempt/{list_id}?done=paid-{len(paid)}", status_code=303)


def _mine(request: Request, principal: Principal, *, error=None, error_item=None, done=None, status_code=200):
    with request.app.state.store.transaction() as s:
        entries = views.my_money(s, principal.uscc or "—", load_default_policies())
    stacking = stacking_of(request, principal, date.today()) if principal.uscc else None
    return render(request, "payouts/my_payments.html", {
        "title": "我的兑现", "entries": entries, "error": error, "error_item": error_item, "done": done,
        "stacking": stacking or [],
    }, status_code=status_code, active="my_payouts")


@router.get("/my/payouts")
def my_payouts(request: Request, principal: Principal = Depends(require("payments", "confirm"))):
    return _mine(request, principal, done="已确认收款信息" if request.query_params.get("accepted") else None)


@router.post("/my/payouts/{item_id}/accept")
def accept(request: Request, item_id: RowId, holder: str = Form("", max_length=100),
           bank: str = Form("", max_length=100), number: str = Form("", max_length=40),
           version: int = Form(0, ge=0, le=2**31 - 1),
           principal: Principal = Depends(require("payments", "confirm"))):
    try:
        request.app.state.store.retrying(lambda s: exempt.accept(
            s, item_id, uscc=principal.uscc or "—", actor=approver(principal, "enterprise"),
            account={"holder": holder, "bank": bank, "number": number}, expected_version=version or None))
    except ZhidaError as exc:
        return _mine(request, principal, error=exc, error_item=item_id, status_code=422)
    return RedirectResponse("/my/payouts?accepted=1", status_code=303)
