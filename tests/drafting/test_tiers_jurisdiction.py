"""Drafting: tier tables become one measure whose amount is the table (CASE per band), open where the
text does not say what the bands bound; the jurisdiction comes from the regions dataset of all China."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhida.documents.pipeline import parse_text
from zhida.drafting import source, validate
from zhida.drafting.draft import draft_document
from zhida.rules.evaluate import evaluate


def _drafts(policies, text: str, key: str = "tier_demo"):
    doc = source.from_parsed(key, parse_text(text, f"{key}.txt"))
    return doc, draft_document(doc, policies)


TIERS = """北京市朝阳区人民政府关于支持企业发展的若干措施

一、规模奖励。对年营业收入1000万元及以上至5000万元的企业，给予10万元奖励；5000万元（含）以上至1亿元的，给予20万元奖励；1亿元以上的，给予50万元奖励。（责任单位：区商务局）
二、投资奖励。对固定资产投资1000万元及以上至5000万元、5000万元以上至1亿元、1亿元以上的项目，分别给予企业30万元、60万元和100万元奖励。
三、贡献奖励。对年度地方财政贡献1000万元及以上至2000万元、2000万元以上的企业，分别按其贡献的70%、80%给予奖励。
"""


def _run(policies, measure_map: dict, doc, facts: dict):
    checked = validate.check(policies, doc.key, measure_map, doc)
    assert checked.ok, [str(e) for e in checked.errors]
    base = {"entity_type": "enterprise", "region_code": "110105"}
    return evaluate(checked.measure, {**base, **facts}, date(2024, 6, 1), policies)


def test_bands_over_sentences_are_one_measure_whose_amount_is_the_table(policies):
    doc, drafts = _drafts(policies, TIERS)
    first = [d for d in drafts if d.clause == "1"]
    assert len(first) == 1  # the three rows split by '；' are one benefit
    m = first[0].measure
    assert "1亿元以上的，给予50万元奖励" in first[0].sentence
    assert m["amount"]["expr"] == ("CASE WHEN revenue >= 10000000 AND revenue < 50000000 THEN 100000 "
                                   "WHEN revenue >= 50000000 AND revenue <= 100000000 THEN 200000 "
                                   "WHEN revenue > 100000000 THEN 500000 END")
    assert m["amount"]["kind"] == "exact"
    tiers = next(c for c in m["conditions"] if c["id"] == "revenue_tiers")
    assert "1000万元及以上至5000万元" in tiers["quote"] and "1亿元以上" in tiers["quote"]
    assert not [c for c in m["conditions"] if c["expr"].startswith("open.threshold")]
    got = {revenue: _run(policies, m, doc, {"revenue": Decimal(revenue)})
           for revenue in (9_999_999, 10_000_000, 49_999_999, 50_000_000, 100_000_000, 100_000_001)}
    assert got[9_999_999].status == "ineligible"
    assert [got[r].amount for r in (10_000_000, 49_999_999, 50_000_000, 100_000_000, 100_000_001)] == \
        [Decimal(100000), Decimal(100000), Decimal(200000), Decimal(200000), Decimal(500000)]
    assert _run(policies, m, doc, {}).status == "undetermined"  # revenue unknown: nothing assumed


def test_bands_listed_then_sums_with_分别_pair_in_order(policies):
    doc, drafts = _drafts(policies, TIERS)
    m = next(d for d in drafts if d.clause == "2").measure
    # 固定资产投资 is a catalogue fact only where the lexicon says so; either the table or an open amount
    if m["amount"]["kind"] == "not_stated":
        assert "30万元" in m["note"] and "依据未对应到事实" in m["note"]
    else:
        assert m["amount"]["expr"].count("WHEN") == 3 and m["amount"]["expr"].endswith("THEN 1000000 END")


def test_rate_tiers_with_a_base_the_catalogue_lacks_stay_open_and_say_why(policies):
    doc, drafts = _drafts(policies, TIERS)
    d = next(d for d in drafts if d.clause == "3")
    assert d.measure["amount"]["kind"] == "not_stated"
    reason = next(f["reason"] for f in d.open_fields if f["field"] == "amount.expr")
    assert "70%" in reason and "80%" in reason  # the table is shown to the reviewer, not guessed
    assert "expr" not in d.measure["amount"]


def test_a_single_band_is_a_condition_not_a_table(policies):
    doc, drafts = _drafts(policies, """关于支持企业发展的措施

一、规模奖励。对年营业收入5000万元以上的企业，给予10万元奖励。
""")
    m = drafts[0].measure
    assert m["amount"]["expr"] == 100000
    assert any(c["expr"] == "revenue > 50000000" for c in m["conditions"])


@pytest.mark.parametrize(("heading", "code"), [
    ("广州市黄埔区人民政府关于支持企业发展的若干措施", "440112"),  # no seed city: the dataset knows all China
    ("杭州市余杭区人民政府办公室关于印发扶持政策的通知", "330110"),
    ("柳河县人民政府关于印发支持重点产业发展若干政策的通知", "220524"),
    ("鼓楼区人民政府关于扶持企业的通知", None),  # four cities have a 鼓楼区: not guessed
])
def test_jurisdiction_from_the_regions_dataset(policies, heading, code):
    doc, drafts = _drafts(policies, f"{heading}\n\n一、企业奖励。对符合条件的企业，给予10万元奖励。\n", "region_demo")
    m = drafts[0].measure
    if code is None:
        assert "jurisdiction" not in m and any(f["field"] == "jurisdiction" for f in drafts[0].open_fields)
    else:
        assert m["jurisdiction"] == [code]


def test_a_national_issuer_is_not_given_a_place_named_in_its_text(policies):
    text = """国务院办公厅关于支持企业发展的通知

各省、自治区、直辖市人民政府：
一、企业奖励。对符合条件的企业，给予10万元奖励，辽宁省先行试点。
"""
    doc = source.from_parsed("nat_demo", parse_text(text, "nat_demo.txt"))
    doc.issuer = doc.issuer or "国务院办公厅"
    m = draft_document(doc, policies)[0].measure
    assert "jurisdiction" not in m
