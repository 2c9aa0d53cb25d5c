"""Many reviewers approving at the same instant through the running server (HTTP, a real uvicorn
with its thread pool, each request its own transaction and connection) race one 资金池: exactly
what the budget holds is approved, every other request is refused with the budget's Chinese
reason and leaves its application in 审核中 — on SQLite and on PostgreSQL (-m postgres)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from zhida.matching.match import load_default_policies
from zhida.payouts import ledger
from zhida.payouts.applications import service
from zhida.payouts.applications.tables import Application
from zhida.payouts.tables import Budget, PayoutRecord
from zhida.web.app import create_app
from zhida.web.auth import Actor, create_user
from zhida.web.deps import Principal

from .conftest import PASSWORD, make_uscc, serve
from .enterprise_seed import AS_OF, example

MEASURE = "xz2022.first-set-equipment-subsidy"  # 28万元 each, routed to 市工信局, paid by 市财政局 (市级)
RACERS = 12
FITS = 3  # the budget holds three approvals
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _reviewing(store, n: int) -> list[int]:
    """``n`` applications of distinct 忻州 manufacturers, submitted and accepted (审核中)."""
    policies, now = load_default_policies(), datetime.now(UTC)
    acceptor = Principal(9000, "gxj_race", "staff", None, ("市工信局",), None, None)
    ids = []
    for i in range(n):
        uscc = make_uscc(f"91140902MA0RACE{i:02d}")
        profile = example("xinzhou_manufacturer_first_set.json", uscc=uscc, name=f"忻州竞速{i}号装备制造有限公司")
        applicant = Principal(9100 + i, f"race{i}", "enterprise", None, (), None, uscc)

        def work(s, profile=profile, applicant=applicant):
            a = service.start(s, profile=profile, enterprise_name=profile.name, measure_id=MEASURE, person=applicant,
                              now=now, as_of=AS_OF, policies=policies)
            service.declare(s, a, applicant, True, now=now)
            for item in a.materials:
                service.attach(s, a, applicant, material=item["name"], filename="材料.pdf", data=PDF, now=now)
            service.act(s, a, applicant, "submit", now=now, policies=policies)
            service.act(s, a, acceptor, "accept", now=now, policies=policies)
            return a.id

        ids.append(store.retrying(work))
    return ids


def _race(url: str, application_ids: list[int]) -> list:
    """One logged-in client per application, all released by a barrier: the approvals' answers."""
    import httpx

    clients = []
    for _ in application_ids:
        client = httpx.Client(base_url=url, timeout=60)
        token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
        answer = client.post("/api/v1/auth/login", json={"username": "gxj_race", "password": PASSWORD},
                             headers={"X-CSRF-Token": token})
        assert answer.status_code == 200, answer.text
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        clients.append(client)
    barrier, answers = threading.Barrier(len(clients)), [None] * len(clients)

    def approve(k: int) -> None:
        barrier.wait()
        answers[k] = clients[k].post(f"/api/v1/applications/{application_ids[k]}/transitions",
                                     json={"transition": "approve", "expected_version": 3})

    threads = [threading.Thread(target=approve, args=(k,)) for k in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for client in clients:
        client.close()
    return answers


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def racing_server(request, tmp_path, monkeypatch):
    monkeypatch.setenv("ZHIDA_ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_module_url")  # tests/conftest.py: a schema of its own
    app = create_app(url, secret=b"race-secret-" * 4)
    create_user(app.state.store, Actor("cli:test"), username="gxj_race", password=PASSWORD, role="staff",
                units=["市工信局"], display_name="市工信局审核员")
    with serve(app) as running:
        yield running


def test_concurrent_http_approvals_never_exceed_the_budget(racing_server):
    store = racing_server.app.state.store
    ids = _reviewing(store, RACERS)
    store.retrying(lambda s: ledger.set_budget(s, measure_id=MEASURE, year=2022, payer="市级",
                                               amount=str(Decimal("280000.00") * FITS), on_exceed="refuse",
                                               actor=ledger.Approver("市财政局")))
    answers = _race(racing_server.url, ids)
    approved = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code != 200]
    assert len(approved) == FITS, [(a.status_code, a.text[:200]) for a in answers]
    assert all(a.json()["state"] == "approved" and a.json()["approved_amount"] == "280000.00" for a in approved)
    assert len(refused) == RACERS - FITS
    for answer in refused:  # the budget's own reason, in Chinese, on the field that failed
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["field"] == "budget"
        assert error["message"].startswith("2022年市级资金池余额") and error["message"].endswith("不能核准")
    with store.transaction() as s:
        assert s.scalar(select(Budget.used).where(Budget.measure_id == MEASURE)) == Decimal("840000.00")
        assert s.scalar(select(func.count()).select_from(PayoutRecord)) == FITS
        assert s.scalar(select(func.sum(PayoutRecord.amount))) == Decimal("840000.00")
        states = dict(s.execute(select(Application.state, func.count()).group_by(Application.state)).all())
        assert states == {"approved": FITS, "reviewing": RACERS - FITS}  # a refused approval changed nothing
