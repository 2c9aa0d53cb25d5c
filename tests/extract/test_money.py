from decimal import Decimal

import pytest

from zhida.documents.extract.money import extract_amounts


def only(text):
    amounts = extract_amounts(text)
    assert len(amounts) == 1, amounts
    amount = amounts[0]
    assert text[amount.start:amount.end] == amount.text
    return amount


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("给予500元奖励", "500", "CNY"),
        ("给予500万元奖励", "5000000", "CNY"),
        ("给予2亿元奖励", "200000000", "CNY"),
        ("给予3千元奖励", "3000", "CNY"),
        ("给予2百万元奖励", "2000000", "CNY"),
        ("给予五百万元奖励", "5000000", "CNY"),
        ("给予一千万元奖励", "10000000", "CNY"),
        ("给予1.5万元奖励", "15000", "CNY"),
        ("给予１．５万元奖励", "15000", "CNY"),
        ("给予 1000 万元奖励", "10000000", "CNY"),
        ("实际利用外资达到 5 亿美元的", "500000000", "USD"),
        ("外资达到300万美元", "3000000", "USD"),
        ("每户补贴1.5万", "15000", "CNY"),
    ],
)
def test_values_are_exact_yuan_or_usd(text, value, currency):
    amount = only(text)
    assert amount.value == Decimal(value)
    assert isinstance(amount.value, Decimal)
    assert amount.currency == currency


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("最高不超过100万元", "cap"),
        ("单户企业最高补贴500万元", "cap"),
        ("给予总额不超过300万元的奖励", "cap"),
        ("补贴上限为50万元", "cap"),
        ("给予不低于 1000 万元的奖励", "floor"),
        ("每家至少支持10万元", "floor"),
        ("单位价值500万元以上的设备器具", "threshold_min"),
        ("对总投资1亿元以上(含)的项目", "threshold_min"),
        ("营业收入首次达到10亿元的", "threshold_min"),
        ("销售额超过2000万元的企业", "threshold_min"),
        ("实缴资本不低于 50 亿元", "threshold_min"),
        ("标准为营业收入4亿元以下", "threshold_max"),
        ("年应纳税所得额不超过100万元的部分", "threshold_max"),
        ("单车价格（不含增值税）不超过30万元的乘用车", "threshold_max"),
        ("营业收入低于500万元的企业", "threshold_max"),
        ("给予10万元以内的补贴", "cap"),
        ("给予500万元的上市补贴资金支持", "exact"),
        ("给予200万元奖励", "exact"),
        ("国家推出 2000 亿元科技创新再贷款", "total"),
        ("设立50亿元产业基金", "total"),
        ("奖励资金总额不超过1亿元", "total"),
        ("每家奖励资金总额不超过100万元", "cap"),
        ("力争在库项目总投资3000亿元以上", "threshold_min"),
    ],
)
def test_roles(text, role):
    assert only(text).role == role


def test_per_unit_and_bounded_per_unit():
    person = only("市级给予每人1500元一次性扩岗补助")
    assert (person.value, person.role, person.unit) == (Decimal(1500), "per_unit", "人")
    car = only("给予不超过1万元/台补贴")
    assert (car.value, car.role, car.unit, car.text) == (Decimal(10000), "cap", "台", "1万元/台")
    firm = only("每个企业年补助额不超过20万元")
    assert (firm.role, firm.unit) == ("cap", "企业")
    plain = only("给予1万元/台的补贴")
    assert (plain.role, plain.unit) == ("per_unit", "台")


def test_ranges_carry_upper():
    band = only("年应纳税所得额100万元至300万元部分")
    assert (band.value, band.upper, band.role) == (Decimal(1000000), Decimal(3000000), "threshold_min")
    shared_unit = only("给予100-300万元奖励")
    assert (shared_unit.value, shared_unit.upper, shared_unit.role) == (Decimal(1000000), Decimal(3000000), "exact")
    dash = only("给予100万元-300万元奖励")
    assert (dash.value, dash.upper) == (Decimal(1000000), Decimal(3000000))


def test_enumerations_share_the_first_role():
    amounts = extract_amounts("年度营业收入首次达到10亿元、50亿元、100亿元的，分别给予一定奖励")
    assert [(a.value, a.role) for a in amounts] == [
        (Decimal(10**9), "threshold_min"), (Decimal(5 * 10**9), "threshold_min"), (Decimal(10**10), "threshold_min")]


def test_a_unit_word_does_not_leak_into_the_next_sum():
    amounts = extract_amounts("给予不超过3年、每年最高500万元支持和投资性补助最高100万元一次性支持")
    assert [(a.value, a.role, a.unit, a.period) for a in amounts] == [
        (Decimal(5000000), "cap", None, "年"), (Decimal(1000000), "cap", None, None)]


@pytest.mark.parametrize(
    ("text", "role", "unit", "period"),
    [
        ("给予每人每月3000元生活补贴", "per_unit", "人", "月"),
        ("每户每年最高5万元", "cap", "户", "年"),
        ("每家企业每年申领额度不超过10万元", "cap", "企业", "年"),
        ("每年给予每户2000元补助", "per_unit", "户", "年"),
        ("按每月3000元标准发放", "per_unit", None, "月"),
        ("补贴1000元/人/月", "per_unit", "人", "月"),
        ("租金补贴3万元/年", "per_unit", None, "年"),
    ],
)
def test_the_beneficiary_unit_and_the_period_are_kept_apart(text, role, unit, period):
    amount = only(text)
    assert (amount.role, amount.unit, amount.period) == (role, unit, period)


@pytest.mark.parametrize(
    "text",
    [
        "推动CBD500千伏输变电工程",
        "从业人员2000人以下",
        "2022年培训1.5万人以上",
        "延长6个月",
        "一定资金支持",
        "统一元数据标准",
        "按1万亩规模",
        "5G全连接工厂",
    ],
)
def test_not_money(text):
    assert extract_amounts(text) == []


@pytest.mark.parametrize(
    ("text", "quote", "value", "currency", "role"),
    [
        ("每家企业最高新台币二十万元", "新台币二十万元", "200000", "TWD", "cap"),
        ("每家企业每年度以新台币二十五万元为上限", "新台币二十五万元", "250000", "TWD", "cap"),
        ("给予港币50万元资助", "港币50万元", "500000", "HKD", "exact"),
        ("资助额最高100万港元", "100万港元", "1000000", "HKD", "cap"),
        ("投资总额不低于1000万欧元的项目", "1000万欧元", "10000000", "EUR", "threshold_min"),
        ("注册资本人民币1亿元以上", "人民币1亿元", "100000000", "CNY", "threshold_min"),
    ],
)
def test_currencies_named_before_or_after(text, quote, value, currency, role):
    amount = only(text)
    assert (amount.text, amount.value, amount.currency, amount.role) == (quote, Decimal(value), currency, role)


@pytest.mark.parametrize(
    "text",
    ["市财政安排资金5000万元，分批次发放消费券", "区财政安排服务业发展专项资金不少于5000万元", "统筹专项资金2亿元用于"],
)
def test_budget_set_aside_is_a_programme_total(text):
    assert only(text).role == "total"


def test_a_sum_given_stays_exact_beside_a_budget_word():
    assert only("对首次认定的企业给予奖励资金50万元").role == "exact"
