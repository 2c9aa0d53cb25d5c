"""The JSON shape of match results (documented in docs/match-json.md). Money: strings, exact."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import orjson

from zhida.rules.describe import label

from zhida.matching.match import MatchResult, result_bucket, summary
from zhida.matching.near_miss import Change, NearMiss, Option, option_words

SCHEMA = "zhida.match/1"


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _value(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _change(ch: Change, policies) -> dict:
    return {"fact": ch.fact, "label": label(ch.fact, policies), "kind": ch.kind, "current": _value(ch.current),
            "target": _value(ch.target), "requirement": ch.requirement, "relative_change": round(ch.cost, 6)}


def _option(o: Option, policies) -> dict:
    return {"change": [_change(c, policies) for c in o.changes], "status_after": o.status,
            "amount_after": _money(o.amount), "text": option_words(o, policies)}


def _near_miss(n: NearMiss, policies) -> dict:
    best = _option(n.best, policies) if n.best else {"change": [], "status_after": None, "amount_after": None}
    return {"kind": n.kind, "change": best["change"], "status_after": best["status_after"],
            "amount_after": best["amount_after"], "alternatives": [_option(o, policies) for o in n.alternatives],
            "text": n.text}


def result_json(r: MatchResult, policies) -> dict:
    a = r.amount
    out = {
        "measure_id": r.measure_id,
        "title": r.title,
        "benefit": r.benefit,
        "status": r.status,
        "period": r.period,
        "amount": {"kind": a.kind, "value": _money(a.value), "upper": _money(a.upper), "currency": a.currency,
                   "unit": a.unit, "text": a.text, "least": _money(a.least),
                   "payers": [{"payer": p["payer"], "share": _value(p["share"]), "amount": _money(p["amount"])}
                              for p in a.payers]},
        "counted_as": result_bucket(r),
        "draft": r.draft,
        "reasons": [{"condition": x.condition, "outcome": x.outcome, "text": x.text, "quote": x.quote}
                    for x in r.reasons],
        "missing": [{"fact": f, "label": label(f, policies)} for f in r.missing],
        "open_criteria": r.open_criteria,
        "near_miss": [_near_miss(n, policies) for n in r.near_miss],
        "sources": r.sources,
        "application": r.application,
        "responsible_units": r.responsible_units,
        "enterprise_benefit": r.enterprise_benefit,
    }
    if not r.explained:  # a brief result (match_enterprise explain=False): no reasons, no near-misses
        del out["reasons"], out["near_miss"]
    if r.event is not None:
        out["event"] = _event(r.event)
        out["events"] = [_event(e) for e in r.events]
    return out


def _event(e) -> dict:
    return {"type": e.type, "index": e.index, "date": e.date.isoformat(), "status": e.status,
            "amount": _money(e.amount)}


def report_json(results: list[MatchResult], as_of: date, policies, enterprise: dict | None = None,
                result=result_json) -> dict:
    return {
        "schema": SCHEMA,
        "as_of": as_of.isoformat(),
        "enterprise": enterprise or {},
        "summary": summary_json(results),
        "results": [result(r, policies) for r in results],
    }


def summary_json(results: list[MatchResult]) -> dict:
    s = summary(results)
    return {"counts": s["counts"], "eligible_total": _money(s["eligible_total"]),
            "benefits_counted": s["benefits_counted"], "shared_benefits": s["shared_benefits"],
            "totals": s["totals"].to_json()}


def report_bytes(results: list[MatchResult], as_of: date, policies, enterprise: dict | None = None) -> bytes:
    """``orjson.dumps(report_json(...))`` — the same bytes — with the JSON of a result shared by
    alike enterprises (match.py) serialized once, not once per report."""
    return orjson.dumps(report_json(results, as_of, policies, enterprise, result=_result_fragment))


def _result_fragment(r: MatchResult, policies):
    shared = r.__dict__.get("_shared")  # the shared result this one is a copy of (match._fresh)
    if shared is None:
        return result_json(r, policies)
    found = shared.__dict__.get("_json")
    if found is None:
        found = shared._json = orjson.Fragment(orjson.dumps(result_json(shared, policies)))
    return found
