"""The import page: a downloadable XLSX template with the period columns (read back, and it
imports), results in view — rows stored / rejected with their reasons beside the rejects CSV —
and honest words when an upload stored nothing (every row rejected, or the same file again)."""

from __future__ import annotations

import io

import lxml.html
from openpyxl import load_workbook

from zhida.enterprises.import_template import EXAMPLE, HEADERS

from .conftest import make_uscc
from .imports import finished_import
from .test_checkup_import import xlsx_bytes

GOOD = make_uscc("91110105MA0TMP001")
BAD = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")  # a wrong check character


def test_template_downloads_with_period_columns_and_imports(server, clients):
    response = clients["staff_units"].get("/enterprises/import-template.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["企业", "填写说明"]
    header = [c.value for c in book["企业"][1]]
    assert header == HEADERS and "营业收入(万元)_2021" in header and "适用3%征收率的应税销售收入(万元)_2022Q2" in header
    assert [c.value for c in book["企业"][2]] == EXAMPLE  # text cells: codes keep their form
    assert any("万元" in (row[1].value or "") for row in book["填写说明"].iter_rows(min_row=2))
    page = lxml.html.fromstring(clients["admin"].get("/enterprises").text)
    assert page.get_element_by_id("import-template").get("href") == "/enterprises/import-template.xlsx"
    job = finished_import(clients["admin"], clients["admin"].post(
        "/api/v1/enterprises/import", files={"file": ("模板.xlsx", response.content)}))
    assert job["status"] == "completed" and job["summary"]["rows_read"] == 1 and job["summary"]["rejected_rows"] == 0
    assert clients["ent_a"].get("/enterprises/import-template.xlsx").status_code == 403


def test_an_upload_that_stores_nothing_says_so_with_reasons(server, clients):
    admin = clients["admin"]
    content = xlsx_bytes([["统一社会信用代码", "企业名称", "所属区县", "行业代码"],
                     [BAD, "校验位错误公司", "朝阳区", "C3911"], ["", "没有代码的公司", "朝阳区", "C3911"]])
    job = finished_import(admin, admin.post("/api/v1/enterprises/import", files={"file": ("全部拒收.xlsx", content)}))
    assert job["status"] == "completed" and job["summary"]["stored"] == 0 and job["summary"]["rejected_rows"] == 2
    page = lxml.html.fromstring(admin.get(f"/enterprises/import-jobs/{job['id']}/progress",
                                          headers={"HX-Request": "true"}).text)
    result = page.get_element_by_id("import-result").text_content()
    assert "未入库任何企业" in result and "全部拒收" in result
    rows = page.xpath("//table[@id='import-rejects']/tbody/tr")
    assert [r.xpath("td")[0].text_content() for r in rows] == ["2", "3"]
    assert "统一社会信用代码" in rows[0].xpath("td")[1].text_content() and rows[0].xpath("td")[3].text_content()
    link = page.get_element_by_id("import-rejects-link").get("href")
    assert admin.get(link).status_code == 200
    # the page says how the user's last upload went, also when they come back later
    later = lxml.html.fromstring(admin.get("/enterprises").text)
    assert "未入库任何企业" in later.get_element_by_id("import-result").text_content()

    again = finished_import(admin, admin.post("/api/v1/enterprises/import", files={"file": ("全部拒收.xlsx", content)}))
    assert again["summary"]["already_imported"]
    page = admin.get(f"/enterprises/import-jobs/{again['id']}/progress", headers={"HX-Request": "true"}).text
    assert "本次未入库任何企业" in page and "此前已完整导入" in page
