"""001 第十五条: the third-party agency reward, evaluated on the project record.

The measure ``bjhpj.project-introduction-agency-reward`` (policies/measures/001_…yaml) reads the
``served_project`` facts; here they come from the project: 经过首谈认定且成功引进 (the 首谈 life
ended in 签约落地 after the city recognised a 首谈区), 全程服务 (the agency recorded on the
project and whether it served the whole introduction), 在京新增实缴资本 and 实际利用外资 (USD),
the district; the beneficiary is the agency (its entity type). A fact the record lacks stays
missing, so the result is undetermined, never ineligible for want of data."""

from __future__ import annotations

from datetime import date

from zhida.projects.tables import Project

MEASURE = "bjhpj.project-introduction-agency-reward"


def facts(project: Project) -> dict:
    shoutan = None
    if project.shoutan_case_id is not None:
        # recognised (a 首谈区 was set) and introduced (landed); still negotiating: not yet known
        if project.shoutan_state == "landed":
            shoutan = project.shoutan_region is not None
        elif project.shoutan_state == "closed":
            shoutan = False
    elif project.stage in ("signed", "started", "producing"):
        shoutan = False  # landed without 首谈认定
    found = {
        "entity_type": project.agency_entity_type,
        "served_project.shoutan_recognised": shoutan,
        "served_project.full_process_service": project.agency_full_service if project.agency_name else None,
        "served_project.new_paid_in_capital_beijing": project.new_paid_in_capital,
        "served_project.foreign_investment_used": project.foreign_investment_usd,
        "served_project.region_code": project.region_code,
        "served_project.date": project.landed_at,
    }
    return {k: v for k, v in found.items() if v is not None}


def evaluate(project: Project, as_of: date, policies=None):
    """The measure's MeasureResult (status, amount, reasons per condition) on this project."""
    from zhida.matching.match import load_default_policies
    from zhida.rules.evaluate import evaluate as run

    policies = policies or load_default_policies()
    return run(policies.measure(MEASURE), facts(project), as_of, policies, strict=False)


def to_json(project: Project, as_of: date, policies=None) -> dict:
    result = evaluate(project, as_of, policies)
    return {"measure": MEASURE, "title": result.title, "status": result.status,
            "amount": str(result.amount) if result.amount is not None else None, "amount_kind": result.amount_kind,
            "conditions": [{"id": c.id, "label": c.label, "value": c.outcome, "reason": c.reason_zh, "quote": c.quote}
                           for c in result.conditions],
            "missing": list(result.missing), "open_criteria": result.open_criteria, "reasons": result.reasons,
            "facts": {k: (str(v) if not isinstance(v, (bool, str)) else v) for k, v in facts(project).items()}}
