"""Import of statistics files: all or nothing, reject report naming row and field, idempotent, XLSX."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from .conftest import indicator_rows, to_csv, uscc
from zhida.errors import ZhidaError
from zhida.monitoring.indicators import import_file, reject_report
from zhida.monitoring.tables import MonImport, MonIndicator, MonResumption


def count(session, table):
    return session.scalar(select(func.count()).select_from(table))


def test_import_is_idempotent_and_updates_changed_rows(store):
    rows = indicator_rows(20)
    data = to_csv(rows)
    with store.sessions.begin() as s:
        first = import_file(s, data, source_name="stats.csv", actor="t")
    assert first.ok and first.added == len(rows) - 1 and first.changed == 0
    with store.sessions.begin() as s:
        again = import_file(s, data, source_name="stats.csv", actor="t")
    assert (again.added, again.changed, again.unchanged) == (0, 0, len(rows) - 1)
    assert again.import_id is None  # nothing written, not even the import log
    with store.sessions() as s:
        assert count(s, MonIndicator) == len(rows) - 1
        assert count(s, MonImport) == 1
    # one corrected value: exactly one row changes; a blank cell keeps the stored value
    rows2 = [list(r) for r in rows]
    rows2[1][4] = Decimal("1.23")
    rows2[2][8] = ""
    with store.sessions.begin() as s:
        third = import_file(s, to_csv(rows2), source_name="stats2.csv", actor="t")
    assert (third.added, third.changed) == (0, 1)
    with store.sessions() as s:
        row = s.scalar(select(MonIndicator).where(MonIndicator.uscc == rows[1][0], MonIndicator.month == rows[1][1]))
        assert row.output_value == Decimal("1.23")
        kept = s.scalar(select(MonIndicator).where(MonIndicator.uscc == rows[2][0], MonIndicator.month == rows[2][1]))
        assert kept.orders == (Decimal(str(rows[2][8])) if rows[2][8] != "" else None)


def test_bad_rows_reject_the_whole_file_naming_row_and_field(store):
    rows = indicator_rows(5)
    rows[2][0] = "911101050000000000"  # bad check character
    rows[3][7] = "12.5"  # employees not an integer
    rows[4][1] = "2026-13"
    rows.append(list(rows[1]))  # duplicate enterprise-month
    with store.sessions.begin() as s:
        result = import_file(s, to_csv(rows), source_name="bad.csv", actor="t")
    assert not result.ok
    by_row = {r["row"]: r["reason"] for r in result.rejects}
    assert "统一社会信用代码" in by_row[3]
    assert "用工人数" in by_row[4] and "整数" in by_row[4]
    assert "月份" in by_row[5]
    assert "重复" in by_row[len(rows)]
    assert "第 3 行" in reject_report(result)
    with store.sessions() as s:
        assert count(s, MonIndicator) == 0 and count(s, MonImport) == 0


def test_xlsx_and_resumption_file(store):
    wb = Workbook()
    ws = wb.active
    for r in indicator_rows(4):
        ws.append([str(c) if isinstance(c, Decimal) else c for c in r])
    buf = io.BytesIO()
    wb.save(buf)
    with store.sessions.begin() as s:
        assert import_file(s, buf.getvalue(), source_name="stats.xlsx", actor="t").added > 0
    resumption = "统一社会信用代码,日期,开复工\n" + f"{uscc(1)},2026-02-20,是\n{uscc(2)},2026-02-20,否\n"
    with store.sessions.begin() as s:
        res = import_file(s, resumption.encode(), source_name="kfg.csv", actor="t")
    assert res.kind == "resumption" and res.added == 2
    with store.sessions() as s:
        assert {r.uscc: r.resumed for r in s.scalars(select(MonResumption))} == {uscc(1): True, uscc(2): False}


def test_unknown_column_is_refused(store):
    with store.sessions.begin() as s, pytest.raises(ZhidaError) as err:
        import_file(s, "统一社会信用代码,月份,利润\n".encode(), source_name="x.csv", actor="t")
    assert "利润" in str(err.value)
