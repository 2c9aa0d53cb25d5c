"""`zhida enterprises import`: every reject reason, units, duplicates, XLSX, resume."""

from __future__ import annotations

import csv
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, func, select

from zhida.enterprises import uscc
from zhida.enterprises.importer import import_file
from zhida.enterprises.profile import EnterpriseProfile
from zhida.enterprises.tables import Enterprise, EnterpriseImport
from zhida.errors import DataError
from zhida.store import open_store

HEADER = ["统一社会信用代码", "企业名称", "所属区", "行业代码", "从业人员", "营业收入(万元)", "年度"]


def code(n: int, region: str = "110105") -> str:
    return uscc.make("9", "1", region, f"{n:08d}")


def write_csv(path: Path, rows: list[list], header=HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_report(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def store(database_url):
    store = open_store(database_url)
    yield store
    store.close()


def stored(store) -> dict[str, EnterpriseProfile]:
    with store.transaction() as session:
        rows = session.scalars(select(Enterprise)).all()
        return {r.uscc: EnterpriseProfile.model_validate(r.profile_json) for r in rows}


def test_each_reject_reason_is_reported_and_valid_rows_stored(tmp_path, store):
    good, good2 = code(1), code(2, "140902")
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    path = write_csv(tmp_path / "in.csv", [
        [good, "朝阳甲公司", "朝阳区", "L7212", "8", "12.5", "2021"],          # row 2: stored
        [bad_check, "校验位错", "朝阳区", "L72", "8", "1", "2021"],            # row 3
        ["9111010512345", "长度错", "朝阳区", "L72", "8", "1", "2021"],        # row 4
        [good[:5] + "I" + good[6:], "字符错", "朝阳区", "L72", "8", "1", "2021"],  # row 5
        [code(3), "区划错", "火星区", "L72", "8", "1", "2021"],                # row 6
        [code(4), "行业错", "朝阳区", "C99", "8", "1", "2021"],                # row 7
        [code(5), "数字错", "朝阳区", "L72", "八人", "1", "2021"],             # row 8
        [good, "文件内重复", "朝阳区", "L72", "8", "1", "2021"],               # row 9
        [good2, "忻州乙公司", "忻府区", "C33", "120", "3,000", "2021"],        # row 10: stored
        [code(6), "负数", "朝阳区", "L72", "-3", "1", "2021"],                 # row 11
    ])
    result = import_file(path, store, batch_size=4)
    assert (result.rows_read, result.stored, result.rejected_rows) == (10, 2, 8)
    reasons = {int(r["row"]): (r["field"], r["value"], r["reason"]) for r in read_report(result.report)}
    expected_check = uscc.check_char(bad_check[:17])
    assert reasons[3][2] == f"统一社会信用代码“{bad_check}”校验位错误（应为 {expected_check}）"
    assert reasons[4][2] == "统一社会信用代码“9111010512345”应为18位，实际为13位"
    assert reasons[5][2] == f"统一社会信用代码“{good[:5] + 'I' + good[6:]}”含非法字符: I"
    assert reasons[6] == ("所属区", "火星区", "所属区“火星区”不是已知的地区名称")
    assert reasons[7] == ("行业代码", "C99", "行业代码“C99”不是 GB/T 4754-2017 行业代码（没有大类 99）")
    assert reasons[8] == ("从业人员", "八人", "从业人员“八人”不是数字")
    assert reasons[9] == ("uscc", good, "统一社会信用代码与本文件第 2 行重复（文件内重复，未导入）")
    assert reasons[11] == ("从业人员", "-3", "从业人员“-3”不是非负整数（人数）")
    profiles = stored(store)
    assert set(profiles) == {good, good2}
    # '营业收入(万元)' 12.5 → 125000 yuan, exactly; thousands separators read, not misread
    assert profiles[good].figures[2021].revenue == Decimal("125000")
    assert profiles[good2].figures[2021].revenue == Decimal("30000000")
    assert profiles[good2].region_code == "140902"
    assert result.summary().startswith(f"{path}: 10 rows read, 2 stored, 8 rejected")


def test_duplicate_against_the_store_and_reimport_does_not_duplicate(tmp_path, store):
    first = write_csv(tmp_path / "a.csv", [[code(1), "甲", "朝阳区", "L72", "8", "1", "2021"]])
    first_import = import_file(first, store).import_id
    again = import_file(first, store)
    assert again.already_imported
    second = write_csv(tmp_path / "b.csv", [[code(1), "甲(新)", "朝阳区", "L72", "9", "2", "2021"],
                                            [code(2), "乙", "海淀区", "I65", "3", "1", "2021"]])
    result = import_file(second, store)
    assert (result.stored, result.rejected_rows) == (1, 1)
    [reject] = read_report(result.report)
    assert (reject["row"], reject["field"]) == ("2", "uscc")
    assert reject["reason"] == f"统一社会信用代码已在库中（导入记录 #{first_import}、第 2 行），未重复导入"
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Enterprise)) == 2


