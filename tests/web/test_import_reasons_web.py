"""The web import says every reason in Chinese: the rejects report downloaded after an upload with
one bad row per kind of reason, the page's preview of it, and a file refused whole (at upload, or
when the job reads it) as "文件 NAME 无法导入：…"."""

from __future__ import annotations

import csv
import io

import lxml.html

from enterprises.reason_cases import ENGLISH, cases, check_report, code, csv_text, row

from .imports import finished_import

BASE = 73_000_000  # enterprise numbers no other test of the shared server uses


def test_the_rejects_report_of_an_upload_gives_each_reason_in_chinese(server, clients):
    admin = clients["admin"]
    earlier = finished_import(admin, admin.post("/api/v1/enterprises/import", files={
        "file": ("先导入.csv", csv_text([row(900, BASE)]).encode("utf-8"))}))
    assert earlier["status"] == "completed" and earlier["summary"]["stored"] == 1
    rows, expected = cases(32_768, stored_code=code(BASE + 900), base=BASE)  # 32,767: the default cell limit
    job = finished_import(admin, admin.post("/api/v1/enterprises/import",
                                            files={"file": ("每种原因一行.csv", csv_text(rows).encode("utf-8"))}))
    assert job["status"] == "completed", job
    assert (job["summary"]["stored"], job["summary"]["rejected_rows"]) == (1, len(rows) - 1)
    report = admin.get(f"/api/v1/enterprises/imports/{job['summary']['import_id']}/rejects")
    assert report.status_code == 200
    report_rows = list(csv.DictReader(io.StringIO(report.content.decode("utf-8-sig"))))
    check_report(report_rows, expected,
                 f"统一社会信用代码已在库中（导入记录 #{earlier['summary']['import_id']}、第 2 行），未重复导入")

    page = lxml.html.fromstring(admin.get(f"/enterprises/import-jobs/{job['id']}/progress",
                                          headers={"HX-Request": "true"}).text)
    shown = [[td.text_content().strip() for td in tr.xpath("td")]
             for tr in page.xpath("//table[@id='import-rejects']/tbody/tr")]
    first = report_rows[:len(shown)]
    assert shown and [s[3] for s in shown] == [r["reason"] for r in first]  # the preview shows the same lines
    assert not [s for s in shown if ENGLISH.search(s[3])]


def test_a_file_refused_whole_says_why_in_chinese(server, clients):
    admin = clients["admin"]
    refused = admin.post("/api/v1/enterprises/import", files={"file": ("坏表.xlsx", b"PK\x03\x04 not a workbook")})
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == "文件 坏表.xlsx 无法导入：不是有效的 XLSX 工作簿（文件损坏或并非 Excel 文件）"
    header = "统一社会信用代码,企业名称,所在区,行业代码,营业收入(万美元)\n"
    failed = finished_import(admin, admin.post("/api/v1/enterprises/import",
                                               files={"file": ("单位.csv", header.encode("utf-8"))}))
    assert failed["status"] == "failed"
    assert failed["error"] == ("文件 单位.csv 无法导入：列“营业收入(万美元)”的金额单位“万美元”无法识别"
                               "（可用：元、千元、万元、百万元、亿元）")


def test_an_absurd_number_is_a_rejected_row_not_a_stored_value(server, clients):
    # found by the examiner's walk: 1e400 or 10^20 was stored, and then the enterprise's pages
    # failed when reading it (a 500 on every visit)
    admin = clients["admin"]
    rows = [row(1, BASE + 5000, **{"营业收入(万元)": "1e400"}), row(2, BASE + 5000, **{"从业人员": "99999999999999999999"}),
            row(3, BASE + 5000, **{"从业人员": "120"})]
    job = finished_import(admin, admin.post("/api/v1/enterprises/import",
                                            files={"file": ("过大.csv", csv_text(rows).encode("utf-8"))}))
    assert job["status"] == "completed", job
    assert (job["summary"]["stored"], job["summary"]["rejected_rows"]) == (1, 2)
    report = admin.get(f"/api/v1/enterprises/imports/{job['summary']['import_id']}/rejects")
    reasons = [r["reason"] for r in csv.DictReader(io.StringIO(report.content.decode("utf-8-sig")))]
    assert len(reasons) == 2 and all("数值过大，超出可处理的范围" in r for r in reasons), reasons
    assert admin.get(f"/enterprises/{code(BASE + 5003)}").status_code == 200
    assert admin.get(f"/enterprises/{code(BASE + 5001)}").status_code == 404
