"""Batch jobs (asynchronous, with progress) and 精准推送: lists per measure filtered by district
and industry, grouped by responsible unit, scoped for staff, exported to XLSX (read back)."""

from __future__ import annotations

import io
import re
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
    units = {m["measure_id"]: m["units"] for g in lists["groups"] for m in g["measures"]}
    response = clients["admin"].get("/api/v1/push/export.xlsx", params={"region": "朝阳区"})
    assert response.status_code == 200
    check_workbook(response.content, date_labels=("评估日",))  # Chinese headers, money formats, dates
    disposition = response.headers["content-disposition"]
    assert "filename*=UTF-8''" in disposition and "%E6%8E%A8%E9%80%81%E5%90%8D%E5%8D%95" in disposition  # 推送名单
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "推送名单", "筛选条件"]
    header = [c.value for c in book["推送名单"][1]]
    assert header[7:11] == ["确定可得（元）", "最高可达（元）", "减免·抵扣·递延（元）", "待认定（元）"]
    rows = list(book["推送名单"].iter_rows(min_row=2, values_only=True))
    assert {(r[0], r[3]) for r in rows} == set(expected)  # each enterprise once per measure, however many units
    for measure_id, _title, unit_text, uscc, name, region, _industry, *amounts, _note in rows:
        e = expected[(measure_id, uscc)]
        assert region == "朝阳区" and name == e["name"] and unit_text == ("、".join(units[measure_id]) or "—")
        assert sum(a is not None for a in amounts) <= 1  # one kind of money per row, never summed across kinds
        if e["amount"] is not None and amounts[3] is None:
            [value] = [a for a in amounts if a is not None]
            assert Decimal(str(value)).quantize(Decimal("0.01")) in (Decimal(e["amount"]),) or amounts[1] is not None
    summary = list(book["汇总"].iter_rows(min_row=2, values_only=True))
    assert len({r[0] for r in summary}) == len(summary) == len(units)  # one row per measure
    page = clients["admin"].get("/push", params={"region": "朝阳区"})
    assert page.status_code == 200 and "push-table" in page.text


def test_push_page_one_line_per_measure_in_the_users_district(batch, clients, server):
    """Issue 11 §4: a 朝阳区 official sees 朝阳区's enterprise count, each measure once with its
    units listed, grouped by document, pickers instead of code boxes, a page at a time."""
    import re

    chaoyang = sum(1 for code in _regions(server).values() if code == "110105")
    page = clients["staff"].get("/push")
    assert page.status_code == 200
    html = page.text
    population = int(re.search(r'id="push-population">([\d,]+)<', html).group(1).replace(",", ""))
    assert population == chaoyang < len(_regions(server))
    measures = re.findall(r'<tr data-measure="([^"]+)"', html)
    assert measures and len(measures) == len(set(measures)) <= 20  # once each, one page
    assert 'class="doc-row"' in html and '<select name="region"' in html and '<select name="industry"' in html
    assert "尚未运行批量匹配" not in html  # the status line agrees with the list below it
    staff_lists = clients["staff"].get("/api/v1/push", params={"limit": 1}).json()
    counts = {m["measure_id"]: m["count"] for g in staff_lists["groups"] for m in g["measures"]}
    for mid in measures:
        row = re.search(rf'<tr data-measure="{re.escape(mid)}">.*?<td class="num">([\d,]+)</td>', html, re.S)
        assert int(row.group(1).replace(",", "")) == counts[mid]
    # every page together lists each measure with eligible enterprises exactly once
    pages = int(re.search(r"第 1 / (\d+) 页", html).group(1)) if "第 1 /" in html else 1
    seen = []
    for n in range(1, pages + 1):
        seen += re.findall(r'<tr data-measure="([^"]+)"', clients["staff"].get("/push", params={"page": n}).text)
    assert sorted(seen) == sorted(counts) and len(seen) == len(set(seen))
    # one measure: its enterprises a page at a time, the export named by measure and date
    first = measures[0]
    detail = clients["staff"].get("/push", params={"measure": first}).text
    assert f'id="push-measure" data-measure="{first}"' in detail
    assert len(re.findall(r'<tr><td><a href="/enterprises/', detail)) == min(counts[first], 50)
    export = clients["staff"].get("/push.xlsx", params={"measure": first})
    assert export.status_code == 200
    assert re.search(r"filename\*=UTF-8''%E6%8E%A8%E9%80%81%E5%90%8D%E5%8D%95_.+_\d{4}-\d{2}-\d{2}\.xlsx",
                     export.headers["content-disposition"])


