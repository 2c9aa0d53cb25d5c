"""Batch jobs (asynchronous, with progress) and 精准推送: lists per measure filtered by district
and industry, grouped by responsible unit, scoped for staff, exported to XLSX (read back)."""

from __future__ import annotations

import io
import time
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from .enterprise_seed import seed
from .xlsx_checks import check_workbook


@pytest.fixture(scope="module")
def batch(server, clients, tmp_path_factory):
    seed(server.app)
    server.app.state.jobs.out_dir = tmp_path_factory.mktemp("batches")
    started = clients["admin"].post("/api/v1/jobs/batch", json={})
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["status"] in ("queued", "running", "completed")
    seen_progress = set()
    deadline = time.monotonic() + 240
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.5)
        job = clients["admin"].get(f"/api/v1/jobs/{job['id']}").json()
        seen_progress.add(job["done"])
    assert job["status"] == "completed", job
    assert job["done"] == job["total"] == job["summary"]["enterprises"]  # progress counts enterprises
    return job


def test_batch_job_runs_in_the_background_and_reports_results(batch, clients, server):
    assert batch["summary"]["enterprises"] >= 300 and batch["summary"]["eligible_pairs"] > 0
    results = clients["admin"].get(f"/api/v1/jobs/{batch['id']}/results").json()
    assert results["enterprises"] == batch["summary"]["enterprises"]
    assert sum(m["eligible"] for m in results["measures"]) == batch["summary"]["eligible_pairs"]
    parquet = server.app.state.jobs.latest.parquet
    assert parquet.is_file() and not parquet.with_name(parquet.name + ".part").exists()
    assert clients["admin"].get("/api/v1/jobs/nope").status_code == 404
    assert clients["ent_a"].post("/api/v1/jobs/batch", json={}).status_code == 403


def test_push_lists_group_by_unit_and_filter_by_district_and_industry(batch, clients, server):
    everything = clients["admin"].get("/api/v1/push", params={"limit": 10000}).json()
    assert everything["as_of"] == "2022-12-31" and everything["groups"]
    regions = _regions(server)
    for group in everything["groups"]:
        for measure in group["measures"]:
            assert group["unit"] in measure["units"] or not measure["units"]
            assert measure["count"] == len(measure["enterprises"])
    chaoyang = clients["admin"].get("/api/v1/push", params={"region": "朝阳区", "limit": 10000}).json()
    listed = [e for g in chaoyang["groups"] for m in g["measures"] for e in m["enterprises"]]
    assert listed and {e["region"] for e in listed} == {"朝阳区"}
    assert all(regions[e["uscc"]] == "110105" for e in listed)
    manufacturing = clients["admin"].get("/api/v1/push", params={"industry": "C", "limit": 10000}).json()
    assert all(e["industry"].startswith("C") for g in manufacturing["groups"] for m in g["measures"]
               for e in m["enterprises"])


def _regions(server) -> dict[str, str]:
    from sqlalchemy import select

    from zhida.enterprises.tables import Enterprise

    with server.app.state.store.sessions() as session:
        return dict(session.execute(select(Enterprise.uscc, Enterprise.region_code)).all())


def pairs(lists, unit=None):
    return {(m["measure_id"], e["uscc"]) for g in lists["groups"] for m in g["measures"] for e in m["enterprises"]
            if unit is None or unit in m["units"]}


def test_staff_see_their_units_and_region_only(batch, clients):
    # staff: 市经济和信息化局 in 朝阳区 — exactly the admin's 朝阳区 lists of that unit's measures
    staff = clients["staff"].get("/api/v1/push", params={"limit": 10000}).json()
    admin_chaoyang = clients["admin"].get("/api/v1/push", params={"region": "朝阳区", "limit": 10000}).json()
    assert pairs(staff) == pairs(admin_chaoyang, unit="市经济和信息化局")
    assert {e["region"] for g in staff["groups"] for m in g["measures"] for e in m["enterprises"]} <= {"朝阳区"}
    assert clients["staff"].get("/api/v1/push", params={"region": "海淀区"}).json()["groups"] == []
    # staff_units: 市财政局 with no region — that unit's measures, every district
    finance = clients["staff_units"].get("/api/v1/push", params={"limit": 10000}).json()
    admin_all = clients["admin"].get("/api/v1/push", params={"limit": 10000}).json()
    assert pairs(finance) and pairs(finance) == pairs(admin_all, unit="市财政局")
    assert len({e["region"] for g in finance["groups"] for m in g["measures"] for e in m["enterprises"]}) > 1
    assert clients["ent_a"].get("/api/v1/push").status_code == 403
    assert clients["ent_a"].get("/push").status_code == 403


def test_push_list_xlsx_reads_back(batch, clients):
    lists = clients["admin"].get("/api/v1/push", params={"region": "朝阳区", "limit": 10000}).json()
    expected = {(m["measure_id"], e["uscc"]): e for g in lists["groups"] for m in g["measures"] for e in m["enterprises"]}
    response = clients["admin"].get("/api/v1/push/export.xlsx", params={"region": "朝阳区"})
    assert response.status_code == 200
    check_workbook(response.content, date_labels=("评估日",))  # Chinese headers, money formats, dates
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "推送名单", "筛选条件"]
    rows = list(book["推送名单"].iter_rows(min_row=2, values_only=True))
    assert {(r[1], r[3]) for r in rows} == set(expected)
    for unit, measure_id, _title, uscc, name, region, _industry, amount, _text in rows:
        e = expected[(measure_id, uscc)]
        assert region == "朝阳区" and name == e["name"]
        if e["amount"] is None:
            assert amount is None
        else:
            assert Decimal(str(amount)).quantize(Decimal("0.01")) == Decimal(e["amount"])
    page = clients["admin"].get("/push", params={"region": "朝阳区"})
    assert page.status_code == 200 and "push-table" in page.text
