"""Facts of test enterprises: one in 朝阳 (Beijing measures of 000/002/004), one in 忻州 (003)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

from zhida.enterprises.uscc import make

AS_OF = date(2023, 6, 30)
BJ = {"entity_type": "enterprise", "region_code": "110105", "srdi_level": "provincial",
      "srdi_valid_until": "2024-12-31", "little_giant_level": "none", "smart_digital_green_renovation_project": True,
      "investment_project.project_type": "smart_manufacturing_100", "investment_project.total_investment": "10000000",
      "intl_registered_products": 1, "listing.board": "bse"}
XZ = {"entity_type": "enterprise", "region_code": "140902", "industry_code": "3411", "employees": 50,
      "revenue": 10000000, "unemployment_insurance_paid_last_year": "33333.33"}


def uscc(n: int, region: str = "110105") -> str:
    """A valid code (GB 32100 check characters) per test enterprise."""
    return make("9", "1", region, f"MA{n:06d}")


ROWS = [  # uscc, name, region, employees, revenue, unemployment insurance paid last year
    (uscc(1, "140902"), "忻州甲", "140902", 50, "10000000", "33333.33"),   # 29999.997 → 30000.00
    (uscc(2, "140902"), "忻州乙", "140902", 20, "5000000", "1000.01"),     # 900.009 → 900.01
    (uscc(3, "140902"), "忻州丙", "140902", 80, "20000000", "20000.00"),   # 18000.00
    (uscc(4, "140902"), "忻州丁", "140902", 1500, "500000000", "90000"),   # large: not SME
    (uscc(5, "110105"), "北京戊", "110105", 50, "10000000", "33333.33"),   # not in 忻州
    (uscc(6, "140902"), "忻州己", "140902", 30, "8000000", None),          # amount unknown: not listed
]


def write_xz_facts(path):
    """A facts Parquet of ROWS (the batch engine's input layout; absent facts are unknown)."""
    cols = list(zip(*ROWS))
    table = pa.table({
        "uscc": pa.array(cols[0]), "name": pa.array(cols[1]), "region_code": pa.array(cols[2]),
        "entity_type": pa.array(["enterprise"] * len(ROWS)), "industry_code": pa.array(["3411"] * len(ROWS)),
        "employees": pa.array(cols[3], pa.int64()),
        "revenue": pa.array([Decimal(v) for v in cols[4]], pa.decimal128(20, 2)),
        "unemployment_insurance_paid_last_year": pa.array([None if v is None else Decimal(v) for v in cols[5]],
                                                          pa.decimal128(20, 2))})
    pq.write_table(table, path)
    return path


XZ_A, XZ_B, XZ_C = ROWS[0][0], ROWS[1][0], ROWS[2][0]
