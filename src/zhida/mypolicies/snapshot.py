"""What an enterprise user saw last time, compactly, and what changed since.

A snapshot keeps, per measure that applies to the enterprise (status other than 不适用, an
enterprise benefit), its status, period label, totals bucket and amount (the decimal string the
report gave: value, else upper, else the known floor) — 5–10 KB per user; titles are not kept
(they are half the size): ``diff`` takes them from the current report. ``diff``
compares two snapshots: measures new to the list, measures ended (expired, or no longer listed),
status changes and money changes, each worded in Chinese.
"""

from __future__ import annotations

from decimal import Decimal

from zhida.matching.checkup import STATUS_ZH
from zhida.money_format import money

VERSION = 2  # 1 kept titles: an older snapshot is not compared
GONE = "已不在政策库中的措施"  # the title of a measure the current policies no longer have
KIND_ZH = {"new": "新增", "ended": "已结束", "status": "状态变化", "money": "金额变化"}


def take(report: dict) -> dict:
    """The compact snapshot of a match report (docs/match-json.md)."""
    measures = {}
    for r in report["results"]:
        if r["status"] == "not_applicable" or not r.get("enterprise_benefit", True):
            continue
        a = r["amount"]
        measures[r["measure_id"]] = [r["status"], r["period"], r.get("counted_as"),
                                     a.get("value") or a.get("upper") or a.get("least")]
    return {"v": VERSION, "as_of": report["as_of"], "measures": measures}


def titles(report: dict) -> dict[str, str]:
    return {r["measure_id"]: r["title"] for r in report["results"]}


def diff(before: dict | None, after: dict, names: dict[str, str]) -> list[dict]:
    """Changes from ``before`` to ``after`` (None: no earlier visit, nothing to compare); ``names``:
    measure id → title (``titles(report)`` of the current report)."""
    if not before or before.get("v") != VERSION:
        return []
    old, new = before["measures"], after["measures"]
    out: list[dict] = []
    for mid, (status, period, _, amount) in new.items():
        title = names.get(mid, GONE)
        if mid not in old:
            out.append(_change("new", mid, title, f"新列入：{STATUS_ZH[status]}" + _amount(amount)))
            continue
        o_status, o_period, _, o_amount = old[mid]
        if o_period == "in_force" and period == "expired":
            out.append(_change("ended", mid, title, "有效期已结束"))
        elif o_status != status:
            out.append(_change("status", mid, title, f"{STATUS_ZH[o_status]} → {STATUS_ZH[status]}" + _amount(amount),
                               before=o_status, after=status))
        elif _decimal(o_amount) != _decimal(amount):
            out.append(_change("money", mid, title, f"金额 {_money(o_amount)} → {_money(amount)}",
                               before=o_amount, after=amount))
    for mid, (status, *_rest) in old.items():
        if mid not in new:
            out.append(_change("ended", mid, names.get(mid, GONE), f"不再列入（原为{STATUS_ZH[status]}）"))
    order = {"status": 0, "new": 1, "money": 2, "ended": 3}
    return sorted(out, key=lambda c: order[c["kind"]])


def _change(kind: str, mid: str, title: str, text: str, before=None, after=None) -> dict:
    return {"kind": kind, "kind_zh": KIND_ZH[kind], "measure_id": mid, "title": title, "text": text,
            "before": before, "after": after}


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _money(value: str | None) -> str:
    return money(value)  # None → 金额待核定


def _amount(value: str | None) -> str:
    return "" if value is None else f"，{money(value)}"
