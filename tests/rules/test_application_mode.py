"""Application mode (issue 9 §3): 免申即享 / 申报 only where the text says so, else unknown."""

from __future__ import annotations

import re

import pytest

from zhida.errors import RuleError
from zhida.rules.sources import squash

_SAYS = re.compile(r"申请|申報|申报|申請|即享")


def test_every_stated_mode_quotes_the_words_saying_it(policies):
    stated = [m for m in policies.measures.values() if m.application != "unknown"]
    assert stated, "some seed measures are applied for by their text"
    for m in stated:
        assert m.application_quote and _SAYS.search(m.application_quote), m.id
        assert squash(m.application_quote) in squash(policies.library.get(m.document).original), m.id


@pytest.mark.parametrize(("measure_id", "mode"), [
    # the text says nothing about how: unknown (were 申报 / 免申即享 by a file default or a guess)
    ("zjtx2021.listing-subsidy", "unknown"),
    ("zjtx2021.service-voucher", "unknown"),
    ("cy2022.vehicle-purchase-tax-halving", "unknown"),
    ("cy2022.utilities-no-cutoff", "unknown"),
    ("xz2022.first-set-equipment-subsidy", "unknown"),
    ("cy2022.landlord-rent-relief-reward", "unknown"),  # 经行业主管部门认定 is a recognition, not an application
    # the text says so
    ("zjtx2021.frontier-tech-rd-support", "申报"),  # 支援企業積極申報…項目
    ("cy2022.housing-fund-deferral", "申报"),  # 可按市级统一规定申请缓缴
    ("cy2022.state-owned-rent-relief", "申报"),  # 国有房租减免“即申即享”
])
def test_mode_follows_the_text(policies, measure_id, mode):
    assert policies.measure(measure_id).application == mode


def test_a_stated_mode_without_its_words_is_rejected(tmp_path):
    from zhida.rules.loader import load_policies
    from zhida import config

    src = (config.PROJECT_ROOT / "policies/measures/003_4b22abcac525f172.yaml").read_text(encoding="utf-8")
    bad = src.replace("application: 申报\n    application_quote: 落实中央外经贸资金申报指南\n", "application: 申报\n", 1)
    assert bad != src
    for sub in ("facts", "concepts"):
        (tmp_path / sub).symlink_to(config.PROJECT_ROOT / "policies" / sub)
    (tmp_path / "measures").mkdir()
    (tmp_path / "measures/003_4b22abcac525f172.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(RuleError, match="application_quote"):
        load_policies(tmp_path, strict=True)
