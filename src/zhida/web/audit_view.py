"""Audit entries as readable Chinese rows for the audit page: who, when, what, from where, and what
changed — field by field in words, never the stored JSON (that stays in the API and `zhida audit`)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from zhida.rules.vocabulary import AUDIT_ACTION_ZH, AUDIT_ENTITY_ZH, FIELD_ZH, ROLE_ZH

BEIJING = timezone(timedelta(hours=8), "北京时间")  # China has one time zone and no daylight saving
# what an import's summary counts, in the order a reader wants them
IMPORT_COUNTS = (("rows_read", "读取行数"), ("stored", "已保存"), ("rejected_rows", "拒收行数"),
                 ("already_imported", "此前已导入"))


def readable(entry: dict[str, Any]) -> dict[str, Any]:
    """One audit entry (``audit.entry_json``) as the page shows it."""
    entity = AUDIT_ENTITY_ZH.get(entry.get("entity") or "", "对象")
    action = AUDIT_ACTION_ZH.get(entry.get("action") or "", "其他操作")
    if (entry.get("action") or "").startswith("workflow:"):  # a declared transition: its own label
        action = (entry.get("after") or {}).get("step") or "办理流程"
    elif entry.get("action") == "workflow_fire_many" and (entry.get("after") or {}).get("step"):
        action = f"批量{entry['after']['step']}（{entry['after'].get('count', '')}件）"
    detail = entry.get("detail") or ""
    return {
        "at": beijing_time(entry.get("at")),
        "actor": actor(entry.get("actor")),
        "client": entry.get("client") or "—",
        "action": action,
        "detail": "" if detail in (action, f"{action}成功") or detail == "退出登录" and action == "退出" else detail,
        "target": target(entry.get("entity"), entity, entry.get("entity_id")),
        "changes": changes(entry.get("entity"), entry.get("before"), entry.get("after")),
    }


def beijing_time(at: str | None) -> str:
    """The stored UTC instant as Beijing time: 2026-12-03 20:30:06."""
    if not at:
        return "—"
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def actor(name: str | None) -> str:
    """'cli:root' (a command run on the server) → 命令行（root）; a user's name as it is."""
    if not name:
        return "—"
    return f"命令行（{name[4:]}）" if name.startswith("cli:") else name


def target(code: str | None, entity: str, entity_id: Any) -> str:
    """'措施《…》' for a measure (its id is a code, not words); otherwise the kind and its id."""
    if not entity_id:
        return entity
    if code == "measure":
        from zhida.matching.match import load_default_policies

        found = load_default_policies().measures.get(str(entity_id))
        return f"{entity}《{found.title}》" if found is not None else f"{entity}（已不在政策库中）"
    return f"{entity} {entity_id}"


def changes(entity: str | None, before: Any, after: Any) -> list[str]:
    """'角色：部门用户 → 管理员' for each field that changed (every field of a new record)."""
    if entity == "measure":  # a what-if: the entry's detail names the measure, the parameter and the value
        return []
    if entity == "enterprise_import" and isinstance(after, dict):
        return [f"{word}：{after[key]}" for key, word in IMPORT_COUNTS if after.get(key) is not None]
    if entity == "enterprise":  # the whole profile is stored; the entry's detail says what was supplied
        return ["企业画像已更新"] if before != after and after is not None else []
    if entity == "notify_settings":
        return _notify_settings(before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {})
    if not isinstance(after, dict):
        return []
    before = before if isinstance(before, dict) else {}
    out = []
    for key, value in after.items():
        if key == "id" or (key in before and before[key] == value) or (key not in before and value in (None, [], "")):
            continue
        word = FIELD_ZH.get(key, "其他")
        out.append(f"{word}：{_value(key, before[key])} → {_value(key, value)}" if key in before
                   else f"{word}：{_value(key, value)}")
    return out


def _notify_settings(before: dict, after: dict) -> list[str]:
    """订阅：全部可能符合条件的政策 → 按政策类型（资金补贴）; 邮件提醒 switched on or off per kind."""
    from zhida.notify.events import label

    def topics(items) -> str:
        return "、".join(_topic(t) for t in items or []) or "—"

    out = []
    if "subscriptions" in after and before.get("subscriptions") != after["subscriptions"]:
        out.append(f"订阅：{topics(before.get('subscriptions'))} → {topics(after['subscriptions'])}")
    old, new = before.get("email") or {}, after.get("email") or {}
    for code, wanted in new.items():
        if old.get(code) != wanted:
            out.append(f"邮件提醒（{label(code)}）：{'开' if wanted else '关'}")
    return out


def _topic(item: dict) -> str:
    from zhida.rules.vocabulary import KIND_ZH

    value = item.get("value") or ""
    if item.get("topic") == "measure_kind":
        value = KIND_ZH.get(value, "未知类型")
    elif item.get("topic") == "district":
        from zhida.enterprises import regions

        value = regions.label(value)
    elif item.get("topic") == "measure":
        from zhida.matching.match import load_default_policies

        found = load_default_policies().measures.get(value)
        value = f"《{found.title}》" if found is not None else "已不在政策库中的措施"
    elif item.get("topic") == "industry":
        value = f"行业代码 {value}"
    return f"{item.get('label', '')}（{value}）" if value else str(item.get("label", ""))


def _value(key: str, value: Any) -> str:
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "role":
        return ROLE_ZH.get(str(value), "未知角色")
    if key == "region":
        from zhida.enterprises import regions

        return regions.label(str(value))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)
