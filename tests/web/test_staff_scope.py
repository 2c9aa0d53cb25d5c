"""Finding #7 (issue 10) and the CLI bullet on regions: every staff read and write is scoped to
their district, and a district given as a GB/T 2260 code or a name means the same everywhere.

- a staff user's region is stored as its code (110105 / 朝阳区 / 北京市朝阳区 → 110105) and
  compared as a code: a user added with ``--region 110105`` reaches 朝阳区 enterprises;
- rows a district's staff import with 所属区 outside their district go to the rejects report;
- another district's import rejects (sequential ids) answer 404;
- batch jobs list and results count only the staff user's district; import jobs of other users
  are not visible through /api/v1/jobs.
"""

from __future__ import annotations

import csv
import io
import time

import pytest
from sqlalchemy import func, select

from zhida.enterprises.tables import Enterprise
from zhida.errors import ZhidaError
from zhida.web.auth import Actor, create_user

from .conftest import PASSWORD, USCC_A, USCC_B, make_uscc
from .enterprise_seed import seed
from .imports import finished_import
from .test_checkup_import import xlsx_bytes

OWN_ROW = make_uscc("91110105MA0RNG01A")  # 朝阳区
FOREIGN_ROW = make_uscc("91110108MA0RNG02B")  # 海淀区
HEADER = ["统一社会信用代码", "企业名称", "所属区", "行业代码", "年度", "从业人员", "营业收入(万元)"]
EXTRA = {"cy_code": {"region": "110105"}, "cy_full": {"region": "北京市朝阳区"}, "hd_staff": {"region": "海淀区"}}


@pytest.fixture(scope="module")
def scoped(server, clients):
    seed(server.app)
    made = {}
    for name, scope in EXTRA.items():
        create_user(server.app.state.store, Actor("cli:test"), username=name, password=PASSWORD, role="staff",
                    units=["市经济和信息化局"], **scope)
        made[name] = server.login(name)
    yield {**clients, **made}
    for client in made.values():
        client.close()


def _regions(client) -> set[str]:
    return {e["region"] for e in client.get("/api/v1/enterprises?per_page=100").json()["items"]}


def test_region_given_as_code_or_name_means_the_same(scoped):
    for name in ("staff", "cy_code", "cy_full"):  # 朝阳区, 110105, 北京市朝阳区
        client = scoped[name]
        assert client.get("/api/v1/auth/me").json()["region"] == "110105", name
        assert client.get(f"/api/v1/enterprises/{USCC_A}").status_code == 200, name
        assert client.get(f"/api/v1/enterprises/{USCC_A}/checkup").status_code == 200, name
        assert client.get(f"/api/v1/enterprises/{USCC_B}").status_code == 403, name
        assert _regions(client) == {"朝阳区"}, name
    assert scoped["hd_staff"].get(f"/api/v1/enterprises/{USCC_B}").status_code == 200
    assert scoped["hd_staff"].get(f"/api/v1/enterprises/{USCC_A}").status_code == 403
    assert "朝阳区（110105）" in scoped["cy_code"].get("/account").text  # shown by name, code beside it
    assert "朝阳区（110105）" in scoped["admin"].get("/account/users").text


def test_an_unknown_region_is_refused_when_the_user_is_made(server):
    with pytest.raises(ZhidaError) as refused:
        create_user(server.app.state.store, Actor("cli:test"), username="nowhere", password=PASSWORD,
                    role="staff", region="火星区")
    assert "地区" in refused.value.reason


@pytest.fixture(scope="module")
def staff_import(server, scoped):
    content = xlsx_bytes([HEADER, [OWN_ROW, "北京朝阳范围测试有限公司", "朝阳区", "C3911", 2021, 12, 350],
                          [FOREIGN_ROW, "北京海淀越界测试有限公司", "海淀区", "C3911", 2021, 8, 200]])
    response = scoped["staff"].post("/api/v1/enterprises/import", files={"file": ("范围.xlsx", content)})
    job = finished_import(scoped["staff"], response)
    assert job["status"] == "completed", job
    return job


