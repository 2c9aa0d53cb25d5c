"""我的政策: what one enterprise can get now, with one more fact, with one plausible change, and
what closes soon — assembled from its match report (docs/match-json.md), so the web (from its
memoized checkup) and the command line (``zhida enterprises mine``) show the same thing.

Every item carries the measure's quote and clause, its responsible units and how to apply
(``how_to_apply``: 申报方式 / 申报时间 / 材料 / 受理部门 / 咨询电话, each with its quote, or 未明确).
Only results in force and meant for enterprises are listed; drafts (征求意见稿) are marked.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zhida.matching.amount_display import amount_display
from zhida.mypolicies import how_to_apply
from zhida.rules.totals import LABEL_ZH, totals_rows

HORIZON_DAYS = 90  # deadlines shown: closing within this many days of the evaluation date


def assemble(report: dict, policies, horizon_days: int = HORIZON_DAYS) -> dict:
    as_of = date.fromisoformat(report["as_of"])
    listed = [r for r in report["results"] if r["period"] == "in_force" and r.get("enterprise_benefit", True)]
    now = [r for r in listed if r["status"] == "eligible"]
    now.sort(key=lambda r: (r.get("draft", False), -Decimal(r["amount"].get("value") or r["amount"].get("upper") or 0)))
    one_fact = [r for r in listed if r["status"] == "undetermined" and r["missing"]]
    # fewest facts to supply first; among them measures with money before services, then by title
    one_fact.sort(key=lambda r: (len(r["missing"]), r["amount"]["kind"] in (None, "not_stated"), r["title"]))
    one_change = [(r, change) for r in listed if r["status"] == "ineligible" and (change := plausible_change(r))]
    items = {}

    def item(r: dict) -> dict:
        if r["measure_id"] not in items:
            items[r["measure_id"]] = _item(r, policies)
        return items[r["measure_id"]]

    return {
        "as_of": report["as_of"],
        "enterprise": report.get("enterprise", {}),
        "totals": totals_rows(report["summary"]["totals"]),
        "now": [item(r) for r in now],
        "one_fact": [{**item(r), "facts": r["missing"]} for r in one_fact],
        "one_fact_single": sum(1 for r in one_fact if len(r["missing"]) == 1),
        "one_change": [{**item(r), "change": change} for r, change in one_change],
        "deadlines": deadlines([r for r in listed if r["status"] in ("eligible", "undetermined")]
                               + [r for r, _ in one_change], policies, as_of, horizon_days),
    }


def plausible_change(result: dict) -> dict | None:
    """The near-miss option of an ineligible result that ONE change unlocks. The engine proposes
    only changes plausible for this enterprise (``zhida.matching.plausibility``); here only the
    options that change a single fact and need nothing else supplied are kept. None if none."""
    for n in result["near_miss"]:
        if n["kind"] != "change":
            continue
        options = [{"change": n["change"], "text": n["text"].split("；或")[0], "amount_after": n["amount_after"]},
                   *n["alternatives"]]
        for o in options:
            if o.get("amount_after") is not None and Decimal(o["amount_after"]) == 0:
                continue  # eligible then, but for nothing: not worth a change
            if len(o["change"]) == 1 and o["change"][0]["kind"] == "set":
                return {"text": o["text"], "amount_after": o.get("amount_after"), **o["change"][0]}
    return None


def _item(r: dict, policies) -> dict:
    source = r["sources"][0] if r["sources"] else {}
    measure = policies.measures.get(r["measure_id"])
    how = how_to_apply.for_measure(measure, policies) if measure is not None else {f: None for f in how_to_apply.FIELDS}
    return {
        "measure_id": r["measure_id"], "title": r["title"], "status": r["status"], "draft": r.get("draft", False),
        "amount": amount_display(r).text, "counted_as": LABEL_ZH.get(r.get("counted_as") or "", ""),
        "responsible_units": r["responsible_units"],
        "quote": source.get("quote"), "document": source.get("document"), "doc_number": source.get("doc_number"),
        "clause": source.get("clause"), "citation": source.get("citation"),
        "how": [_how(name, how[name]) for name in how_to_apply.FIELDS],
    }


def _how(name: str, found) -> dict:
    if found is None:
        return {"key": name, "label": how_to_apply.LABELS[name], "value": None, "quote": None, "document": None,
                "clause": None, "scope": None}
    return {"key": name, "label": how_to_apply.LABELS[name], "value": found.value, "quote": found.quote,
            "document": found.document, "clause": found.clause, "scope": found.scope}


def deadlines(results: list[dict], policies, as_of: date, horizon_days: int = HORIZON_DAYS) -> list[dict]:
    """Periods ending and application windows closing within ``horizon_days`` of ``as_of``, soonest first."""
    out = []
    for r in results:
        m = policies.measures.get(r["measure_id"])
        if m is None:
            continue
        if m.period.last_day is not None and 0 <= (m.period.last_day - as_of).days <= horizon_days:
            out.append(_deadline(r, "period", "政策有效期截止", m.period.last_day, as_of, m.period.quote,
                                 m.period.clause, m.document))
        window = how_to_apply.for_measure(m, policies)["window"]
        closes = how_to_apply.window_end(window, as_of)
        if closes is not None and 0 <= (closes - as_of).days <= horizon_days:
            out.append(_deadline(r, "window", "申报截止", closes, as_of, window.quote, window.clause, window.document))
    return sorted(out, key=lambda d: (d["date"], d["title"]))


def _deadline(r: dict, kind: str, label: str, day: date, as_of: date, quote, clause, document) -> dict:
    days = (day - as_of).days
    return {"measure_id": r["measure_id"], "title": r["title"], "status": r["status"], "kind": kind, "label": label,
            "date": day.isoformat(), "days_left": days, "when": "今天截止" if days == 0 else f"还剩 {days} 天",
            "quote": quote, "clause": clause, "document": document}


def lines(page: dict) -> list[str]:
    """我的政策 as plain text (``zhida enterprises mine``)."""
    out = [f"我的政策 · 评估日 {page['as_of']}"]
    out += [f"{t['label']}：{t['text']}" for t in page["totals"]]

    def how(i: dict) -> str:
        stated = [f"{h['label']}：{h['value']}" for h in i["how"] if h["value"]]
        open_ = [h["label"] for h in i["how"] if not h["value"]]
        return "；".join(stated + (["、".join(open_) + "：原文未明确"] if open_ else []))

    out.append(f"\n现在可享受（{len(page['now'])} 项）")
    for i in page["now"]:
        out += [f"- {i['title']}：{i['amount']}" + (f"〔{i['counted_as']}〕" if i["counted_as"] else ""),
                f"  责任单位：{'、'.join(i['responsible_units']) or '未明确'}",
                f"  依据：{i['doc_number'] or i['document']} 第{i['clause']}条 “{i['quote']}”", f"  办理：{how(i)}"]
    out.append(f"\n补充信息即可判定（{len(page['one_fact'])} 项，其中 {page['one_fact_single']} 项只差一项信息）")
    out += [f"- {i['title']}：需补充 " + "、".join(f["label"] for f in i["facts"]) for i in page["one_fact"]]
    out.append(f"\n一项改变即可享受（{len(page['one_change'])} 项）")
    out += [f"- {i['title']}：{i['change']['text']}" for i in page["one_change"]]
    out.append(f"\n即将截止（{len(page['deadlines'])} 项）")
    out += [f"- {d['date']}（{d['when']}）{d['label']}：{d['title']} “{d['quote'] or ''}”" for d in page["deadlines"]]
    return out