def test_push_page_search_finds_measures_by_words(batch, clients, server):
    import re

    from zhida.matching.match import load_default_policies

    found = clients["admin"].get("/push", params={"q": "研发费用"}).text
    ids = re.findall(r'<tr data-measure="([^"]+)"', found)
    policies = load_default_policies()
    assert ids and all("研发费用" in policies.measures[i].title + policies.measures[i].benefit or
                       "研发费用" in found.split(f'data-measure="{i}"')[0].rsplit('class="doc-row"', 1)[-1] for i in ids)
    everything = clients["admin"].get("/push", params={"q": ""}).text
    assert len(ids) < int(re.search(r"(\d+) 项措施有符合条件的企业", everything).group(1))
    nothing = clients["admin"].get("/push", params={"q": "没有这个词的措施"}).text
    assert "没有符合筛选条件的推送名单" in nothing


def test_progress_says_preparing_before_the_counts_arrive(server):
    """Issue 11 §6: the first seconds of a batch (the store's export, total not yet known) show an
    indeterminate bar and 正在准备…, never 0/0; then the counts."""
    from zhida.jobs.batch import Job

    template = server.app.state.templates.env.get_template("push/_progress.html")
    preparing = template.render(job=Job("j1", "batch", {}, "admin", status="running", stage="读取企业画像"),
                                may_cancel=False, csrf_token="t")
    assert "正在准备…" in preparing and "0/0" not in preparing
    assert re.search(r"<progress aria-label=\"[^\"]+\"></progress>", preparing)  # no value: indeterminate
    counting = template.render(job=Job("j1", "batch", {}, "admin", status="running", stage="批量匹配", done=1200,
                                       total=20000), may_cancel=False, csrf_token="t")
    assert "1,200/20,000" in counting and 'value="1200"' in counting and "正在准备" not in counting


def test_api_measure_lines_once_each_with_money_by_kind(batch, clients, server):
    """GET /api/v1/push/measures: what the page shows, as JSON — each measure once with its units,
    the district's population, money by kind (never 0 for nothing known), pages."""
    chaoyang = sum(1 for code in _regions(server).values() if code == "110105")
    first = clients["staff"].get("/api/v1/push/measures", params={"per_page": 5}).json()
    assert first["district"] == "110105" and first["population"] == chaoyang
    everything = []
    for n in range(1, first["meta"]["pages"] + 1):
        everything += clients["staff"].get("/api/v1/push/measures", params={"per_page": 5, "page": n}).json()["items"]
    ids = [x["measure_id"] for x in everything]
    assert len(ids) == len(set(ids)) == first["meta"]["total"]
    grouped = clients["staff"].get("/api/v1/push", params={"limit": 1}).json()
    counts = {m["measure_id"]: m["count"] for g in grouped["groups"] for m in g["measures"]}
    assert {x["measure_id"]: x["count"] for x in everything} == counts
    for x in everything:
        assert "市经济和信息化局" in x["units"] and x["decided"] + x["pending"] == x["count"]
        assert x["total"] is None or Decimal(x["total"]) > 0 or x["decided"] > 0
    top = max(everything, key=lambda x: x["count"])
    rows = clients["staff"].get(f"/api/v1/push/measures/{top['measure_id']}/enterprises", params={"per_page": 3}).json()
    assert rows["measure"]["count"] == top["count"] == rows["meta"]["total"]
    assert len(rows["items"]) == min(3, top["count"]) and {r["region"] for r in rows["items"]} == {"朝阳区"}
    assert clients["staff"].get("/api/v1/push/measures/no.such-measure/enterprises").status_code == 404
    assert clients["ent_a"].get("/api/v1/push/measures").status_code == 403
