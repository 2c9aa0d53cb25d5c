"""The routing suggestion as a request keeps it: the units (best first) and the clauses to cite,
each with its citation and quote, plus the request type. Computed by ``zhida.desk.routing``
(clause search plus the units extracted from those clauses, and the 派单目录) — never invented."""

from __future__ import annotations

from typing import Any

from zhida.desk import offices
from zhida.errors import ZhidaError
from zhida.store.database import Store

CLAUSES = 3


def suggest(store: Store, text: str) -> dict[str, Any]:
    from zhida.desk import routing

    category = offices.load().classify(text or "")
    try:
        found = routing.suggest(store, text)
    except ZhidaError:
        return {"category": category, "units": list(offices.load().type(category).units), "clauses": []}
    units = [u.unit for u in found.units] or list(offices.load().type(category).units)
    clauses = [{"document": c.document, "clause_id": c.clause_id, "cite": c.citation, "quote": c.quote,
                "units": c.units} for c in found.clauses[:CLAUSES]]
    return {"category": category, "units": units, "clauses": clauses,
            "catalogue": [c.name for c in found.categories]}
