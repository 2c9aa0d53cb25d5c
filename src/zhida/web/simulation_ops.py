"""What pages and API share for 模拟测算: the user's measures, and one what-if (zhida.batch.whatif)
run for them — staff limited to their district — with its audit row and HTTP errors."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from zhida.batch import population, whatif
from zhida.errors import DataError, RuleError
from zhida.matching.match import load_default_policies
from zhida.enterprises import regions
from zhida.pushlists.scope import NOWHERE, visible_measures
from zhida import audit
from zhida.web.deps import Principal
from zhida.web.errors import Invalid, NotFound, WebError
from zhida.web.push_lists import scope_of

TOP = 50  # gainers and losers listed


def measures_with_parameters(principal: Principal) -> list[dict[str, Any]]:
    return whatif.measures_with_parameters(load_default_policies(), scope_of(principal))


def measure(principal: Principal, measure_id: str):
    found = next((m for m in visible_measures(load_default_policies(), scope_of(principal)) if m.id == measure_id), None)
    if found is None:
        raise NotFound(f"措施 {measure_id} 不存在或不在您的责任范围内", field="measure")
    return found


def parameters(principal: Principal, measure_id: str) -> list[dict[str, Any]]:
    return whatif.parameter_views(measure(principal, measure_id), load_default_policies())


def run(request: Request, principal: Principal, measure_id: str, parameter: str, value: str) -> dict[str, Any]:
    m = measure(principal, measure_id)
    as_of, store = request.app.state.as_of, request.app.state.store
    region = None
    if principal.role == "staff" and principal.region:
        try:  # simulate filters by the registered district: a special zone counts as its host's
            region = regions.resolve(principal.region).region_code
        except KeyError:
            region = NOWHERE  # an unknown district: nobody, not everybody
    try:
        facts = population.facts_file(store, as_of)
    except DataError:
        raise WebError(409, "conflict", "企业库中还没有企业：请先导入企业画像") from None
    try:
        result = whatif.run(load_default_policies(), m, facts, as_of, parameter, value, region_code=region, top=TOP)
    except whatif.BadValue as exc:
        raise Invalid(exc.reason, field="value") from None
    except RuleError as exc:
        raise Invalid("此参数不能调整（请从参数列表中选择）", field="parameter") from None
    audit.by(store, principal, "whatif", "measure", m.id,
             detail=f"模拟测算《{m.title}》{result['where']}：{result['reform_value']}（评估日 {as_of}）",
             after={"parameter": parameter, "value": result["reform_value"], "as_of": as_of.isoformat(),
                    "region": region})
    return result
