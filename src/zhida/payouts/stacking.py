"""Before it applies, an enterprise sees which of its measures stack and which exclude each other.

From the measures it may qualify for (a checkup's eligible and undetermined results):
- measures sharing a benefit id are one benefit (同一事项, restated by several documents): only
  one of them is paid per period — the ledger refuses the second;
- stacking declarations (``policies/payouts/stacking.yaml``) relate different benefits:
  exclusive (同一事项不得重复享受), highest (就高不重复) or stackable (可叠加享受), each with
  the text that says so or the unit that decided it;
- measures it already has a live ledger record for are named, so it does not apply in vain.
"""

from __future__ import annotations

from zhida.payouts import declarations
from zhida.payouts.ledger import STATUS_ZH

RELATION_ZH = {"same_benefit": "同一事项（多份文件重述），只兑现一次", **declarations.RELATIONS}


def for_enterprise(measure_ids, policies, records=()) -> list[dict]:
    """``measure_ids``: the enterprise's candidate measures; ``records``: its live ledger records
    (PayoutRecord). One entry per relation that concerns at least two candidates (or a candidate
    and a record), exclusive ones first."""
    candidates = [m for m in dict.fromkeys(measure_ids) if m in policies.measures]
    chosen = set(candidates)
    held = {r.measure_id: r for r in records}
    held_benefits = {r.benefit_id: r for r in records}
    out = []
    by_benefit: dict[str, list[str]] = {}
    for mid in candidates:
        by_benefit.setdefault(policies.measures[mid].benefit, []).append(mid)
    for benefit, mids in sorted(by_benefit.items()):
        record = held_benefits.get(benefit)
        if len(mids) > 1 or record is not None:
            entry = _entry("same_benefit", "同一事项在不同文件中的表述", mids, policies, basis="rules",
                           note="这些措施是同一项扶持，同一期间只兑现一次", record=record)
            entry["benefit"] = benefit
            out.append(entry)
    for rule in declarations.for_policies(policies).stacking:
        mids = [m for m in rule.measures if m in chosen or m in held]
        if len(mids) < 2:
            continue
        record = next((held[m] for m in mids if m in held), None)
        out.append(_entry(rule.relation, rule.label, mids, policies, basis=rule.basis,
                          quote=rule.source.quote if rule.source else None,
                          decided_by=rule.decided_by, note=rule.note, record=record))
    order = {"same_benefit": 0, "exclusive": 1, "highest": 2, "stackable": 3}
    return sorted(out, key=lambda e: order[e["relation"]])


def for_profile(profile, as_of, policies, records=()) -> list[dict]:
    """``for_enterprise`` over the measures a profile may qualify for on ``as_of`` (eligible or
    undetermined enterprise benefits, ``zhida.matching``)."""
    from zhida.matching.match import match_enterprise

    results = match_enterprise(profile, as_of, policies=policies, near_misses=False)
    ids = [r.measure_id for r in results if r.status in ("eligible", "undetermined") and r.enterprise_benefit]
    return for_enterprise(ids, policies, records)


def _entry(relation, label, mids, policies, *, basis, quote=None, decided_by=None, note=None, record=None) -> dict:
    return {"relation": relation, "relation_label": RELATION_ZH[relation], "label": label,
            "measures": [{"id": m, "title": policies.measures[m].title} for m in mids],
            "basis": basis, "quote": quote, "decided_by": decided_by, "note": note,
            "held": None if record is None else {"record": record.id, "measure_id": record.measure_id,
                                                  "status": STATUS_ZH[record.status]}}
