"""Facts of test enterprises: one in 朝阳 (Beijing measures of 000/002/004), one in 忻州 (003)."""

from __future__ import annotations

from datetime import date

AS_OF = date(2023, 6, 30)
BJ = {"entity_type": "enterprise", "region_code": "110105", "srdi_level": "provincial",
      "srdi_valid_until": "2024-12-31", "little_giant_level": "none", "smart_digital_green_renovation_project": True,
      "investment_project.project_type": "smart_manufacturing_100", "investment_project.total_investment": "10000000",
      "intl_registered_products": 1, "listing.board": "bse"}
XZ = {"entity_type": "enterprise", "region_code": "140902", "industry_code": "3411", "employees": 50,
      "revenue": 10000000, "unemployment_insurance_paid_last_year": "33333.33"}


def uscc(n: int) -> str:
    """A syntactically plausible 18-character code per test enterprise (the ledger does not check it)."""
    return f"91110105MA{n:07d}X"[:18]
