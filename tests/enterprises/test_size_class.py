"""The size class comes from the rules package's 300号 concept, at its boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhida.enterprises.size_class import derive_size_class

WAN = Decimal(10000)


@pytest.mark.parametrize("industry, employees, revenue_wan, assets_wan, expected", [
    # 工业: 中型 = 300人及以上 且 2000万元及以上; 小型 = 20人 且 300万元; 大型 = 1000人 且 40000万元
    ("C3911", 300, 2000, None, "medium"),
    ("C3911", 299, 2000, None, "small"),
    ("C3911", 300, Decimal("1999.99"), None, "small"),
    ("C3911", 20, 300, None, "small"),
    ("C3911", 19, 300, None, "micro"),
    ("C3911", 20, Decimal("299.99"), None, "micro"),
    ("C3911", 1000, 40000, None, "large"),
    ("C3911", 999, 40000, None, "medium"),
    ("3911", 5, None, None, "micro"),  # fewer than 20 people: micro whatever the revenue
    ("C3911", 500, None, None, None),  # medium or large or small: revenue decides → unknown
    # 零售业: 小型 = 10人 且 100万元
    ("F52", 10, 100, None, "small"),
    ("F52", 9, 100, None, "micro"),
    # 租赁和商务服务业 uses total assets, not revenue
    ("L72", 10, None, 100, "small"),
    ("L72", 10, None, Decimal("99.99"), "micro"),
    # 房地产业 without 中类 cannot be placed on a line; 金融业 is outside 300号
    ("K70", 50, 100, 100, None),
    ("J66", 50, 100, 100, None),
])
def test_boundaries(industry, employees, revenue_wan, assets_wan, expected):
    revenue = None if revenue_wan is None else Decimal(revenue_wan) * WAN
    assets = None if assets_wan is None else Decimal(assets_wan) * WAN
    assert derive_size_class(industry, employees, revenue, assets) == expected
