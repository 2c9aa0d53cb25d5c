"""Two (eight) reviewers approving at the same instant cannot exceed a cap or a budget, nor pay a
benefit twice: threads with their own connections, released together by a barrier, on SQLite
(BEGIN IMMEDIATE through Store.retrying) and PostgreSQL (row locks), plus separate processes."""

from __future__ import annotations

import multiprocessing
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from zhida.payouts import ledger
from zhida.payouts.ledger import Approver, LedgerError
from zhida.payouts.tables import Budget, PayoutRecord
from zhida.rules import load_policies
from zhida.store import open_store

from .facts import AS_OF, BJ, XZ, uscc

THREADS = 8


@pytest.fixture(scope="module")
def policies():
    return load_policies()


def _race(url, policies, calls) -> tuple[list, list]:
    """Run each call's reserve in its own thread and store connection, all released at once."""
    barrier = threading.Barrier(len(calls))
    ok, refused, errors = [], [], []

    def worker(kw):
        store = open_store(url)
        try:
            barrier.wait()
            record = store.retrying(lambda s: ledger.record_json(ledger.reserve(s, policies=policies, **kw)))
            ok.append(record)
        except LedgerError as exc:
            refused.append(exc.reason)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            store.close()

    threads = [threading.Thread(target=worker, args=(kw,)) for kw in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return ok, refused


def _base(**kw):
    return dict(period="2023", as_of=AS_OF, approver=Approver("审核员", None), source_type="application", **kw)


def test_concurrent_approvals_hold_the_annual_cap(database_url, policies):
    open_store(database_url).close()  # migrate once before the race
    calls = [_base(uscc=uscc(1), measure_id="zjtx2021.intl-registration-reward", amount="2000000", facts=BJ,
                   item=f"产品{n}", source_id=f"P{n}") for n in range(THREADS)]
    ok, refused = _race(database_url, policies, calls)
    assert len(ok) == 5 and len(refused) == THREADS - 5
    assert all("1000萬元" in r for r in refused)
    store = open_store(database_url)
    with store.transaction() as s:
        assert s.scalar(select(func.sum(PayoutRecord.amount))) == Decimal("10000000.00")
    store.close()


def test_concurrent_approvals_hold_the_budget(database_url, policies):
    store = open_store(database_url)
    mid = "xz2022.stable-employment-refund-sme"
    store.retrying(lambda s: ledger.set_budget(s, measure_id=mid, year=2023, payer="市级", amount="100000.00",
                                               on_exceed="refuse", actor=Approver("财政"), policies=policies))
    store.close()
    calls = [_base(uscc=uscc(n), measure_id=mid, amount="30000.00", facts=XZ, source_id="L") for n in range(THREADS)]
    ok, refused = _race(database_url, policies, calls)
    assert len(ok) == 3 and all("资金池余额" in r for r in refused)
    store = open_store(database_url)
    with store.transaction() as s:
        assert s.scalar(select(Budget.used)) == Decimal("90000.00")
        assert s.scalar(select(func.sum(PayoutRecord.amount))) == Decimal("90000.00")
    store.close()


def test_concurrent_double_payment_across_documents(database_url, policies):
    open_store(database_url).close()
    ids = ["zjtx2021.tech-renovation-reward", "cy2022.xinzhizao-100-support"] * (THREADS // 2)
    calls = [_base(uscc=uscc(9), measure_id=m, amount="1000000", facts=BJ, reason="分档", source_id=f"A{n}")
             for n, m in enumerate(ids)]
    ok, refused = _race(database_url, policies, calls)
    assert len(ok) == 1 and all("同一事项" in r for r in refused)


def _process(url, n, queue):
    policies = load_policies()
    store = open_store(url)
    try:
        kw = _base(uscc=uscc(1), measure_id="zjtx2021.intl-registration-reward", amount="2000000", facts=BJ,
                   item=f"产品{n}", source_id=f"P{n}")
        store.retrying(lambda s: ledger.reserve(s, policies=policies, **kw))
        queue.put("ok")
    except LedgerError:
        queue.put("refused")
    except Exception as exc:  # noqa: BLE001
        queue.put(repr(exc))
    finally:
        store.close()


def test_concurrent_processes_hold_the_cap(database_url):
    open_store(database_url).close()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_process, args=(database_url, n, queue)) for n in range(6)]
    for p in procs:
        p.start()
    results = sorted(queue.get(timeout=180) for _ in procs)
    for p in procs:
        p.join(60)
    assert results == ["ok"] * 5 + ["refused"], results
