from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhida.documents.extract.numbers import apply_multiplier, parse_number, to_int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500", "500"),
        ("１５００", "1500"),
        ("１．５", "1.5"),
        ("1.5", "1.5"),
        ("0.5", "0.5"),
        ("1,000", "1000"),
        ("五百", "500"),
        ("一千", "1000"),
        ("两千", "2000"),
        ("十二", "12"),
        ("三十", "30"),
        ("一亿五千万", "150000000"),
        ("五百万", "5000000"),
        ("一点五", "1.5"),
        ("零点五", "0.5"),
        ("二〇二二", "2022"),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "百", "万元", "abc", "五百元"])
def test_parse_number_rejects_non_numerals(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("number", "multiplier", "expected"),
    [("1.5", "万", "15000"), ("500", "万", "5000000"), ("5", "亿", "500000000"), ("3", "千", "3000"),
     ("2", "百万", "2000000"), ("0.01", "亿", "1000000"), ("7", None, "7")],
)
def test_apply_multiplier_is_exact(number, multiplier, expected):
    result = apply_multiplier(Decimal(number), multiplier)
    assert result == Decimal(expected)
    assert str(result) == expected  # no exponent noise such as 1.5E+4


def test_to_int_rejects_fractions():
    assert to_int("十二") == 12
    with pytest.raises(ValueError):
        to_int("1.5")


@settings(max_examples=150)
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_ascii_and_fullwidth_digits_agree(value):
    ascii_text = f"{value:f}"
    fullwidth = ascii_text.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    assert parse_number(ascii_text) == parse_number(fullwidth) == value