def test_size_column_is_a_declared_class_and_the_derived_class_wins(tmp_path, store):
    path = write_csv(tmp_path / "s.csv", [[code(1), "甲", "亦庄", "C3911", "300", "2000", "2021", "微型"]],
                     header=HEADER + ["企业规模"])
    import_file(path, store)
    with store.transaction() as session:
        row = session.scalars(select(Enterprise)).one()
        assert (row.size_class, row.size_class_year, row.special_zone) == ("medium", 2021, "bda")
        assert row.profile_json["declared_size"]["size_class"] == "micro"  # kept with its source, not used


def test_missing_year_and_unknown_unit_are_reported(tmp_path, store):
    path = write_csv(tmp_path / "y.csv", [[code(1), "甲", "朝阳区", "L72", "8"]], header=HEADER[:5])
    result = import_file(path, store)
    [reject] = read_report(result.report)
    assert reject["field"] == "从业人员"
    assert reject["reason"] == "从业人员：缺少年度（请加“年度”列、在表头前写“2021年”，或在列映射文件中写 year:）"
    bad_unit = write_csv(tmp_path / "u.csv", [[code(2), "乙", "朝阳区", "L72", "8"]],
                         header=HEADER[:4] + ["营业收入(万美元)"])
    with pytest.raises(DataError) as error:
        import_file(bad_unit, store)
    assert error.value.where == str(bad_unit)
    assert error.value.reason == "列“营业收入(万美元)”的金额单位“万美元”无法识别（可用：元、千元、万元、百万元、亿元）"


def test_xlsx_written_by_openpyxl_is_read_with_numeric_cells(tmp_path, store):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["社会信用代码", "企业名称", "所属区", "行业代码", "2021年从业人员", "2021年营业收入(万元)",
                  "高新技术企业", "高新技术企业有效期至"])
    sheet.append([code(1), "海淀科技", 110108, "6513", 45, 12.5, "是", "2024-10-20"])
    sheet.append([code(2), "坏行", "海淀区", "I6513", 4.5, 1, "否", None])
    path = tmp_path / "in.xlsx"
    workbook.save(path)
    result = import_file(path, store, report_path=tmp_path / "rejects.xlsx")
    assert (result.stored, result.rejected_rows) == (1, 1)
    profile = stored(store)[code(1)]
    assert profile.figures[2021].revenue == Decimal("125000") and profile.figures[2021].employees == 45
    assert profile.industry_code == "I6513" and profile.region_code == "110108"
    [qual] = profile.qualifications
    assert (qual.type, str(qual.valid_to)) == ("high_tech", "2024-10-20")
    report = list(load_workbook(tmp_path / "rejects.xlsx").active.iter_rows(values_only=True))
    assert report[0] == ("row", "field", "value", "reason")
    assert report[1][:3] == (3, "2021年从业人员", "4.5")


def test_malformed_xlsx_is_a_one_line_error(tmp_path, monkeypatch, capsys, database_url):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    import zhida.cli.enterprises  # noqa: F401  (registers the commands)
    from zhida.cli import main

    monkeypatch.setenv("ZHIDA_DATABASE_URL", database_url)
    monkeypatch.setattr(sys, "argv", ["zhida", "enterprises", "import", str(path)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    message = capsys.readouterr().err.strip()
    assert len(message.splitlines()) == 1
    assert message == f"error: {path}: 不是有效的 XLSX 工作簿（文件损坏或并非 Excel 文件）"


def test_resume_after_an_interrupted_import(tmp_path, store):
    rows = [[code(n), f"企业{n}", "朝阳区", "L72", str(n), "1", "2021"] for n in range(1, 8)]
    rows.insert(3, ["bad", "坏码", "朝阳区", "L72", "1", "1", "2021"])  # a reject in batch 2
    rows.append([code(1), "重复", "朝阳区", "L72", "1", "1", "2021"])  # duplicate of a batch-1 row
    path = write_csv(tmp_path / "big.csv", rows)
    inserts = {"n": 0}

    def fail_on_second_batch(conn, cursor, statement, params, context, executemany):
        if statement.startswith("INSERT INTO enterprises"):
            inserts["n"] += 1
            if inserts["n"] == 2:
                raise RuntimeError("simulated crash during batch 2")

    event.listen(store.engine, "before_cursor_execute", fail_on_second_batch)
    with pytest.raises(RuntimeError, match="simulated crash"):
        import_file(path, store, batch_size=3)
    event.remove(store.engine, "before_cursor_execute", fail_on_second_batch)
    assert set(stored(store)) == {code(1), code(2), code(3)}  # batch 1 only; batch 2 rolled back
    with store.transaction() as session:
        record = session.scalars(select(EnterpriseImport)).one()
        assert (record.status, record.batches_committed) == ("running", 1)

    with pytest.raises(DataError, match="--resume"):
        import_file(path, store, batch_size=3)
    result = import_file(path, store, batch_size=3, resume=True)
    assert result.resumed_from_batch == 1
    assert (result.rows_read, result.stored, result.rejected_rows) == (9, 7, 2)
    assert set(stored(store)) == {code(n) for n in range(1, 8)}
    reasons = {r["row"]: r["reason"] for r in read_report(result.report)}
    assert reasons["5"] == "统一社会信用代码“bad”应为18位，实际为3位"
    assert reasons["10"] == "统一社会信用代码与本文件第 2 行重复（文件内重复，未导入）"
    assert import_file(path, store, resume=True).already_imported
