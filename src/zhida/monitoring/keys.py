"""The key-enterprise list (重点企业) watched by 运行监测: the members, on a day, of the registries
named in policies/monitoring/key_enterprises.yaml (白名单 … kept by zhida.registries), the
enterprises that were 规上工业 last year (the catalogue fact ``above_designated_size`` of their
stored profile), and the staff's hand-kept changes: ``add`` an enterprise the sources do not name,
``remove`` one they do — each with a note, audited; the latest change per enterprise counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Text, select
from sqlalchemy.orm import Session

from zhida import audit, config
from zhida.enterprises.uscc import is_valid
from zhida.errors import ZhidaError
from zhida.monitoring.tables import MonKeyEnterprise

ABOVE_SIZE = "above_designated_size"


@dataclass(frozen=True)
class Sources:
    registries: tuple[str, ...]
    above_size: bool


def sources() -> Sources:
    from zhida.rules.yamlio import load_yaml

    path = config.policies_subdir("monitoring") / "key_enterprises.yaml"
    raw = load_yaml(path) or {}
    return Sources(tuple(str(r) for r in raw.get("registries") or ()), bool(raw.get("above_designated_size")))


def _is_json_true(session: Session, document, path: tuple[str, ...]):
    """SQL: the JSON value at ``path`` of ``document`` is the literal ``true`` (not 1, not "是")."""
    from sqlalchemy import cast, func, literal
    from sqlalchemy.dialects.postgresql import ARRAY, JSONB

    if session.get_bind().dialect.name == "postgresql":
        return document.op("#>")(cast(literal(list(path)), ARRAY(Text))) == cast(literal("true"), JSONB)
    return func.json_type(document, "$." + ".".join(f'"{p}"' for p in path)) == "true"


def _above_size(session: Session, year: int, among: set[str] | None) -> set[str]:
    """Stored enterprises whose profile says 规上工业 for ``year`` (unknown → not on the list),
    found by the database (the JSON path tested in SQL): only the listed USCCs come back."""
    from zhida.enterprises.tables import Enterprise

    q = select(Enterprise.uscc).where(_is_json_true(session, Enterprise.profile_json,
                                                     ("figures", str(year), ABOVE_SIZE)))
    if among is None or len(among) > 5000:  # one scan beats thousands of IN lists
        found = set(session.scalars(q))
        return found if among is None else found & among
    ordered, out = sorted(among), set()
    for i in range(0, len(ordered), 500):
        out.update(session.scalars(q.where(Enterprise.uscc.in_(ordered[i:i + 500]))))
    return out


@dataclass
class KeyList:
    usccs: set[str]
    why: dict[str, list[str]]  # uscc → where it comes from (registry label, 规上工业, 手工添加)


def current(session: Session, day: date, *, among: set[str] | None = None) -> KeyList:
    """The key enterprises on ``day`` (``among``: only these USCCs are looked at, e.g. those reporting)."""
    from zhida.registries.definition import registries
    from zhida.registries.membership import member_usccs

    src = sources()
    why: dict[str, list[str]] = {}
    labels = {name: reg.label for name, reg in registries().items()} if src.registries else {}
    for name in src.registries:
        for uscc in member_usccs(session, name, day):
            if among is None or uscc in among:
                why.setdefault(uscc, []).append(labels.get(name, name))
    if src.above_size:
        for uscc in _above_size(session, day.year - 1, among):
            why.setdefault(uscc, []).append(f"规上工业（{day.year - 1}年）")
    for row in session.scalars(select(MonKeyEnterprise)):
        if among is not None and row.uscc not in among:
            continue
        if row.action == "add":
            why.setdefault(row.uscc, []).append(f"手工添加：{row.note}")
        else:
            why.pop(row.uscc, None)
    return KeyList(set(why), why)


def keep(session: Session, uscc: str, action: str, note: str, *, actor: str, actor_id: int | None = None,
         now: datetime | None = None) -> MonKeyEnterprise:
    """Hand-keep the list: add or remove an enterprise, with a note (audited)."""
    uscc = (uscc or "").strip().upper()
    if not is_valid(uscc):
        raise ZhidaError("uscc", f"统一社会信用代码“{uscc}”校验不通过")
    if action not in ("add", "remove"):
        raise ZhidaError("action", "操作应为添加或移出")
    note = (note or "").strip()
    if not note:
        raise ZhidaError("note", "请写明理由")
    row = session.scalar(select(MonKeyEnterprise).where(MonKeyEnterprise.uscc == uscc))
    before = {"action": row.action, "note": row.note} if row else None
    if row is None:
        row = MonKeyEnterprise(uscc=uscc, action=action, note=note[:2000], actor=actor[:128], at=now or datetime.now(UTC))
        session.add(row)
    else:
        row.action, row.note, row.actor, row.at = action, note[:2000], actor[:128], now or datetime.now(UTC)
    session.flush()
    audit.record(session, actor=actor, actor_id=actor_id, action="monitoring_key_enterprise", entity="mon_key_enterprise",
                 entity_id=uscc, before=before, after={"action": action, "note": note})
    return row
