"""The web platform on PostgreSQL: the real app (uvicorn) over a PostgreSQL store, in a schema of
its own (tests/conftest.py ``postgres_module_url``), through every role's main path: log in,
search, open a document, import enterprises (XLSX), checkup, edit a fact, batch job, push lists,
what-if, XLSX exports read back with openpyxl.

Runs with ``-m postgres`` and ZHIDA_TEST_DATABASE_URL (see the Makefile's ``make test``).
"""

from __future__ import annotations

import datetime as dt
import io
import time
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from zhida.batch.tables import BatchMeasureTotal, BatchRun
from zhida.enterprises.generate import generate, store_population
from zhida.web.app import create_app

from .imports import finished_import
from .conftest import ACCOUNTS, USCC_A, make_uscc, prepare, serve
from .test_checkup_import import xlsx_bytes

pytestmark = pytest.mark.postgres

AS_OF = dt.date(2022, 12, 31)
IMPORTED = make_uscc("91110105MA0PGTE8T")
BAD_CHECK = IMPORTED[:17] + ("0" if IMPORTED[17] != "0" else "1")
MEASURE = "bj2022.sme-equipment-deduction"


@pytest.fixture(scope="module")
def pg(postgres_module_url, tmp_path_factory):
    app = create_app(postgres_module_url, secret=b"test-secret-" * 4)
    assert app.state.store.dialect == "postgresql"
    app.state.as_of = AS_OF
    app.state.jobs.out_dir = tmp_path_factory.mktemp("pg-batches")
    prepare(app)
    stored, _ = store_population(generate(400, 17, AS_OF), app.state.store)
    assert stored == 400
    with serve(app) as server:
        clients = {name: server.login(name) for name in ACCOUNTS}
        yield server, clients
        for client in clients.values():
            client.close()


@pytest.fixture(scope="module")
def imported(pg):
    _, clients = pg
    content = xlsx_bytes([["统一社会信用代码", "企业名称", "所属区", "行业代码", "年度", "从业人员", "营业收入(万元)"],
                    [USCC_A, "北京朝阳博远精密机械有限公司", "朝阳区", "C3511", 2021, 80, 6500],
                    [IMPORTED, "北京朝阳导入测试有限公司", "朝阳区", "C3911", 2021, 12, 350],
                    [BAD_CHECK, "校验位错误公司", "朝阳区", "C3911", 2021, 5, 10]])
    response = clients["admin"].post("/api/v1/enterprises/import", files={"file": ("企业.xlsx", content)})
    job = finished_import(clients["admin"], response)
    assert job["status"] == "completed", job
    return job["summary"]


@pytest.fixture(scope="module")
def batch(pg, imported):
    server, clients = pg
    started = clients["staff"].post("/api/v1/jobs/batch", json={})
    assert started.status_code == 202, started.text
    job = started.json()
    deadline = time.monotonic() + 300
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.3)
        job = clients["staff"].get(f"/api/v1/jobs/{job['id']}").json()
    assert job["status"] == "completed", job
    return job


def test_every_role_logs_in(pg):
    _, clients = pg
    for name, scope in ACCOUNTS.items():
        me = clients[name].get("/api/v1/auth/me")
        assert me.status_code == 200, me.text
        assert me.json()["username"] == name and me.json()["role"] == scope["role"]
        assert clients[name].get("/").status_code in (200, 303)


def test_search_and_open_a_document(pg):
    _, clients = pg
    found = clients["ent_a"].get("/api/v1/search", params={"q": "专精特新 贷款"}).json()
    keys = {(hit["document"][:3], hit["clause_id"]) for hit in found["items"]}
    assert ("004", "3.7") in keys  # traditional-script 專精特新貸 found from simplified input, on PostgreSQL too
    doc = clients["staff"].get(f"/api/v1/documents/{found['items'][0]['document']}")
    assert doc.status_code == 200 and doc.json()["clauses"]
    assert clients["ent_a"].get("/api/v1/documents/000").json()["metadata"]["doc_number"] == "京政办发〔2022〕18号"
    clause = clients["staff"].get("/api/v1/documents/003/clauses/4.46")
    assert clause.status_code == 200
    page = clients["ent_a"].get("/policies/search", params={"q": "专精特新 贷款"})
    assert page.status_code == 200 and "专精特新" in page.text


def test_import_stores_valid_rows_and_rejects_the_rest(pg, imported):
    _, clients = pg
    assert (imported["rows_read"], imported["stored"], imported["rejected_rows"]) == (3, 2, 1)
    stored = clients["admin"].get(f"/api/v1/enterprises/{IMPORTED}").json()
    assert stored["profile"]["figures"]["2021"]["revenue"] == "3500000.00"
    rejects = clients["admin"].get(f"/api/v1/enterprises/imports/{imported['import_id']}/rejects")
    assert rejects.status_code == 200 and BAD_CHECK in rejects.content.decode("utf-8-sig")


