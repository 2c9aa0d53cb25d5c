"""政策兑现申请 over HTTP: the API walk from a checkup result to 已兑现 (with the clock injected),
the refusals as HTTP answers (403 / 409 / 422 in Chinese), row-level visibility, attachments checked
by content, the OpenAPI document, and the exports read back (XLSX with openpyxl, the monthly PDF
with pdfplumber)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pdfplumber
import pytest

from zhida.payouts.applications import service

from .application_seed import MEASURE, applicant
from .xlsx_checks import check_workbook

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(scope="module")
def people(server):
    applicant(server.app, "xz_api", "91140902MA0AP7X10", "接口",
              gxj_api={"units": ["市工信局"]}, czj_api={"units": ["市财政局"]})
    made = {name: server.login(name) for name in ("xz_api", "gxj_api", "czj_api", "ent_a", "staff", "admin")}
    yield made
    for client in made.values():
        client.close()


def step(client, application, transition, **body):
    response = client.post(f"/api/v1/applications/{application['id']}/transitions",
                           json={"transition": transition, "expected_version": application["version"], **body})
    return response


def test_from_checkup_to_paid_over_the_api(server, people):
    ent, reviewer, payer = people["xz_api"], people["gxj_api"], people["czj_api"]
    created = ent.post("/api/v1/applications", json={"measure_id": MEASURE})
    assert created.status_code == 201, created.text
    a = created.json()
    assert a["state"] == "draft" and a["rule_amount"] == "280000.00" and a["unit"] == "市工信局"
    assert a["level"] == "市级" and a["payer_unit"] == "市财政局"
    assert any(f["label"] for f in a["used_facts"])
    again = ent.post("/api/v1/applications", json={"measure_id": MEASURE})
    assert again.status_code == 422 and "在办理中" in again.json()["error"]["message"]

    refused = step(ent, a, "submit")
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "declaration"
    for item in a["materials"]:
        up = ent.post(f"/api/v1/applications/{a['id']}/attachments", data={"material": item["name"]},
                      files={"file": ("材料.pdf", PDF, "application/pdf")})
        assert up.status_code == 201, up.text
        assert up.json()["kind"] == "pdf"
    fake = ent.post(f"/api/v1/applications/{a['id']}/attachments", data={"material": a["materials"][0]["name"]},
                    files={"file": ("照片.png", b"<html>not an image</html>", "image/png")})
    assert fake.status_code == 422 and "不是可接受的文件类型" in fake.json()["error"]["message"]
    a = ent.patch(f"/api/v1/applications/{a['id']}", json={"declared": True}).json()
    a = step(ent, a, "submit").json()
    assert a["state"] == "submitted" and a["due_day"]

    assert step(payer, a, "accept").status_code == 403  # not the routed unit
    assert people["staff"].get(f"/api/v1/applications/{a['id']}").status_code == 404  # another unit: not seen
    assert people["ent_a"].get(f"/api/v1/applications/{a['id']}").status_code == 404
    a = step(reviewer, a, "accept").json()
    # the answer to a transition is lean: the new state, version and what this account may do next
    assert a["state"] == "reviewing" and a["state_label"] == "审核中" and a["due_day"]
    assert {x["name"] for x in a["actions"]} >= {"approve", "request_correction", "refuse"}
    assert "steps" not in a and "used_facts" not in a and "files" not in a
    # found by the examiner's walk: a 补正期限 of 9999-12-31 overflowed its close instant (500)
    far = step(reviewer, a, "request_correction", deadline="9999-12-31")
    assert far.status_code == 422 and far.json()["error"]["field"] == "deadline"
    assert far.json()["error"]["message"] == "补正期限 9999-12-31 超出支持范围（1949-10-01 至 2100-12-31）"
    assert reviewer.get(f"/api/v1/applications/{a['id']}").json()["version"] == a["version"]  # nothing changed
    stale = step(reviewer, {**a, "version": a["version"] - 1}, "approve")
    assert stale.status_code == 409
    more = step(reviewer, a, "approve", amount="280000.01")
    assert more.status_code == 422
    assert more.json()["error"]["message"] == "核准金额 28.00 万元 超过政策规则按冻结信息算出的 28.00 万元，不能多于规则"
    a = step(reviewer, a, "approve", amount="250000", reason="发票金额核减").json()
    assert a["approved_amount"] == "250000.00" and a["state"] == "approved"
    a = step(reviewer, a, "publish").json()
    assert a["state"] == "publicity"
    with server.app.state.store.transaction() as session:  # the clock, injected: a month later
        service.tick(session, datetime.now(UTC) + timedelta(days=30))
    a = payer.get(f"/api/v1/applications/{a['id']}").json()
    assert a["state"] == "paying" and [x["name"] for x in a["actions"]] == ["pay"]
    a = step(payer, a, "pay", reference="忻财拨〔2026〕1号").json()
    seen = ent.get(f"/api/v1/applications/{a['id']}").json()
    assert seen["state_label"] == "已兑现" and seen["paid_at"] and seen["approved_amount"] == "250000.00"
    assert [s["label"] for s in seen["steps"]] == ["创建申请", "提交申请", "受理", "审核通过", "开始公示", "公示期满",
                                                    "拨付到账"]

    listed = reviewer.get("/api/v1/applications", params={"measure_id": MEASURE}).json()
    assert listed["total"] >= 1 and listed["items"][0]["measure_id"] == MEASURE
    assert people["ent_a"].get("/api/v1/applications").json()["total"] == 0
    figures = reviewer.get("/api/v1/applications/figures").json()
    assert any(f["measure_id"] == MEASURE and f["by_state"].get("paid") for f in figures)
    assert ent.get("/api/v1/applications/figures").status_code == 403

    export = reviewer.get("/api/v1/applications/export.xlsx", params={"measure_id": MEASURE})
    assert export.status_code == 200
    sheets = check_workbook(export.content)
    rows = sheets["申请清单"]
    assert rows[0][0] == "申请编号" and any(r[0] == a["id"] and r[6] == "已兑现" and r[11] == 250000 for r in rows[1:])

    month = datetime.now(UTC).strftime("%Y-%m")
    report = people["admin"].get("/api/v1/applications/report.xlsx", params={"month": month})
    assert report.status_code == 200
    (lines,) = check_workbook(report.content).values()
    line = next(r for r in lines[1:] if r[2] == "市工信局")
    assert line[3] >= 1 and line[7] >= 1 and line[8] >= 250000
    pdf = people["admin"].get("/api/v1/applications/report.pdf", params={"month": month})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        page = document.pages[0]
        assert abs(page.width - 841.89) < 1 and abs(page.height - 595.28) < 1  # A4 landscape
        text = page.extract_text()
    assert "政策兑现月报" in text and "市工信局" in text and "第 1 页，共 1 页" in text
    assert people["admin"].get("/api/v1/applications/report.xlsx", params={"month": "2026-13"}).status_code == 422


def test_openapi_documents_the_applications_api(server, people):
    paths = people["admin"].get("/api/openapi.json").json()["paths"]
    for path in ("/api/v1/applications", "/api/v1/applications/{application_id}",
                 "/api/v1/applications/{application_id}/transitions", "/api/v1/applications/{application_id}/attachments",
                 "/api/v1/applications/export.xlsx", "/api/v1/applications/report.pdf"):
        assert path in paths, path


def test_pages_show_the_queue_and_the_application(server, people):
    reviewer, ent = people["gxj_api"], people["xz_api"]
    page = reviewer.get("/applications")
    assert page.status_code == 200 and "按政策措施" in page.text and "首台套" in page.text
    listed = ent.get("/api/v1/applications").json()["items"]
    detail = ent.get(f"/applications/{listed[0]['id']}")
    assert detail.status_code == 200 and "冻结的企业信息" in detail.text
    assert people["ent_a"].get(f"/applications/{listed[0]['id']}").status_code == 404
    preview = ent.get("/applications/new", params={"measure": MEASURE})
    assert preview.status_code == 200 and "28.00 万元" in preview.text


def test_the_queue_export_streams_its_chunks_in_order_with_exact_amounts_and_dates():
    from decimal import Decimal

    from zhida.payouts.applications.queries import MeasureFigures, Row
    from zhida.web.payouts.applications_reports import queue_xlsx

    at = datetime(2026, 6, 1, 2, tzinfo=UTC)

    def row(n, approved):
        return Row(n, "91140902MA0AP7X10", f"=企业{n}", MEASURE, "首台套", "市工信局", "市级", None, "paid", "已兑现", 7,
                   at, None, False, False, 3, Decimal("250000.00"), approved, at, at + timedelta(days=3))

    chunks = iter([[row(3, Decimal("123456789012.35")), row(2, None)], [], [row(1, Decimal("0.01"))]])
    figures = [MeasureFigures(MEASURE, "首台套", 3, {"paid": 3}, 0, Decimal("123456789012.36"), Decimal("0.01"), [])]
    sheets = check_workbook(queue_xlsx(chunks, figures))
    rows = sheets["申请清单"]
    assert [r[0] for r in rows[1:]] == [3, 2, 1]
    assert rows[1][1] == "'=企业3"  # user text never becomes a formula
    assert rows[1][11] == 123456789012.35 and rows[2][11] is None and rows[3][11] == 0.01  # unknown: empty, not 0
    assert rows[1][12].date().isoformat() == "2026-06-01" and rows[1][13].date().isoformat() == "2026-06-04"
    assert sheets["按政策汇总"][1][:2] == ["首台套", 3]


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "1948-12", "2101-01"])
@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
def test_a_month_off_the_calendar_is_a_chinese_422(people, month, kind):
    # found by the examiner's walk: 0001-01 and 9999-12 overflowed the calendar (500)
    response = people["admin"].get(f"/api/v1/applications/report.{kind}", params={"month": month})
    assert response.status_code == 422, response.text[:300]
    error = response.json()["error"]
    assert error["field"] == "month" and month in error["message"] and "超出支持范围" in error["message"]


def test_the_month_range_limits_themselves_are_answered(people):
    assert people["admin"].get("/api/v1/applications/report.xlsx", params={"month": "1949-01"}).status_code == 200
    assert people["admin"].get("/api/v1/applications/report.xlsx", params={"month": "2100-12"}).status_code == 200
