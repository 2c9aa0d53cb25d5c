"""The 派单目录, unit table and synonyms are data resting on the seeds: every cited clause exists,
every catalogue unit is in its cited clauses' unit lists, every synonym target is corpus text;
the labelled set's expected units are its clauses' units."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from zhida.desk import catalogue, measure, query
from zhida.desk.units import canonical
from zhida.documents.citation import simplified
from zhida.store.schema import ClauseRow, Document, DocumentVersion

LABELLED = Path(__file__).with_name("requests_labelled.yaml")


def _clauses(store) -> dict[tuple[str, str], tuple[str, set[str]]]:
    with store.sessions() as session:
        rows = session.execute(
            select(Document.key, ClauseRow.clause_id, ClauseRow.text, ClauseRow.units)
            .join(DocumentVersion, DocumentVersion.id == ClauseRow.version_id)
            .join(Document, Document.id == DocumentVersion.document_id)
        ).all()
    return {(key[:3], cid): (text, {canonical(u) for u in units.split("|") if u}) for key, cid, text, units in rows}


def test_catalogue_units_come_from_cited_clauses(store):
    clauses = _clauses(store)
    for category in catalogue.categories():
        cited = [catalogue.split_source(s) for s in category.sources]
        assert all(c in clauses for c in cited), (category.name, [c for c in cited if c not in clauses])
        named = set().union(*(clauses[c][1] for c in cited))
        assert set(category.units) <= named, (category.name, set(category.units) - named)


def test_synonym_targets_occur_in_the_corpus(store):
    corpus = simplified("\n".join(text for text, _ in _clauses(store).values()))
    missing = {t for targets in query.synonyms().values() for t in targets if t not in corpus}
    assert not missing


def test_labelled_set_rests_on_its_clauses(store):
    clauses = _clauses(store)
    items = measure.load(LABELLED)
    assert len(items) >= 150
    assert len({i.text for i in items}) == len(items)  # no request twice
    for item in items:
        cited = [catalogue.split_source(s) for s in item.clauses]
        assert cited and all(c in clauses for c in cited), item.topic
        named = set().union(*(clauses[c][1] for c in cited))
        assert set(item.units) <= named, (item.topic, set(item.units) - named)
    splits = {i.split for i in items}
    assert splits == {"dev", "holdout"}


def test_accuracy_stays_above_a_floor(store):
    # The figures are benchmarks/routing_accuracy.py's (RESULTS.md); this only catches a collapse.
    accuracy = measure.evaluate(store, measure.load(LABELLED))
    assert accuracy.top(3) >= 0.75
    assert accuracy.top(1) >= 0.6
