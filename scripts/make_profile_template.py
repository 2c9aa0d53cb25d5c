"""Write the CSV/XLSX import template (docs/examples/profile_template.csv and .xlsx).

    python scripts/make_profile_template.py

One header row in the import format (docs/enterprise-profile.md "CSV / XLSX"): identity columns,
per-year figure columns (营业收入(万元)_2021 …), a monthly column for a policy window, and
qualification columns; one example row (a 忻州 manufacturer) that imports as is. A test checks the
committed files are what this script writes and that the example row imports.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "examples"

HEADERS = [
    "统一社会信用代码", "企业名称", "所属区县", "行业代码", "主体类型", "纳税人类型", "成立日期",
    "从业人员_2021", "营业收入(万元)_2021", "资产总额(万元)_2021", "应纳税所得额(万元)_2021", "研发费用(万元)_2021",
    "从业人员_2022", "营业收入(万元)_2022", "资产总额(万元)_2022",
    "营业收入(万元)_2020", "营业收入(万元)_2019",
    "适用3%征收率的应税销售收入(万元)_2022Q2", "适用3%征收率的应税销售收入(万元)_2022Q3",
    "适用3%征收率的应税销售收入(万元)_2022Q4",
    "专精特新中小企业", "专精特新中小企业有效期至", "高新技术企业", "高新技术企业有效期至",
]
EXAMPLE = [
    "91140902MA0K7L2DXK", "忻州忻府恒通科技有限公司", "忻府区", "C3511", "企业", "小规模纳税人", "2012-09-03",
    "85", "4200", "5600", "210", "130",
    "92", "4650", "6100",
    "3900", "3600",
    "20", "25", "30",
    "北京市级", "2024-10-31", "否", "",
]


def csv_text() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerow(EXAMPLE)
    return buffer.getvalue()


def write(out: Path = OUT) -> list[Path]:
    import xlsxwriter

    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / "profile_template.csv"
    csv_path.write_text(csv_text(), encoding="utf-8")
    xlsx_path = out / "profile_template.xlsx"
    book = xlsxwriter.Workbook(str(xlsx_path), {"strings_to_numbers": False})
    book.set_properties({"created": __import__("datetime").datetime(2022, 1, 1)})  # reproducible bytes
    sheet = book.add_worksheet("企业")
    bold = book.add_format({"bold": True})
    for col, header in enumerate(HEADERS):
        sheet.write_string(0, col, header, bold)
        sheet.write_string(1, col, EXAMPLE[col])
        sheet.set_column(col, col, max(10, len(header) * 2))
    book.close()
    return [csv_path, xlsx_path]


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(f"wrote {path}")
