"""USCC check characters (GB 32100-2015), against python-stdnum as an independent reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from zhida.enterprises import uscc

BODY = st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9)


@settings(max_examples=200)
@given(head=st.text(alphabet="0123456789", min_size=8, max_size=8), body=BODY)
def test_check_char_agrees_with_stdnum(head, body):
    first17 = head + body
    code = first17 + uscc.check_char(first17)
    assert stdnum_uscc.calc_check_digit(first17) == code[17]
    assert uscc.is_valid(code) and stdnum_uscc.is_valid(code)
    wrong = first17 + next(c for c in uscc.ALPHABET if c != code[17])
    assert not uscc.is_valid(wrong) and not stdnum_uscc.is_valid(wrong)


def test_known_code_and_org_check_char():
    assert uscc.validate(" 91110000600037341l ") == "91110000600037341L"
    assert uscc.org_check_char("60003734") == "1"  # GB 11714 check char inside it


def test_letter_authorities_are_accepted_unlike_stdnum():
    code = uscc.make("Y", "1", "110105", "MA01AB3C")
    assert uscc.is_valid(code)
    assert not stdnum_uscc.is_valid(code)  # stdnum insists on 8 leading digits
    assert uscc.make("N", "2", "140902", "12345678")[17] == uscc.check_char(uscc.make("N", "2", "140902", "12345678")[:17])


@pytest.mark.parametrize("code, tag", [
    ("91110105MA01AB3CX", "length"),
    ("91110105MA01AB3CXMM", "length"),
    ("91110105MA01AB3CIM", "charset"),  # I is not in the alphabet
    ("9111O105MA01AB3CXM", "charset"),  # O in the region part
    ("911A0105MA01AB3CXM", "charset"),  # region must be digits
    ("91110105MA01AB3CXN", "check"),
])
def test_rejections_name_the_reason(code, tag):
    with pytest.raises(uscc.USCCError) as info:
        uscc.validate(code)
    assert info.value.tag == tag


def test_vectorized_generation_matches_scalar():
    rng = np.random.default_rng(7)
    serials = rng.choice(10**8, size=500, replace=False)
    regions = rng.choice([110105, 140902, 110108], size=500)
    types = rng.choice([b"1", b"2"], size=500)
    codes = uscc.generate_many(np.full(500, b"9"), types, regions, serials)
    for code, serial, region, kind in zip(codes, serials, regions, types, strict=True):
        text = code.decode()
        assert text == uscc.make("9", kind.decode(), str(region), f"{serial:08d}")
        assert stdnum_uscc.is_valid(text)
