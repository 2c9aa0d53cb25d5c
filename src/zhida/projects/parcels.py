"""产业地图 (001 “制作产业地图,发布各区产业布局、工业用地分布、厂房楼宇点位、项目准入标准”):
parcels and buildings with their location, area, status and admission standards, a district's
leading industries, and “地等项目” — a project matched to the parcels whose standards it meets,
a parcel to its candidate projects, each verdict explained condition by condition.

Admission standards are conditions in the rule language over the project facts
(``data/facts.yaml``): e.g. ``project_investment_intensity >= 800`` (万元/亩). The per-亩 figures
of a project on a parcel are computed here from the project record and the parcel's area."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.errors import ZhidaError
from zhida.projects import criteria, values
from zhida.rules.evaluate import kleene_and
from zhida.projects.roles import Person, district_of, is_city
from zhida.projects.tables import MapDistrict, Parcel, Project
from zhida.workflow import NotAllowed

KINDS = {"land": "工业用地", "building": "厂房楼宇"}
STATUSES = {"available": "可供", "reserved": "已预留", "occupied": "已使用"}
WAN = Decimal(10000)
WEIGHED = 500  # candidates weighed per parcel page (newest first)


def _may_edit(person: Person, region: str) -> None:
    if person.role not in ("admin", "staff") or not (is_city(person) or district_of(person) == region):
        raise NotAllowed("parcel", "只有本区或市产业主管部门的工作人员可以维护地块")


def clean(data: dict[str, Any]) -> dict[str, Any]:
    kind = str(data.get("kind") or "land")
    if kind not in KINDS:
        raise ZhidaError("kind", "类型应为工业用地或厂房楼宇")
    status = str(data.get("status") or "available")
    if status not in STATUSES:
        raise ZhidaError("status", "状态应为可供、已预留或已使用")
    out = {"name": values.text(data.get("name"), "name", required=True), "kind": kind, "status": status,
           "region_code": values.district(data.get("region_code")),
           "area_mu": values.area(data.get("area_mu"), "area_mu", required=True),
           "unit": values.text(data.get("unit"), "unit")}
    for axis, low, high in (("lon", 115, 118), ("lat", 39, 42)):
        raw = data.get(axis)
        if raw in (None, ""):
            out[axis] = None
            continue
        try:
            number = Decimal(str(raw))
        except Exception:  # noqa: BLE001 - any unparsable input is the same one-line error
            raise ZhidaError(axis, "坐标应为数字") from None
        if not low <= number <= high:
            raise ZhidaError(axis, f"坐标应在北京市范围内（{low}–{high}）")
        out[axis] = number.quantize(Decimal("0.000001"))
    industries = data.get("industries") or []
    if isinstance(industries, str):
        industries = [x.strip() for x in industries.replace("，", ",").replace("、", ",").split(",") if x.strip()]
    out["industries"] = [values.text(x, "industries", limit=5) for x in industries]
    standards = data.get("standards") or []
    out["standards"] = criteria.check(standards, criteria.project_policies(), "standards")
    return out


def save(session: Session, person: Person, data: dict[str, Any], *, now: datetime) -> tuple[Parcel, bool]:
    """Create or update (by ``code``) a parcel; (parcel, created). Unchanged input changes nothing."""
    fields = clean(data)
    code = values.text(data.get("code"), "code", limit=64, required=True)
    _may_edit(person, fields["region_code"])
    parcel = session.scalar(select(Parcel).where(Parcel.code == code))
    if parcel is not None:
        _may_edit(person, parcel.region_code)
        before = snapshot(parcel)
        for key, value in fields.items():
            setattr(parcel, key, value)
        if snapshot(parcel) == before:
            return parcel, False
        parcel.updated_at = now
        audit.record(session, actor=person.username, actor_id=person.user_id, action="parcel_update",
                     entity="parcel", entity_id=str(parcel.id), before=before, after=snapshot(parcel))
        return parcel, False
    parcel = Parcel(code=code, updated_at=now, **fields)
    session.add(parcel)
    session.flush()
    audit.record(session, actor=person.username, actor_id=person.user_id, action="parcel_create", entity="parcel",
                 entity_id=str(parcel.id), before=None, after=snapshot(parcel))
    return parcel, True


def snapshot(parcel: Parcel) -> dict[str, Any]:
    out = {k: getattr(parcel, k) for k in ("name", "kind", "status", "region_code", "area_mu", "lon", "lat", "unit",
                                          "industries", "standards")}
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in out.items()}


def set_district(session: Session, person: Person, region: str, industries: list[dict], note: str | None,
                 *, now: datetime) -> MapDistrict:
    region = values.district(region)
    _may_edit(person, region)
    cleaned = []
    for i, item in enumerate(industries or [], 1):
        label = values.text((item or {}).get("label"), f"industries[{i}].label", limit=64, required=True)
        cleaned.append({"code": values.text(item.get("code"), f"industries[{i}].code", limit=5), "label": label})
    row = session.get(MapDistrict, region)
    before = {"industries": row.industries, "note": row.note} if row else None
    if row is None:
        row = MapDistrict(region_code=region, updated_at=now)
        session.add(row)
    row.industries, row.note, row.updated_at = cleaned, values.text(note, "note", limit=2000), now
    session.flush()
    audit.record(session, actor=person.username, actor_id=person.user_id, action="map_district", entity="map_district",
                 entity_id=region, before=before, after={"industries": cleaned, "note": row.note})
    return row


def _per_mu(amount: Decimal | None, area: Decimal) -> Decimal | None:
    if amount is None or not area:
        return None
    return (amount / WAN / area).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def pair_facts(project: Project, parcel: Parcel) -> dict[str, Any]:
    """The project facts on this parcel (万元/亩 figures over the parcel's area)."""
    found = {
        "project_total_investment": project.total_investment,
        "project_strategic": project.strategic,
        "project_industry_code": project.industry_code,
        "project_land_mu": project.land_mu,
        "parcel_area_mu": parcel.area_mu,
        "project_investment_intensity": _per_mu(project.total_investment, parcel.area_mu),
        "project_output_per_mu": _per_mu(project.annual_output, parcel.area_mu),
        "project_tax_per_mu": _per_mu(project.annual_tax, parcel.area_mu),
    }
    return {k: v for k, v in found.items() if v is not None}


def _industry_fits(project: Project, parcel: Parcel) -> bool | None:
    if not parcel.industries:
        return True
    if not project.industry_code:
        return None
    return any(project.industry_code.startswith(p) for p in parcel.industries)


def verdict(project: Project, parcel: Parcel, as_of: date) -> dict[str, Any]:
    """Does the project meet the parcel's standards? Explained; the planned industries and the
    project's land need are checks of their own."""
    explained = criteria.explain(parcel.standards or [], pair_facts(project, parcel), criteria.project_policies(), as_of)
    extra = []
    fits = _industry_fits(project, parcel)
    planned = "、".join(parcel.industries or [])
    extra.append(criteria.Outcome("industry", "符合地块规划产业", fits,
                                  f"符合地块规划产业：{criteria.VERDICT[fits]}。项目行业 {project.industry_code or '未知'}，"
                                  f"地块规划 {planned or '不限'}"))
    if project.land_mu is not None:
        enough = parcel.area_mu >= project.land_mu
        extra.append(criteria.Outcome("area", "地块面积满足用地需求", enough,
                                      f"地块面积满足用地需求：{criteria.VERDICT[enough]}。地块 {parcel.area_mu} 亩，需求 {project.land_mu} 亩"))
    value = explained.value
    for outcome in extra:
        value = kleene_and(value, outcome.value)
    result = criteria.Explained(value, [*explained.outcomes, *extra])
    return {"parcel": parcel_json(parcel), "project_id": project.id, "project": project.name, **result.to_json()}


ORDER = {"eligible": 0, "undetermined": 1, "ineligible": 2}


def for_project(session: Session, project: Project, as_of: date, *, region: str | None = None,
                include_ineligible: bool = False) -> list[dict[str, Any]]:
    """Parcels (available ones) whose standards the project meets, then undetermined ones."""
    query = select(Parcel).where(Parcel.status == "available")
    if region:
        query = query.where(Parcel.region_code == values.district(region))
    found = [verdict(project, p, as_of) for p in session.scalars(query.order_by(Parcel.id))]
    found = [v for v in found if include_ineligible or v["status"] != "ineligible"]
    return sorted(found, key=lambda v: (ORDER[v["status"]], v["parcel"]["id"]))


def candidates(session: Session, person: Person, parcel: Parcel, as_of: date, *, limit: int = 200) -> list[dict[str, Any]]:
    """Projects of the parcel's district in the person's scope, not yet signed, in its planned
    industries, that meet the parcel's standards (the newest ``WEIGHED`` are weighed)."""
    from zhida.projects.roles import visible

    query = select(Project).where(Project.stage.in_(("planning", "reserve", "negotiating")),
                                  Project.region_code == parcel.region_code)
    if parcel.industries:  # planned industries first narrow the field in SQL (an unknown industry stays in)
        query = query.where(or_(Project.industry_code.is_(None),
                                *[Project.industry_code.startswith(p) for p in parcel.industries]))
    scope = visible(person)
    if scope is not None:
        query = query.where(scope)
    found = [verdict(p, parcel, as_of) for p in session.scalars(query.order_by(Project.id.desc()).limit(WEIGHED))]
    found = [v for v in found if v["status"] != "ineligible"]
    return sorted(found, key=lambda v: (ORDER[v["status"]], -v["project_id"]))[:limit]


def parcel_json(parcel: Parcel) -> dict[str, Any]:
    from zhida.enterprises import regions

    return {"id": parcel.id, "code": parcel.code, "name": parcel.name, "kind": parcel.kind, "kind_label": KINDS[parcel.kind],
            "region_code": parcel.region_code, "region": regions.label(parcel.region_code),
            "lon": str(parcel.lon) if parcel.lon is not None else None,
            "lat": str(parcel.lat) if parcel.lat is not None else None,
            "area_mu": str(parcel.area_mu), "status": parcel.status, "status_label": STATUSES[parcel.status],
            "industries": parcel.industries or [], "standards": parcel.standards or [], "unit": parcel.unit}


def district_map(session: Session, region: str) -> dict[str, Any]:
    """One district's map: leading industries, its boundary (GeoJSON), parcels and buildings (each
    with whether its point lies inside the boundary), counts by status."""
    from zhida.enterprises import boundaries, regions

    region = values.district(region)
    row = session.get(MapDistrict, region)
    parcels = [parcel_json(p) for p in session.scalars(select(Parcel).where(Parcel.region_code == region)
                                                      .order_by(Parcel.id))]
    for p in parcels:
        p["inside"] = boundaries.contains(region, p["lon"], p["lat"]) if p["lon"] and p["lat"] else None
    counts: dict[str, int] = {}
    for p in parcels:
        counts[p["status"]] = counts.get(p["status"], 0) + 1
    return {"region_code": region, "region": regions.label(region), "industries": row.industries if row else [],
            "note": row.note if row else None, "parcels": parcels,
            "boundary": boundaries.feature_collection(region, regions.label(region)),
            "outside": [p["code"] for p in parcels if p["inside"] is False],
            "by_status": {STATUSES[k]: v for k, v in counts.items()},
            "area_available_mu": str(sum((Decimal(p["area_mu"]) for p in parcels if p["status"] == "available"),
                                         Decimal(0)))}


def get(session: Session, parcel_id: int) -> Parcel:
    parcel = session.get(Parcel, parcel_id)
    if parcel is None:
        from zhida.projects.library import NotFoundOrHidden

        raise NotFoundOrHidden("parcel", f"地块 {parcel_id} 不存在或不在您的范围内")
    return parcel