def test_checkup_fact_edit_and_xlsx_export(pg, imported):
    _, clients = pg
    own = clients["ent_a"].get(f"/api/v1/enterprises/{USCC_A}/checkup")
    assert own.status_code == 200, own.text
    assert clients["ent_a"].get(f"/api/v1/enterprises/{IMPORTED}/checkup").status_code in (403, 404)
    admin = clients["admin"]
    before = admin.get(f"/api/v1/enterprises/{IMPORTED}/checkup").json()
    edit = admin.patch(f"/api/v1/enterprises/{IMPORTED}/facts", json={"fact": "epidemic_control_commitment",
                                                                      "value": "是"})
    assert edit.status_code == 200, edit.text
    after = admin.get(f"/api/v1/enterprises/{IMPORTED}/checkup").json()
    assert after["results"] != before["results"]  # re-checked with the new fact
    audit = admin.get("/api/v1/audit", params={"entity": "enterprise", "entity_id": IMPORTED}).json()["items"]
    assert audit[0]["action"] == "supply_fact" and audit[0]["after"]["other_facts"]["epidemic_control_commitment"]
    bad = admin.patch(f"/api/v1/enterprises/{IMPORTED}/facts", json={"fact": "employees", "value": "很多"})
    assert bad.status_code == 422
    book = load_workbook(io.BytesIO(admin.get(f"/api/v1/enterprises/{IMPORTED}/checkup.xlsx").content))
    profile = {row[0]: row[1] for row in book["企业画像"].iter_rows(min_row=2, values_only=True)}
    assert profile["统一社会信用代码"] == IMPORTED
    rows = list(book["体检结果"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(after["results"])
    page = admin.get(f"/enterprises/{IMPORTED}")
    assert page.status_code == 200 and IMPORTED in page.text


def test_batch_job_is_recorded_in_postgresql(pg, batch):
    server, clients = pg
    city = clients["admin"].get(f"/api/v1/jobs/{batch['id']}").json()["summary"]
    assert city["enterprises"] == 402 and city["eligible_pairs"] > 0
    results = clients["admin"].get(f"/api/v1/jobs/{batch['id']}/results").json()
    assert results["enterprises"] == 402
    assert sum(m["eligible"] for m in results["measures"]) == city["eligible_pairs"]
    # The 朝阳区 staff user who started it sees their district's counts (issue 10 #7).
    district = clients["staff"].get(f"/api/v1/jobs/{batch['id']}/results").json()
    assert 0 < district["enterprises"] == batch["summary"]["enterprises"] < 402
    with server.app.state.store.sessions() as session:
        run = session.scalars(select(BatchRun).where(BatchRun.run_key == batch["summary"]["run"])).one()
        totals = dict(session.execute(select(BatchMeasureTotal.measure_id, BatchMeasureTotal.eligible)
                                      .where(BatchMeasureTotal.run_id == run.id)).all())
    assert run.status == "complete" and run.input == "store" and run.enterprises == 402
    assert totals == {m["measure_id"]: m["eligible"] for m in results["measures"]}


def test_push_lists_scoped_and_exported(pg, batch):
    _, clients = pg
    staff = clients["staff"].get("/api/v1/push", params={"limit": 10000}).json()
    listed = [e for g in staff["groups"] for m in g["measures"] for e in m["enterprises"]]
    assert listed and {e["region"] for e in listed} == {"朝阳区"}
    response = clients["staff"].get("/api/v1/push/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["推送名单"].iter_rows(min_row=2, values_only=True))
    expected = {(m["measure_id"], e["uscc"]): e["amount"] for g in staff["groups"] for m in g["measures"]
                for e in m["enterprises"]}
    assert {(r[0], r[3]) for r in rows} == set(expected)  # 措施编号, 统一社会信用代码
    for row in rows:  # the amount sits in the column of its kind (确定可得 / 最高可达 / 减免·抵扣·递延 / 待认定)
        amount, cells = expected[(row[0], row[3])], [c for c in row[7:11] if c is not None]
        assert not cells if amount is None else \
            [Decimal(str(c)).quantize(Decimal("0.01")) for c in cells] == [Decimal(amount)]
    assert clients["ent_a"].get("/api/v1/push").status_code == 403
    page = clients["staff"].get("/push", params={"industry": "C"})
    assert page.status_code == 200


def test_what_if_on_postgresql(pg, batch):
    _, clients = pg
    params = clients["admin"].get("/api/v1/simulations/parameters", params={"measure": MEASURE}).json()
    threshold = next(p["id"] for p in params if p["id"].startswith("conditions.unit_value_over_5m."))
    result = clients["admin"].post("/api/v1/simulations", json={"measure": MEASURE, "parameter": threshold,
                                                                "value": "100000"})
    assert result.status_code == 200, result.text
    totals = result.json()["totals"]
    assert totals["reform_count"] > totals["baseline_count"]
    assert result.json()["gainers"]["count"] == totals["reform_count"] - totals["baseline_count"]
    # staff: a measure of their unit, over their district's enterprises only
    own = clients["staff"].get("/api/v1/simulations/measures").json()[0]["id"]
    first = clients["staff"].get("/api/v1/simulations/parameters", params={"measure": own}).json()[0]
    staff = clients["staff"].post("/api/v1/simulations", json={"measure": own, "parameter": first["id"],
                                                               "value": first["value"]})
    assert staff.status_code == 200, staff.text
    assert {c["key"] for c in staff.json()["by_district"]} <= {"朝阳区"}
    assert 0 < staff.json()["enterprises"] < result.json()["enterprises"]
    assert staff.json()["gainers"]["count"] == staff.json()["losers"]["count"] == 0  # the same value: no change
    page = clients["admin"].post("/simulations/run", data={"measure": MEASURE, "parameter": threshold,
                                                           "value": "100000",
                                                           "csrf_token": clients["admin"].headers["X-CSRF-Token"]},
                                 headers={"HX-Request": "true"})
    assert page.status_code == 200 and 'id="chart-district"' in page.text
