"""One bad row per kind of reject reason of a table import, with the Chinese line each must get
(written out here, not taken from the code). Shared by the CLI/importer test and the web test."""

from __future__ import annotations

import csv
import io
import re

from zhida.enterprises import uscc

HEADER = ["统一社会信用代码", "企业名称", "所在区", "功能区", "所属街道", "行业代码", "主体类型", "成立日期",
          "高新技术企业", "从业人员", "营业收入(万元)", "年度", "企业规模", "资质(JSON)", "亩均效益综合评价类别",
          "从事特定细分市场年限"]
COL = {name: i for i, name in enumerate(HEADER)}
NO_YEAR = "缺少年度（请加“年度”列、在表头前写“2021年”，或在列映射文件中写 year:）"
# An English sentence where a reason should be: words of Latin letters and blanks only.
ENGLISH = re.compile(r"^[A-Za-z][A-Za-z ,'-]{6,}|\b[a-z]+ [a-z]+ [a-z]+\b")


def code(n: int, region: str = "110105") -> str:
    return uscc.make("9", "1", region, f"{n:08d}")


def row(n: int, base: int = 0, **cells) -> list[str]:
    """A valid row of enterprise ``base + n``, with ``cells`` (by header) changed."""
    cells_ = [code(base + n), f"企业{n}", "朝阳区", "", "", "L7212", "", "2019-05-01", "", "8", "12.5", "2021", "", "", "", ""]
    for name, value in cells.items():
        cells_[COL[name]] = value
    return cells_


def cases(long_cell: int, stored_code: str | None = None, base: int = 0) -> tuple[list[list[str]], dict[int, object]]:
    """(data rows, expected reasons by row number). A reason is an exact string, or a
    (prefix, suffix) pair where the middle lists choices the code owns (names of districts …).
    ``long_cell``: a length above the cell limit; ``stored_code``: a USCC already in the store;
    ``base``: added to the enterprises' numbers (a server shared by tests)."""
    good = code(base + 1)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    right = uscc.check_char(good[:17])
    charset = good[:5] + "I" + good[6:]
    spec: list[tuple[list[str], object]] = [
        (row(1, base), None),  # stored
        (row(2, base, 统一社会信用代码=bad_check), f"统一社会信用代码“{bad_check}”校验位错误（应为 {right}）"),
        (row(3, base, 统一社会信用代码="9111010512345"), "统一社会信用代码“9111010512345”应为18位，实际为13位"),
        (row(4, base, 统一社会信用代码=charset), f"统一社会信用代码“{charset}”含非法字符: I"),
        (row(5, base, 所在区="火星区"), "所在区“火星区”不是已知的地区名称"),
        (row(6, base, 所在区="鼓楼区"), ("所在区“鼓楼区”有重名（", "…）：请写明所属省市，如 江苏省南京市鼓楼区")),
        (row(7, base, 功能区="朝阳区"), "功能区“朝阳区”是行政区，不是功能区"),
        (row(8, base, 所属街道="不存在街道"), "所属街道：所属区县朝阳区没有名为“不存在街道”的街道（乡镇）"),
        (row(9, base, 行业代码="X"), "行业代码“X”不是 GB/T 4754-2017 行业代码（门类字母 A–T 加至多 4 位数字）"),
        (row(10, base, 行业代码="C99"), "行业代码“C99”不是 GB/T 4754-2017 行业代码（没有大类 99）"),
        (row(11, base, 行业代码="D39"), "行业代码“D39”不是 GB/T 4754-2017 行业代码（大类 39 属于门类 C，不是 D）"),
        (row(12, base, 主体类型="外星"), ("主体类型“外星”不是可选值（可填：企业、公司、", "、机关）")),
        (row(13, base, 成立日期="20200101"), "成立日期“20200101”不是日期（应为 YYYY-MM-DD）"),
        (row(14, base, 成立日期="2021-02-30"), "成立日期“2021-02-30”不是有效的日期（没有这一天）"),
        (row(15, base, 高新技术企业="也许"), "高新技术企业“也许”不是“是/否”或认定层级（国家级、省级、市级、地市级）"),
        (row(16, base, 从业人员="八人"), "从业人员“八人”不是数字"),
        (row(17, base, 从业人员="-3"), "从业人员“-3”不是非负整数（人数）"),
        (row(18, base, **{"营业收入(万元)": "-1"}), "营业收入(万元)“-1”为负数，金额不能为负"),
        (row(19, base, **{"营业收入(万元)": "0.0000001"}), "营业收入(万元)“0.0000001”折合 0.001 元，细于 1 分（单位是否有误？）"),
        (row(20, base, 年度=""), [f"从业人员：{NO_YEAR}", f"营业收入(万元)：{NO_YEAR}"]),
        (row(21, base, 年度="公元"), ["年度“公元”不是年份（1949–2100）", f"从业人员：{NO_YEAR}", f"营业收入(万元)：{NO_YEAR}"]),
        (row(22, base, 企业规模="巨型"), "企业规模“巨型”不是可选值（可填：大型、中型、小型、微型）"),
        (row(23, base, **{"资质(JSON)": "{坏"}), "资质(JSON)：不是有效的 JSON（第 1 行第 2 列附近有语法错误）"),
        (row(24, base, **{"资质(JSON)": '{"type": "high_tech"}'}), "资质(JSON)：应为 JSON 列表（[…]）"),
        (row(25, base, **{"资质(JSON)": '[{"type": "high_tech", "level": "宇宙级"}]'}),
         "资质.0.level“宇宙级”不是可选值（可选：'national'、'provincial'、'municipal'）"),
        (row(26, base, 亩均效益综合评价类别="E"), ("亩均效益综合评价类别“E”不是可选值（可填代码：A（A类（优先支持类））、", "）")),
        (row(27, base, 从事特定细分市场年限="1.5"), "从事特定细分市场年限“1.5”应为整数"),
        (row(28, base, 企业名称=""), "企业名称为必填项：本行为空或文件中没有这一列"),
        (row(29, base, 企业名称="长" * long_cell), f"企业名称：单元格内容过长（超过 {long_cell - 1:,} 个字符）"),
        (row(1, base, 企业名称="文件内重复"), "统一社会信用代码与本文件第 2 行重复（文件内重复，未导入）"),
    ]
    if stored_code is not None:
        spec.append(([stored_code, *row(0, base)[1:]], "STORED"))
    rows = [r for r, _ in spec]
    return rows, {n: why for n, (_, why) in enumerate(spec, start=2) if why is not None}


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def check_report(report_rows: list[dict], expected: dict[int, object], stored_reason: str | None = None) -> None:
    """Every expected row has exactly its reasons, and no reason is an English sentence."""
    by_row: dict[int, list[str]] = {}
    for r in report_rows:
        by_row.setdefault(int(r["row"]), []).append(r["reason"])
    assert set(by_row) == set(expected)
    for n, want in expected.items():
        got = by_row[n]
        if want == "STORED":
            want = stored_reason
        if isinstance(want, list):
            assert got == want, (n, got)
        elif isinstance(want, tuple):
            [one] = got
            assert one.startswith(want[0]) and one.endswith(want[1]), (n, one)
        else:
            assert got == [want], (n, got)
    for reasons in by_row.values():
        for reason in reasons:
            assert not ENGLISH.search(reason), reason
            assert re.search(r"[\u4e00-\u9fff]", reason), reason
