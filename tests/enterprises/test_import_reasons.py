"""Every reason a user reads from an import is one Chinese line naming the field and why: the reject
report (CSV and XLSX) of a file with one bad row per kind of reason, JSON profiles, and the
one-line errors of a file that cannot be imported at all."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from zhida.enterprises.file_checks import Limits
from zhida.enterprises.importer import import_file
from zhida.errors import DataError
from zhida.store import open_store

from .reason_cases import ENGLISH, HEADER, cases, check_report, code, csv_text, row

LIMIT = 100  # cell limit of these imports: a 101-character name is too long


@pytest.fixture
def store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'zhida.sqlite3'}")
    yield store
    store.close()


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_one_bad_row_per_reason_gets_its_chinese_line_in_the_report(tmp_path, store):
    earlier = tmp_path / "earlier.csv"
    earlier.write_text(csv_text([row(900)]), encoding="utf-8")
    first = import_file(earlier, store)
    assert first.stored == 1
    rows, expected = cases(LIMIT + 1, stored_code=code(900))
    path = tmp_path / "bad.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    result = import_file(path, store, limits=Limits(max_cell_chars=LIMIT))
    assert (result.rows_read, result.stored, result.rejected_rows) == (len(rows), 1, len(rows) - 1)
    stored_reason = f"统一社会信用代码已在库中（导入记录 #{first.import_id}、第 2 行），未重复导入"
    report = read_csv(result.report)
    check_report(report, expected, stored_reason)
    fields = {int(r["row"]): r["field"] for r in report}  # the field column keeps the header as written
    assert (fields[6], fields[10], fields[17], fields[28]) == ("所在区", "行业代码", "从业人员", "从事特定细分市场年限")

    again = tmp_path / "again.csv"  # the same rows once more (another file): the XLSX report says the same
    again.write_text(csv_text(rows) + ",".join([code(901), *row(0)[1:]]) + "\n", encoding="utf-8")
    xlsx = import_file(again, store, limits=Limits(max_cell_chars=LIMIT), report_path=tmp_path / "r.xlsx")
    sheet = list(load_workbook(xlsx.report).active.iter_rows(values_only=True))
    assert sheet[0] == ("row", "field", "value", "reason")
    xlsx_reasons = {(n, why) for n, _, _, why in sheet[1:]}
    assert {(int(r["row"]), r["reason"]) for r in report if int(r["row"]) != 2} <= xlsx_reasons


def test_json_profiles_get_chinese_reasons(tmp_path, store):
    good = code(1)
    lines = [
        {"uscc": "nope", "name": "", "region_code": "朝阳区", "industry_code": "D39", "entity_type": "alien",
         "foo": 1, "figures": {"2021": {"revenue": "1.234", "employees": -1}},
         "other_facts": {"no_such_fact": 1}, "established": "昨天"},
        {"uscc": good, "name": "甲", "industry_code": "L72", "entity_type": "enterprise",
         "figures": {"2021年": {"employees": 1}}},
    ]
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines) + "{坏\n[1, 2]\n"
                    + json.dumps({"uscc": good, "name": "长" * 200}, ensure_ascii=False) + "\n", encoding="utf-8")
    result = import_file(path, store, limits=Limits(max_cell_chars=LIMIT))
    assert (result.rows_read, result.stored) == (5, 0)
    got = {(int(r["row"]), r["field"]): r["reason"] for r in read_csv(result.report)}
    assert got == {
        (1, "uscc"): "统一社会信用代码“nope”应为18位，实际为4位",
        (1, "name"): "企业名称：不能为空",
        (1, "industry_code"): "行业代码“D39”不是 GB/T 4754-2017 行业代码（大类 39 属于门类 C，不是 D）",
        (1, "entity_type"): "主体类型“alien”不是可选值（可选：'enterprise'、'individual_business'、'individual'、"
                            "'institution'、'social_organization'、'government'）",
        (1, "established"): "成立日期“昨天”不是日期（应为 YYYY-MM-DD）",
        (1, "other_facts"): "其他事实“no_such_fact”不是事实目录中的事实",
        (1, "figures.2021.employees"): "从业人员_2021“-1”不能为负数",
        (1, "figures.2021.revenue"): "营业收入_2021“1.234”最多 2 位小数（金额精确到分，单位是否有误？）",
        (1, "foo"): "foo：不是企业画像的字段（见 docs/enterprise-profile.md）",
        (2, "region_code"): "所属区：缺少此项（必填）",
        (2, "figures"): "分期数据：无法识别的期间 '2021年'：应为年份 2021、季度 2022Q2、月份 2022-04 或日期区间 "
                        "2022-04-01..2022-12-31",
        (3, "(line)"): "不是有效的 JSON（第 1 行第 2 列附近有语法错误）",
        (4, "(item)"): "不是 JSON 对象（每个企业画像应为一个对象 {…}）",
        (5, "(item)"): "有取值过长（超过 100 个字符）",
    }
    assert not [why for why in got.values() if ENGLISH.search(why.split("：", 1)[-1])]


def _cli(monkeypatch, capsys, tmp_path, path: Path) -> str:
    import zhida.cli.enterprises  # noqa: F401  (registers the commands)
    from zhida.cli import main

    monkeypatch.setenv("ZHIDA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setattr(sys, "argv", ["zhida", "enterprises", "import", str(path)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    return line


def test_a_file_that_cannot_be_imported_is_one_chinese_line(tmp_path, monkeypatch, capsys):
    def file(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    header = ",".join(HEADER[:4])
    cases_ = {
        file("a.pdf", "x"): "不支持的文件类型 .pdf：请使用 .csv、.xlsx 或 .json 文件",
        tmp_path / "missing.csv": "文件不存在",
        file("empty.csv", ""): "文件为空",
        file("gbk.csv", b"\xff\xfe\xff" * 3): "CSV 文件编码无法识别（请使用 UTF-8 或 GB18030）",
        file("huge.csv", f"{header}\n{code(1)},{'长' * 140_000},朝阳区,L72\n"):
            f"第 2 行：单元格内容过长（超过 {csv.field_size_limit():,} 个字符）",
        file("unit.csv", f"{header},营业收入(万美元)\n"):
            "列“营业收入(万美元)”的金额单位“万美元”无法识别（可用：元、千元、万元、百万元、亿元）",
        file("people.csv", f"{header},从业人员(万人)\n"): "列“从业人员(万人)”的单位“万人”不适用于人数（只能是“人”）",
        file("twice.csv", f"{header},名称\n"): "列“名称”与列“企业名称”是同一字段、同一期间，只能保留一列",
        file("broken.xlsx", b"PK\x03\x04 not a workbook"): "不是有效的 XLSX 工作簿（文件损坏或并非 Excel 文件）",
        file("bad.json", "[{\"uscc\": 1,]"): "不是有效的 JSON（第 1 行第 13 列附近有语法错误）"
                                             "（企业画像：一个对象、对象列表或每行一个对象）",
    }
    for path, reason in cases_.items():
        assert _cli(monkeypatch, capsys, tmp_path, path) == f"error: {path}: {reason}"


def test_limits_and_an_interrupted_import_are_said_in_chinese(tmp_path, monkeypatch):
    from zhida.enterprises import file_checks

    path = tmp_path / "rows.csv"
    path.write_text(csv_text([row(n) for n in range(1, 6)]), encoding="utf-8")
    with pytest.raises(DataError) as error:
        file_checks.check_csv(path, Limits(max_rows=3))
    assert error.value.reason == "行数超过上限：约 5 行数据，上限 3 行数据"
    monkeypatch.setenv("ZHIDA_IMPORT_MAX_ROWS", "很多")
    with pytest.raises(DataError) as error:
        Limits.from_env()
    assert error.value.reason == "环境变量 ZHIDA_IMPORT_MAX_ROWS 应为整数，现为“很多”"
