"""The push-list workbooks (zhida.batch.pushlists' layout) written at the speed of the data.

A run of 2,000,000 enterprises has ~20 million eligible pairs: any per-row Python is too slow
(xlsxwriter's ~4 µs a cell made 20,000 enterprises take over a minute). So DuckDB does the row
work, in parallel: it joins the pairs with the enterprises and with each list's cells made once
in Python (a measure's id, title, role, note, how to apply, citation, quote: shared strings,
zhida.batch.xlsx_stream), orders them (area, unit, measure id, amount largest first, USCC) and
writes each row's XML; Python copies the rows' bytes from the Arrow buffers into the zip, a batch
at a time (memory bounded), and cuts sheets at Excel's row limit by counting. The few rows whose texts need more than
``&<>`` escaped (control characters, edge blanks) or whose note is a range ("区间 … 至 …", worded
by money_format) come back as values and are written by Python.

One shared-string table serves every workbook of a run (the lists' texts, districts, industries):
each workbook carries the table as it stands when it is closed.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zhida.batch import pushlists as pl
from zhida.batch import xlsx_stream as xs
from zhida.batch.summary import connect
from zhida.money_format import money, pending

BATCH = 65_536  # rows per Arrow batch
# texts DuckDB may not escape itself (xlsx_stream.text does): control characters, _xHHHH_, edge blanks
_SPECIAL = r"[\x00-\x08\x0b-\x1f\x{FFFE}\x{FFFF}]|_x[0-9A-Fa-f]{4}_|^\s|\s$"


def write(run, out_dir: Path, district: str | None, unit: str | None) -> list[Path]:
    measures = run.manifest["measures"]
    lists = _lists(measures, unit)
    if not lists:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    strings: dict[str, int] = {}
    units = sorted({u for _, u, _ in lists})
    con = connect()
    book = None
    written: list[Path] = []
    try:
        con.register("lists", _lists_table(lists, measures, units, strings))
        wanted = sorted({i for i, *_ in lists})
        where, params = pl._eligible_where(wanted, district, None)
        joined = f"{pl._joined(con, run, wanted)} JOIN lists l ON l.measure = r.measure"
        area = ("CASE WHEN e.special_zone IS NOT NULL AND e.special_zone NOT IN ('', 'none') THEN e.special_zone "
                "ELSE coalesce(nullif(e.region_code, ''), 'unknown') END")
        counts: dict[str, dict[int, tuple]] = defaultdict(dict)  # area → list → (rows, amount sum, amounts)
        for a, lid, n, total, known in con.execute(
                f"SELECT {area} AS a, l.lid, count(*), sum(r.amount), count(r.amount) FROM {joined} WHERE {where} "
                "GROUP BY ALL", params).fetchall():
            counts[a][lid] = (n, total, known)
        if not counts:
            return []
        con.register("areas", pa.table({"a": list(counts), "cell": [_shared(strings, pl.area_name(a))
                                                                     for a in counts]}))
        codes = [c for (c,) in con.execute(f"SELECT DISTINCT e.industry_code FROM {joined} WHERE {where} "
                                           "AND e.industry_code IS NOT NULL", params).fetchall()]
        con.register("industries", pa.table({"code": pa.array(codes, pa.string()),
                                             "cells": [_shared(strings, c) + _shared(strings, pl.industry_name(c))
                                                       for c in codes]}))
        no_industry = xs.EMPTY + _shared(strings, pl.industry_name(None))
        # one ordered query per area: ordering every area's rows at once (each carrying its XML)
        # ran out of DuckDB's 1 GB at 2,000,000 enterprises; an area's share is what is sorted now
        for a in sorted(counts):
            relation = con.sql(_query(joined, f"{where} AND {area} = ?", area, no_industry), params=[*params, a])
            book = _AreaBook(out_dir, a, lists, counts[a], measures, run, strings)
            for batch in relation.to_arrow_reader(BATCH):
                for start, end in _segments(batch):
                    book.add(units[batch.column(1)[start].as_py()], batch.slice(start, end - start))
            written.append(book.close())
            book = None
    finally:
        con.close()
        if book is not None:  # an error mid-way: no half-written workbook is left behind
            book.abandon()
    return sorted(written)


def _escaped(column: str) -> str:
    """An inline-string cell of ``column`` ('<c/>' for NULL), escaped as xlsx_stream.text does for
    texts without control characters or edge blanks (the others are left to Python)."""
    return (f"CASE WHEN {column} IS NULL THEN '<c/>' ELSE concat('<c t=\"inlineStr\"><is><t>', "
            f"replace(replace(replace({column}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '</t></is></c>') END")


def _query(joined: str, where: str, area: str, no_industry: str) -> str:
    """Per eligible pair on a list, in sheet order: area, unit rank, the row's XML (NULL when Python
    must write it) and then the values Python needs for it. Rows carry no number (``<row>``: the
    next row, optional in ECMA-376): numbering them took a window over every pair, the costliest
    step; sheets are cut at Excel's limit by counting in Python."""
    plain = " AND ".join(f"NOT coalesce(regexp_matches({c}, '{_SPECIAL}'), false)" for c in ("r.uscc", "e.name"))
    note = ("CASE WHEN r.amount IS NULL THEN coalesce(l.pending, l.note) "
            "WHEN l.is_range AND r.upper IS NOT NULL THEN NULL ELSE l.note END")
    xml = (f"concat('<row>', l.head, {_escaped('r.uscc')}, {_escaped('e.name')}, ar.cell, "
           f"coalesce(ind.cells, '{no_industry}'), CASE WHEN r.amount IS NULL THEN '<c/>' ELSE "
           f"concat('<c s=\"{xs.MONEY}\"><v>', CAST(r.amount AS VARCHAR), '</v></c>') END, {note}, l.tail, '</row>')")
    worded = f"{plain} AND ({note}) IS NOT NULL"
    python = lambda value, name: f"CASE WHEN NOT ({worded}) THEN {value} END AS {name}"  # noqa: E731
    return (f"SELECT {area} AS a, l.unit_rank, CASE WHEN {worded} THEN {xml} END AS xml, "
            f"{python('l.lid', 'lid')}, {python('r.uscc', 'uscc')}, {python('e.name', 'name')}, "
            f"{python('CAST(r.amount AS VARCHAR)', 'amount')}, {python('CAST(r.upper AS VARCHAR)', 'upper')}, "
            f"{python(note, 'note')}, {python('ar.cell', 'cell')}, "
            f"{python(f'coalesce(ind.cells, {chr(39)}{no_industry}{chr(39)})', 'industry')} "
            f"FROM {joined} JOIN areas ar ON ar.a = {area} LEFT JOIN industries ind ON ind.code = e.industry_code "
            f"WHERE {where} ORDER BY a, l.unit_rank, l.lid, coalesce(r.amount, 0) DESC, r.uscc")


