from decimal import Decimal

import pytest

from zhida.documents.extract.percent import extract_percentages


def items(text):
    found = extract_percentages(text)
    for item in found:
        assert text[item.start:item.end] == item.text
    return found


def only(text):
    found = items(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [("按30%给予奖励", "30"), ("按30％给予奖励", "30"), ("按照 50% 税额幅度", "50"), ("费率0.5%", "0.5"),
     ("百分之三十", "30"), ("百分之五", "5"), ("按３０％给予", "30"), ("降至1％以下", "1")],
)
def test_values(text, value):
    assert only(text).value == Decimal(value)
    assert only(text).kind == "percent"


def test_range_and_from_to():
    band = only("价格扣除比例提高至10%-20%")
    assert (band.value, band.upper, band.role) == (Decimal(10), Decimal(20), "rate")
    short = only("给予10-20%的补贴")
    assert (short.value, short.upper) == (Decimal(10), Decimal(20))
    change = items("将中小微企业返还比例从60%提高至90%")
    assert [(p.value, p.role) for p in change] == [(Decimal(60), "rate"), (Decimal(90), "rate")]


def test_ratios_and_points():
    ratio = only("创新券资金由省、市财政按1：1配套")
    assert (ratio.kind, ratio.role, ratio.ratio, ratio.value) == ("ratio", "ratio", (Decimal(1), Decimal(1)), Decimal(1))
    assert only("按1:2比例配套").ratio == (Decimal(1), Decimal(2))
    assert only("按1比1配套").ratio == (Decimal(1), Decimal(1))
    points = only("每提高５个百分点本地配套率的")
    assert (points.kind, points.value, points.role) == ("points", Decimal(5), "threshold_min")
    assert only("下降两个百分点").value == Decimal(2)


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("按减免金额的30%给予奖励", "rate"),
        ("给予不超过总投资30%的分档支持", "cap"),
        ("最高给予审定实际投资额50%的资金支持", "cap"),
        ("按照实际发生费用给予最高70%的资金支持", "cap"),
        ("补贴比例在30%以内", "cap"),
        ("其中预留给小微企业的比例不低于70%", "floor"),
        ("比重不低于80％", "floor"),
        ("预留40%以上预算总额", "threshold_min"),
        ("研发投入占比达到5%的企业", "threshold_min"),
        ("平均担保费率降至1％以下", "threshold_max"),
        ("资产负债率低于70%的", "threshold_max"),
        ("市级承担20%", "share"),
        ("所需资金由市区两级财政分别负担50%", "share"),
    ],
)
def test_roles(text, role):
    assert only(text).role == role


def test_shares_in_a_list():
    shares = items("经确认按照减免租金总额的50%给予补贴，市级承担20%、区级承担30%")
    assert [(p.value, p.role) for p in shares] == [
        (Decimal(50), "rate"), (Decimal(20), "share"), (Decimal(30), "share")]


@pytest.mark.parametrize("text", ["上午9:00开始", "7x24小时", "一定比例", "2022-12-31", "5G", "时间为14：30"])
def test_not_percentages(text):
    assert extract_percentages(text) == []


def test_为限_bounds_a_percentage():
    from zhida.documents.extract.percent import extract_percentages

    [item] = extract_percentages("补助经费以计划总经费百分之五十为限")
    assert (item.text, item.value, item.role) == ("百分之五十", 50, "cap")
