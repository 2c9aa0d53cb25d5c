"""Failure classes met on unseen real documents (issue 17): State Council style duty brackets,
units named in running text, 万亿元 with decimals, per-area rates, instalments, tier bands."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhida.documents.extract.money import extract_amounts
from zhida.documents.extract.units import extract_units


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("加大就业补贴力度。（人力资源社会保障部、财政部等按职责分工负责）", ["人力资源社会保障部", "财政部"]),
        ("扩大消费。（国家发展改革委、商务部、各地区按职责分工负责）", ["国家发展改革委", "商务部", "各地区"]),
        ("推进试点。（人力资源社会保障部、财政部等部门按职责分工负责）", ["人力资源社会保障部", "财政部"]),
        ("完善标准。（工业和信息化部牵头，各有关部门按职责分工负责）", ["工业和信息化部", "各有关部门"]),
        ("落实减税。（财政部、税务总局负责）", ["财政部", "税务总局"]),
        ("优化服务。（教育部、人力资源社会保障部、国务院国资委等按职责分工负责）",
         ["教育部", "人力资源社会保障部", "国务院国资委"]),
        ("保障用地。（国家发展改革委、财政部、自然资源部等部门和各地区按职责分工负责）",
         ["国家发展改革委", "财政部", "自然资源部", "各地区"]),
        ("扩大试点。（商务部牵头，国家发展改革委等按职责分工负责）", ["商务部", "国家发展改革委"]),
        ("落实到位。（各地区、各有关部门按职责分工负责）", ["各地区", "各有关部门"]),
    ],
)
def test_state_council_duty_brackets(text, units):
    found = extract_units(text)
    assert [u.units for u in found] == [units]
    unit = found[0]
    assert text[unit.start:unit.end] == unit.text and unit.text.endswith("）")
    assert text[unit.sentence_start:unit.sentence_end] == text[: text.index("。") + 1] or unit.sentence_end == unit.start


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("项目申报由县商务局负责受理，审核通过后拨付。", ["县商务局"]),
        ("具体工作由市财政局会同市税务局组织实施。", ["市财政局", "市税务局"]),
        ("奖励资金由区人力资源社会保障局负责兑现。", ["区人力资源社会保障局"]),
        ("由各区负责本辖区内的审核。", ["各区"]),
    ],
)
def test_units_named_in_running_text(text, units):
    found = extract_units(text)
    assert [u.units for u in found] == [units]
    assert not found[0].labelled
    assert text[found[0].sentence_start:found[0].sentence_end] in text
    assert found[0].sentence_start <= found[0].start < found[0].end <= found[0].sentence_end


@pytest.mark.parametrize(
    "text",
    [
        "由申报单位负责提供真实材料。",
        "由企业负责组织实施。",
        "（由企业负责）",
        "由项目单位承担相应责任。",
        "由第三方机构负责评估。",
        "扩大至符合条件的小微企业（含个体工商户）负责",
    ],
)
def test_applicants_are_not_responsible_units(text):
    assert extract_units(text) == []


@pytest.mark.parametrize(
    ("text", "quote", "value"),
    [
        ("全年新增减税降费1.64万亿元。", "1.64万亿元", "1640000000000"),
        ("带动投资2万亿元以上。", "2万亿元", "2000000000000"),
        ("发放贷款１．２万亿元。", "１．２万亿元", "1200000000000"),
        ("形成3千亿元产业集群。", "3千亿元", "300000000000"),
    ],
)
def test_trillions_with_decimals(text, quote, value):
    amount = extract_amounts(text)[0]
    assert (amount.text, amount.value) == (quote, Decimal(value))


@pytest.mark.parametrize(
    ("text", "quote", "role", "unit", "period"),
    [
        ("对流转土地的种植大户按200元/亩给予补贴。", "200元/亩", "per_unit", "亩", None),
        ("每亩补贴300元。", "300元", "per_unit", "亩", None),
        ("按照每亩不超过500元给予补助。", "500元", "cap", "亩", None),
        ("租金按照15元/平方米·月给予补贴。", "15元/平方米·月", "per_unit", "平方米", "月"),
        ("高标准农田建设每亩投入不低于3000元。", "3000元", "floor", "亩", None),
        ("造林补助500元/公顷。", "500元/公顷", "per_unit", "公顷", None),
    ],
)
def test_per_area_rates(text, quote, role, unit, period):
    amount = extract_amounts(text)[0]
    assert (amount.text, amount.role, amount.unit, amount.period) == (quote, role, unit, period)


def test_per_area_investment_intensity_is_a_condition():
    amount = extract_amounts("项目亩均投资不低于300万元的，给予奖励。")[0]
    assert amount.role == "threshold_min"


def test_instalments_add_up_to_one_award():
    text = "对首次认定的企业给予300万元奖励，分三年拨付，首年拨付100万元，第二年、第三年各拨付100万元。"
    amounts = extract_amounts(text)
    assert [(a.value, a.role) for a in amounts] == [
        (Decimal(3000000), "exact"), (Decimal(1000000), "instalment"), (Decimal(1000000), "instalment")]
    text = "给予一次性奖励50万元，其中首期拨付30万元，验收通过后拨付20万元。"
    assert [a.role for a in extract_amounts(text)] == ["exact", "instalment", "instalment"]
    text = "最高给予100万元补助，项目验收后再拨付剩余40万元。"
    assert [a.role for a in extract_amounts(text)] == ["cap", "instalment"]


def test_two_awards_are_not_instalments():
    text = "对国家级企业给予100万元奖励；对省级企业给予50万元奖励。"
    assert [a.role for a in extract_amounts(text)] == ["exact", "exact"]
    text = "首次认定的给予50万元奖励，复核通过的给予20万元奖励。"
    assert [a.role for a in extract_amounts(text)] == ["exact", "exact"]


def test_tier_bands_are_conditions_with_upper_bounds():
    text = ("年营业收入1000万元及以上至5000万元的，给予10万元奖励；5000万元（含）以上至1亿元的，"
            "给予20万元奖励；1亿元以上的，给予50万元奖励。")
    got = [(a.text, a.value, a.upper, a.role) for a in extract_amounts(text)]
    assert got == [
        ("1000万元及以上至5000万元", Decimal(10000000), Decimal(50000000), "threshold_min"),
        ("10万元", Decimal(100000), None, "exact"),
        ("5000万元（含）以上至1亿元", Decimal(50000000), Decimal(100000000), "threshold_min"),
        ("20万元", Decimal(200000), None, "exact"),
        ("1亿元", Decimal(100000000), None, "threshold_min"),
        ("50万元", Decimal(500000), None, "exact"),
    ]


def test_a_band_before_的_is_a_condition_but_a_band_given_stays_exact():
    assert extract_amounts("营业收入5000万元至1亿元的企业，奖励20万元。")[0].role == "threshold_min"
    band = extract_amounts("给予10万元至30万元的奖励。")[0]
    assert (band.role, band.upper) == ("exact", Decimal(300000))