def _segments(batch: pa.RecordBatch) -> list[tuple[int, int]]:
    """[start, end) runs of rows of one area and unit in an ordered batch."""
    n = batch.num_rows
    if n == 0:
        return []
    changed = None
    for i in range(2):
        col = batch.column(i)
        diff = pc.not_equal(col.slice(1), col.slice(0, n - 1))
        changed = diff if changed is None else pc.or_(changed, diff)
    cuts = [0, *(np.flatnonzero(changed.to_numpy(zero_copy_only=False)) + 1).tolist(), n]
    return list(zip(cuts[:-1], cuts[1:]))


def _lists(measures: list[dict], unit: str | None) -> list[tuple[int, str, str]]:
    """(measure index, unit, 牵头/配合) of every list a measure is on, in sheet order (unit, measure id)."""
    out = []
    for i, m in enumerate(measures):
        if not m["enterprise_benefit"]:
            continue
        for k, u in enumerate(m["responsible_units"] or [pl.NO_UNIT]):
            if not unit or u == unit:
                out.append((i, u, "牵头" if k == 0 else "配合"))
    return sorted(out, key=lambda x: (x[1], measures[x[0]]["id"]))


def _shared(strings: dict[str, int], value: str | None, style: int = 0) -> str:
    return xs.shared_cell(strings, value, style)


def _lists_table(lists, measures: list[dict], units: list[str], strings: dict[str, int]) -> pa.Table:
    """Per list: its id (``lid``, in sheet order), measure index, unit rank, and its repeated cells —
    _row's columns for a row of no enterprise — as XML made once."""
    rank = {u: i for i, u in enumerate(units)}
    columns: dict[str, list] = {k: [] for k in ("lid", "measure", "unit_rank", "head", "note", "pending",
                                                "is_range", "tail")}
    for lid, (i, u, role) in enumerate(lists):
        m = measures[i]
        fixed = pl._row(m, {"uscc": None, "name": None, "area": None, "industry": None, "amount": Decimal(0),
                            "upper": None}, role)
        kind = m["amount_kind"]
        columns["lid"].append(lid)
        columns["measure"].append(i)
        columns["unit_rank"].append(rank[u])
        columns["head"].append("".join(_shared(strings, v) for v in fixed[:3]))
        columns["note"].append(_shared(strings, fixed[9]))
        columns["pending"].append(_shared(strings, pending("缺少计算金额所需信息"))
                                  if kind not in (None, "not_stated") else None)
        columns["is_range"].append(kind == "range")
        columns["tail"].append("".join(_shared(strings, v) for v in fixed[10:]))
    return pa.table({**columns, "lid": pa.array(columns["lid"], pa.int32()),
                     "measure": pa.array(columns["measure"], pa.int32()),
                     "unit_rank": pa.array(columns["unit_rank"], pa.int32()),
                     "pending": pa.array(columns["pending"], pa.string())})


