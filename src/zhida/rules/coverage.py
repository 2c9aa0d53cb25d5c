"""Coverage: every leaf clause of every source document → measures, or 'not encoded' + reason."""

from __future__ import annotations


def _descendant_leaves(doc, clause_id: str) -> list[str]:
    return doc.leaves_under.get(clause_id) or [clause_id]


def coverage_report(policies) -> dict:
    encoded: dict[tuple[str, str], list[str]] = {}
    for measure in policies.measures.values():
        for src in measure.sources:
            doc = policies.library.get(src.document)
            for leaf in _descendant_leaves(doc, src.clause):
                ids = encoded.setdefault((src.document, leaf), [])
                if measure.id not in ids:
                    ids.append(measure.id)
    reasons = {(n.document, n.clause): n for n in policies.not_encoded if n.span is None}
    documents = []
    totals = {"leaves": 0, "encoded": 0, "not_encoded": 0, "missing": 0}
    for key in policies.library.keys():
        doc = policies.library.get(key)
        leaves = doc.leaf_ids or []
        rows = []
        for leaf in leaves:
            measures = encoded.get((key, leaf), [])
            why = reasons.get((key, leaf))
            beneficiaries = sorted({policies.measures[m].beneficiary for m in measures})
            rows.append({"clause": leaf, "measures": measures, "beneficiaries": beneficiaries,
                         "reason": None if measures or why is None else why.reason,
                         "note": None if measures or why is None else why.note})
        counts = {"leaves": len(rows), "encoded": sum(1 for r in rows if r["measures"]),
                  "not_encoded": sum(1 for r in rows if not r["measures"] and r["reason"]),
                  "missing": sum(1 for r in rows if not r["measures"] and not r["reason"])}
        for k in totals:
            totals[k] += counts[k]
        documents.append({"document": key, "doc_number": doc.doc_number, **counts, "clauses": rows,
                          "pipeline": doc.pipeline})
    # benefits, not clauses: every benefit-giving sentence and whether a measure quotes it
    from zhida.rules.benefit_spans import benefit_spans, span_counts

    spans = benefit_spans(policies)
    for d in documents:
        mine = [s for s in spans if s.document == d["document"]]
        d["benefit_spans"] = [{"clause": s.clause, "index": s.index, "text": s.text, "status": s.status,
                               "measures": s.measures, "reason": s.reason} for s in mine]
        d["benefits"] = span_counts(mine)
    return {"documents": documents, "totals": totals, "benefits": span_counts(spans)}
