"""XLSX exports survive control characters in user text (schemathesis: `/push/export.xlsx?region=`
with \\r and \\x15 answered 500, openpyxl IllegalCharacterError)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from zhida.web.reports.xlsx import push_list_xlsx


def test_control_characters_are_dropped_not_fatal():
    from decimal import Decimal

    from zhida.pushlists.listing import EnterprisePage, EnterpriseRow, MeasureLine

    line = MeasureLine("m.x", "标题\x07", "doc", "文件", ["区财政局"], 1, "certain", 1, Decimal("100.00"), 0, None)
    row = EnterpriseRow("91110105MA01ABCD00", "企业\x1b名称", "110105", None, "3511", "certain", Decimal("100.00"), False)
    data = push_list_xlsx([EnterprisePage(line, [row], 1, 1)], {"地区": "ýn\r\x15¿", "措施": "=cmd"})
    book = load_workbook(io.BytesIO(data))
    filters = {row[0]: row[1] for row in book["筛选条件"].iter_rows(min_row=2, values_only=True)}
    assert filters == {"地区": "ýn\r¿", "措施": "'=cmd"}  # \r is allowed, \x15 is not
    [row] = list(book["推送名单"].iter_rows(min_row=2, values_only=True))
    assert row[1] == "标题" and row[4] == "企业名称" and row[5] == "朝阳区" and row[7] == 100
