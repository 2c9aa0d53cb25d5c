"""Routing suggestions on the seeds: the right unit for representative requests, with evidence
whose quote is the clause's own text and whose citation is the printed form."""

from __future__ import annotations

import re

import pytest

from zhida.desk.routing import suggest
from zhida.desk.units import canonical
from zhida.errors import ZhidaError

CASES = [
    ("留抵退税什么时候到账", {"市税务局", "区税务局"}),
    ("我们公司社保能不能缓交", {"区人力资源社会保障局", "市人力资源社会保障局"}),
    ("想申请上市补贴找谁", {"区金融办", "市金融监管局"}),
    ("贷款利息太高有没有贴息", {"市经济和信息化局"}),
    ("我们租的是区国企的房子，房租能减免吗", {"区国资委"}),
    ("工厂扩产需要拿地，工业用地怎么申请", {"市规划自然资源委"}),
    ("专精特新怎么申报，今年还有名额吗", {"市经济和信息化局"}),
]
CITATION = re.compile(r"^《[^《》]+》(（[^（）]*〔\d{4}〕\d+号）)?(第.+|序言|结尾部分)$")


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[t for t, _ in CASES])
def test_first_unit_is_the_responsible_one(store, text, expected):
    suggestion = suggest(store, text)
    assert suggestion.units[0].unit in expected, [u.unit for u in suggestion.units]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[t for t, _ in CASES])
def test_evidence_quotes_are_clause_text(store, text, expected):
    suggestion = suggest(store, text)
    assert suggestion.clauses
    for evidence in suggestion.clauses:
        assert evidence.quote and evidence.quote in evidence.text
        assert CITATION.match(evidence.citation), evidence.citation
        assert "_" not in evidence.citation  # never the store's key
    # the top unit has clause evidence naming it (not only the catalogue)
    top = suggestion.units[0]
    assert top.evidence and all(top.unit in e.units for e in top.evidence)


def test_tax_refund_cites_the_refund_clauses(store):
    suggestion = suggest(store, "留抵退税什么时候到账")
    cited = {(e.document[:3], e.clause_id) for e in suggestion.clauses}
    assert {("000", "3.6"), ("003", "1.12")} <= cited
    first = next(e for e in suggestion.clauses if (e.document[:3], e.clause_id) == ("000", "3.6"))
    assert first.citation == "《关于应对新冠肺炎疫情影响促进本市先进制造业平稳运行的若干措施》（京政办发〔2022〕18号）第三条（六）"
    assert "留抵退税" in first.quote


def test_units_of_the_quoted_sentence_not_the_whole_clause(store):
    # 004 第四条第9项 lists units after each sentence: the 新三板 sentence is the 市科委's
    suggestion = suggest(store, "公司在新三板挂牌了，能拿多少资金补贴")
    evidence = next(e for e in suggestion.clauses if (e.document[:3], e.clause_id) == ("004", "4.9"))
    assert "新三板" in evidence.quote
    assert evidence.units == ["市科委"]


def test_scores_are_shares_and_ranked(store):
    units = suggest(store, "数字化改造能拿多少补贴").units
    scores = [u.score for u in units]
    assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 1.0001


def test_unit_names_are_normalised():
    assert canonical("北京税务局") == canonical("北京市税务局") == "市税务局"
    assert canonical("市发改委") == "市发展改革委"
    assert canonical("市經濟和信息化局") == "市经济和信息化局"  # traditional script too


def test_generic_units_are_never_suggested(store):
    for text in ("加大政策宣传，设立政策解读专线", "各区落实属地责任"):
        units = [u.unit for u in suggest(store, text).units]
        assert not {"相关单位", "市直有关单位", "各相关单位", "相关部门"} & set(units)


@pytest.mark.parametrize("text", ["", "   ", "？？！", "字" * 2001])
def test_unusable_text_is_one_chinese_line_naming_the_field(store, text):
    with pytest.raises(ZhidaError) as caught:
        suggest(store, text)
    assert caught.value.where == "诉求内容" and "\n" not in str(caught.value)


@pytest.mark.postgres
def test_same_suggestion_on_postgresql(store, postgres_module_url):
    """The index is tantivy on both back ends: the same units and evidence from a PostgreSQL store."""
    from zhida import config
    from zhida.store import ingest_paths, open_store

    pg = open_store(postgres_module_url)
    try:
        ingest_paths(pg, [config.sources_dir()])
        for text, _ in CASES:
            on_pg, on_sqlite = suggest(pg, text), suggest(store, text)
            assert [u.unit for u in on_pg.units] == [u.unit for u in on_sqlite.units]
            assert [(e.citation, e.quote) for e in on_pg.clauses] == [(e.citation, e.quote) for e in on_sqlite.clauses]
    finally:
        pg.close()
