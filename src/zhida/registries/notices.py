"""What 动态管理 tells whom, through zhida.notify, in the transaction of the change it tells about.

- The keeping unit: one message per batch run that flagged members (how many, the first names and
  reasons, a link to the 动态管理 tab) — not one per member, which would bury its inbox.
- The enterprise, where it can act or is affected: a flag it can answer itself (the facts to decide
  are missing: it can supply them) and its removal from the list (with the unit's reason). A member
  flagged as no longer meeting a criterion is not told before the unit has decided (the unit may
  keep it, and the list's decision is the unit's to announce).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from zhida import notify
from zhida.registries.definition import Registry
from zhida.registries.tables import Flag

LAPSED, REMOVED, MISSING = "registry.lapsed", "registry.removed", "registry.missing_facts"
SHOWN = 5  # flagged members named in the unit's message


def _enterprise(uscc: str) -> list[notify.Recipient]:
    """The enterprise as a recipient, or none when its code cannot address one (a list imported
    from elsewhere may name enterprises with codes zhida does not hold)."""
    from zhida.errors import ZhidaError

    try:
        return [notify.Recipient.enterprise(uscc)]
    except ZhidaError:
        return []


def flagged(session: Session, reg: Registry, flags: list[Flag], names: dict[int, str], on: date) -> None:
    """Tell the keeping unit about this run's flags, and each enterprise whose flag asks for facts."""
    if not flags:
        return
    lines = [f"{names.get(f.membership_id) or f.uscc}（{reg.tier_label(f.tier)}）：{'；'.join(f.reasons)}"
             for f in flags[:SHOWN]]
    more = f"\n另有 {len(flags) - SHOWN} 家，见动态管理。" if len(flags) > SHOWN else ""
    notify.publish(session, event=LAPSED, recipients=[notify.Recipient.unit(reg.unit)],
                   title=f"{reg.label}：{len(flags)} 家在库企业不再符合入库条件（{on.isoformat()}）",
                   body="动态管理批量核查发现以下在库企业不再符合（或无法判断是否符合）现行入库条件，请审核后保留或移出：\n"
                        + "\n".join(lines) + more,
                   link=f"/registries/{reg.name}?tab=flags", dedupe_key=f"registry-lapsed:{reg.name}:{flags[0].id}")
    for f in flags:
        if f.status != "undetermined":
            continue
        to = _enterprise(f.uscc)
        if to:
            notify.publish(session, event=MISSING, recipients=to,
                           title=f"{reg.label}复核：请补充企业信息",
                           body=f"{reg.unit}在{on.isoformat()}的动态管理核查中无法判断贵企业是否仍符合"
                                f"{reg.tier_label(f.tier)}的入库条件：{'；'.join(f.reasons)}。请在“企业信息”中补充后等待复核。",
                           link="/registries", dedupe_key=f"registry-missing:{f.id}")


def removed(session: Session, reg: Registry, flag: Flag, reason: str, on: date) -> None:
    """Tell the enterprise that the unit removed it from the list after a flag, with the reason."""
    to = _enterprise(flag.uscc)
    if to:
        notify.publish(session, event=REMOVED, recipients=to, title=f"已移出{reg.label}",
                       body=f"{reg.unit}经动态管理复核，将贵企业移出{reg.label}（{reg.tier_label(flag.tier)}），"
                            f"最后在库日为{on.isoformat()}。理由：{reason}",
                       link="/registries", dedupe_key=f"registry-removed:{flag.id}")
