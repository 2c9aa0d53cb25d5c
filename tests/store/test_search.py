"""Search behaviour on both backends, with hand-built documents."""

from __future__ import annotations

import pytest

from zhida.errors import ZhidaError
from zhida.store import ingest_document, open_store, search

from .builders import LOANS, loans_document, traditional_document


@pytest.fixture
def store(database_url):
    opened = open_store(database_url)
    ingest_document(opened, loans_document())
    ingest_document(opened, traditional_document())
    yield opened
    opened.close()


def _ids(hits):
    return [(hit.document, hit.clause_id) for hit in hits]


def test_simplified_query_finds_traditional_source_with_offsets(store):
    hits = search(store, "数字化转型")
    assert set(_ids(hits)) == {("011_trad", "1"), ("010_loans", "2.1")}
    trad = next(hit for hit in hits if hit.document == "011_trad")
    assert trad.snippet == "一、支援企業[數字化轉型]，推動網際網路應用。"
    assert trad.snippet_html == "一、支援企業<mark>數字化轉型</mark>，推動網際網路應用。"
    (start, end), = trad.source_hits
    assert traditional_document().original[start:end] == "數字化轉型"


def test_traditional_query_is_normalized(store):
    assert ("011_trad", "1") in _ids(search(store, "數字化轉型"))
    (hit,) = search(store, "網際網路")  # indexed as 互联网; shown and located in the source's script
    assert (hit.document, hit.clause_id) == ("011_trad", "1")
    assert "[網際網路]" in hit.snippet
    (start, end), = hit.source_hits
    assert traditional_document().original[start:end] == "網際網路"
    assert [h.clause_id for h in search(store, "互联网应用")] == ["1"]
    assert _ids(search(store, "貸款貼息")) == [("010_loans", "1.1")]  # traditional query, simplified source


def test_terms_are_anded_and_every_hit_contains_all(store):
    hits = search(store, "专精特新 贷款")
    assert set(_ids(hits)) == {("010_loans", "1.1"), ("010_loans", "2.2")}
    for hit in hits:
        assert "专精特新" in hit.text and "贷款" in hit.text
        assert hit.score is not None
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_phrase_not_scattered_characters(store):
    # 贷款 and 担保 both appear, but "贷款担保" as a phrase does not.
    assert search(store, "贷款担保") == []


def test_single_character_query_uses_like_fallback(store):
    assert set(_ids(search(store, "保"))) == {("010_loans", "1.2")}
    assert set(_ids(search(store, "保 担"))) == {("010_loans", "1.2")}
    assert set(_ids(search(store, "贷款 息"))) == {("010_loans", "1.1")}


def test_filters(store):
    assert set(_ids(search(store, "企业", unit="市经济和信息化局"))) == {("010_loans", "1.1"), ("010_loans", "2.1")}
    assert set(_ids(search(store, "企业", beneficiary="小微企业"))) == {("010_loans", "1.2")}
    assert set(_ids(search(store, "企业", beneficiary="srdi_sme"))) == {("010_loans", "1.1")}
    assert set(_ids(search(store, "数字化", doc="011"))) == {("011_trad", "1")}
    assert search(store, "担保", unit="市经济和信息化局") == []
    # any part of a unit's name or a beneficiary's label selects it
    assert set(_ids(search(store, "企业", unit="财政"))) == {("010_loans", "1.1"), ("010_loans", "1.2")}
    assert set(_ids(search(store, "企业", beneficiary="微企"))) == {("010_loans", "1.2")}


def test_limit_and_bad_queries(store):
    assert len(search(store, "企业", limit=2)) == 2
    with pytest.raises(ZhidaError, match="no letters"):
        search(store, "，。")
    with pytest.raises(ZhidaError, match="--unit"):
        search(store, "企业", unit="、")
    with pytest.raises(ZhidaError, match="no such document"):
        search(store, "企业", doc="999")


def test_hit_offsets_point_at_the_query(store):
    (hit,) = [h for h in search(store, "贷款贴息") if h.document == "010_loans"]
    (start, end), = hit.hits
    assert hit.text[start:end] == "贷款贴息"
    (s, e), = hit.source_hits
    assert LOANS[s:e] == "贷款贴息"
