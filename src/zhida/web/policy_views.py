"""Policy library data shaped for display, shared by the API and the pages: clause trees
with coverage and rule counts, clause details with their rules, search hits with highlights."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from zhida.store.database import Store
from zhida.web import library
from zhida.web.rules_view import RuleCatalog

TREE_FIELDS = ("id", "labels", "kind", "heading", "text", "start", "end")


def clause_url(document: str, clause_id: str) -> str:
    return f"/policies/{quote(document, safe='')}/clauses/{quote(clause_id, safe='')}"


def node(document: str, clause: dict[str, Any], rules: RuleCatalog) -> dict[str, Any]:
    return {
        **{k: clause.get(k) for k in TREE_FIELDS},
        "coverage": rules.coverage(document, clause["id"]),
        "rules": len(rules.for_clause(document, clause["id"])),
        "children": [node(document, child, rules) for child in clause.get("children", [])],
    }


def document_detail(store: Store, rules: RuleCatalog, ref: str) -> dict[str, Any]:
    doc = library.document(store, ref)
    key = doc["key"]
    return {
        "key": key,
        "version": doc["version"],
        "current_version": doc["current_version"],
        "source": doc["source"],
        "metadata": doc["metadata"],
        "preamble": node(key, doc["preamble"], rules) if doc.get("preamble") else None,
        "clauses": [node(key, c, rules) for c in doc.get("clauses", [])],
        "closing": node(key, doc["closing"], rules) if doc.get("closing") else None,
        "original": doc["original"],
    }


def coverage_counts(detail: dict[str, Any]) -> dict[str, int]:
    counts = {"encoded": 0, "not_encoded": 0, "open": 0, "unknown": 0, "leaves": 0}

    def visit(item):
        if not item["children"]:
            counts["leaves"] += 1
            counts[item["coverage"]] += 1
        for child in item["children"]:
            visit(child)

    for top in detail["clauses"]:
        visit(top)
    return counts


def _ref(clause: dict[str, Any]) -> dict[str, Any]:
    return {"id": clause["id"], "labels": clause.get("labels", []), "heading": clause.get("heading")}


def clause_detail(store: Store, rules: RuleCatalog, ref: str, clause_id: str) -> dict[str, Any]:
    doc = library.document(store, ref)
    key = doc["key"]
    clause, parents = library.clause(doc, clause_id)
    return {
        "document": key,
        "title": doc["metadata"].get("title"),
        "clause": library.flat_fields(clause),
        "path": [_ref(p) for p in parents],
        "children": [_ref(c) for c in clause.get("children", [])],
        "source_text": doc["original"][clause["start"] : clause["end"]],
        "coverage": rules.coverage(key, clause_id),
        "rules": rules.for_clause(key, clause_id),
        "not_encoded": rules.skipped(key, clause_id),
    }


def search_results(store: Store, q: str, *, doc: str | None, unit: str | None, beneficiary: str | None,
                   page: int, per_page: int) -> dict[str, Any]:
    result = library.search(store, q, doc=doc, unit=unit, beneficiary=beneficiary, page=page, per_page=per_page)
    items = []
    for hit in result.items:
        # source_hits is set only when the clause text lines up with its simplified form, i.e.
        # when the store's spans index hit.text directly.
        spans = hit.hits if hit.source_hits is not None else None
        segments = library.highlight_segments(hit.text, spans, q)
        # every field of the hit (the API's SearchHitOut keeps those it shows), snippet as segments
        items.append(hit.to_json() | {
            "snippet": [{"text": t, "hit": h} for t, h in library.snippet_segments(hit.text, segments)],
            "url": clause_url(hit.document, hit.clause_id) + "?q=" + quote(q),
        })
    result.items = items
    return {"query": q, "result": result}
