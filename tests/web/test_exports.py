"""Exports read back: the checkup XLSX (openpyxl) and the PDF report (pdfplumber: the Chinese
text is extractable, set in a CJK font, and the amounts are there)."""

from __future__ import annotations

import io
from decimal import Decimal

import pdfplumber
import pytest
from openpyxl import load_workbook

from zhida.matching.amount_display import amount_display
from zhida.money_format import yuan
from zhida.rules.totals import totals_rows

from .conftest import USCC_A
from .enterprise_seed import seed


@pytest.fixture(scope="module")
def report(server, clients):
    seed(server.app)
    return clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup").json()


def test_checkup_xlsx_holds_every_result_with_exact_amounts(report, clients):
    response = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["企业画像", "金额合计", "体检结果"]
    profile = {row[0]: row[1] for row in book["企业画像"].iter_rows(min_row=2, values_only=True)}
    assert profile["统一社会信用代码"] == USCC_A and profile["企业名称"] == "北京朝阳博远精密机械有限公司"
    assert Decimal(str(profile["确定可得金额合计（元，同一待遇只计一次）"])) == Decimal(report["summary"]["eligible_total"])
    rows = list(book["体检结果"].iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert header[:4] == ("结果", "措施", "金额（元）", "金额说明") and header[-1] == "措施编号"
    assert len(data) == len(report["results"])
    by_id = {row[-1]: row for row in data}
    for result in report["results"]:
        row = by_id[result["measure_id"]]
        if result["status"] == "eligible" and result["amount"]["value"] is not None:
            assert row[0] == "可享受"
            assert Decimal(str(row[2])).quantize(Decimal("0.01")) == Decimal(result["amount"]["value"])
            assert row[3] == amount_display(result).text
        elif result["status"] == "undetermined":
            assert row[0] == "待确认" and row[2] is None  # unknown stays empty, never 0
            assert row[9] == "、".join(m["label"] for m in result["missing"])
        assert row[11] == "；".join(dict.fromkeys(s["citation"] for s in result["sources"]))
    page_export = clients["ent_a"].get(f"/enterprises/{USCC_A}/checkup.xlsx")
    assert page_export.status_code == 200 and page_export.content[:2] == b"PK"


def test_pdf_report_has_extractable_chinese_text_in_a_cjk_font(report, clients):
    response = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = "".join((page.extract_text() or "") for page in pdf.pages).replace(" ", "").replace("\n", "")
        fonts = {c["fontname"] for page in pdf.pages for c in page.chars if any(ord(ch) > 0x3000 for ch in c["text"])}
    assert "政策体检报告" in text and "北京朝阳博远精密机械有限公司" in text and USCC_A in text
    eligible = [r for r in report["results"] if r["status"] == "eligible" and r["amount"]["value"]]
    for r in eligible:  # each computed amount, for reading (万元) and exact to the fen
        assert amount_display(r).text.replace(" ", "") in text and yuan(r["amount"]["value"]).replace(" ", "") in text
    assert any("CJK" in f or "WenQuanYi" in f or "Hei" in f for f in fonts), fonts


def test_checkup_xlsx_has_a_totals_sheet_split_by_kind(report, clients):
    """Issue 9 §4: caps, tax bases, deferrals and results still to be judged are never added to
    what the enterprise certainly gets; the XLSX shows each kind on its own row, exact."""
    totals = report["summary"]["totals"]
    book = load_workbook(io.BytesIO(clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup.xlsx").content))
    rows = list(book["金额合计"].iter_rows(values_only=True))
    assert rows[0] == ("类别", "金额（元）", "项数", "说明")
    by_label = {r[0]: r for r in rows[1:]}
    assert Decimal(str(by_label["确定可得"][1])) == Decimal(report["summary"]["eligible_total"]) \
        == Decimal(totals["certain"]["total"])
    assert Decimal(str(by_label["最高可达"][1])) == Decimal(totals["up_to"]["total"])
    pending = totals["pending"]
    if pending["benefits"] and pending["amount_unknown"] == pending["benefits"]:
        assert by_label["待认定"][1] is None and by_label["待认定"][3].startswith("金额待核定")  # never 0
    else:
        assert Decimal(str(by_label["待认定"][1])) == Decimal(pending["total"])
    for key, label in (("relief", "减免·抵扣·递延：减免"), ("deduction", "减免·抵扣·递延：抵扣（税前扣除额）"),
                       ("deferral", "减免·抵扣·递延：递延（缓缴）")):
        assert Decimal(str(by_label[label][1])) == Decimal(totals[key]["total"])
        assert by_label[label][2] == totals[key]["benefits"]
    assert by_label["金额未量化"][1] is None  # no money: empty, never 0
    # each result says which kind it was counted as
    results = list(book["体检结果"].iter_rows(values_only=True))
    assert results[0][4] == "计入类别"
    counted = {r["measure_id"]: r["counted_as"] for r in report["results"]}
    labels = {"certain": "确定可得", "up_to": "最高可达", "pending": "待认定", "unquantified": "金额未量化"}
    for row in results[1:]:
        if counted[row[-1]] in labels:
            assert row[4] == labels[counted[row[-1]]]
        elif counted[row[-1]] is None:
            assert row[4] in (None, "")


def test_pdf_and_page_show_the_split_with_chinese_labels(report, clients):
    response = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup.pdf")
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = "".join((page.extract_text() or "") for page in pdf.pages).replace(" ", "").replace("\n", "")
    for row in totals_rows(report["summary"]["totals"]):  # the same lines as the page and the CLI
        assert f"{row['label']}{row['text']}".replace(" ", "") in text, row
    page = clients["ent_a"].get(f"/enterprises/{USCC_A}").text
    for label in ("确定可得", "最高可达", "减免·抵扣·递延", "待认定"):
        assert label in page, label
