"""Caps, stacking and 免申即享 marks are data checked against the source text."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from zhida import config
from zhida.errors import RuleError
from zhida.payouts import declarations
from zhida.rules import load_policies


@pytest.fixture(scope="module")
def policies():
    return load_policies()


def test_the_declared_caps_carry_their_quotes(policies):
    d = declarations.load(policies)
    caps = {c.id: c for c in d.caps}
    assert caps["zjtx2021.intl-registration-annual-cap"].amount == Decimal("10000000")
    assert caps["zjtx2021.intl-registration-annual-cap"].source.quote == "單個企業年獎勵額不超過1000萬元"
    assert caps["zjtx2021.listing-subsidy-total-cap"].per == "total"
    assert {r.relation for r in d.stacking} == {"exclusive", "highest", "stackable"}
    assert d.exempt["xz2022.stable-employment-refund-sme"].decided_by == "市人社局"


def _copy(tmp_path):
    root = tmp_path / "policies"
    shutil.copytree(config.POLICIES_DIR / "payouts", root / "payouts")
    return root


@pytest.mark.parametrize("old, new, message", [
    ("amount: 10000000", "amount: 20000000", "not an amount of the quote"),
    ("quote: 單個企業年獎勵額不超過1000萬元", "quote: 單個企業年獎勵額不超過2000萬元", "not found in"),
    ("measures: [zjtx2021.intl-registration-reward]", "measures: [zjtx2021.no-such]", "no such measure"),
    ("    per: year", "    per: month", "year or total"),
])
def test_a_cap_not_in_the_text_is_refused(policies, tmp_path, old, new, message):
    root = _copy(tmp_path)
    path = root / "payouts" / "caps.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        declarations.load(policies, root)


def test_a_stacking_rule_needs_its_text_or_its_unit(policies, tmp_path):
    root = _copy(tmp_path)
    path = root / "payouts" / "stacking.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    decided_by: 区金融办\n", "", 1), encoding="utf-8")
    with pytest.raises(RuleError, match="decided_by"):
        declarations.load(policies, root)
