"""Enterprises in the store, as the web platform reads and changes them.

An adapter over ``zhida.enterprises`` (its tables and profile model): lookups, scoped lists,
and saving an edited profile together with its audit entry (one transaction).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from datetime import UTC, datetime
from typing import Any
from collections.abc import Callable, Collection

import orjson
from sqlalchemy import Text, bindparam, cast, func, or_, select

from zhida.enterprises import industries, regions
from zhida.enterprises.profile import EnterpriseProfile
from zhida.enterprises.size_class import SIZE_LABELS, derive_size_class
from zhida.enterprises.tables import Enterprise
from zhida.store.database import Store
from zhida import audit
from zhida.web.deps import Principal

@dataclass
class StoredEnterprise:
    uscc: str
    name: str
    region_code: str
    industry_code: str
    entity_type: str
    size_class: str | None
    profile_json: dict[str, Any]
    revision: str  # hash of the stored profile: the checkup cache key changes when it does

    @cached_property
    def profile(self) -> EnterpriseProfile:
        # Validated only when needed: a memoized checkup is served without re-reading the profile.
        # A stored profile that no longer validates (written before a check existed, e.g. 10^20 人)
        # is named field by field in one Chinese line, not a 500 on every visit.
        from pydantic import ValidationError

        from zhida.enterprises import validation_reasons
        from zhida.errors import DataError

        try:
            return EnterpriseProfile.model_validate(self.profile_json)
        except ValidationError as exc:
            reasons = "；".join(reason for _, _, reason in validation_reasons.rejects(exc, lambda v: v, "企业画像"))
            raise DataError("profile", f"企业 {self.uscc} 已存储的画像未通过校验（{reasons}），"
                                       "请重新导入该企业的画像后再使用") from None

    @property
    def region_name(self) -> str:
        return region_name(self.region_code)

    @property
    def industry_name(self) -> str:
        return industries.name_of(self.industry_code) or self.industry_code

    @property
    def size_label(self) -> str:
        return SIZE_LABELS.get(self.size_class or "", "无法判定")

    def summary(self) -> dict[str, Any]:
        return {"uscc": self.uscc, "name": self.name, "region_code": self.region_code, "region": self.region_name,
                "industry_code": self.industry_code, "industry": self.industry_name,
                "entity_type": self.entity_type, "size_class": self.size_class}


def region_name(code: str | None) -> str:
    if not code:
        return "—"
    try:
        return regions.name_of(code)
    except KeyError:
        return code


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# Built once: the per-request checkup path asks it on every request.
_PROFILE_TEXT = select(cast(Enterprise.profile_json, Text)).where(Enterprise.uscc == bindparam("uscc"))
_COMPILED: dict[int, tuple[object, str, bool]] = {}  # id(engine) → (engine, SQL text, positional?)


def revision(store: Store, uscc: str) -> str | None:
    """The enterprise's profile revision (None if not stored): one narrow indexed query, no JSON
    parsing, asked on every checkup request — so on a pooled DBAPI connection with the statement
    compiled once: SQLAlchemy's execution layer (and SQLite's BEGIN/ROLLBACK around a
    Connection) cost several times the query itself. Reads the latest committed row, so an
    edit by any process is seen by the next request."""
    engine = store.engine
    found = _COMPILED.get(id(engine))
    if found is None or found[0] is not engine:
        compiled = _PROFILE_TEXT.compile(dialect=engine.dialect)
        found = _COMPILED[id(engine)] = (engine, str(compiled), bool(compiled.positional))
    _, sql, positional = found
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(sql, (uscc,) if positional else {"uscc": uscc})
            row = cursor.fetchone()
        finally:
            cursor.close()
    finally:
        connection.close()  # back to the pool (which rolls back whatever the driver began)
    return None if row is None or row[0] is None else _digest(row[0])


_ROW = select(Enterprise.uscc, Enterprise.name, Enterprise.region_code, Enterprise.industry_code,
              Enterprise.entity_type, Enterprise.size_class, cast(Enterprise.profile_json, Text)
              ).where(Enterprise.uscc == bindparam("uscc"))


def get(store: Store, uscc: str) -> StoredEnterprise | None:
    # The columns, not the ORM entity (a third of a cold checkup's own time went to loading it),
    # and the revision hashed from the stored text, exactly as ``revision()`` does.
    with store.engine.connect() as connection:
        row = connection.execute(_ROW, {"uscc": uscc}).first()
    if row is None:
        return None
    *columns, text = row
    return StoredEnterprise(*columns, orjson.loads(text), _digest(text))


def region_of(store: Store, uscc: str) -> tuple[str | None, ...] | None:
    """The district code and special zone of a stored enterprise (what a staff user's region is
    compared with), None if it is not stored."""
    with store.sessions() as session:
        row = session.execute(select(Enterprise.region_code, Enterprise.special_zone)
                              .where(Enterprise.uscc == uscc)).first()
    return tuple(row) if row is not None else None


def region_code_for(name: str | None) -> str | None:
    """A district given as code or name → its GB/T 2260 code (a special zone → its host's)."""
    if not name:
        return None
    try:
        return regions.resolve(name).region_code
    except KeyError:
        return None


def district_filter(code: str):
    """Rows of enterprises in a district, or in a special zone, given by its scope code."""
    return or_(Enterprise.region_code == code, Enterprise.special_zone == code)


def scope_filters(principal: Principal) -> list:
    """Row scope of enterprise lists: an enterprise user its own USCC, staff their region."""
    if principal.role == "enterprise":
        return [Enterprise.uscc == (principal.uscc or "")]
    if principal.district_scoped:
        return [district_filter(principal.region_code)]
    return []


def search(store: Store, principal: Principal, *, q: str | None = None, region: str | None = None,
           industry: str | None = None, offset: int = 0, limit: int = 20) -> tuple[int, list[dict[str, Any]]]:
    query = select(Enterprise.uscc, Enterprise.name, Enterprise.region_code, Enterprise.industry_code,
                   Enterprise.entity_type, Enterprise.size_class).where(*scope_filters(principal))
    if q:
        like = f"%{q.strip()}%"
        query = query.where(or_(Enterprise.name.like(like), Enterprise.uscc.like(like.upper())))
    if region:
        query = query.where(Enterprise.region_code == (region_code_for(region) or region))
    if industry:
        query = query.where(Enterprise.industry_code.like(f"{industry.strip().upper()}%"))
    with store.sessions() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.execute(query.order_by(Enterprise.id).offset(offset).limit(limit)).all()
    items = [{"uscc": u, "name": n, "region_code": r, "region": region_name(r), "industry_code": i,
              "industry": industries.name_of(i) or i, "entity_type": e, "size_class": s}
             for u, n, r, i, e, s in rows]
    return total, items


def lifted_columns(profile: EnterpriseProfile) -> dict[str, Any]:
    """The columns kept beside the JSON (as the importer derives them: size class of the latest year)."""
    from zhida.enterprises.importer import sized_figures

    year, f = sized_figures(profile)
    size = None
    if year is not None:
        size = derive_size_class(profile.industry_code, f.employees, f.revenue, f.total_assets)
    return {"name": profile.name, "region_code": profile.region_code, "special_zone": profile.special_zone,
            "industry_code": profile.industry_code, "entity_type": profile.entity_type, "size_class": size,
            "size_class_year": year, "schema_version": profile.schema_version,
            "profile_json": profile.model_dump(mode="json", exclude_none=True)}


class StaleRevision(Exception):
    """The profile changed since the revision the caller read (optimistic concurrency)."""

    def __init__(self, current: str):
        super().__init__(current)
        self.current = current


def save_profile(store: Store, principal: Principal, uscc: str, profile: EnterpriseProfile, *, action: str,
                 detail: str) -> StoredEnterprise:
    """Replace the stored profile and write the audit entry in the same transaction."""
    return edit_profile(store, principal, uscc, lambda _current: profile, action=action, detail=detail)


def edit_profile(store: Store, principal: Principal, uscc: str,
                 change: Callable[[EnterpriseProfile], EnterpriseProfile], *, action: str, detail: str,
                 expected_revision: str | Collection[str] | None = None) -> StoredEnterprise:
    """Apply ``change`` to the profile as stored NOW and save it, audited, in one transaction
    that holds the row: SQLite BEGIN IMMEDIATE (the write lock), PostgreSQL SELECT … FOR UPDATE.
    Two edits at the same instant are applied one after the other, each to the other's result,
    so neither is lost. With ``expected_revision`` (If-Match, the form's hidden revision) the
    edit is refused with StaleRevision when the profile changed since that revision was read."""
    expected = (expected_revision,) if isinstance(expected_revision, str) else expected_revision

    def work(session) -> StoredEnterprise:
        found = session.execute(select(Enterprise, cast(Enterprise.profile_json, Text).label("profile_text"))
                                .where(Enterprise.uscc == uscc).with_for_update(of=Enterprise)).first()
        if found is None:
            from zhida.web.errors import NotFound

            raise NotFound(f"企业 {uscc} 不在企业库中", field="uscc")
        row, text = found
        current = _digest(text)
        if expected is not None and current not in expected:
            raise StaleRevision(current)
        before = orjson.loads(text)
        columns = lifted_columns(change(EnterpriseProfile.model_validate(before)))
        for name, value in columns.items():
            setattr(row, name, value)
        audit.record(session, actor=principal.username, actor_id=principal.user_id, action=action,
                     entity="enterprise", entity_id=uscc, before=before, after=columns["profile_json"], detail=detail)
        session.flush()
        _recheck_payments(session, principal, uscc, columns["profile_json"])
        # The revision of the text as stored (PostgreSQL's jsonb text differs from json.dumps).
        text = session.scalar(select(cast(Enterprise.profile_json, Text)).where(Enterprise.uscc == uscc))
        return StoredEnterprise(row.uscc, row.name, row.region_code, row.industry_code, row.entity_type,
                                row.size_class, orjson.loads(text), _digest(text))

    # One transaction holding the row (SQLite BEGIN IMMEDIATE, PostgreSQL FOR UPDATE), tried
    # again while the database is busy (an import committing a batch), never half applied.
    return store.retrying(work)


def _recheck_payments(session, principal: Principal, uscc: str, profile_json: dict) -> None:
    """Facts changed: the enterprise's approved and paid records whose rule no longer holds on the
    new profile are flagged for review in the same transaction (zhida.payouts.recheck, issue 12)."""
    from zhida.payouts.ledger import Approver
    from zhida.payouts.recheck import has_records, recheck

    if has_records(session, uscc):
        recheck(session, actor=Approver(principal.username, principal.user_id, "system"), uscc=uscc,
                profiles={uscc: EnterpriseProfile.model_validate(profile_json)})


def now() -> datetime:
    return datetime.now(UTC)
