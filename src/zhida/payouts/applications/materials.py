"""材料清单: what the enterprise must attach, from the measure's text where it says, else the list
the responsible unit configured for the measure, else a short default (and the page says so)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from zhida import audit
from zhida.errors import ZhidaError
from zhida.mypolicies import how_to_apply
from zhida.payouts.applications.tables import MaterialList

DEFAULT = ("申请表（加盖单位公章）", "营业执照或统一社会信用代码证明")
MAX_ITEMS, MAX_NAME = 20, 100
_SPLIT = re.compile(r"[；;、，,\n]+")


def for_measure(session: Session, measure, policies) -> list[dict]:
    """[{name, basis, quote}]: ``basis`` text (the quote says it), unit (configured) or default."""
    found = how_to_apply.for_measure(measure, policies).get("materials")
    if found is not None:
        return [{"name": found.value, "basis": "text", "quote": found.quote}]
    configured = session.get(MaterialList, measure.id)
    if configured is not None and configured.items:
        return [{"name": name, "basis": "unit", "quote": None} for name in configured.items]
    return [{"name": name, "basis": "default", "quote": None} for name in DEFAULT]


def configure(session: Session, measure_id: str, items, *, actor: str, actor_id: int | None,
              now: datetime) -> list[str]:
    """The unit's list for a measure (one item a line, or a list); audited."""
    if isinstance(items, str):
        items = _SPLIT.split(items)
    names = [str(i).strip() for i in items or () if str(i).strip()]
    if not names:
        raise ZhidaError("items", "材料清单至少一项")
    if len(names) > MAX_ITEMS or any(len(n) > MAX_NAME for n in names):
        raise ZhidaError("items", f"材料清单最多 {MAX_ITEMS} 项，每项不超过 {MAX_NAME} 字")
    row = session.get(MaterialList, measure_id)
    before = {"items": list(row.items)} if row is not None else None
    if row is None:
        row = MaterialList(measure_id=measure_id, items=names, updated_by=actor, updated_at=now)
        session.add(row)
    else:
        row.items, row.updated_by, row.updated_at = names, actor, now
    session.flush()
    audit.record(session, actor=actor, actor_id=actor_id, action="application_materials", entity="measure",
                 entity_id=measure_id, before=before, after={"items": names})
    return names
