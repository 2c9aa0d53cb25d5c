"""Pages of the project library: /projects (list, register, 首谈 figures), /projects/{id} (stage,
首谈 life with its history, the agency reward evaluated on the record, parcels that fit),
/projects/map/{region} (产业地图 of one district with its parcels) and /projects/parcels/{id}."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from zhida.enterprises import regions
from zhida.projects import library, parcels, shoutan
from zhida.projects.roles import is_city
from zhida.web.deps import Principal, require
from zhida.web.ids import MAX_ROW_ID, RowId
from zhida.web.errors import Forbidden
from zhida.web.pages.common import render
from zhida.web.projects.api import count, detail, list_projects, shoutan_step
from zhida.web.projects.common import now, read, today, work

router = APIRouter(include_in_schema=False)
SHOUTAN_FILTERS = {"": "全部", "lead": "线索已登记", "pushed": "已推送市级统筹", "negotiating": "首谈区洽谈中",
                   "landed": "已签约落地", "closed": "已终止"}


def _back(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def districts() -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in regions.county_level() if d.code.startswith("11")]


@router.get("/projects")
def projects_home(request: Request, stage: str = Query("", max_length=16), shoutan_state: str = Query("", max_length=16),
                  flagged: bool = False, q: str = Query("", max_length=64), page: int = Query(1, ge=1, le=100_000),
                  after: int | None = Query(None, ge=1, le=MAX_ROW_ID), principal: Principal = Depends(require("projects", "read"))):
    stage = stage if stage in library.STAGES else ""
    shoutan_state = shoutan_state if shoutan_state in SHOUTAN_FILTERS else ""

    def run(s):
        listed = list_projects(s, principal, stage=stage or None, shoutan_state=shoutan_state or None, flagged=flagged,
                               q=q or None, page=page, after=after)
        listed["total"] = count(s, principal) if page == 1 and not (stage or shoutan_state or flagged or q) else None
        listed["figures"] = shoutan.credited(s) if principal.role != "enterprise" else []
        return listed

    data = read(request, run)
    return render(request, "projects/home.html", {
        "title": "高精尖产业项目库", "data": data, "stages": library.STAGES, "shoutan_filters": SHOUTAN_FILTERS,
        "filters": {"stage": stage, "shoutan_state": shoutan_state, "flagged": flagged, "q": q}, "page": page,
        "districts": districts(), "city": is_city(principal),
    }, active="projects")


@router.post("/projects")
def create_page(request: Request, name: str = Form(..., max_length=255), region_code: str = Form(..., max_length=32),
                owner_uscc: str = Form("", max_length=18), investor: str = Form("", max_length=255),
                industry_code: str = Form("", max_length=5), total_investment: str = Form("", max_length=24),
                new_paid_in_capital: str = Form("", max_length=24), foreign_investment_usd: str = Form("", max_length=24),
                annual_output: str = Form("", max_length=24), land_mu: str = Form("", max_length=16),
                strategic: str = Form("", max_length=8), agency_name: str = Form("", max_length=255),
                agency_entity_type: str = Form("", max_length=32), agency_full_service: str = Form("", max_length=8),
                principal: Principal = Depends(require("projects", "write"))):
    data = {"name": name, "region_code": region_code, "owner_uscc": owner_uscc, "investor": investor,
            "industry_code": industry_code, "total_investment": total_investment,
            "new_paid_in_capital": new_paid_in_capital, "foreign_investment_usd": foreign_investment_usd,
            "annual_output": annual_output, "land_mu": land_mu, "strategic": strategic,
            "agency_name": agency_name, "agency_entity_type": agency_entity_type,
            "agency_full_service": agency_full_service}
    made = work(request, lambda s: library.create(s, principal, data, now=now()))
    return _back(f"/projects/{made.id}")


@router.post("/projects/check")
def check_page(request: Request, principal: Principal = Depends(require("projects", "write"))):
    if not is_city(principal):
        raise Forbidden("只有市产业主管部门可以执行首谈时限检查")
    work(request, lambda s: shoutan.check(s, now()))
    return _back("/projects?flagged=true")


@router.get("/projects/map")
def map_index(request: Request, principal: Principal = Depends(require("map", "read"))):
    return render(request, "projects/map_index.html", {"title": "产业地图", "districts": districts()}, active="map")


@router.get("/projects/map/{region}")
def map_page(request: Request, region: str, principal: Principal = Depends(require("map", "read"))):
    data = read(request, lambda s: parcels.district_map(s, region))
    chart = {"title": f"{data['region']}工业用地与厂房楼宇", "map": data["region_code"], "boundary": data["boundary"],
             "points": [{"name": p["name"], "lon": p["lon"], "lat": p["lat"], "status": p["status_label"],
                         "area": p["area_mu"], "kind": p["kind_label"], "id": p["id"]}
                        for p in data["parcels"] if p["lon"] and p["lat"]]}
    return render(request, "projects/map.html", {"title": f"产业地图 · {data['region']}", "data": data, "chart": chart,
                                                 "districts": districts(), "kinds": parcels.KINDS,
                                                 "statuses": parcels.STATUSES}, active="map")


@router.post("/projects/map/{region}/parcels")
def parcel_page(request: Request, region: str, code: str = Form(..., max_length=64), name: str = Form(..., max_length=255),
                kind: str = Form("land", max_length=16), area_mu: str = Form(..., max_length=16),
                lon: str = Form("", max_length=16), lat: str = Form("", max_length=16),
                status: str = Form("available", max_length=16), industries: str = Form("", max_length=200),
                intensity: str = Form("", max_length=16), output: str = Form("", max_length=16),
                principal: Principal = Depends(require("map", "write"))):
    standards = []
    if intensity.strip():
        standards.append({"id": "intensity", "label": f"投资强度不低于{intensity.strip()}万元/亩",
                          "expr": f"project_investment_intensity >= {_number(intensity, 'intensity')}"})
    if output.strip():
        standards.append({"id": "output", "label": f"地均产出不低于{output.strip()}万元/亩",
                          "expr": f"project_output_per_mu >= {_number(output, 'output')}"})
    data = {"code": code, "name": name, "kind": kind, "region_code": region, "area_mu": area_mu, "lon": lon, "lat": lat,
            "status": status, "industries": industries, "standards": standards}
    work(request, lambda s: parcels.save(s, principal, data, now=now()))
    return _back(f"/projects/map/{region}")


def _number(text: str, field: str) -> str:
    from decimal import Decimal, InvalidOperation

    from zhida.web.errors import Invalid

    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise Invalid("应为数字", field=field) from None
    if not value.is_finite() or value < 0:
        raise Invalid("应为不小于 0 的数字", field=field)
    return str(value)


@router.get("/projects/parcels/{parcel_id}")
def parcel_detail(request: Request, parcel_id: RowId, principal: Principal = Depends(require("projects", "write"))):
    def run(s):
        parcel = parcels.get(s, parcel_id)
        return parcels.parcel_json(parcel), parcels.candidates(s, principal, parcel, today())

    parcel, found = read(request, run)
    return render(request, "projects/parcel.html", {"title": parcel["name"], "parcel": parcel, "candidates": found},
                  active="map")


@router.get("/projects/{project_id}")
def project_page(request: Request, project_id: RowId, principal: Principal = Depends(require("projects", "read"))):
    def run(s):
        project = library.get(s, principal, project_id)
        out = detail(s, principal, project)
        out["parcels"] = (parcels.for_project(s, project, today(), region=project.region_code)
                          if principal.role != "enterprise" else [])
        return out

    p = read(request, run)
    return render(request, "projects/project.html", {"title": p["name"], "p": p, "districts": districts(),
                                                     "city": is_city(principal)}, active="projects")


@router.post("/projects/{project_id}/stage")
def stage_page(request: Request, project_id: RowId, transition: str = Form(..., max_length=16),
               reason: str = Form("", max_length=2000), version: int | None = Form(None, ge=1, le=2**31 - 1),
               principal: Principal = Depends(require("projects", "write"))):
    work(request, lambda s: library.advance(s, principal, project_id, transition, now=now(), reason=reason or None,
                                            version=version))
    return _back(f"/projects/{project_id}")


@router.post("/projects/{project_id}/shoutan")
def shoutan_page(request: Request, project_id: RowId, action: str = Form(..., max_length=16),
                 region: str = Form("", max_length=32), reason: str = Form("", max_length=2000),
                 version: int | None = Form(None, ge=1, le=2**31 - 1),
                 principal: Principal = Depends(require("projects", "write"))):
    if action not in ("register", "recognise", "push", "assign", "reassign", "close"):
        from zhida.web.errors import Invalid

        raise Invalid("未知的首谈操作", field="action")
    work(request, lambda s: shoutan_step(s, principal, project_id, action, region or None, reason or None, version))
    return _back(f"/projects/{project_id}")
