"""政策解读 page and API: public, each point beside its quote and a link to the clause."""

from __future__ import annotations

import re

DOC = "002_2f4420f430754317"


def test_anonymous_reads_the_interpretation_page(anonymous):
    page = anonymous.get(f"/policies/{DOC}/interpretation")
    assert page.status_code == 200, page.text[:300]
    assert "set-cookie" not in page.headers
    text = page.text
    assert "政策解读" in text and "谁能享受" in text and "能得多少" in text and "有效期" in text and "如何申请" in text
    assert "研发费用 × 20%" in text and "最高不超过100万元" in text  # the amount rule and its words
    assert "确定金额" in text and "最高金额" in text and "减免·抵扣·递延" in text
    assert "申报方式未明确" in text and "需申报" in text
    assert "征求意见稿，以正式文件为准" in text
    links = set(re.findall(r'href="(/policies/[^"]+/clauses/[^"]+)"', text))
    assert f"/policies/{DOC}/clauses/closing" in links and len(links) > 20
    assert anonymous.get(sorted(links)[0]).status_code == 200  # the clause behind a quote opens
    assert 'href="/login?next=' in text


def test_document_page_links_to_its_interpretation(clients):
    page = clients["ent_a"].get("/policies/000_094af80e03a20c8c").text
    assert 'href="/policies/000_094af80e03a20c8c/interpretation"' in page


def test_interpretation_api(anonymous, clients):
    body = anonymous.get("/api/v1/documents/000/interpretation").json()  # a key prefix resolves
    assert body["document"] == "000_094af80e03a20c8c" and body["doc_number"] == "京政办发〔2022〕18号"
    measures = {m["measure_id"]: m for g in body["groups"] for m in g["measures"]}
    deduction = measures["bj2022.sme-equipment-deduction"]
    assert deduction["money_kind_label"] == "减免·抵扣·递延"
    assert deduction["how_much"]["quote"].startswith("可选择单位价值的100%")
    assert deduction["how_to_apply"] == {"text": "申报方式未明确（原文未写明）", "quote": None, "document": None,
                                         "clause": None}
    assert sum(body["counts"].values()) == body["measures"] == len(measures)
    assert clients["staff"].get("/api/v1/documents/000/interpretation").json() == body


def test_unknown_document_is_404(anonymous):
    assert anonymous.get("/api/v1/documents/nope/interpretation").json()["error"]["code"] == "not_found"
    page = anonymous.get("/policies/nope/interpretation")
    assert page.status_code == 404 and "不存在" in page.text
