"""Push lists written by the streaming writer (zhida.batch.xlsx_stream) read back with openpyxl:
the same workbooks, sheets and cells as the xlsxwriter writer they replaced (kept below as the
reference), continuation sheets past the row limit, and texts that need escaping."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from zhida.batch import pushlists
from zhida.batch.pushlists import (HEADER, MAX_ROWS, NO_UNIT, WIDTHS, _eligible_where, _joined, _row, area_name,
                                   area_of, sheet_title, write_pushlists)
from zhida.batch.runner import run_batch
from zhida.batch.summary import connect

from batch.conftest import AS_OF


@pytest.fixture(scope="module")
def run(policies, population, tmp_path_factory):
    return run_batch(AS_OF, tmp_path_factory.mktemp("runs"), input_path=population, store_url=False,
                     pushlists=False).run


def _content(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    finally:
        book.close()


def _same_files(new: list[Path], old: list[Path]) -> None:
    assert [p.name for p in new] == [p.name for p in old]
    for a, b in zip(new, old):
        mine, theirs = _content(a), _content(b)
        assert list(mine) == list(theirs), a.name
        for sheet in theirs:
            assert _trimmed(mine[sheet]) == _trimmed(theirs[sheet]), (a.name, sheet)


def _trimmed(rows: list[tuple]) -> list[tuple]:
    """Rows without trailing empty cells (openpyxl pads read-only rows to the sheet's width)."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        out.append(tuple(row))
    return out


def test_the_same_workbooks_as_the_xlsxwriter_writer(run, tmp_path):
    new = write_pushlists(run, tmp_path / "new")
    old = reference_pushlists(run, tmp_path / "old")
    assert len(new) > 5
    _same_files(new, old)
    # the amounts are exact: the cell holds the Decimal's text, not a float's
    book = openpyxl.load_workbook(new[0], read_only=True)
    sheet = book[book.sheetnames[1]]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header == HEADER


def test_one_district_and_one_unit(run, tmp_path):
    units = sorted({u for m in run.manifest["measures"] if m["enterprise_benefit"]
                    for u in m["responsible_units"] or [NO_UNIT]})
    for district, unit in (("110105", None), (None, units[0]), ("110108", units[-1])):
        _same_files(write_pushlists(run, tmp_path / f"new-{district}-{unit}", district=district, unit=unit),
                    reference_pushlists(run, tmp_path / f"old-{district}-{unit}", district=district, unit=unit))


def test_a_long_list_continues_on_further_sheets(run, tmp_path, monkeypatch):
    monkeypatch.setattr(pushlists, "MAX_ROWS", 40)
    new = write_pushlists(run, tmp_path / "new", district="110105")
    old = reference_pushlists(run, tmp_path / "old", district="110105", max_rows=40)
    _same_files(new, old)
    names = _content(new[0]).keys()
    assert any(name.endswith(" (2)") for name in names)


def test_texts_that_need_escaping_read_back_as_written(tmp_path):
    from zhida.batch import xlsx_stream as xs

    texts = ["A&B <公司> \"引号\"", "  前后空格  ", "控制\x01字符", "_x0041_ 字面", "'单引号'"]
    with xs.Workbook(tmp_path / "t.xlsx") as wb:
        with wb.sheet("名单 & <测试>", [10, 10], freeze=1, rows=1 + len(texts), columns=3, autofilter=True) as ws:
            ws.row(wb.shared("标题", xs.BOLD) + xs.EMPTY + wb.shared("金额", xs.BOLD))
            for t in texts:
                ws.row(xs.inline(t) + wb.shared(t) + xs.number(Decimal("1234567.89")))
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    ws = book["名单 & <测试>"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("标题", None, "金额")
    # Excel decodes _xHHHH_ (a control character; _x005F_ keeps a literal one); openpyxl decodes only
    # _x005F_ and only in shared strings, so it shows the rest as stored
    stored = [t.replace("_x0041_", "_x005F_x0041_").replace("\x01", "_x0001_") for t in texts]
    assert [r[0] for r in rows[1:]] == stored
    assert [r[1] for r in rows[1:]] == [t.replace("\x01", "_x0001_") for t in texts]
    assert all(r[2] == 1234567.89 for r in rows[1:])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:C{1 + len(texts)}"
    assert ws.cell(2, 3).number_format == "#,##0.00" and ws.cell(1, 1).font.b


# --- the reference: the xlsxwriter writer the streaming one replaced (as of main 6ba3a4c) -------

def eligible_rows(run, district: str | None = None, unit: str | None = None):
    """(measure entry, row dict) for every eligible pair of enterprise-benefit measures."""
    measures = run.manifest["measures"]
    wanted = [i for i, m in enumerate(measures)
              if m["enterprise_benefit"] and not (unit and unit not in (m["responsible_units"] or [NO_UNIT]))]
    if not wanted:
        return
    where, params = _eligible_where(wanted, district, None)
    con = connect()  # eligible pairs of the packed results; identity columns joined from enterprises.parquet
    cur = con.execute(f"SELECT r.measure, r.uscc, e.name, e.region_code, e.special_zone, e.industry_code, r.amount, "
                      f"r.upper FROM {_joined(con, run, wanted)} WHERE {where} ORDER BY r.measure, r.amount DESC NULLS LAST, r.uscc",
                      params)
    while rows := cur.fetchmany(50_000):
        for i, uscc, name, region, zone, industry, amount, high in rows:
            m = measures[i]
            yield m, {"uscc": uscc, "name": name, "area": area_of(region, zone), "industry": industry,
                      "amount": amount, "upper": high if m["amount_kind"] == "range" else None}




def reference_pushlists(run, out_dir: Path, district: str | None = None, unit: str | None = None,
                        max_rows: int = MAX_ROWS) -> list[Path]:
    grouped: dict[str, dict[str, list[list]]] = defaultdict(lambda: defaultdict(list))
    for m, r in eligible_rows(run, district, unit):
        units = m["responsible_units"] or [NO_UNIT]
        for i, u in enumerate(units):
            if unit and u != unit:
                continue
            grouped[r["area"]][u].append(_row(m, r, "牵头" if i == 0 else "配合"))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for area in sorted(grouped):
        path = out_dir / f"{area}_{area_name(area)}.xlsx"
        _write_workbook(path, grouped[area], run, area, max_rows)
        written.append(path)
    return written


def _write_workbook(path: Path, by_unit: dict[str, list[list]], run, area: str, max_rows: int) -> None:
    # xlsxwriter in constant-memory mode: rows stream to disk, ~4x faster than openpyxl here
    import xlsxwriter

    temporary = path.with_name(path.name + ".part")
    wb = xlsxwriter.Workbook(str(temporary), {"constant_memory": True})
    bold = wb.add_format({"bold": True})
    money = wb.add_format({"num_format": "#,##0.00"})
    taken: set[str] = set()
    summary = wb.add_worksheet(sheet_title("汇总", taken))
    summary.write_row(0, 0, [f"精准推送名单 · {area_name(area)} · 评估日期 {run.manifest['as_of']} · 批次 {run.key}"], bold)
    summary.write_row(1, 0, ["说明：每个责任单位一个工作表；预计金额按政策条款测算，最高额类措施为上限；同一项国家政策被多个"
                             "文件重述时，各文件措施分别列出，合计时按一项计。"])
    summary.write_row(2, 0, ["责任单位", "措施编号", "措施名称", "企业数", "预计金额合计(元)"], bold)
    summary.set_column(0, 0, 24)
    summary.set_column(1, 2, 32)
    summary.set_column(4, 4, 18, money)
    summary.freeze_panes(3, 0)
    line = 3
    for u in sorted(by_unit):
        per_measure: dict[tuple, list] = {}
        for row in by_unit[u]:
            entry = per_measure.setdefault((row[0], row[1]), [0, Decimal(0), 0])
            entry[0] += 1
            if row[8] is not None:
                entry[1] += row[8]
                entry[2] += 1
        for (mid, title), (count, total, known) in sorted(per_measure.items()):
            summary.write_row(line, 0, [u, mid, title, count])
            if known:
                summary.write_number(line, 4, total, money)
            line += 1
    for u in sorted(by_unit):
        rows = sorted(by_unit[u], key=lambda r: (r[0], -(r[8] or 0), r[3]))
        for start in range(0, len(rows), max_rows):
            ws = wb.add_worksheet(sheet_title(u, taken))
            for i, width in enumerate(WIDTHS):
                ws.set_column(i, i, width, money if HEADER[i].startswith("预计金额") else None)
            ws.freeze_panes(1, 0)
            ws.write_row(0, 0, HEADER, bold)
            for n, row in enumerate(rows[start:start + max_rows], start=1):
                for col, value in enumerate(row):
                    if value is None:
                        continue
                    if col == 8:
                        ws.write_number(n, col, value, money)  # Decimal: written as its exact text
                    else:
                        ws.write_string(n, col, str(value))
            ws.autofilter(0, 0, min(len(rows) - start, max_rows), len(HEADER) - 1)
    wb.close()
    temporary.replace(path)
