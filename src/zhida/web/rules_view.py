"""Encoded rules beside their clauses, in plain Chinese (from zhida.rules).

The measures are loaded once per app (they are files under policies/; a restart picks up
edits). If the rules package cannot load, the policy library still works and every clause's
rule slot says why, rather than the page failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from zhida.rules.vocabulary import NOT_ENCODED_ZH, PERIOD_ZH, REVIEW_STATUS_ZH



@dataclass
class RuleCatalog:
    """Per document key: clause id → measures (as plain dicts) and clause id → not-encoded note."""

    available: bool
    problem: str | None = None
    measures: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    not_encoded: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    load_errors: list[str] = field(default_factory=list)

    def for_clause(self, document: str, clause_id: str) -> list[dict[str, Any]]:
        return self.measures.get(document, {}).get(clause_id, [])

    def skipped(self, document: str, clause_id: str) -> dict[str, str] | None:
        return self.not_encoded.get(document, {}).get(clause_id)

    def coverage(self, document: str, clause_id: str) -> str:
        """encoded / not_encoded (with a reason) / open (nobody has looked yet) / unknown."""
        if not self.available:
            return "unknown"
        if self.for_clause(document, clause_id):
            return "encoded"
        if self.skipped(document, clause_id):
            return "not_encoded"
        return "open"


def measure_view(measure, policies, as_of: date) -> dict[str, Any]:
    from sqlglot import exp

    from zhida.rules.describe import jurisdiction_text, money, render
    from zhida.rules.model import BENEFICIARY_ZH, KIND_ZH

    amount = None
    if measure.amount is not None:
        a = measure.amount
        parts = {}
        for name in ("expr", "cap", "floor", "upper"):
            node = getattr(a, name)
            if node is None:
                continue
            if isinstance(node, exp.Literal) and not node.is_string:
                parts[name] = money(Decimal(node.this), a.unit)  # 300000 → 30万元
            else:
                parts[name] = render(node, policies)
        amount = {"kind": a.kind, "unit": a.unit, "quote": a.quote, **parts}
    period = measure.period
    return {
        "id": measure.id,
        "title": measure.title,
        "kind": measure.kind,
        "kind_zh": KIND_ZH.get(measure.kind, measure.kind),
        "beneficiary_zh": BENEFICIARY_ZH.get(measure.beneficiary, measure.beneficiary),
        "benefit": measure.benefit,
        "application": measure.application,
        "responsible_units": list(measure.responsible_units),
        "jurisdiction": jurisdiction_text(measure.jurisdiction, policies),
        "conditions": [
            {"id": c.id, "label": c.label, "rule": render(c.ast, policies), "quote": c.quote}
            for c in measure.conditions
        ],
        "open_criteria": [{"id": o.id, "label": o.label, "quote": o.quote} for o in measure.open_criteria],
        "amount": amount,
        "period": {
            "start": period.start.isoformat() if period.start else None,
            "end": period.end.isoformat() if period.end else None,
            "quote": period.quote,
            "status": PERIOD_ZH.get(period.label(as_of), period.label(as_of)),
        },
        "review": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in (measure.review or {}).items()},
        "sources": [{"document": s.document, "clause": s.clause, "quote": s.quote} for s in measure.sources],
    }


def load_catalog(as_of: date | None = None) -> RuleCatalog:
    try:
        # The same loaded policies as matching (parsing them takes seconds): loaded once per process.
        from zhida.matching.match import load_default_policies
        from zhida.rules.describe import wording

        policies = load_default_policies()
    except Exception as exc:  # noqa: BLE001 - shown in the rule slot, never a broken page
        return RuleCatalog(available=False, problem=f"规则库无法加载：{exc}")
    as_of = as_of or date.today()
    catalog = RuleCatalog(available=True, load_errors=[str(e) for e in policies.errors])
    for measure in policies.measures.values():
        try:
            with wording(measure):
                view = measure_view(measure, policies, as_of)
        except Exception as exc:  # noqa: BLE001 - one bad measure must not hide the others
            catalog.load_errors.append(f"{measure.id}: {exc}")
            continue
        for source in measure.sources:
            listed = catalog.measures.setdefault(source.document, {}).setdefault(source.clause, [])
            if all(existing["id"] != view["id"] for existing in listed):
                listed.append(view)
    for skipped in policies.not_encoded:
        catalog.not_encoded.setdefault(skipped.document, {})[skipped.clause] = {
            "reason": skipped.reason,
            "reason_zh": NOT_ENCODED_ZH.get(skipped.reason, "未说明"),
            "note": skipped.note or "",
        }
    return catalog
