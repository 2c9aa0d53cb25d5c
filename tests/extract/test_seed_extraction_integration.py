"""The extraction stage inside the real pipeline: facts land on the right clause ids,
with offsets into ``ParsedDocument.original`` (traditional script for 004)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhida.config import SOURCES_DIR
from zhida.documents.pipeline import parse_file


@pytest.fixture(scope="module")
def docs():
    return {path.name[:3]: parse_file(path) for path in sorted(SOURCES_DIR.glob("*.txt"))}


def quoted(doc, item):
    return doc.original[item.start:item.end]


def test_000_item_7_thresholds_and_periods(docs):
    doc = docs["000"]
    clause = doc.clause("3.7")
    assert [(a.value, a.role) for a in clause.amounts] == [
        (Decimal(5000000), "threshold_min"), (Decimal(10**9), "threshold_max"), (Decimal(12 * 10**8), "threshold_max"),
        (Decimal(2 * 10**9), "threshold_max"), (Decimal(10**8), "threshold_max"), (Decimal(4 * 10**8), "threshold_max")]
    assert [quoted(doc, a) for a in clause.amounts] == ["500万元", "10亿元", "12亿元", "20亿元", "1亿元", "4亿元"]
    assert [(quoted(doc, d), d.kind) for d in clause.dates] == [
        ("2022年度", "period"), ("2021年第四季度", "period"), ("2022年第一、二季度", "period"), ("到 2023 年 4 月 30 日", "deadline")]
    assert clause.start <= clause.dates[0].start < clause.dates[-1].end <= clause.end


def test_000_units_survive_a_page_break(docs):
    clause = docs["000"].clause("3.8")
    assert clause.responsible_units[0].units[-2:] == ["市科委中关村管委会", "市发展改革委"]
    assert [(a.value, a.role) for a in clause.amounts] == [(Decimal(2 * 10**11), "total"), (Decimal(10**11), "total")]


def test_001_measure_15(docs):
    doc = docs["001"]
    amounts = doc.clause("15").amounts
    assert [(quoted(doc, a), a.value, a.currency, a.role) for a in amounts] == [
        ("50 亿元", Decimal(5 * 10**9), "CNY", "threshold_min"),
        ("5 亿美元", Decimal(5 * 10**8), "USD", "threshold_min"),
        ("1000 万元", Decimal(10**7), "CNY", "floor"),
    ]


def test_002_items_4_and_33(docs):
    doc = docs["002"]
    item4 = doc.clause("1.3.4")
    assert [(quoted(doc, a), a.role) for a in item4.amounts] == [("100万元", "cap")]
    assert [(quoted(doc, p), p.role) for p in item4.percentages] == [
        ("30%", "rate"), ("50%", "rate"), ("20%", "share"), ("30%", "share")]
    item33 = doc.clause("5.1.33")
    assert [(quoted(doc, a), a.role, a.unit) for a in item33.amounts] == [
        ("30万元", "threshold_max", None), ("1万元/台", "cap", "台")]


def test_003_items_46_and_47(docs):
    doc = docs["003"]
    assert [(a.value, a.role) for a in doc.clause("4.46").amounts] == [(Decimal(300000), "cap")]
    assert [quoted(doc, p) for p in doc.clause("4.46").percentages] == ["1：1", "10%"]
    assert [(a.value, a.role, a.unit) for a in doc.clause("4.47").amounts] == [(Decimal(5000000), "cap", "企业")]


def test_004_item_1_units_in_traditional_original(docs):
    doc = docs["004"]
    lists = doc.clause("1.1").responsible_units
    assert [u.units for u in lists] == [["市科委", "中关村管委会"], ["市科委", "中关村管委会", "市教委"], ["市经济和信息化局", "市发展改革委"]]
    assert [quoted(doc, u) for u in lists][0] == "(市科委、中關村管委會)"  # the original script
    sentences = [doc.original[u.sentence_start:u.sentence_end] for u in lists]
    assert sentences[0].startswith("1.") and sentences[0].endswith("500萬元")
    assert sentences[1].startswith("通過") and sentences[1].endswith("給予資金支援")
    assert sentences[2].endswith("專項項目")
    assert all(u.sentence_end == u.start for u in lists)
    amounts = doc.clause("1.1").amounts
    assert [(quoted(doc, a), a.value, a.role) for a in amounts] == [
        ("200萬元", Decimal(2000000), "cap"), ("500萬元", Decimal(5000000), "cap")]
