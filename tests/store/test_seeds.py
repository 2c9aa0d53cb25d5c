"""The real parser's output survives the store unchanged, and seed searches behave (both backends)."""

from __future__ import annotations

import pytest

from zhida import config
from zhida.documents.model import to_jsonable
from zhida.documents.pipeline import parse_file
from zhida.store import ingest_document, open_store, search
from zhida.store.catalog import show_document

SEEDS = sorted(config.SOURCES_DIR.glob("*.txt"))


@pytest.fixture(scope="module")
def parsed():
    return {path.stem: parse_file(path) for path in SEEDS}


@pytest.fixture
def store(database_url, parsed):
    opened = open_store(database_url)
    for document in parsed.values():
        assert ingest_document(opened, document).status == "new"
    yield opened
    opened.close()


def test_clause_tree_round_trips_exactly(store, parsed):
    for key, document in parsed.items():
        shown = show_document(store, key)
        expected = to_jsonable(document)
        assert {name: shown[name] for name in ("preamble", "clauses", "closing")} == {
            name: expected[name] for name in ("preamble", "clauses", "closing")
        }
        assert shown["metadata"] == expected["metadata"]
        assert shown["original"] == document.original


def _inherited(document, attribute):
    """clause id → values of ``attribute`` on the clause or any enclosing clause."""
    found = {}

    def visit(clause, above):
        mine = above | attribute(clause)
        found[clause.id] = mine
        for child in clause.children:
            visit(child, mine)

    for top in [document.preamble, *document.clauses, document.closing]:
        if top is not None:
            visit(top, set())
    return found


def test_digital_transformation_finds_the_traditional_clause(store, parsed):
    hits = search(store, "数字化转型", limit=20)
    assert ("004", "2.4") in [(hit.document[:3], hit.clause_id) for hit in hits]
    for hit in hits:
        assert "数字化转型" in parsed[hit.document].clause(hit.clause_id).normalized


def test_two_terms_rank_clauses_containing_both(store, parsed):
    hits = search(store, "专精特新 贷款", limit=50)
    assert len(hits) >= 2
    for hit in hits:
        simplified = parsed[hit.document].clause(hit.clause_id).normalized
        assert "专精特新" in simplified and "贷款" in simplified
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_filters_on_seeds(store, parsed):
    by_unit = search(store, "企业", unit="市经济和信息化局", limit=100)
    assert by_unit
    for hit in by_unit:
        assert any("市经济和信息化局" in unit for unit in hit.responsible_units)
    only_004 = search(store, "企业", doc="004", limit=100)
    assert only_004 and {hit.document[:3] for hit in only_004} == {"004"}
    beneficiary = search(store, "贷款", beneficiary="专精特新中小企业", limit=100)
    assert beneficiary
    unfiltered = search(store, "贷款", limit=100)
    assert len(beneficiary) < len(unfiltered)
    for hit in beneficiary:
        labels = _inherited(parsed[hit.document], lambda c: {b.label for b in c.beneficiaries})
        assert "专精特新中小企业" in labels[hit.clause_id]


def test_single_character_query(store, parsed):
    hits = search(store, "税", limit=100)
    assert len(hits) >= 5
    for hit in hits:
        assert "税" in (parsed[hit.document].clause(hit.clause_id).normalized)


def test_search_any_ranks_clauses_matching_any_term(store, parsed):
    from zhida.store.search import search_any

    hits = search_any(store, [("留抵", 1.0), ("火星移民", 1.0)], limit=20)
    assert hits and all("留抵" in parsed[h.document].clause(h.clause_id).normalized for h in hits)
    assert search(store, "留抵 火星移民") == []  # the search box ANDs its terms
    boosted = search_any(store, [("留抵", 1.0), ("社会保险费", 5.0)], limit=3)
    assert "社会保险费" in parsed[boosted[0].document].clause(boosted[0].clause_id).normalized
    assert search_any(store, [("，。", 1.0)]) == []
