from datetime import date

import pytest

from zhida.documents.extract.dates import extract_dates


def only(text, context_year=None):
    found = extract_dates(text, context_year)
    assert len(found) == 1, found
    mention = found[0]
    assert text[mention.start:mention.end] == mention.text
    return mention


def as_tuple(mention):
    return mention.kind, mention.start_date, mention.end_date, mention.on


D = date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("确保2022年6月30日前符合条件的企业", ("deadline", None, D(2022, 6, 30), None)),
        ("缓缴期限为2022年4月至12月。", ("period", D(2022, 4, 1), D(2022, 12, 31), None)),
        ("2022年至2024年扩大", ("period", D(2022, 1, 1), D(2024, 12, 31), None)),
        ("自2022年4月1日至2022年12月31日，", ("period", D(2022, 4, 1), D(2022, 12, 31), None)),
        ("从2022年4月1日起，将", ("start", D(2022, 4, 1), None, None)),
        ("自2022年5月起实施", ("start", D(2022, 5, 1), None, None)),
        ("缓缴期限至2022年底", ("deadline", None, D(2022, 12, 31), None)),
        ("2022年底前对报废", ("deadline", None, D(2022, 12, 31), None)),
        ("2021年第四季度部分税费", ("period", D(2021, 10, 1), D(2021, 12, 31), None)),
        ("2022年第一、二季度部分税费", ("period", D(2022, 1, 1), D(2022, 6, 30), None)),
        ("2022年第一季度、第二季度部分税费", ("period", D(2022, 1, 1), D(2022, 6, 30), None)),
        ("2022年度内新购置", ("period", D(2022, 1, 1), D(2022, 12, 31), None)),
        ("费率政策到 2023 年 4 月 30 日。", ("deadline", None, D(2023, 4, 30), None)),
        ("购置日期在2022年6月1日至12月31日期间内", ("period", D(2022, 6, 1), D(2022, 12, 31), None)),
        ("[实施日期] 2021-12-22", ("date", None, None, D(2021, 12, 22))),
        ("2022年5月28日印发", ("date", None, None, D(2022, 5, 28))),
        ("二〇二二年五月二十八日", ("date", None, None, D(2022, 5, 28))),
        ("2022年6月减免的", ("period", D(2022, 6, 1), D(2022, 6, 30), None)),
        ("2024年2月底前", ("deadline", None, D(2024, 2, 29), None)),
        ("2023年2月底前", ("deadline", None, D(2023, 2, 28), None)),
        ("2022年上半年", ("period", D(2022, 1, 1), D(2022, 6, 30), None)),
        ("2023年前完成", ("deadline", None, D(2022, 12, 31), None)),
        ("有效期至2022年12月31日（国家", ("deadline", None, D(2022, 12, 31), None)),
        ("2022年11月至3月", ("period", D(2022, 11, 1), D(2023, 3, 31), None)),
        ("2022年6月1日至30日", ("period", D(2022, 6, 1), D(2022, 6, 30), None)),
    ],
)
def test_forms(text, expected):
    assert as_tuple(only(text)) == expected


def test_month_without_year_uses_context_year_or_stays_unknown():
    assert as_tuple(only("于6月底前一次性全部退还", context_year=2022)) == ("deadline", None, D(2022, 6, 30), None)
    assert as_tuple(only("8月底前专项债券资金基本使用到位", context_year=2022))[2] == D(2022, 8, 31)
    unknown = only("于6月底前一次性全部退还")
    assert unknown.kind == "deadline" and unknown.end_date is None


def test_month_takes_the_nearest_earlier_year_in_the_text():
    found = extract_dates("2021年出台，8月底前完成", context_year=2022)
    assert found[1].end_date == D(2021, 8, 31)


def test_spans_quote_the_source():
    mention = only("政策到 2023 年 4 月 30 日。")
    assert mention.text == "到 2023 年 4 月 30 日"
    assert only("从2022年4月1日起，").text == "从2022年4月1日起"


@pytest.mark.parametrize(
    "text",
    ["延长6个月", "注册登记1年以上", "最低折旧年限为3年", "（2021—2035）", "〔2022〕273号", "2月30日", "13月", "7x24小时"],
)
def test_not_dates(text):
    assert extract_dates(text, 2022) == []


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        ("申請期間：自中华民国112年3月1日起至112年5月31日止，额满截止",
         "自中华民国112年3月1日起至112年5月31日止", ("period", D(2023, 3, 1), D(2023, 5, 31), None)),
        ("本要点自中华民国112年3月1日生效", "自中华民国112年3月1日", ("start", D(2023, 3, 1), None, None)),
        ("自2023年1月1日起至2023年12月31日止执行", "自2023年1月1日起至2023年12月31日止",
         ("period", D(2023, 1, 1), D(2023, 12, 31), None)),
        ("于2022年1月1日以后实现首次销售", "2022年1月1日以后", ("start", D(2022, 1, 1), None, None)),
    ],
)
def test_roc_years_起至_periods_and_以后(text, quote, expected):
    mention = only(text)
    assert mention.text == quote and as_tuple(mention) == expected


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        ("本要点自中华民国一百十二年三月一日生效", "自中华民国一百十二年三月一日", ("start", D(2023, 3, 1), None, None)),
        ("最迟于民国一百一十二年十二月十五日前", "民国一百一十二年十二月十五日前", ("deadline", None, D(2023, 12, 15), None)),
        ("自一一二年三月一日起至一一二年五月三十一日止", "自一一二年三月一日起至一一二年五月三十一日止",
         ("period", D(2023, 3, 1), D(2023, 5, 31), None)),
        ("中华民国九十九年十二月三十一日公布", "中华民国九十九年十二月三十一日", ("date", None, None, D(2010, 12, 31))),
        ("民国一百零五年一月修正", "民国一百零五年一月", ("period", D(2016, 1, 1), D(2016, 1, 31), None)),
        ("民国一一二年度预算", "民国一一二年度", ("period", D(2023, 1, 1), D(2023, 12, 31), None)),
    ],
)
def test_roc_years_in_chinese_numerals(text, quote, expected):
    mention = only(text)
    assert mention.text == quote and as_tuple(mention) == expected


@pytest.mark.parametrize("text", ["经营一百一十二年的老字号", "〇一一二年三月"])
def test_chinese_three_digit_numbers_are_not_roc_years_without_民国_or_a_month(text):
    assert extract_dates(text) == []


def test_three_digit_numbers_are_years_only_before_a_month():
    assert extract_dates("成立112年的老字号") == []
