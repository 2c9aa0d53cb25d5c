"""Raw-material price series (煤炭、铁矿石、钢铁、化肥: “密切监测…大宗原材料市场态势和价格走势”, 003)
imported from price files (CSV/XLSX; headers 品种, 月份, 价格): all or nothing with a reject report
naming row and field, idempotent (the same file again writes nothing, not even the import log).

``month_facts`` gives each commodity's facts of a month (``price``, ``price_prev_month``) for the
alert rules declared ``over: prices`` in policies/monitoring/alerts.yaml (e.g. “price up more than
10 % in a month”: ``price > price_prev_month * 1.1``)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhida import audit
from zhida.monitoring.indicators import ImportResult, _number, month_key, read_table_with
from zhida.monitoring.tables import MonImport, MonPrice

# code → (name, unit); the file names a commodity by its Chinese name (or the code)
COMMODITIES = {"coal": ("煤炭", "元/吨"), "iron_ore": ("铁矿石", "元/吨"), "steel": ("钢铁", "元/吨"),
               "fertilizer": ("化肥", "元/吨")}
BY_NAME = {name: code for code, (name, _) in COMMODITIES.items()} | {code: code for code in COMMODITIES}
COLUMNS = {"品种": "commodity", "月份": "month", "价格": "price", "价格（元/吨）": "price"}


def label(code: str) -> str:
    return COMMODITIES.get(code, (code, ""))[0]


def _parse(row: dict) -> dict:
    name = str(row.get("commodity") or "").strip()
    if name not in BY_NAME:
        raise ValueError(f"品种“{name}”应为{'、'.join(n for n, _ in COMMODITIES.values())}之一")
    price = _number(row.get("price"), "价格")
    if price is None:
        raise ValueError("缺少价格")
    return {"commodity": BY_NAME[name], "month": month_key(row.get("month")), "price": price}


def import_file(session: Session, data: bytes, *, source_name: str, actor: str, actor_id: int | None = None) -> ImportResult:
    """Check every row; write all of them (in the caller's transaction) or none."""
    rows = read_table_with(data, source_name, COLUMNS, key="commodity", key_label="品种")
    result, parsed, seen = ImportResult(kind="prices"), [], {}
    for n, row in rows:
        try:
            item = _parse(row)
        except ValueError as exc:
            result.rejects.append({"row": n, "uscc": str(row.get("commodity") or ""), "reason": str(exc)})
            continue
        key = (item["commodity"], item["month"])
        if key in seen:
            result.rejects.append({"row": n, "uscc": item["commodity"], "reason": f"与第 {seen[key]} 行重复（同一品种同一月）"})
            continue
        seen[key] = n
        parsed.append(item)
    if result.rejects:
        return result
    stored = {(p.commodity, p.month): p for p in session.scalars(
        select(MonPrice).where(MonPrice.month.in_(sorted({p["month"] for p in parsed}))))}
    now, touched = datetime.now(UTC), []
    for item in parsed:
        row = stored.get((item["commodity"], item["month"]))
        if row is None:
            touched.append(MonPrice(**item, updated_at=now))
            session.add(touched[-1])
            result.added += 1
        elif row.price == item["price"]:
            result.unchanged += 1
        else:
            row.price, row.updated_at = item["price"], now
            touched.append(row)
            result.changed += 1
    if not touched:
        return result
    record = MonImport(source_name=source_name[:1024], source_sha256=hashlib.sha256(data).hexdigest(), kind="prices",
                       rows_added=result.added, rows_changed=result.changed, rows_unchanged=result.unchanged,
                       actor=actor[:128], at=now)
    session.add(record)
    session.flush()
    for row in touched:
        row.import_id = record.id
    result.import_id = record.id
    audit.record(session, actor=actor, actor_id=actor_id, action="monitoring_import", entity="mon_import",
                 entity_id=str(record.id), before=None,
                 after={"kind": "prices", "added": result.added, "changed": result.changed,
                        "unchanged": result.unchanged, "source": source_name, "sha256": record.source_sha256})
    return result


def month_facts(session: Session, month: str) -> dict[str, dict]:
    """commodity → {price, price_prev_month} of ``month`` (only commodities priced that month)."""
    from zhida.monitoring.figures import shift

    month = month_key(month)
    before = shift(month, -1)
    rows = {(p.commodity, p.month): p.price for p in session.scalars(
        select(MonPrice).where(MonPrice.month.in_([month, before])))}
    return {c: {"price": price, "price_prev_month": rows.get((c, before))}
            for (c, m), price in rows.items() if m == month}


def series(session: Session, months: int = 24) -> dict[str, list[tuple[str, Decimal]]]:
    """commodity → [(month, price)], oldest first, the latest ``months`` months of each."""
    out: dict[str, list[tuple[str, Decimal]]] = {}
    for p in session.scalars(select(MonPrice).order_by(MonPrice.commodity, MonPrice.month)):
        out.setdefault(p.commodity, []).append((p.month, p.price))
    return {c: v[-months:] for c, v in out.items()}