class _AreaBook:
    """One area's workbook: the 汇总 sheet, then a sheet per unit (and chunk past Excel's row limit)."""

    def __init__(self, out_dir: Path, area: str, lists, counts: dict, measures: list[dict], run,
                 strings: dict[str, int]):
        self.area, self.lists, self.counts, self.measures = area, lists, counts, measures
        self.path = out_dir / f"{area}_{pl.area_name(area)}.xlsx"
        self.wb = xs.Workbook(self.path.with_name(self.path.name + ".part"), strings=strings)
        self.titles: set[str] = set()
        self.rows: dict[str, int] = defaultdict(int)  # unit → its rows in this area
        for lid, (n, *_rest) in counts.items():
            self.rows[lists[lid][1]] += n
        self.sheet, self.unit, self.left = None, None, 0  # open sheet, its unit, rows it still takes
        self._summary(run)

    def _summary(self, run) -> None:
        s = self.wb.shared
        lines = sorted((self.lists[lid][1], self.measures[self.lists[lid][0]]["id"],
                        self.measures[self.lists[lid][0]]["title"], *self.counts[lid]) for lid in self.counts)
        with self.wb.sheet(pl.sheet_title("汇总", self.titles), [24, 32, 32, 0, 18], freeze=3,
                           styles={4: xs.MONEY}, rows=3 + len(lines), columns=5) as ws:
            ws.row(s(f"精准推送名单 · {pl.area_name(self.area)} · 评估日期 {run.manifest['as_of']} · 批次 {run.key}",
                     xs.BOLD))
            ws.row(s("说明：每个责任单位一个工作表；预计金额按政策条款测算，最高额类措施为上限；同一项国家政策被多个"
                     "文件重述时，各文件措施分别列出，合计时按一项计。"))
            ws.row("".join(s(h, xs.BOLD) for h in ["责任单位", "措施编号", "措施名称", "企业数", "预计金额合计(元)"]))
            for u, mid, title, count, total, known in lines:
                ws.row(s(u) + s(mid) + s(title) + xs.number(count, 0) + (xs.number(total) if known else ""))

    def add(self, unit: str, rows: pa.RecordBatch) -> None:
        """Rows of one unit, in order: onto its sheet, continued on a new one at Excel's limit."""
        while rows.num_rows:
            if unit != self.unit or self.left == 0:
                self._new_sheet(unit)
            part = rows.slice(0, min(self.left, rows.num_rows))
            self._write(part)
            self.left -= part.num_rows
            rows = rows.slice(part.num_rows)

    def _new_sheet(self, unit: str) -> None:
        if self.sheet is not None:
            self.sheet.close()
        size = min(pl.MAX_ROWS, self.rows[unit])
        self.rows[unit] -= size
        self.sheet = self.wb.sheet(pl.sheet_title(unit, self.titles), pl.WIDTHS, freeze=1, styles={8: xs.MONEY},
                                   rows=size + 1, columns=len(pl.HEADER), autofilter=True)
        self.sheet.row("".join(self.wb.shared(h, xs.BOLD) for h in pl.HEADER))
        self.unit, self.left = unit, size

    def _write(self, rows: pa.RecordBatch) -> None:
        """Their XML bytes straight from the Arrow buffer; rows without XML (NULL) worded here."""
        xml = rows.column(2)
        if xml.null_count == 0:
            self.sheet.raw(_buffer(xml))
            return
        names = rows.schema.names
        for i, piece in enumerate(xml.to_pylist()):
            if piece is None:
                piece = self._worded({k: rows.column(k)[i].as_py() for k in names[3:]})
            self.sheet.raw(piece.encode())

    def _worded(self, v: dict) -> str:
        i, _unit, role = self.lists[v["lid"]]
        m = self.measures[i]
        head_tail = pl._row(m, {"uscc": None, "name": None, "area": None, "industry": None, "amount": Decimal(0),
                                "upper": None}, role)
        s = self.wb.shared
        note = v["note"]
        if note is None:  # a range with its upper end
            note = xs.inline(f"区间 {money(Decimal(v['amount']))} 至 {money(Decimal(v['upper']))}")
        return ("<row>" + "".join(s(x) for x in head_tail[:3]) + xs.inline(v["uscc"])
                + xs.inline(v["name"]) + v["cell"] + v["industry"] + xs.number(v["amount"]) + note
                + "".join(s(x) for x in head_tail[10:]) + "</row>")

    def abandon(self) -> None:
        self.wb.abandon()
        self.path.with_name(self.path.name + ".part").unlink(missing_ok=True)

    def close(self) -> Path:
        if self.sheet is not None:
            self.sheet.close()
        self.wb.close()
        self.path.with_name(self.path.name + ".part").replace(self.path)
        return self.path


def _buffer(strings: pa.Array) -> memoryview:
    """The concatenated bytes of a string array without NULLs (its data buffer between its first
    and last offsets): no Python object per row."""
    if strings.type not in (pa.string(), pa.large_string()):
        strings = strings.cast(pa.large_string())
    width = np.int32 if strings.type == pa.string() else np.int64
    _validity, offsets, data = strings.buffers()
    bounds = np.frombuffer(offsets, dtype=width)[strings.offset:strings.offset + len(strings) + 1]
    return memoryview(data)[int(bounds[0]):int(bounds[-1])]