def test_staff_import_rows_outside_their_district_are_rejected(server, scoped, staff_import):
    summary = staff_import["summary"]
    assert (summary["rows_read"], summary["stored"], summary["rejected_rows"]) == (2, 1, 1)
    with server.app.state.store.sessions() as session:
        stored = set(session.scalars(select(Enterprise.uscc).where(Enterprise.uscc.in_([OWN_ROW, FOREIGN_ROW]))))
    assert stored == {OWN_ROW}
    rejects = scoped["staff"].get(f"/api/v1/enterprises/imports/{summary['import_id']}/rejects")
    assert rejects.status_code == 200
    rows = list(csv.reader(io.StringIO(rejects.content.decode("utf-8-sig"))))
    assert rows[1][0] == "3" and rows[1][2] == "海淀区" and "朝阳区" in rows[1][3]


def test_another_districts_import_rejects_answer_404(scoped, staff_import):
    path = f"/api/v1/enterprises/imports/{staff_import['summary']['import_id']}/rejects"
    assert scoped["staff"].get(path).status_code == 200
    assert scoped["cy_code"].get(path).status_code == 200  # the same district, spelled as a code
    assert scoped["admin"].get(path).status_code == 200
    for other in ("hd_staff", "staff_units"):
        denied = scoped[other].get(path)
        assert denied.status_code == 404, other
        assert denied.json()["error"]["code"] == "not_found"
    # Unknown and foreign ids are refused alike (sequential ids reveal nothing).
    assert scoped["hd_staff"].get("/api/v1/enterprises/imports/999999/rejects").status_code == 404
    page = f"/enterprises/imports/{staff_import['summary']['import_id']}/rejects.csv"
    assert scoped["hd_staff"].get(page).status_code == 404
    assert scoped["staff"].get(page).status_code == 200
    # Import jobs of other users are not visible through the batch job endpoints either.
    assert scoped["hd_staff"].get(f"/api/v1/jobs/{staff_import['id']}").status_code == 404
    assert scoped["hd_staff"].get(f"/api/v1/enterprises/import-jobs/{staff_import['id']}").status_code == 404


@pytest.fixture(scope="module")
def batch(server, scoped, staff_import, tmp_path_factory):
    server.app.state.jobs.out_dir = server.app.state.jobs.out_dir or tmp_path_factory.mktemp("scope-batches")
    started = scoped["admin"].post("/api/v1/jobs/batch", json={})
    assert started.status_code == 202, started.text
    job = started.json()
    deadline = time.monotonic() + 300
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.3)
        job = scoped["admin"].get(f"/api/v1/jobs/{job['id']}").json()
    assert job["status"] == "completed", job
    return job


def _in_district(server, code: str) -> int:
    with server.app.state.store.sessions() as session:
        return session.scalar(select(func.count()).select_from(Enterprise).where(Enterprise.region_code == code))


def test_job_results_count_only_the_staff_users_district(server, scoped, batch):
    everything = scoped["admin"].get(f"/api/v1/jobs/{batch['id']}/results").json()
    chaoyang = scoped["staff"].get(f"/api/v1/jobs/{batch['id']}/results").json()
    haidian = scoped["hd_staff"].get(f"/api/v1/jobs/{batch['id']}/results").json()
    assert everything["enterprises"] == batch["summary"]["enterprises"]
    assert chaoyang["enterprises"] == _in_district(server, "110105") > 0
    assert haidian["enterprises"] == _in_district(server, "110108") > 0
    assert chaoyang["enterprises"] + haidian["enterprises"] < everything["enterprises"]
    assert scoped["cy_code"].get(f"/api/v1/jobs/{batch['id']}/results").json() == chaoyang
    total = {m["measure_id"]: m for m in everything["measures"]}
    for m in chaoyang["measures"]:
        assert m["eligible"] <= total[m["measure_id"]]["eligible"]
        assert m["eligible"] + m["undetermined"] + m["ineligible"] <= chaoyang["enterprises"]
    assert sum(m["eligible"] for m in chaoyang["measures"]) < sum(m["eligible"] for m in everything["measures"])
    # The job's summary (list and progress) is the district's too, never the city-wide counts.
    for view in (scoped["staff"].get(f"/api/v1/jobs/{batch['id']}").json(),
                 next(j for j in scoped["staff"].get("/api/v1/jobs").json()["items"] if j["id"] == batch["id"])):
        assert view["summary"]["enterprises"] == chaoyang["enterprises"]
        assert view["summary"]["eligible_pairs"] == sum(m["eligible"] for m in chaoyang["measures"])
    # Staff scoped by unit only (no district) see the whole city, as the admin does.
    assert scoped["staff_units"].get(f"/api/v1/jobs/{batch['id']}/results").json() == everything
