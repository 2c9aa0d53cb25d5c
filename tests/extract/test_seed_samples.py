"""Hand-checked facts of 65 seed clauses (at least ten per seed document).

Every list is compared whole, so a missed or an extra fact fails. The clause texts are
verbatim copies (seed_clauses.py); the first test proves they still are.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

import opencc
import pytest

from zhida.config import SOURCES_DIR
from zhida.documents.extract import extract_clause
from .seed_clauses import CLAUSES

YEAR = {"000": 2022, "001": 2022, "002": 2022, "003": 2022, "004": 2021}  # year each seed was issued


def A(text, value, role, unit=None, currency="CNY", upper=None, period=None):
    return (text, Decimal(value), role, unit, currency, None if upper is None else Decimal(upper), period)


def P(text, value, role, kind="percent", upper=None):
    return (text, Decimal(value), role, kind, None if upper is None else Decimal(upper))


def Dt(text, kind, start=None, end=None, on=None):
    iso = lambda value: date.fromisoformat(value) if value else None  # noqa: E731
    return (text, kind, iso(start), iso(end), iso(on))


EIGHT_MANUFACTURING_UNITS = ["市经济和信息化局", "市科委中关村管委会", "北京经济技术开发区管委会", "各区政府"]
SME_SIZE_LIMITS = [
    A("500万元", "5000000", "threshold_min"),
    A("10亿元", "1000000000", "threshold_max"),
    A("12亿元", "1200000000", "threshold_max"),
    A("20亿元", "2000000000", "threshold_max"),
    A("1亿元", "100000000", "threshold_max"),
    A("4亿元", "400000000", "threshold_max"),
]

EXPECTED: dict[tuple[str, str], dict] = {
    # ---- 000 Beijing manufacturing measures -------------------------------------------------
    ("000", "1.1"): dict(units=[["市交通委", "市经济和信息化局", "市京津冀协同办", "市公安局", "市卫生健康委", "市疾控中心",
                                 "北京经济技术开发区管委会", "各区政府"]],
                         references=[("关于切实做好货运物流保通保畅工作的通知", "国办发明电〔2022〕3号")]),
    ("000", "1.2"): dict(units=[["市经济和信息化局", "市发展改革委", "复工复产防控组", "市京津冀协同办", "市科委中关村管委会",
                                 "北京经济技术开发区管委会", "市生态环境局", "各区政府"]]),  # 一定资金支持: no number
    ("000", "2.3"): dict(units=[["市规划自然资源委", "市经济和信息化局", "市发展改革委", "市住房城乡建设委", "北京经济技术开发区管委会", "各区政府"]],
                         percentages=[P("30%", "30", "cap")]),
    ("000", "2.4"): dict(units=[["市发展改革委", "北京经济技术开发区管委会", "相关区政府"]]),
    ("000", "2.5"): dict(units=[["市发展改革委"]], beneficiaries=["manufacturing_enterprise"]),
    ("000", "3.6"): dict(units=[["北京市税务局", "市财政局"]],
                         dates=[Dt("从2022年4月1日起", "start", start="2022-04-01")]),
    ("000", "3.7"): dict(
        units=[["北京市税务局", "市财政局", "市人力资源社会保障局"]],
        amounts=SME_SIZE_LIMITS,
        percentages=[P("100%", "100", "rate"), P("50%", "50", "rate"), P("50%", "50", "rate"), P("50%", "50", "rate"),
                     P("50%", "50", "rate"), P("100%", "100", "rate"), P("200%", "200", "rate"), P("1%", "1", "rate")],
        dates=[Dt("2022年度", "period", "2022-01-01", "2022-12-31"),
               Dt("2021年第四季度", "period", "2021-10-01", "2021-12-31"),
               Dt("2022年第一、二季度", "period", "2022-01-01", "2022-06-30"),
               Dt("到 2023 年 4 月 30 日", "deadline", end="2023-04-30")],
        quantities=[("2000人", Decimal(2000), "threshold_max"), ("1000人", Decimal(1000), "threshold_max")],
    ),
    ("000", "3.8"): dict(units=[["人民银行营业管理部", "北京银保监局", "市金融监管局", "北京证监局", "市经济和信息化局",
                                 "市科委中关村管委会", "市发展改革委"]],
                         amounts=[A("2000 亿元", "200000000000", "total"), A("1000 亿元", "100000000000", "total")]),
    ("000", "3.9"): dict(units=[["市经济和信息化局", "市财政局", "市发展改革委", "市科委中关村管委会", "北京经济技术开发区管委会"]]),
    ("000", "4.10"): dict(units=[EIGHT_MANUFACTURING_UNITS],
                          quantities=[("200家", Decimal(200), "exact"), ("20家", Decimal(20), "exact")]),
    ("000", "4.11"): dict(units=[["市经济和信息化局", "市科委中关村管委会", "市财政局", "市发展改革委", "北京经济技术开发区管委会",
                                  "城市副中心管委会", "各区政府"]]),  # 3.0, 500 平方公里: not money
    ("000", "5.14"): dict(units=[["市商务局", "市财政局", "市交通委", "市发展改革委", "市城市管理委", "市市场监管局",
                                  "市经济和信息化局", "北京经济技术开发区管委会", "各区政府"]]),
    # ---- 001 Beijing 高精尖 investment measures --------------------------------------------
    ("001", "1"): dict(units=[["市经济和信息化局", "市投资促进中心", "市国资委", "市商务局", "北京经济技术开发区管委会", "各区政府"]]),
    ("001", "2"): dict(units=[["市经济和信息化局", "市科委", "中关村管委会", "市发展改革委", "市规划自然资源委", "市财政局",
                               "人民银行营业管理部", "市投资促进中心", "北京经济技术开发区管委会", "各区政府"]]),
    # （含北京经济技术开发区，下同） is not a unit list
    ("001", "3"): dict(units=[["市经济和信息化局", "市规划自然资源委", "市人力资源社会保障局", "北京市税务局",
                               "北京经济技术开发区管委会", "各区政府"]]),
    ("001", "5"): dict(units=[["市经济和信息化局", "市投资促进中心", "北京经济技术开发区管委会", "各区政府"]],
                       amounts=[A("1亿元", "100000000", "threshold_min")]),
    ("001", "6"): dict(units=[["市规划自然资源委", "市发展改革委", "市经济和信息化局", "市住房城乡建设委", "北京经济技术开发区管委会",
                               "顺义区政府", "昌平区政府", "大兴区政府", "怀柔区政府"]]),
    ("001", "8"): dict(units=[["市经济和信息化局", "市国资委", "市发展改革委", "市规划自然资源委", "市科委", "中关村管委会",
                               "北京经济技术开发区管委会", "各区政府"]]),
    ("001", "11"): dict(units=[["市经济和信息化局", "市财政局", "北京经济技术开发区管委会", "各区政府"]],
                        percentages=[P("2%", "2", "cap")]),  # 一定标准: unquantified, no number
    ("001", "12"): dict(units=[["市经济和信息化局", "市财政局", "市科委", "中关村管委会", "市发展改革委", "市国资委", "市金融监管局"]]),
    ("001", "13"): dict(units=[["人民银行营业管理部", "市经济和信息化局", "北京银保监局", "市金融监管局", "市发展改革委"]]),
    ("001", "15"): dict(units=[["市经济和信息化局", "市投资促进中心", "北京经济技术开发区管委会", "各区政府"]],
                        amounts=[A("50 亿元", "5000000000", "threshold_min"),
                                 A("5 亿美元", "500000000", "threshold_min", currency="USD"),
                                 A("1000 万元", "10000000", "floor", unit="项目")],
                        beneficiaries=["third_party_institution"]),
    ("001", "16"): dict(units=[["市经济和信息化局", "市财政局", "市发展改革委", "市规划自然资源委", "北京经济技术开发区管委会", "各区政府"]]),
    # ---- 002 Chaoyang district plan ---------------------------------------------------------
    ("002", "1.1.1"): dict(units=[["区税务局", "区财政局"]],
                           dates=[Dt("2022年6月30日前", "deadline", end="2022-06-30")]),
    ("002", "1.2.2"): dict(units=[["区人力社保局", "区财政局", "区税务局"]],
                           dates=[Dt("至2022年底", "deadline", end="2022-12-31")]),
    ("002", "1.2.3"): dict(units=[["北京住房公积金管理中心朝阳管理部"]],
                           dates=[Dt("2022年4月至12月", "period", "2022-04-01", "2022-12-31")]),
    ("002", "1.3.4"): dict(
        units=[["区国资委", "区财政局", "区发展改革委", "区商务局", "区科技和信息化局", "区文创办", "文创实验区管委会", "区农业农村局"]],
        amounts=[A("100万元", "1000000", "cap")],
        percentages=[P("30%", "30", "rate"), P("50%", "50", "rate"), P("20%", "20", "share"), P("30%", "30", "share")],
        dates=[Dt("2022年", "period", "2022-01-01", "2022-12-31")],
    ),
    ("002", "1.6.8"): dict(units=[["区金融办"]],
                           percentages=[P("0.5%", "0.5", "rate"), P("20%", "20", "cap")],
                           dates=[Dt("2022年", "period", "2022-01-01", "2022-12-31"),
                                  Dt("2022年度", "period", "2022-01-01", "2022-12-31")]),
    ("002", "1.6.15"): dict(units=[["区财政局", "区发展改革委", "区总工会"]],
                            amounts=[A("200万元", "2000000", "threshold_min"), A("400万元", "4000000", "threshold_min")],
                            percentages=[P("10%-20%", "10", "rate", upper="20"), P("40%", "40", "threshold_min"),
                                         P("70%", "70", "floor")]),
    ("002", "3.2.23"): dict(units=[["区科技和信息化局", "朝阳园管委会", "区发展改革委"]],
                            amounts=[A("1000万元", "10000000", "cap"), A("100万元", "1000000", "cap")],
                            percentages=[P("20%", "20", "rate")]),
    ("002", "3.2.24"): dict(units=[["区发展改革委", "区科技和信息化局"]],
                            percentages=[P("30%", "30", "cap"), P("20%", "20", "cap")]),
    ("002", "3.2.25"): dict(units=[["区金融办"]],
                            amounts=[A("500万元", "5000000", "exact"), A("300万元", "3000000", "cap")]),
    ("002", "4.1.31"): dict(dates=[Dt("8月底前", "deadline", end="2022-08-31")]),
    ("002", "4.1.32"): dict(amounts=[A("3000亿元", "300000000000", "threshold_min")]),  # a target size, not a benefit
    ("002", "5.1.33"): dict(units=[["区商务局", "区税务局", "朝阳交通支队", "区财政局"]],
                            amounts=[A("30万元", "300000", "threshold_max"), A("1万元/台", "10000", "cap", unit="台")],
                            percentages=[P("50%", "50", "share")],
                            dates=[Dt("2022年6月1日至12月31日", "period", "2022-06-01", "2022-12-31"),
                                   Dt("2022年底前", "deadline", end="2022-12-31")],
                            beneficiaries=["individual_consumer"]),
    ("002", "5.3.36"): dict(units=[["区商务局", "区财政局"]], percentages=[P("50%", "50", "cap")],
                            dates=[Dt("2022年6月", "period", "2022-06-01", "2022-06-30")]),
    ("002", "6.1.39"): dict(units=[["区人力社保局", "区财政局", "区教委"]],
                            amounts=[A("1500元", "1500", "per_unit", unit="人")],
                            dates=[Dt("至2022年底", "deadline", end="2022-12-31")],
                            beneficiaries=["college_graduate", "college_graduate"]),
    ("002", "closing"): dict(units=[], dates=[Dt("至2022年12月31日", "deadline", end="2022-12-31")]),
    # ---- 003 Xinzhou action plan ------------------------------------------------------------
    ("003", "1.1"): dict(units=[["市税务局"]], amounts=SME_SIZE_LIMITS,
                         dates=[Dt("2022年度", "period", "2022-01-01", "2022-12-31")]),
    ("003", "1.2"): dict(units=[["市税务局"]],
                         dates=[Dt("2021年第四季度", "period", "2021-10-01", "2021-12-31"),
                                Dt("2022年第一季度、第二季度", "period", "2022-01-01", "2022-06-30")]),
    ("003", "1.5"): dict(units=[["市财政局", "市税务局"]],
                         dates=[Dt("2022年至2024年", "period", "2022-01-01", "2024-12-31")],
                         beneficiaries=["small_scale_vat_taxpayer", "small_low_profit_enterprise", "individual_business",
                                        "small_low_profit_enterprise"]),
    ("003", "1.7"): dict(units=[["市税务局", "市财政局"]],
                         amounts=[A("100万元", "1000000", "threshold_max"),
                                  A("100万元至300万元", "1000000", "threshold_min", upper="3000000")]),
    ("003", "1.8"): dict(units=[["市税务局", "市财政局"]],
                         percentages=[P("3%", "3", "rate"), P("3%", "3", "rate")],
                         dates=[Dt("自2022年4月1日至2022年12月31日", "period", "2022-04-01", "2022-12-31")]),
    ("003", "1.9"): dict(units=[["市人社局", "市财政局"]],
                         percentages=[P("30%", "30", "cap"), P("60%", "60", "rate"), P("90%", "90", "rate")],
                         dates=[Dt("2022年", "period", "2022-01-01", "2022-12-31")]),
    ("003", "1.10"): dict(units=[["市工信局", "市财政局"]],
                          amounts=[A("10亿元", "1000000000", "threshold_min"), A("50亿元", "5000000000", "threshold_min"),
                                   A("100亿元", "10000000000", "threshold_min")],
                          percentages=[P("５个百分点", "5", "threshold_min", kind="points")]),
    ("003", "1.11"): dict(units=[["市科技局", "市财政局", "市税务局"]],
                          amounts=[A("20万元", "200000", "cap", unit="企业")],
                          percentages=[P("75％", "75", "rate"), P("100％", "100", "rate"), P("75％", "75", "rate"),
                                       P("1：1", "1", "ratio", kind="ratio")]),
    ("003", "1.12"): dict(units=[["市税务局"]], dates=[Dt("6月底前", "deadline", end="2022-06-30")]),
    ("003", "2.14"): dict(units=[["市金融办", "市财政局"]], percentages=[P("1％", "1", "threshold_max")]),
    ("003", "2.18"): dict(units=[["人行忻州市中心支行"]], percentages=[P("1％", "1", "rate")],
                          dates=[Dt("2022年", "period", "2022-01-01", "2022-12-31")]),
    ("003", "2.19"): dict(units=[["人行忻州市中心支行", "市发改委", "市能源局", "市生态环境局"]],
                          amounts=[A("3000亿元", "300000000000", "total")]),
    ("003", "4.44"): dict(units=[["市发改委", "市工信局"]]),  # a bare bracket list, no label
    ("003", "4.46"): dict(units=[["市工信局", "市财政局"]], amounts=[A("30万元", "300000", "cap")],
                          percentages=[P("1：1", "1", "ratio", kind="ratio"), P("10%", "10", "rate")]),
    ("003", "4.47"): dict(units=[["市工信局", "市财政局"]], amounts=[A("500万元", "5000000", "cap", unit="企业")],
                          percentages=[P("80％", "80", "rate")]),
    ("003", "5.58"): dict(units=[["市规划和自然资源局"]], percentages=[P("80％", "80", "floor")],
                          dates=[Dt("2022年", "period", "2022-01-01", "2022-12-31")]),
    ("003", "6.71"): dict(units=[["市工信局", "市发改委", "市直有关单位"]]),
    # ---- 004 Beijing 专精特新 measures (traditional script source) --------------------------
    ("004", "1.1"): dict(units=[["市科委", "中关村管委会"], ["市科委", "中关村管委会", "市教委"], ["市经济和信息化局", "市发展改革委"]],
                         amounts=[A("200万元", "2000000", "cap"), A("500万元", "5000000", "cap")],
                         beneficiaries=["little_giant"]),
    ("004", "1.2"): dict(units=[["北京银保监局", "市经济和信息化局"], ["市财政局"], ["市药监局"], ["市卫生健康委", "市医院管理中心"],
                                ["市医保局"], ["市经济和信息化局", "市科委", "中关村管委会"]]),
    ("004", "2.4"): dict(units=[["市经济和信息化局"]], amounts=[A("3000万元", "30000000", "cap")],
                         quantities=[("30家", Decimal(30), "floor")]),
    ("004", "2.5"): dict(units=[["各区", "北京经济技术开发区", "市规划自然资源委"], ["各区", "北京经济技术开发区", "市规划自然资源委"],
                                ["市发展改革委"], ["市经济和信息化局"], ["各区", "北京经济技术开发区"]],
                         amounts=[A("5000万元", "50000000", "cap"), A("500万元", "5000000", "cap"), A("100万元", "1000000", "cap")],
                         beneficiaries=["little_giant_national"]),
    ("004", "3.7"): dict(units=[["市金融监管局", "人民银行营业管理部", "北京银保监局"], ["人民银行营业管理部", "市经济和信息化局"],
                                ["市金融监管局", "北京银保监局", "北京金控集团"], ["北京银保监局"],
                                ["人民银行营业管理部", "市金融监管局", "北京银保监局"], ["市科委", "中关村管委会", "市财政局"],
                                ["市经济和信息化局"]],
                         amounts=[A("1000万元", "10000000", "cap", period="年")]),  # 一定比例: no number
    ("004", "4.9"): dict(units=[["市金融监管局", "市经济和信息化局"], ["市金融监管局", "市经济和信息化局"], ["市科委", "中关村管委会"],
                                ["市金融监管局", "北京证监局", "市财政局", "各区", "北京经济技术开发区"], ["市政务服务中心"]],
                         amounts=[A("300万元", "3000000", "cap", unit="家")]),
    ("004", "5.11"): dict(units=[["市贸促会"], ["市银保监局", "中国出口信用保险公司第三营业部"], ["人民银行营业管理部"],
                                 ["市商务局", "北京金控集团"], ["市商务局"]],
                          amounts=[A("500万元", "5000000", "cap", period="年"), A("100万元", "1000000", "cap")],
                          percentages=[P("70%", "70", "cap")],
                          references=[("鼓励进口技术和产品目录", None)]),
    ("004", "5.12"): dict(units=[["市知识产权局"], ["市经济和信息化局"]],
                          amounts=[A("200万元", "2000000", "exact"), A("1000万元", "10000000", "cap", unit="企业")]),
    ("004", "6.15"): dict(units=[["市经济和信息化局"]], amounts=[A("100万元", "1000000", "cap")]),
    ("004", "closing"): dict(units=[], beneficiaries=["specialized_sme", "little_giant"]),
}


@lru_cache(maxsize=None)
def source_text(seed: str) -> str:
    [path] = SOURCES_DIR.glob(f"{seed}_*.txt")
    text = path.read_text(encoding="utf-8")
    return opencc.OpenCC("tw2sp").convert(text) if seed == "004" else text


def test_every_seed_has_at_least_ten_hand_checked_clauses():
    for seed in YEAR:
        assert sum(1 for key in EXPECTED if key[0] == seed) >= 10, seed
    assert set(EXPECTED) == set(CLAUSES)


@pytest.mark.parametrize("key", sorted(CLAUSES))
def test_clause_text_is_a_verbatim_copy(key):
    assert CLAUSES[key] in source_text(key[0])


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_seed_clause_facts(key):
    text = CLAUSES[key]
    expected = EXPECTED[key]
    result = extract_clause(text, context_year=YEAR[key[0]])
    if "units" in expected:
        assert [u.units for u in result.responsible_units] == expected["units"]
    assert [(a.text, a.value, a.role, a.unit, a.currency, a.upper, a.period) for a in result.amounts] == expected.get(
        "amounts", [])
    assert [(p.text, p.value, p.role, p.kind, p.upper) for p in result.percentages] == expected.get("percentages", [])
    assert [(d.text, d.kind, d.start_date, d.end_date, d.on) for d in result.dates] == expected.get("dates", [])
    if "beneficiaries" in expected:
        assert [b.type for b in result.beneficiaries] == expected["beneficiaries"]
    if "references" in expected:
        assert [(r.title, r.doc_number) for r in result.references] == expected["references"]
    if "quantities" in expected:
        assert [(q.text, q.value, q.role) for q in result.quantities] == expected["quantities"]
    for fact in [*result.amounts, *result.percentages, *result.dates, *result.responsible_units]:
        assert text[fact.start:fact.end] == fact.text  # offsets are relative to the clause text


def test_004_item_1_units_attach_to_their_own_sentences():
    text = CLAUSES[("004", "1.1")]
    lists = extract_clause(text).responsible_units
    sentences = [text[u.sentence_start:u.sentence_end] for u in lists]
    assert sentences[0].startswith("1.支持基础研究和成果转化。") and sentences[0].endswith("最高不超过500万元")
    assert sentences[1].startswith("通过“揭榜挂帅”") and sentences[1].endswith("给予资金支持")
    assert sentences[2].startswith("支持企业参与国家制造业创新中心") and sentences[2].endswith("专项项目")
    assert lists[1].sentence_start > lists[0].end and lists[2].sentence_start > lists[1].end


def test_000_item_7_headcounts_are_not_money():
    result = extract_clause(CLAUSES[("000", "3.7")], context_year=2022)
    assert all("人" not in a.text for a in result.amounts)
    assert ("2000人", "threshold_max") in [(q.text, q.role) for q in result.quantities]
