"""Pages of the registries: /registries (every list, its criteria in force and legal source; an
enterprise applies), /registries/{name} (members on a date, candidates and applications to review
in bulk, 动态管理 flags, 梯度培育 figures with ECharts funnel and trend) — thin over zhida.registries."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select

from zhida.enterprises import regions
from zhida.registries import dynamic, figures_cache, membership, review, service
from zhida.registries.definition import registries
from zhida.registries.tables import Flag, Proposal
from zhida.web.deps import Principal, require
from zhida.web.errors import Forbidden, Invalid
from zhida.web.pages.common import render
from zhida.web.domain import as_web_errors, read, work
from zhida.web.registries.common import (actor, flag_json, keeps, member_json, proposal_json, registry_json,
                                         registry_or_404, require_keeper)

router = APIRouter(include_in_schema=False)
TABS = {"members": "在库企业", "review": "候选与申请审核", "flags": "动态管理", "figures": "梯度培育统计"}
PER_PAGE = 50


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _day(text: str) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("日期格式应为 年-月-日", field="on") from None


@router.get("/registries")
def registries_home(request: Request, principal: Principal = Depends(require("registries", "read"))):
    day = date.today()
    items = [registry_json(r, day) | {"keeps": keeps(principal, r)} for r in registries().values()]
    mine = []
    if principal.role == "enterprise" and principal.uscc:
        def run(s):
            return [(registries()[m.registry_name].label, member_json(registries()[m.registry_name], m))
                    for m in s.scalars(select(membership.Membership).where(membership.Membership.uscc == principal.uscc)
                                       .order_by(membership.Membership.valid_from)) if m.registry_name in registries()]
        mine = read(request, run)
    return render(request, "registries/home.html", {"title": "企业库与名单", "items": items, "mine": mine},
                  active="registries")


@router.post("/registries/{name}/apply")
def apply_page(request: Request, name: str, tier: str = Form("", max_length=64), note: str = Form("", max_length=2000),
               uscc: str = Form("", max_length=18), principal: Principal = Depends(require("registries", "apply"))):
    reg = registry_or_404(name)
    if principal.role == "enterprise":
        target, way = principal.uscc, "application"
    else:
        target, way = uscc.strip().upper(), "recommendation"
        if not target:
            raise Invalid("推荐入库须填写企业统一社会信用代码", field="uscc")
    who = review.proposer(principal.username, principal.user_id)
    work(request, lambda s: review.propose(s, reg, uscc=target, tier=tier or None, way=way, actor=who,
                                           on=date.today(), note=note or None))
    return _back("/registries?applied=1" if principal.role == "enterprise" else f"/registries/{name}?tab=review")


@router.get("/registries/{name}")
def registry_page(request: Request, name: str, tab: str = Query("members", max_length=16),
                  on: str = Query("", max_length=10), tier: str = Query("", max_length=64),
                  page: int = Query(1, ge=1, le=100_000), after: str = Query("", max_length=18),
                  before: str = Query("", max_length=18),
                  principal: Principal = Depends(require("registries", "read"))):
    reg = registry_or_404(name)
    day = _day(on)
    info = registry_json(reg, day)
    context = {"title": reg.label, "reg": info, "tab": tab if tab in TABS else "members", "tabs": TABS,
               "on": day.isoformat(), "tier": tier, "page": page, "keeps": keeps(principal, reg),
               "official": principal.can("registries", "manage")}
    if not context["official"]:
        return render(request, "registries/registry.html", context, active="registries")
    tab = context["tab"]

    def run(s):
        if tab == "members":
            keyset = {"after": after} if after else {"before": before} if before else {"offset": (page - 1) * PER_PAGE}
            total, rows = membership.members_on(s, reg.name, day, tier=tier or None, limit=PER_PAGE, **keyset)
            return {"total": total, "pages": max(1, -(-total // PER_PAGE)),
                    "members": [member_json(reg, m) | {"region": regions.label(m.region_code) if m.region_code else ""}
                                for m in rows]}
        if tab == "review":
            q = select(Proposal).where(Proposal.registry_name == reg.name, Proposal.open.is_(True))
            total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
            rows = s.scalars(q.order_by(Proposal.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()  # newest first
            return {"total": total, "pages": max(1, -(-total // PER_PAGE)),
                    "proposals": [proposal_json(reg, p) | {"region": regions.label(p.region_code) if p.region_code else ""}
                                  for p in rows]}
        if tab == "flags":
            rows = s.scalars(select(Flag).where(Flag.registry_name == reg.name, Flag.resolved.is_(False))
                             .order_by(Flag.id).limit(200)).all()
            names = dict(s.execute(select(membership.Membership.id, membership.Membership.name)
                                   .where(membership.Membership.id.in_([f.membership_id for f in rows]))).all())
            return {"flags": [flag_json(reg, f) | {"name": names.get(f.membership_id, "")} for f in rows]}
        return None

    if tab == "figures":  # kept once computed, recomputed after a change (figures_cache)
        with as_web_errors():
            f, computed_at = figures_cache.current(request.app.state.store, reg, day)
        context.update({"figures": f, "computed_at": computed_at, "chart": {
            "tiers": [t.label for t in reg.tiers], "counts": [f.tiers[t.code] for t in reg.tiers],
            "days": [r["day"] for r in f.trend], "ladder": reg.ladder,
            "series": [{"name": t.label, "data": [r[t.code] for r in f.trend]} for t in reg.tiers]}})
    else:
        context.update(read(request, run))
    return render(request, "registries/registry.html", context, active="registries")


@router.post("/registries/{name}/decide")
async def decide_page(request: Request, name: str, principal: Principal = Depends(require("registries", "manage"))):
    reg = registry_or_404(name)
    require_keeper(principal, reg)
    form = await request.form()
    try:
        ids = [int(x) for x in form.getlist("ids")]
    except ValueError:
        raise Invalid("所选申请编号无效", field="ids") from None
    decision = str(form.get("decision") or "")
    reason = str(form.get("reason") or "")[:2000]
    work(request, lambda s: review.decide(s, reg, ids, decision, actor=actor(principal), on=date.today(),
                                          reason=reason or None))
    return _back(f"/registries/{name}?tab=review")


@router.post("/registries/{name}/run")
def run_page(request: Request, name: str, principal: Principal = Depends(require("registries", "manage"))):
    reg = registry_or_404(name)
    require_keeper(principal, reg)
    with as_web_errors():
        service.run(request.app.state.store, reg, date.today(), actor=principal.username, actor_id=principal.user_id)
    return _back(f"/registries/{name}?tab=review")


@router.post("/registries/{name}/flags/{flag_id}")
def flag_page(request: Request, name: str, flag_id: int, keep: str = Form(..., max_length=8),
              reason: str = Form("", max_length=2000), principal: Principal = Depends(require("registries", "manage"))):
    reg = registry_or_404(name)
    if not keeps(principal, reg):
        raise Forbidden(f"只有{reg.unit}可以处理动态管理提示")
    work(request, lambda s: dynamic.resolve(s, reg, flag_id, keep=keep == "1", reason=reason, on=date.today(),
                                            actor=principal.username, actor_id=principal.user_id))
    return _back(f"/registries/{name}?tab=flags")
