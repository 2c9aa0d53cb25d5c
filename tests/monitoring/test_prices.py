"""Raw-material prices: import (all or nothing, reject report, idempotent, XLSX), and the rule
“price up more than 10 % in a month” in the rule language — DuckDB = scalar = PostgreSQL = Spark —
raising alerts that become desk requests to the rule's unit."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from zhida.desk.tables import DeskRequest
from zhida.monitoring import alerts, prices
from zhida.monitoring.rules import load_rules
from zhida.monitoring.tables import MonAlert, MonImport, MonPrice

NOW = datetime(2026, 4, 8, 2, 0, tzinfo=UTC)
# 煤炭 +10.01 % (fires), 铁矿石 exactly +10 % (does not), 钢铁 falls, 化肥 has no March price (undetermined)
CSV = ("品种,月份,价格\n煤炭,2026-02,800.00\n煤炭,2026-03,880.08\n铁矿石,2026-02,900\n铁矿石,2026-03,990\n"
       "钢铁,2026-02,4000\n钢铁,2026-03,3900.50\n化肥,2026-03,2600\n").encode()


def rule():
    return next(r for r in load_rules() if r.id == "price_mom_rise")


def test_import_is_all_or_nothing_and_idempotent(store):
    with store.sessions.begin() as s:
        first = prices.import_file(s, CSV, source_name="p.csv", actor="t")
    assert first.ok and first.added == 7
    with store.sessions.begin() as s:
        again = prices.import_file(s, CSV, source_name="p.csv", actor="t")
    assert (again.added, again.changed, again.unchanged, again.import_id) == (0, 0, 7, None)
    bad = "品种,月份,价格\n原油,2026-03,500\n煤炭,2026-13,1\n钢铁,2026-03,-1\n煤炭,2026-03,1.234\n".encode()
    with store.sessions.begin() as s:
        refused = prices.import_file(s, bad, source_name="bad.csv", actor="t")
    reasons = {r["row"]: r["reason"] for r in refused.rejects}
    assert "品种" in reasons[2] and "月份" in reasons[3] and "非负" in reasons[4] and "两位小数" in reasons[5]
    wb = Workbook()
    for line in ("品种,月份,价格", "煤炭,2026-03,900.00"):
        wb.active.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    with store.sessions.begin() as s:
        changed = prices.import_file(s, buf.getvalue(), source_name="p.xlsx", actor="t")
    assert (changed.added, changed.changed) == (0, 1)
    with store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(MonPrice)) == 7
        assert s.scalar(select(func.count()).select_from(MonImport)) == 2
        assert s.scalar(select(MonPrice.price).where(MonPrice.commodity == "coal", MonPrice.month == "2026-03")) == D("900.00")


def price_facts(store) -> dict:
    with store.sessions.begin() as s:
        prices.import_file(s, CSV, source_name="p.csv", actor="t")
    with store.sessions() as s:
        return alerts.price_facts(s, "2026-03")


def test_price_rule_batch_agrees_with_scalar(store):
    facts = price_facts(store)
    batch = alerts.evaluate_batch(facts, [rule()], "2026-03")
    got = {c: v["price_mom_rise"] for c, v in batch.items()}
    assert got == {"coal": True, "iron_ore": False, "steel": False, "fertilizer": None}
    for c, value in got.items():
        assert alerts.explain(rule(), facts[c], "2026-03")[0] is value


def test_price_alert_becomes_a_request_without_an_enterprise(store):
    price_facts(store)
    with store.sessions.begin() as s:
        result = alerts.run(s, "2026-03", actor="jjyx", now=NOW)
    assert [(a.uscc, a.rule_id, a.unit) for a in result.alerts] == [("coal", "price_mom_rise", "市发展改革委")]
    with store.sessions() as s:
        alert = s.scalar(select(MonAlert))
        request = s.get(DeskRequest, alert.request_id)
        assert request.uscc is None and "煤炭" in request.title and request.unit == "市发展改革委"
    with store.sessions.begin() as s:
        assert alerts.run(s, "2026-03", actor="jjyx", now=NOW).new == 0


def test_a_price_rule_may_not_read_enterprise_facts(tmp_path):
    from zhida.errors import ZhidaError

    path = tmp_path / "alerts.yaml"
    path.write_text("alerts:\n  - {id: bad, label: 混用, over: prices, expr: price > output_value, unit: 某局}\n", encoding="utf-8")
    with pytest.raises(ZhidaError) as err:
        load_rules(path)
    assert "价格" in str(err.value)


@pytest.mark.postgres
def test_price_rule_on_postgres_agrees(store, postgres_module_url):
    from sqlalchemy import create_engine, text

    facts = price_facts(store)
    duck = alerts.evaluate_batch(facts, [rule()], "2026-03")
    engine = create_engine(postgres_module_url)
    try:
        with engine.begin() as con:
            con.execute(text("DROP TABLE IF EXISTS price_facts"))
            con.execute(text("CREATE TABLE price_facts (uscc VARCHAR(18), price NUMERIC(20,2), price_prev_month NUMERIC(20,2))"))
            con.execute(text("INSERT INTO price_facts VALUES (:u, :p, :q)"),
                        [{"u": c, "p": f["price"], "q": f["price_prev_month"]} for c, f in facts.items()])
            rows = con.execute(text(alerts.compiled_sql([rule()], "2026-03", table="price_facts", dialect="postgres"))).fetchall()
    finally:
        engine.dispose()
    assert {r[0]: {"price_mom_rise": r[1]} for r in rows} == duck


@pytest.mark.spark
def test_price_rule_on_spark_agrees(store, tmp_path):
    import pyarrow.parquet as pq

    from zhida.batch.spark import session

    facts = price_facts(store)
    duck = alerts.evaluate_batch(facts, [rule()], "2026-03")
    pq.write_table(alerts.facts_table(facts), tmp_path / "prices.parquet")
    spark = session()
    spark.read.parquet(str(tmp_path / "prices.parquet")).createOrReplaceTempView("price_facts")
    rows = spark.sql(alerts.compiled_sql([rule()], "2026-03", table="price_facts", dialect="spark")).collect()
    assert {r[0]: {"price_mom_rise": r[1]} for r in rows} == duck
