"""Whom a notification is for: a user, an enterprise (every account of that USCC) or a 责任单位
(every staff account answering for it); resolved to accounts for e-mail at publish time, kept as
addresses for the inbox so an account added later still sees its enterprise's messages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from zhida.errors import ZhidaError

USER, ENTERPRISE, UNIT = "user", "enterprise", "unit"


@dataclass(frozen=True)
class Recipient:
    kind: str
    key: str

    @classmethod
    def user(cls, user_id: int) -> Recipient:
        if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id <= 0:
            raise ZhidaError("recipient", f"用户编号应为正整数，而不是 {user_id!r}")
        return cls(USER, str(user_id))

    @classmethod
    def enterprise(cls, uscc: str) -> Recipient:
        from zhida.enterprises import uscc as codes

        try:
            return cls(ENTERPRISE, codes.check_normalized((uscc or "").strip().upper()))
        except codes.USCCError as exc:
            raise ZhidaError("recipient", f"统一社会信用代码有误：{exc.zh}") from None

    @classmethod
    def unit(cls, unit_name: str) -> Recipient:
        name = (unit_name or "").strip()
        if not name:
            raise ZhidaError("recipient", "责任单位名称不能为空")
        return cls(UNIT, name[:255])


def addresses_of(reader) -> list[tuple[str, str]]:
    """The (kind, key) addresses whose messages ``reader`` (user_id, role, uscc, units) sees."""
    own = [(USER, str(reader.user_id))]
    role = getattr(reader, "role", None)
    if role == "enterprise" and getattr(reader, "uscc", None):
        own.append((ENTERPRISE, reader.uscc))
    if role == "staff":
        own.extend((UNIT, unit) for unit in (getattr(reader, "units", None) or ()))
    return own


def accounts(session: Session, recipients: list[Recipient], *, with_email: bool = False) -> list:
    """Active accounts the recipients stand for (each once; ``with_email``: only those with an
    e-mail address), in one query."""
    from zhida.web.tables import User

    ids = {int(r.key) for r in recipients if r.kind == USER}
    usccs = {r.key for r in recipients if r.kind == ENTERPRISE}
    units = {r.key for r in recipients if r.kind == UNIT}
    reach = ([User.id.in_(ids)] if ids else []) + \
        ([and_(User.role == "enterprise", User.uscc.in_(usccs))] if usccs else []) + \
        ([User.role == "staff"] if units else [])  # a unit's staff: their JSON list of units, read below
    if not reach:
        return []
    query = select(User).where(User.active.is_(True), or_(*reach))
    if with_email:
        query = query.where(User.email.is_not(None), User.email != "")
    found = {u.id: u for u in session.scalars(query)
             if u.id in ids or (u.role == "enterprise" and u.uscc in usccs)
             or (u.role == "staff" and units.intersection(u.units or ()))}
    return [found[key] for key in sorted(found)]
