"""Projects as JSON for the API and the pages (one shape for both)."""

from __future__ import annotations

from typing import Any

from zhida.enterprises import regions
from zhida.money_format import money
from zhida.projects import library, shoutan
from zhida.projects.tables import Project


def _m(value) -> str | None:
    return str(value) if value is not None else None


def region(code: str | None) -> str:
    if code == shoutan.CITY:
        return "市级"
    return regions.label(code) if code else "—"


def project_json(project: Project) -> dict[str, Any]:
    return {"id": project.id, "code": project.code, "name": project.name, "owner_uscc": project.owner_uscc,
            "investor": project.investor, "industry_code": project.industry_code,
            "region_code": project.region_code, "region": region(project.region_code),
            "total_investment": _m(project.total_investment), "total_investment_text": money(project.total_investment),
            "new_paid_in_capital": _m(project.new_paid_in_capital),
            "foreign_investment_usd": _m(project.foreign_investment_usd),
            "annual_output": _m(project.annual_output), "annual_tax": _m(project.annual_tax),
            "land_mu": _m(project.land_mu), "strategic": project.strategic,
            "stage": project.stage, "stage_label": library.STAGES[project.stage], "stage_dates": project.stage_dates or {},
            "officer_id": project.officer_id, "documents": project.documents or [],
            "shoutan_state": project.shoutan_state,
            "shoutan_label": shoutan.SHOUTAN.label_of(project.shoutan_state) if project.shoutan_state else None,
            "found_by": project.found_by, "found_by_label": region(project.found_by) if project.found_by else None,
            "shoutan_region": project.shoutan_region,
            "shoutan_due": project.shoutan_due.isoformat() if project.shoutan_due else None,
            "shoutan_flagged": project.shoutan_flagged_at is not None,
            "credited_region": project.credited_region,
            "credited_label": region(project.credited_region) if project.credited_region else None,
            "agency_name": project.agency_name, "agency_entity_type": project.agency_entity_type,
            "agency_full_service": project.agency_full_service}
