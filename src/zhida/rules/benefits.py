"""Benefit ids: one underlying benefit restated by measures of several documents.

Totals count a benefit once, so every measure pointing to one benefit id must describe the same
kind of benefit; a benefit shared across documents with different ``kind`` is an encoding error.
"""

from __future__ import annotations


def benefit_groups(policies, shared_only: bool = True) -> list[dict]:
    """Each benefit id → its measures (id, document, clauses, kind), sorted by id.

    ``shared_only``: only ids written explicitly (``benefit:`` differs from the measure id) or
    used by more than one measure — the ids docs/measures.md lists."""
    groups: dict[str, list] = {}
    for m in policies.measures.values():
        groups.setdefault(m.benefit, []).append(m)
    out = []
    for benefit, measures in sorted(groups.items()):
        explicit = any(m.benefit != m.id for m in measures)
        if shared_only and not explicit and len(measures) < 2:
            continue
        out.append({
            "benefit": benefit,
            "kinds": sorted({m.kind for m in measures}),
            "documents": sorted({m.document for m in measures}),
            "measures": [{"id": m.id, "document": m.document, "kind": m.kind,
                          "clauses": list(dict.fromkeys(s.clause for s in m.sources))} for m in measures],
        })
    return out


def benefit_conflicts(policies) -> list[str]:
    """One line per benefit id whose measures disagree on ``kind`` (any measures sharing it)."""
    return [f"benefit {g['benefit']}: kinds differ — " + ", ".join(f"{m['id']} ({m['document'][:3]}) {m['kind']}"
                                                                    for m in g["measures"])
            for g in benefit_groups(policies) if len(g["kinds"]) > 1]
