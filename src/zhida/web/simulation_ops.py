"""What pages and API share for 模拟测算: the measure's parameters, and running one what-if."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from zhida.errors import DataError
from zhida.matching.match import load_default_policies
from zhida.web import population, whatif
from zhida.web.deps import Principal
from zhida.web.errors import Invalid, NotFound
from zhida.web.push_lists import visible_measures


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
    return [{"id": p.id, "where": p.where, "context": p.context, "value": f"{p.value.normalize():f}"}
            for p in whatif.parameters(m, load_default_policies())]


def run(request: Request, principal: Principal, measure_id: str, parameter: str, value: str) -> dict[str, Any]:
    m = measure(principal, measure_id)
    try:
        reformed = whatif.reform(m, parameter, value)
    except DataError as exc:
        raise Invalid(exc.reason, field=exc.where) from None
    as_of = request.app.state.as_of
    members = population.members(request.app.state.store, as_of)
    if principal.role == "staff" and principal.region:
        from zhida.web.enterprise_data import region_code_for

        own = region_code_for(principal.region)
        members = [x for x in members if x.region_code == own]
    result = whatif.simulate(members, as_of, m, reformed)
    chosen = next((p for p in parameters(principal, measure_id) if p["id"] == parameter), None)
    return {"measure_id": m.id, "title": m.title, "parameter": parameter, "where": chosen["where"] if chosen else "",
            "baseline_value": chosen["value"] if chosen else None, "reform_value": value.strip(),
            "as_of": as_of.isoformat(), **result}
