"""Projects in the library are covered by city and district 服务包 (001) automatically.

A service package of zhida.desk covers the library when its ``members_from`` names it
(``data/offices.yaml`` library_label, set by ``cover_package``). Every project with a registered
owner enterprise then brings that owner into each such city package, and into each district
package of the project's district, with the project's 项目管家 as 服务管家 (when the package has
none for it yet). A prospective investor with no USCC cannot be a member yet: it joins when
the owner's code is recorded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.projects.roles import Person, offices
from zhida.projects.tables import Project


def label() -> str:
    return offices()["library_label"]


def cover_project(session: Session, project: Project, *, now: datetime) -> list[int]:
    """Add the project's owner to every package covering the library at its level; the package ids."""
    from zhida.desk.tables import PackageMember, ServicePackage

    if not project.owner_uscc:
        return []
    packages = session.scalars(select(ServicePackage).where(
        ServicePackage.members_from == label(),
        or_(ServicePackage.level == "city", ServicePackage.region == project.region_code))).all()
    added = []
    for package in packages:
        member = session.scalar(select(PackageMember).where(PackageMember.package_id == package.id,
                                                            PackageMember.uscc == project.owner_uscc))
        if member is None:
            session.add(PackageMember(package_id=package.id, uscc=project.owner_uscc, officer_id=project.officer_id,
                                      added_at=now))
            added.append(package.id)
        elif member.officer_id is None and project.officer_id is not None:
            member.officer_id = project.officer_id
    if added:
        session.flush()
        audit.record(session, actor="system:projects", actor_id=None, action="desk_package_members",
                     entity="project", entity_id=str(project.id), before=None,
                     after={"packages": added, "uscc": project.owner_uscc, "registry": label()})
    return added


def cover_package(session: Session, person: Person, package_id: int, *, now: datetime) -> int:
    """Let a package cover the library: every current owner of its level/district joins now, later
    ones on registration. Returns how many projects were brought in."""
    from zhida.desk import packages

    package = packages.get(session, person, package_id)
    if not packages.may_manage(person, package):
        from zhida.workflow import NotAllowed

        raise NotAllowed("package", "只有牵头单位的工作人员可以调整服务包企业")
    before = package.members_from
    package.members_from = label()
    session.flush()
    audit.record(session, actor=person.username, actor_id=person.user_id, action="desk_package_covers",
                 entity="desk_package", entity_id=str(package_id), before={"members_from": before},
                 after={"members_from": label()})
    query = select(Project).where(Project.owner_uscc.is_not(None))
    if package.level == "district":
        query = query.where(Project.region_code == package.region)
    return sum(1 for p in session.scalars(query) if cover_project(session, p, now=now))
