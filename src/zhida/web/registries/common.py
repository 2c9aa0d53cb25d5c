"""What the registries' API and pages share: who keeps a registry, the registry named in the URL, and the JSON of a registry, member, proposal and flag."""

from __future__ import annotations

from datetime import date
from typing import Any

from zhida.registries import review
from zhida.registries.definition import Registry, registries
from zhida.registries.tables import WAYS, Flag, Membership, Proposal
from zhida.web.deps import Principal
from zhida.web.errors import Forbidden, NotFound


def registry_or_404(name: str) -> Registry:
    found = registries().get(name)
    if found is None:
        raise NotFound(f"没有名为“{name}”的企业库", field="name")
    return found


def keeps(person: Principal, reg: Registry) -> bool:
    """The keeping unit's staff (or the admin) review, run batches, import and resolve flags."""
    return person.role == "admin" or (person.role == "staff" and reg.unit in person.units)


def require_keeper(person: Principal, reg: Registry) -> None:
    if not keeps(person, reg):
        raise Forbidden(f"只有{reg.unit}可以管理{reg.label}")


def actor(person: Principal):
    return review.keeper(person.username, person.user_id)


def registry_json(reg: Registry, on: date) -> dict[str, Any]:
    tiers = []
    for t in reg.tiers:
        c = t.criteria_on(on)
        tiers.append({"code": t.code, "label": t.label, "criteria_version": c.version if c else None,
                      "criteria_from": c.effective_from.isoformat() if c else None,
                      "conditions": [{"id": x.id, "expr": x.expr, "label": x.label, "quote": x.quote}
                                     for x in c.measure.conditions] if c else [],
                      "open_criteria": [{"id": o.id, "label": o.label, "quote": o.quote}
                                        for o in c.measure.open_criteria] if c else [],
                      "source": c.measure.document if c else None})
    return {"name": reg.name, "label": reg.label, "unit": reg.unit, "level": reg.level, "level_label": reg.level_label,
            "region": reg.region, "ladder": reg.ladder, "fact": reg.fact, "tier_fact": reg.tier_fact,
            "validity_years": reg.validity_years, "review_months": reg.review_months, "tiers": tiers,
            "quotes": reg.quotes}


def member_json(reg: Registry, m: Membership) -> dict[str, Any]:
    return {"id": m.id, "uscc": m.uscc, "name": m.name, "region_code": m.region_code, "industry_code": m.industry_code,
            "tier": m.tier, "tier_label": reg.tier_label(m.tier), "valid_from": m.valid_from.isoformat(),
            "valid_to": m.valid_to.isoformat() if m.valid_to else None, "way": m.way, "way_label": WAYS[m.way],
            "ended_reason": m.ended_reason}


def proposal_json(reg: Registry, p: Proposal, state: str | None = None) -> dict[str, Any]:
    return {"id": p.id, "uscc": p.uscc, "name": p.name, "region_code": p.region_code, "tier": p.tier,
            "tier_label": reg.tier_label(p.tier), "way": p.way, "way_label": WAYS[p.way], "proposed_by": p.proposed_by,
            "note": p.note, "criteria_version": p.criteria_version, "pending": p.pending or [],
            "evaluated_on": p.evaluated_on.isoformat(), "open": p.open, "state": state}


def flag_json(reg: Registry, f: Flag) -> dict[str, Any]:
    return {"id": f.id, "uscc": f.uscc, "tier": f.tier, "tier_label": reg.tier_label(f.tier),
            "evaluated_on": f.evaluated_on.isoformat(), "status": f.status, "reasons": f.reasons,
            "resolved": f.resolved}
