"""政策库 API over the real seed corpus: lists, filters, pagination, trees, clauses, search."""

from __future__ import annotations


def test_document_list_paginates_and_filters(clients):
    api = clients["admin"]
    everything = api.get("/api/v1/documents").json()
    assert everything["meta"] == {"page": 1, "per_page": 20, "total": 5, "pages": 1}
    assert [d["key"][:3] for d in everything["items"]] == ["000", "001", "002", "003", "004"]

    page2 = api.get("/api/v1/documents", params={"per_page": 2, "page": 2}).json()
    assert page2["meta"] == {"page": 2, "per_page": 2, "total": 5, "pages": 3}
    assert [d["key"][:3] for d in page2["items"]] == ["002", "003"]

    by_number = api.get("/api/v1/documents", params={"q": "忻政办发"}).json()
    assert [d["key"][:3] for d in by_number["items"]] == ["003"]
    assert by_number["items"][0]["doc_number"] == "忻政办发〔2022〕34号"


def test_bad_pagination_is_a_clear_422(clients):
    response = clients["staff"].get("/api/v1/documents", params={"per_page": 0})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["field"] == "per_page"


def test_document_tree_has_clause_ids_and_coverage(clients):
    doc = clients["ent_a"].get("/api/v1/documents/000").json()
    assert doc["metadata"]["doc_number"] == "京政办发〔2022〕18号"
    ids = []

    def walk(nodes):
        for node in nodes:
            ids.append(node["id"])
            assert node["coverage"] in ("encoded", "not_encoded", "open", "unknown")
            walk(node["children"])

    walk(doc["clauses"])
    assert "3.7" in ids
    # Every node's offsets point into the original text it is shown beside.
    assert all(0 <= n["start"] < n["end"] <= len(doc["original"]) for n in doc["clauses"])


def test_clause_detail_shows_source_and_encoded_rule(clients):
    detail = clients["staff"].get("/api/v1/documents/003/clauses/4.46").json()
    assert "首台套" in detail["source_text"]
    assert detail["coverage"] == "encoded"
    rule = next(r for r in detail["rules"] if r["id"] == "xz2022.first-set-equipment-subsidy")
    # The rule in plain Chinese, and its quote really is in the clause it cites.
    assert rule["amount"]["cap"] == "30万元"
    assert "10%" in rule["amount"]["expr"]
    assert rule["jurisdiction"].startswith("山西省忻州市")
    assert all(c["quote"] in detail["clause"]["text"] for c in rule["conditions"] if c["quote"])
    assert [p["id"] for p in detail["path"]] == ["4"]


def test_unknown_document_and_clause_are_404_with_error_body(clients):
    api = clients["admin"]
    missing = api.get("/api/v1/documents/999")
    assert missing.status_code == 404
    assert missing.json()["error"]["field"] == "document"
    no_clause = api.get("/api/v1/documents/000/clauses/99.99")
    assert no_clause.status_code == 404
    assert no_clause.json()["error"] == {"code": "not_found", "message": no_clause.json()["error"]["message"],
                                         "field": "clause_id"}


def test_search_finds_zhuanjingtexin_loans_with_highlights(clients):
    found = clients["ent_a"].get("/api/v1/search", params={"q": "专精特新 贷款"}).json()
    assert found["items"], found
    keys = {(hit["document"][:3], hit["clause_id"]) for hit in found["items"]}
    assert ("004", "3.7") in keys  # the traditional-script 专精特新 document: 專精特新貸
    for hit in found["items"]:
        marked = "".join(seg["text"] for seg in hit["snippet"] if seg["hit"])
        assert marked, hit
        # Highlights are real substrings of the clause, in its own script.
        for seg in hit["snippet"]:
            if seg["hit"]:
                assert seg["text"] in hit["text"]
        assert hit["url"].startswith(f"/policies/{hit['document']}/clauses/")
    trad = next(h for h in found["items"] if h["document"].startswith("004"))
    assert {"專精特新", "貸款"} & {seg["text"] for seg in trad["snippet"] if seg["hit"]}


def test_search_pagination_and_bad_queries(clients):
    api = clients["admin"]
    first = api.get("/api/v1/search", params={"q": "企业", "per_page": 3}).json()
    second = api.get("/api/v1/search", params={"q": "企业", "per_page": 3, "page": 2}).json()
    assert len(first["items"]) == 3 and len(second["items"]) == 3
    assert not {(h["document"], h["clause_id"]) for h in first["items"]} & {
        (h["document"], h["clause_id"]) for h in second["items"]}
    for bad in ("   ", "！？。"):
        response = api.get("/api/v1/search", params={"q": bad})
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "q"
    unknown_doc = api.get("/api/v1/search", params={"q": "企业", "doc": "nonexistent"})
    assert unknown_doc.status_code == 404
    assert unknown_doc.json()["error"]["field"] == "doc"


def test_openapi_documents_models_and_errors(anonymous):
    spec = anonymous.get("/api/openapi.json").json()
    search = spec["paths"]["/api/v1/search"]["get"]
    assert {"200", "401", "403", "404", "422"} <= set(search["responses"])
    assert search["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert "SearchResults" in spec["components"]["schemas"]


def test_api_docs_and_assets_are_served_locally(anonymous):
    docs = anonymous.get("/api/docs").text
    assert "/static/vendor/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    for name in ("htmx.min.js", "echarts.min.js", "swagger-ui-bundle.js"):
        response = anonymous.get(f"/static/vendor/{name}")
        assert response.status_code == 200 and len(response.content) > 10_000, name
    assert anonymous.get("/static/vendor/../../pyproject.toml").status_code == 404
