"""What every XLSX export must be when read back with openpyxl (issue 11, done-when): it opens,
its headers are Chinese, money columns (header with （元）) hold numbers — never text, never 0 for
an unknown amount — formatted like zhida.money_format.XLSX_YUAN, dates are date cells, and no
document is cited by its store key."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from openpyxl import load_workbook

from zhida.money_format import XLSX_YUAN

RAW_DOCUMENT_KEY = re.compile(r"\d{3}_[0-9a-f]{16}")
LATIN = re.compile(r"[A-Za-z]")


def check_workbook(content: bytes, date_labels: tuple[str, ...] = ()) -> dict:
    """Asserts the rules above on every sheet; returns {sheet: [rows as values]}."""
    book = load_workbook(io.BytesIO(content))
    out = {}
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        assert all(isinstance(h, str) and h and not LATIN.search(h) for h in header), (sheet.title, header)
        assert not LATIN.search(sheet.title), sheet.title
        money = [i for i, h in enumerate(header) if "（元" in h]
        for row in sheet.iter_rows(min_row=2):
            for i in money:
                cell = row[i]
                if cell.value is None:
                    continue
                assert isinstance(cell.value, (int, float)), (sheet.title, header[i], cell.value)
                assert cell.number_format == XLSX_YUAN, (sheet.title, header[i], cell.number_format)
            for cell in row:
                if isinstance(cell.value, str):
                    assert not RAW_DOCUMENT_KEY.search(cell.value), (sheet.title, cell.coordinate, cell.value)
                    assert not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell.value), (sheet.title, cell.coordinate)
            label = row[0].value
            if label in date_labels:
                assert isinstance(row[1].value, (date, datetime)), (sheet.title, label, row[1].value)
                assert "yy" in row[1].number_format
        out[sheet.title] = [[c.value for c in row] for row in sheet.iter_rows()]
    return out
