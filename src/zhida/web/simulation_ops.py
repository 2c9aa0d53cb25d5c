"""What pages and API share for 模拟测算: the measure's parameters, and running one what-if
(zhida.batch.simulate over the store's enterprises, staff limited to their district)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from zhida.errors import DataError, RuleError
from zhida.matching.match import load_default_policies
from zhida.batch import population, whatif
from zhida.web import audit
from zhida.web.deps import Principal
from zhida.web.errors import Invalid, NotFound, WebError
from zhida.web.push_lists import visible_measures

TOP = 50  # gainers and losers listed


def measures_with_parameters(principal: Principal) -> list[dict[str, Any]]:
    policies = load_default_policies()
    out = []
    for m in visible_measures(principal):
        params = whatif.parameters(m, policies)
        if params:
            out.append({"id": m.id, "title": m.title, "parameters": len(params)})
    return out


def measure(principal: Principal, measure_id: str):
    found = next((m for m in visible_measures(principal) if m.id == measure_id), None)
    if found is None:
        raise NotFound(f"措施 {measure_id} 不存在或不在您的责任范围内", field="measure")
    return found


def parameters(principal: Principal, measure_id: str) -> list[dict[str, Any]]:
    m = measure(principal, measure_id)
    return [{"id": p.id, "where": p.where, "context": p.context, "value": p.value}
            for p in whatif.parameters(m, load_default_policies())]


def run(request: Request, principal: Principal, measure_id: str, parameter: str, value: str) -> dict[str, Any]:
    from zhida.batch.simulate import simulate
    from zhida.web.enterprise_data import region_code_for

    m = measure(principal, measure_id)
    policies = load_default_policies()
    listed = {p.id: p for p in whatif.parameters(m, policies)}
    chosen = listed.get(parameter)
    try:
        new_value = whatif.checked_value(value, chosen.kind if chosen else "number")
    except DataError as exc:
        raise Invalid(exc.reason, field="value") from None
    as_of = request.app.state.as_of
    region = None
    if principal.role == "staff" and principal.region:
        region = region_code_for(principal.region) or "—"  # an unknown district: nobody, not everybody
    try:
        facts = population.facts_file(request.app.state.store, as_of)
    except DataError:
        raise WebError(409, "conflict", "企业库中还没有企业：请先导入企业画像") from None
    try:
        sim = simulate(policies, facts, as_of, [f"{m.id}.{parameter}={new_value}"], [m.id], movers_limit=TOP,
                       region_code=region)
    except RuleError as exc:
        raise Invalid(f"参数 {parameter} 无法调整：{exc.reason}", field="parameter") from None
    audit.by(request.app.state.store, principal, "whatif", "measure", m.id,
             detail=f"模拟测算 {parameter} = {new_value}（评估日 {as_of}）",
             after={"parameter": parameter, "value": str(new_value), "as_of": as_of.isoformat(), "region": region})
    return {"measure_id": m.id, "title": m.title, "parameter": parameter, "where": chosen.where if chosen else parameter,
            "baseline_value": chosen.value if chosen else None, "reform_value": new_value, "as_of": as_of.isoformat(),
            **whatif.shaped(sim, m.id, TOP)}
