"""What the review pages show, assembled here so the web stays a thin adapter: a document's text
beside its drafts, one draft with the loader's verdict, its cases and the enterprises it changes."""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup, escape

from zhida.drafting import cases as case_runs
from zhida.drafting import drafts, impact, rulebook, source
from zhida.drafting.messages import field_zh
from zhida.rules.vocabulary import MATCH_STATUS_ZH

STATUS_ZH = {"drafted": "待审核", "edited": "已修改", "published": "已发布", "dismissed": "不予采用"}


def _row(r) -> dict[str, Any]:
    return {"id": r.id, "measure_id": r.measure_id, "clause": r.clause_id, "sentence": r.sentence,
            "status": r.status, "status_zh": STATUS_ZH.get(r.status, r.status), "revision": r.revision,
            "open_fields": [{"field": f.get("field"), "field_zh": field_zh(f.get("field") or ""), "reason": f.get("reason")}
                            for f in r.open_fields or []],
            "updated_by": r.updated_by, "document": r.document, "version": r.document_version}


def highlighted(text: str, sentences: list[tuple[str, str]]) -> Markup:
    """Clause text with each drafted sentence marked (``<mark id="s-…">``), everything escaped."""
    out, cursor = [], 0
    spots = []
    for anchor, sentence in sentences:
        at = text.find(sentence.strip(), cursor)
        if at >= 0:
            spots.append((at, at + len(sentence.strip()), anchor))
            cursor = at + len(sentence.strip())
    cursor = 0
    for a, b, anchor in spots:
        out.append(escape(text[cursor:a]))
        out.append(Markup('<mark id="{}">').format(anchor) + escape(text[a:b]) + Markup("</mark>"))
        cursor = b
    out.append(escape(text[cursor:]))
    return Markup("").join(out)


def index_view(session) -> dict[str, Any]:
    """Documents with drafts (by state) and every stored document one may draft, with titles."""
    from sqlalchemy import select

    from zhida.store.schema import Document, DocumentVersion

    titles = dict(session.execute(select(Document.key, DocumentVersion.title).join(
        DocumentVersion, (DocumentVersion.document_id == Document.id)
        & (DocumentVersion.version == Document.current_version))).all())
    return {"documents": [{**d, "title": titles.get(d["document"])} for d in drafts.summary(session)],
            "stored": sorted(titles.items())}


def document_view(session, key: str) -> dict[str, Any]:
    rows = drafts.of_document(session, key)
    doc = source.from_store(session, key, rows[0].document_version if rows else None)
    by_clause: dict[str, list] = {}
    for r in rows:
        by_clause.setdefault(r.clause_id, []).append(r)
    clauses = []
    for c in doc.clauses:
        own = by_clause.get(c.id, [])
        if not c.leaf and not own:
            continue
        clauses.append({"id": c.id, "label": "".join(c.labels), "text": highlighted(c.text, [(f"d{r.id}", r.sentence) for r in own]),
                        "drafts": [_row(r) for r in own]})
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    return {"key": key, "title": doc.title or key, "doc_number": doc.doc_number, "version": doc.version,
            "clauses": clauses, "drafts": [_row(r) for r in rows],
            "counts": {STATUS_ZH[k]: v for k, v in counts.items()}}


def draft_view(session, policies, draft_id: int) -> dict[str, Any]:
    row = drafts.get(session, draft_id)
    doc = source.from_store(session, row.document, row.document_version)
    verdict = drafts.check(session, policies, row)
    clause = doc.clause(row.clause_id)
    published = rulebook.latest(session, row.measure_id)
    return {**_row(row), "yaml": row.yaml, "drafted_yaml": row.drafted_yaml, "cases_yaml": row.cases_yaml
            or case_runs.skeleton(row.measure_id, date.today()),
            "errors": verdict.errors, "open_now": [field_zh(f) for f in verdict.open_fields],
            "publishable": not verdict.errors and not verdict.open_fields and row.status not in ("published", "dismissed"),
            "title": doc.title or row.document, "doc_number": doc.doc_number,
            "clause_label": "".join(clause.labels) or clause.id,
            "clause_text": highlighted(clause.text, [("sentence", row.sentence)]),
            "published": None if published is None else {"version": published.version, "reviewer": published.reviewer,
                                                         "at": published.published_at}}


def run_cases(session, policies, draft_id: int) -> list[dict[str, Any]]:
    row = drafts.get(session, draft_id)
    verdict = drafts.check(session, policies, row)
    if verdict.measure is None:
        return []
    return [{"name": c.name, "ok": c.ok, "status": c.status, "amount": c.amount,
             "expected": MATCH_STATUS_ZH.get(c.expected.get("status"), c.expected.get("status")),
             "expected_amount": c.expected.get("amount"), "problems": c.problems}
            for c in case_runs.run(policies, verdict.measure, row.cases_yaml)]


def run_impact(session, store, policies, draft_id: int, as_of: date, limit: int = 50) -> dict[str, Any] | None:
    """None when the draft does not load (the errors are on the page already)."""
    from zhida.batch.population import facts_file

    row = drafts.get(session, draft_id)
    verdict = drafts.check(session, policies, row)
    if verdict.measure is None:
        return None
    before = impact.published_measure(session, policies, row.measure_id)
    found = impact.run(policies, verdict.measure, before, facts_file(store, as_of), as_of, limit)
    return {"enterprises": found.enterprises, "changed": found.changed, "gained": found.gained, "lost": found.lost,
            "as_of": as_of.isoformat(), "had_rule": before is not None,
            "rows": [{**r, "before_zh": MATCH_STATUS_ZH.get(r["before"]["status"], r["before"]["status"]),
                      "after_zh": MATCH_STATUS_ZH.get(r["after"]["status"], r["after"]["status"])} for r in found.rows]}
