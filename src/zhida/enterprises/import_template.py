"""The CSV/XLSX import template (导入模板): the import's header row with per-period figure columns
(营业收入(万元)_2021 …, quarterly 3% sales for the 2022 VAT window), one example row that imports
as is, and in the XLSX a 填写说明 sheet saying what each column holds. The web's import page
serves ``xlsx_bytes()``; ``scripts/make_profile_template.py`` writes the committed copies under
docs/examples/ (a test keeps them equal and imports the example row).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

HEADERS = [
    "统一社会信用代码", "企业名称", "所属区县", "行业代码", "主体类型", "纳税人类型", "成立日期",
    "从业人员_2021", "营业收入(万元)_2021", "资产总额(万元)_2021", "应纳税所得额(万元)_2021", "研发费用(万元)_2021",
    "从业人员_2022", "营业收入(万元)_2022", "资产总额(万元)_2022",
    "营业收入(万元)_2020", "营业收入(万元)_2019",
    "适用3%征收率的应税销售收入(万元)_2022Q2", "适用3%征收率的应税销售收入(万元)_2022Q3",
    "适用3%征收率的应税销售收入(万元)_2022Q4",
    "专精特新中小企业", "专精特新中小企业有效期至", "高新技术企业", "高新技术企业有效期至", "资质清单完整",
]
EXAMPLE = [
    "91140902MA0K7L2DXK", "忻州忻府恒通科技有限公司", "忻府区", "C3511", "企业", "小规模纳税人", "2012-09-03",
    "85", "4200", "5600", "210", "130",
    "92", "4650", "6100",
    "3900", "3600",
    "20", "25", "30",
    "北京市级", "2024-10-31", "否", "", "是",
]
# 填写说明: (column or group, what to write)
NOTES = [
    ("统一社会信用代码", "18 位，按 GB 32100 校验；必填"),
    ("企业名称", "必填"),
    ("所属区县", "区县名称（如 朝阳区）或 6 位行政区划代码（如 110105）；北京经济技术开发区可直接填写"),
    ("行业代码", "国民经济行业分类 GB/T 4754-2017，如 C3511；可只填门类字母或大类"),
    ("主体类型", "企业、个体工商户、事业单位、社会组织等；不填时按信用代码判断"),
    ("纳税人类型", "一般纳税人 或 小规模纳税人"),
    ("成立日期", "如 2012-09-03、2012/9/3 或 2012年9月3日"),
    ("带 _年份 后缀的列", "该年度的数据，如 营业收入(万元)_2021 为 2021 年营业收入；不知道的留空（留空即“未知”，不按 0 计）"),
    ("带 _年份Q季度 后缀的列", "该季度的数据，如 _2022Q2 为 2022 年第二季度；月份写 _2022-04"),
    ("(万元)", "表头带（万元）的金额按万元填写，导入时换算为元；不带单位的金额按元填写"),
    ("从业人员", "人数，整数"),
    ("专精特新中小企业、高新技术企业", "资质级别（如 国家级、北京市级）或 是/否；有效期至 填写日期"),
    ("资质清单完整", "是：本行已列出企业持有的全部资质，未列出的资质按“没有”判断；否或留空：未列出的资质按“未知”处理"),
    ("其他列", "可增加文档所列的其他列（docs/enterprise-profile.md）；无法识别的列会在导入结果中提示"),
]
CREATED = dt.datetime(2022, 1, 1)  # fixed workbook metadata: the same bytes every time


def csv_text() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerow(EXAMPLE)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """The template workbook: sheet 企业 (header and the example row, every cell text so codes
    keep their leading zeros) and sheet 填写说明."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_numbers": False, "in_memory": True})
    book.set_properties({"created": CREATED})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("企业")
    for col, header in enumerate(HEADERS):
        sheet.write_string(0, col, header, bold)
        sheet.write_string(1, col, EXAMPLE[col])
        sheet.set_column(col, col, max(10, len(header) * 2))
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("填写说明")
    notes.write_row(0, 0, ["列", "填写方法"], bold)
    notes.set_column(0, 0, 34)
    notes.set_column(1, 1, 90)
    for row, (column, how) in enumerate(NOTES, start=1):
        notes.write_string(row, 0, column)
        notes.write_string(row, 1, how)
    book.close()
    return buffer.getvalue()
