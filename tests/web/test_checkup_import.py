"""Enterprise import through the UI and the API: valid rows stored, rejects downloadable with
their reasons, a malformed XLSX refused with a clear message and nothing stored."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import Workbook
from sqlalchemy import func, select

from zhida.enterprises.tables import Enterprise, EnterpriseImport

from .conftest import make_uscc
from .imports import finished_import
from .enterprise_seed import seed

GOOD = make_uscc("91110105MA0ABC123")
BAD_CHECK = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")


def counts(app):
    with app.state.store.sessions() as session:
        return (session.scalar(select(func.count(Enterprise.id))),
                session.scalar(select(func.count(EnterpriseImport.id))))


def xlsx_bytes(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_api_import_stores_valid_rows_and_reports_rejects(server, clients):
    seed(server.app)
    before, _ = counts(server.app)
    content = xlsx_bytes([["统一社会信用代码", "企业名称", "所属区", "行业代码", "年度", "从业人员", "营业收入(万元)"],
                          [GOOD, "北京朝阳导入测试有限公司", "朝阳区", "C3911", 2021, 12, 350],
                          [BAD_CHECK, "校验位错误公司", "朝阳区", "C3911", 2021, 5, 10]])
    response = clients["admin"].post("/api/v1/enterprises/import", files={"file": ("企业.xlsx", content)})
    job = finished_import(clients["admin"], response)
    assert job["status"] == "completed", job
    summary = job["summary"]
    assert (summary["rows_read"], summary["stored"], summary["rejected_rows"]) == (2, 1, 1)
    assert counts(server.app)[0] == before + 1
    stored = clients["admin"].get(f"/api/v1/enterprises/{GOOD}").json()
    assert stored["profile"]["figures"]["2021"]["revenue"] == "3500000.00"  # 350万元, converted exactly
    rejects = clients["admin"].get(f"/api/v1/enterprises/imports/{summary['import_id']}/rejects")
    assert rejects.status_code == 200
    rows = list(csv.reader(io.StringIO(rejects.content.decode("utf-8-sig"))))
    assert rows[0] == ["row", "field", "value", "reason"]
    assert rows[1][0] == "3" and rows[1][1] == "统一社会信用代码" and rows[1][2] == BAD_CHECK
    audit = clients["admin"].get("/api/v1/audit", params={"entity": "enterprise_import"}).json()["items"][0]
    assert audit["after"]["stored"] == 1


def test_malformed_xlsx_is_refused_clearly_and_stores_nothing(server, clients):
    seed(server.app)
    before = counts(server.app)
    response = clients["admin"].post("/api/v1/enterprises/import",
                                     files={"file": ("broken.xlsx", b"PK\x03\x04 this is not a workbook")})
    assert response.status_code == 422
    assert "不是有效的 XLSX 工作簿" in response.json()["error"]["message"]
    assert counts(server.app) == before
    wrong_type = clients["admin"].post("/api/v1/enterprises/import", files={"file": ("data.pdf", b"{}")})
    assert wrong_type.status_code == 422 and ".xlsx" in wrong_type.json()["error"]["message"]
    page = clients["admin"].post("/enterprises/import", files={"file": ("broken.xlsx", b"not a zip")},
                                 data={"csrf_token": clients["admin"].headers["X-CSRF-Token"]})
    assert page.status_code == 422 and 'id="import-error"' in page.text and "不是有效的 XLSX 工作簿" in page.text
    assert counts(server.app) == before


def test_enterprise_users_cannot_import(server, clients):
    response = clients["ent_a"].post("/api/v1/enterprises/import", files={"file": ("a.csv", b"uscc\n")})
    assert response.status_code == 403


def test_api_import_reads_json_profiles_in_the_background(server, clients):
    import json
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "docs/examples/profiles/chaoyang_service_micro_rent.json"
    profile = json.loads(example.read_text(encoding="utf-8"))
    lines = []
    for body in ("91110105MA0JXN012", "91110105MA0JXN020"):
        lines.append(json.dumps({**profile, "uscc": make_uscc(body)}, ensure_ascii=False))
    lines.append('{"uscc": "not a code"}')
    response = clients["admin"].post("/api/v1/enterprises/import",
                                     files={"file": ("画像.jsonl", "\n".join(lines).encode("utf-8"))})
    job = finished_import(clients["admin"], response)
    assert job["status"] == "completed", job
    assert (job["summary"]["rows_read"], job["summary"]["stored"], job["summary"]["rejected_rows"]) == (3, 2, 1)
    assert clients["admin"].get(f"/api/v1/enterprises/{make_uscc('91110105MA0JXN012')}").status_code == 200


def test_a_zip_bomb_is_refused_at_once_and_an_overlong_cell_fails_its_job_in_chinese(server, clients):
    header = ["统一社会信用代码", "企业名称", "所属区", "行业代码", "年度", "从业人员", "营业收入(万元)"]
    before = counts(server.app)
    buffer = io.BytesIO()  # an 80 MB cell in a ~100 KB file, like the probe's
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", "<sst><si><t>" + "A" * 80_000_000 + "</t></si></sst>")
    bomb = buffer.getvalue()
    assert len(bomb) < 200_000
    refused = clients["admin"].post("/api/v1/enterprises/import", files={"file": ("bomb.xlsx", bomb)})
    assert refused.status_code == 422 and "压缩炸弹" in refused.json()["error"]["message"]
    long_cell = xlsx_bytes([header, [GOOD, "长" * 40_000, "朝阳区", "C3911", 2021, 12, 350]])
    job = finished_import(clients["admin"], clients["admin"].post("/api/v1/enterprises/import",
                                                                  files={"file": ("long.xlsx", long_cell)}))
    assert job["status"] == "failed" and "单元格内容过长" in job["error"] and job["error"].startswith("文件 long.xlsx")
    assert "SQL" not in job["error"] and "Traceback" not in job["error"]
    assert counts(server.app)[0] == before[0]
