"""The five seed documents parse into the trees, metadata and offsets their text implies."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from zhida.documents import pipeline
from zhida.documents.pipeline import parse_file

from .fixtures.files import SEEDS, comparable, same_text

FURNITURE = ("公报", "#", "**", "分享", "字號", "字号", "抄送：", "共印", "bookmark", "政務公開 >", "相關政策", "此件公开发布")


@pytest.fixture(scope="module")
def docs():
    return {key: parse_file(path) for key, path in SEEDS.items()}


def kinds(doc):
    return Counter(c.kind for c in doc.walk())


def test_000_six_sections_fifteen_measures(docs):
    doc = docs["000"]
    assert [c.id for c in doc.clauses] == ["1", "2", "3", "4", "5", "6"]
    assert all(c.kind == "section" for c in doc.clauses)
    measures = [c for c in doc.walk() if c.kind == "measure"]
    assert [c.id for c in measures] == [
        "1.1", "1.2", "2.3", "2.4", "2.5", "3.6", "3.7", "3.8", "3.9", "4.10", "4.11", "4.12", "5.13", "5.14", "6.15",
    ]  # fmt: skip
    seven = doc.clause("3.7")
    assert seven.labels == ["三", "（七）"] and doc.find("（七）") is seven
    assert seven.heading == "推动减税降费政策落地见效"
    assert doc.clause("1.1").heading == "保障物资运输畅通高效"
    assert doc.clauses[0].heading == "保持重点产业链供应链顺畅"
    assert doc.preamble.text.startswith("为落实国家发展改革委") and doc.closing is None


def test_001_sixteen_measures_with_body_paragraphs(docs):
    doc = docs["001"]
    assert [c.id for c in doc.clauses] == [str(i) for i in range(1, 17)]
    assert kinds(doc) == {"measure": 16}
    five = doc.clause("5")
    assert five.heading == "实施项目落地“首谈制”"
    assert five.text.startswith("五、实施项目落地“首谈制”\n对总投资1亿元以上")  # heading + its body
    assert "为日常跟踪调度和服务提供支撑" in doc.clause("2").text
    assert "保护控制线；" in doc.clause("7").text
    assert doc.clause("16").text.endswith("各区政府）")
    assert doc.preamble.text.endswith("现提出以下措施:")


def test_002_sections_subheadings_items_and_closing(docs):
    doc = docs["002"]
    assert kinds(doc) == {"section": 6, "subsection": 20, "item": 45}
    assert doc.clause("1.3.4").text.startswith("4.2022年对承租区内")  # '4.2022年' is item 4, not a date
    assert doc.clause("1.1").heading == "留抵退税“直达快享”"
    assert doc.clause("2.1.17").heading == "积极稳妥有序推进复工复产"
    assert [c.id for c in doc.clause("6.2").children] == ["6.2.42", "6.2.43", "6.2.44", "6.2.45"]
    assert doc.closing.text.startswith("本实施方案自发布之日起施行")
    assert "[bookmark" not in doc.preamble.text


def test_003_seventy_one_items_same_level(docs):
    doc = docs["003"]
    assert kinds(doc) == {"section": 6, "item": 71}
    items = [c for c in doc.walk() if c.kind == "item"]
    assert [int(c.id.split(".")[1]) for c in items] == list(range(1, 72))
    assert doc.clause("4.44").text.startswith("44、严格执行")  # '44、' among '1．' items
    assert doc.clause("4.45").text.startswith("45．加快现代服务业")  # indented in the source
    assert doc.clause("4.46").labels == ["四", "46"]
    assert doc.closing.text.startswith("各有关部门要把稳定工业增长")
    assert doc.preamble.text.startswith("为贯彻落实国家发展改革委")


def test_004_six_sections_sixteen_items_not_header_list(docs):
    doc = docs["004"]
    assert kinds(doc) == {"section": 6, "item": 16}
    assert doc.clause("1.1").text.startswith("1.支援基礎研究和成果轉化")
    assert not any("[主題分類]" in c.text for c in doc.walk())
    assert doc.closing.text.startswith("本政策適用於")
    assert doc.script == "traditional"


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_no_furniture_or_split_words_in_clauses(docs, key):
    doc = docs[key]
    for clause in [*doc.walk(), doc.preamble, doc.closing]:
        if clause is None:
            continue
        for mark in FURNITURE:
            assert mark not in clause.text, (clause.id, mark)


def test_split_words_rejoined(docs):
    whole = "\n".join(c.text for c in docs["000"].walk())
    assert whole.count("市经济和信息化局") == docs["000"].original.count("市经济和信息化局") + 1  # one was split
    for phrase in ("最后一公里", "可延缓缴纳", "(责任单位:市经济和信息化局", "推动产业园区", "便利二手车交易"):
        assert phrase in whole, phrase
    assert "抄送市政府办公厅" in docs["000"].clause("6.15").text  # in-sentence 抄送 stays
    one = "\n".join(c.text for c in docs["001"].walk())
    assert "为日常跟踪调度和服务提供支撑" in one and "保护控制线" in one


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_offsets_point_at_the_clause_in_the_original(docs, key):
    doc = docs[key]
    ids = [c.id for c in doc.walk()]
    assert len(ids) == len(set(ids))
    for clause in [*doc.walk(), doc.preamble, doc.closing]:
        if clause is None:
            continue
        assert 0 <= clause.start < clause.end <= len(doc.original)
        assert same_text(doc, clause), clause.id
        assert doc.original[clause.start] == clause.text[0]  # starts exactly at the label


def test_metadata_000(docs):
    md = docs["000"].metadata
    assert md.title == "北京市人民政府办公厅印发《关于应对新冠肺炎疫情影响促进本市先进制造业平稳运行的若干措施》的通知"
    assert md.extra["attachment_title"] == "关于应对新冠肺炎疫情影响促进本市先进制造业平稳运行的若干措施"
    assert md.doc_number == "京政办发〔2022〕18号"  # not the 发改产业〔2022〕273号 cited in the preamble
    assert md.issuer == "北京市人民政府办公厅"
    assert md.written_on == date(2022, 6, 1)
    assert md.valid_until is None and md.issued_on is None


def test_metadata_001_unknowns_stay_unknown(docs):
    md = docs["001"].metadata
    assert md.title == "北京市关于促进高精尖产业投资推进制造业高端智能绿色发展的若干措施"
    assert (md.doc_number, md.issuer, md.written_on, md.valid_until) == (None, None, None, None)


def test_metadata_002(docs):
    md = docs["002"].metadata
    assert md.title == "朝阳区统筹疫情防控和稳定经济增长的实施方案"
    assert md.extra["status"] == "征求意见稿"
    assert md.valid_until == date(2022, 12, 31)
    assert md.validity_text.startswith("本实施方案自发布之日起施行，有效期至2022年12月31日")
    assert md.doc_number is None


def test_metadata_003(docs):
    md = docs["003"].metadata
    assert md.title == "关于印发忻州市促进工业经济平稳增长行动方案的通知"
    assert md.extra["attachment_title"] == "忻州市促进工业经济平稳增长行动方案"
    assert md.doc_number == "忻政办发〔2022〕34号"
    assert md.issuer == "忻州市人民政府办公室"
    assert md.written_on == date(2022, 5, 28)
    assert md.issued_on == date(2022, 5, 28)  # '2022年5月28日印发'


def test_metadata_004_header_fields(docs):
    md = docs["004"].metadata
    assert md.title == "關於印發《北京市關於促進“專精特新”中小企業高品質發展的若干措施》的通知"
    assert md.extra["attachment_title"] == "北京市關於促進“專精特新”中小企業高品質發展的若干措施"
    assert md.doc_number is None  # '[發文字號] 〔〕' is empty
    assert md.issuer == "北京市經濟和信息化局"
    assert md.issued_on == date(2021, 12, 23)
    assert md.written_on == date(2021, 12, 22) and md.effective_on == date(2021, 12, 22)
    assert md.extra["主题分类"] == "科技教育/其他"
    assert "发文字号" not in md.extra and "废止日期" not in md.extra


def test_004_normalized_to_simplified_with_names_intact(docs):
    doc = docs["004"]
    normalized = "\n".join(c.normalized for c in doc.walk())
    for simplified in ("支持基础研究", "信息支持", "工业软件", "互联网", "市经济和信息化局", "建立北京"):
        assert simplified in normalized, simplified
    for wrong in ("支援", "資訊", "软体", "网际网路", "创建北京", "文档"):
        assert wrong not in normalized, wrong
    one = doc.clause("1.1")
    assert one.text.startswith("1.支援") and one.normalized.startswith("1.支持")


def test_extracted_items_are_mapped_to_original_offsets():
    """Offsets from the extraction stage (relative to normalized text) land on the original,
    through the page-break map (000) and the traditional→simplified map (004)."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    for key in ("000", "004"):
        doc = parse_file(SEEDS[key])
        lists = [r for c in doc.walk() for r in c.responsible_units]
        assert len(lists) >= 14  # 000 （十五） names none
        for item in lists:
            assert item.text == doc.original[item.start : item.end]
            assert item.sentence_start < item.sentence_end <= item.start  # the sentence it follows
            source = comparable(t2s.convert(item.text))
            assert any(comparable(unit)[:3] in source for unit in item.units), (item.text, item.units)


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_seed_trees_match_their_recorded_snapshot(docs, key):
    """Every clause of every seed — id, kind, labels, heading, offsets — as recorded in
    fixtures/seed_trees.json. Parser changes for other documents must leave these alone;
    a deliberate change to a seed's tree updates the snapshot in the same commit."""
    recorded = json.loads((Path(__file__).parent / "fixtures" / "seed_trees.json").read_text(encoding="utf-8"))[key]
    doc = docs[key]
    now = [[c.id, c.kind, "/".join(c.labels), c.heading, c.start, c.end]
           for c in [doc.preamble, *doc.walk(), doc.closing] if c is not None]  # fmt: skip
    assert now == recorded
