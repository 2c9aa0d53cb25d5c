"""服务包: a package covers a set of enterprises (hand-picked, or every member of a registry) at
city or district level; each enterprise has a 服务管家 (a staff account)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.desk.roles import Person
from zhida.desk.tables import PackageMember, ServicePackage
from zhida.errors import NotFoundOrHidden, ZhidaError
from zhida.workflow import NotAllowed

LEVELS = {"city": "市级", "district": "区级"}


def _official(person: Person) -> None:
    if person.role not in ("admin", "staff"):
        raise NotAllowed("package", "只有工作人员可以管理服务包")


def create(session: Session, person: Person, *, name: str, level: str, unit: str | None = None,
           region: str | None = None, now: datetime) -> ServicePackage:
    _official(person)
    name = (name or "").strip()
    if not name or len(name) > 255:
        raise ZhidaError("name", "请填写服务包名称（不超过 255 字）")
    if level not in LEVELS:
        raise ZhidaError("level", "级别应为市级或区级")
    unit = (unit or "").strip() or (person.units[0] if person.units else None)
    if not unit:
        raise ZhidaError("unit", "请填写牵头单位")
    if person.role == "staff" and unit not in person.units:
        raise ZhidaError("unit", "牵头单位应为您所在的单位之一")
    if level == "district":
        from zhida.enterprises import regions

        region = regions.scope_code_or_none(region or "") if region else None
        if not region:
            raise ZhidaError("region", "区级服务包须选择所属区")
    else:
        region = None
    package = ServicePackage(name=name, level=level, region=region, unit=unit, created_at=now)
    session.add(package)
    session.flush()
    audit.record(session, actor=person.username, actor_id=person.user_id, action="desk_package_create",
                 entity="desk_package", entity_id=str(package.id), before=None,
                 after={"name": name, "level": level, "region": region, "unit": unit})
    return package


def visible(person: Person):
    """WHERE clause of the packages ``person`` may see (None: all)."""
    if person.role == "admin":
        return None
    if person.role == "enterprise":
        return ServicePackage.id.in_(select(PackageMember.package_id).where(PackageMember.uscc == (person.uscc or "—")))
    mine = select(PackageMember.package_id).where(PackageMember.officer_id == person.user_id)
    return ServicePackage.unit.in_(list(person.units) or ["—"]) | ServicePackage.id.in_(mine)


def get(session: Session, person: Person, package_id: int) -> ServicePackage:
    query = select(ServicePackage).where(ServicePackage.id == package_id)
    scope = visible(person)
    if scope is not None:
        query = query.where(scope)
    package = session.scalar(query)
    if package is None:
        raise NotFoundOrHidden("package", f"服务包 {package_id} 不存在或不在您的范围内")
    return package


def may_manage(person: Person, package: ServicePackage) -> bool:
    return person.role == "admin" or (person.role == "staff" and package.unit in person.units)


def add_members(session: Session, person: Person, package_id: int, usccs: list[str], *, now: datetime,
                officer_id: int | None = None, registry: str | None = None) -> list[PackageMember]:
    """Add enterprises (validated USCCs; all or none) with their 服务管家."""
    from zhida.enterprises.uscc import USCCError, check_normalized
    from zhida.web.tables import User

    package = get(session, person, package_id)
    if not may_manage(person, package):
        raise NotAllowed("package", "只有牵头单位的工作人员可以调整服务包企业")
    codes = []
    for i, raw in enumerate(usccs, 1):
        try:
            codes.append(check_normalized((raw or "").strip().upper()))
        except USCCError as exc:
            raise ZhidaError(f"usccs[{i}]", f"统一社会信用代码有误：{exc.zh}") from None
    if not codes:
        raise ZhidaError("usccs", "请至少填写一家企业")
    if officer_id is not None:
        officer = session.get(User, officer_id)
        if officer is None or officer.role != "staff" or not officer.active:
            raise ZhidaError("officer_id", "服务管家应为在职的工作人员账户")
    present = set(session.scalars(select(PackageMember.uscc).where(PackageMember.package_id == package_id,
                                                                   PackageMember.uscc.in_(codes))))
    added = []
    for code in dict.fromkeys(codes):
        if code in present:
            continue
        member = PackageMember(package_id=package_id, uscc=code, officer_id=officer_id, added_at=now)
        session.add(member)
        added.append(member)
    if registry:
        package.members_from = registry[:64]
    session.flush()
    audit.record(session, actor=person.username, actor_id=person.user_id, action="desk_package_members",
                 entity="desk_package", entity_id=str(package_id), before=None,
                 after={"added": [m.uscc for m in added], "officer_id": officer_id, "registry": registry})
    return added


def from_registry(session: Session, person: Person, package_id: int, *, now: datetime, officer_id: int | None = None,
                  region: str | None = None, industry: str | None = None) -> list[PackageMember]:
    """Every stored enterprise matching a registry's criteria (today: district and industry prefix,
    the enterprise register's own columns)."""
    from zhida.enterprises.tables import Enterprise

    package = get(session, person, package_id)
    query = select(Enterprise.uscc)
    region = region or package.region
    if region:
        query = query.where(Enterprise.region_code == region)
    if industry:
        query = query.where(Enterprise.industry_code.startswith(industry))
    codes = list(session.scalars(query.limit(10_000)))
    if not codes:
        raise ZhidaError("registry", "名录中没有符合条件的企业")
    label = "、".join(x for x in (f"地区{region}" if region else "", f"行业{industry}" if industry else "") if x) or "全部企业"
    return add_members(session, person, package_id, codes, now=now, officer_id=officer_id, registry=f"企业名录：{label}")


def set_officer(session: Session, person: Person, package_id: int, uscc: str, officer_id: int,
                now: datetime) -> PackageMember:
    from zhida.web.tables import User

    package = get(session, person, package_id)
    if not may_manage(person, package):
        raise NotAllowed("package", "只有牵头单位的工作人员可以指定服务管家")
    member = session.scalar(select(PackageMember).where(PackageMember.package_id == package_id,
                                                        PackageMember.uscc == uscc))
    officer = session.get(User, officer_id)
    if member is None:
        raise ZhidaError("uscc", "该企业不在此服务包中")
    if officer is None or officer.role != "staff":
        raise ZhidaError("officer_id", "服务管家应为工作人员账户")
    before = {"officer_id": member.officer_id}
    member.officer_id = officer_id
    audit.record(session, actor=person.username, actor_id=person.user_id, action="desk_package_officer",
                 entity="desk_package", entity_id=str(package_id), before=before,
                 after={"uscc": uscc, "officer_id": officer_id})
    return member


def member(session: Session, person: Person, package_id: int, uscc: str) -> PackageMember:
    get(session, person, package_id)
    found = session.scalar(select(PackageMember).where(PackageMember.package_id == package_id,
                                                       PackageMember.uscc == uscc))
    if found is None or (person.role == "enterprise" and person.uscc != uscc):
        raise ZhidaError("uscc", "该企业不在此服务包中或不在您的范围内")
    return found


def serving(session: Session, person: Person, package_id: int, uscc: str) -> PackageMember:
    """The member, if ``person`` may act for this enterprise in this package: the administrator,
    staff of the package's unit, or the enterprise's own 服务管家."""
    package = get(session, person, package_id)
    found = member(session, person, package_id, uscc)
    if person.role == "admin" or may_manage(person, package) or (person.role == "staff" and found.officer_id == person.user_id):
        return found
    raise NotAllowed("uscc", "只有该企业的服务管家或牵头单位可以办理")
