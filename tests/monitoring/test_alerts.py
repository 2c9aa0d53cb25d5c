"""Alert rules: batch (DuckDB SQL) agrees with the scalar explainer; alerts become desk requests; closing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from .conftest import indicator_rows, to_csv
from zhida.desk.tables import DeskRequest
from zhida.errors import ZhidaError
from zhida.monitoring import alerts
from zhida.monitoring.indicators import import_file
from zhida.monitoring.rules import load_rules
from zhida.monitoring.tables import MonAlert

NOW = datetime(2026, 4, 8, 2, 0, tzinfo=UTC)


def imported_facts(store, n: int) -> dict:
    """``n`` generated enterprises imported; the facts of 2026-03 read back from the store."""
    with store.sessions.begin() as s:
        import_file(s, to_csv(indicator_rows(n)), source_name="s.csv", actor="t")
    with store.sessions() as s:
        return alerts.month_facts(s, "2026-03")


def test_batch_agrees_with_scalar_explainer(store):
    facts, rules = imported_facts(store, 200), load_rules()
    batch = alerts.evaluate_batch(facts, rules, "2026-03")
    assert set(batch) == set(facts)
    seen = set()
    for uscc, verdicts in batch.items():
        for rule in rules:
            scalar, _ = alerts.explain(rule, facts[uscc], "2026-03")
            assert verdicts[rule.id] is scalar, (uscc, rule.id, facts[uscc])
            seen.add(scalar)
    assert seen == {True, False, None}  # every outcome occurs


def test_output_drop_rule_by_hand():
    rule = next(r for r in load_rules() if r.id == "output_mom_drop")
    from decimal import Decimal as D

    assert alerts.explain(rule, {"output_value": D("79.99"), "output_value_prev_month": D("100")}, "2026-03")[0] is True
    assert alerts.explain(rule, {"output_value": D("80"), "output_value_prev_month": D("100")}, "2026-03")[0] is False
    value, reason = alerts.explain(rule, {"output_value": D("10")}, "2026-03")
    assert value is None and "上月" in reason
    assert alerts.evaluate_batch({"X": {**{c: None for c in alerts.FACT_COLUMNS}, "output_value": D("79.99"),
                                        "output_value_prev_month": D("100")}}, [rule], "2026-03") == {"X": {rule.id: True}}


@pytest.mark.parametrize("dialect", ["postgres", "spark"])
def test_rules_compile_for_other_engines(dialect):
    sql = alerts.compiled_sql(load_rules(), "2026-03", dialect=dialect)
    assert "output_value_prev_month" in sql and "r__output_mom_drop" in sql


def test_alerts_become_requests_and_close_with_a_note(store):
    with store.sessions.begin() as s:
        import_file(s, to_csv(indicator_rows(60)), source_name="s.csv", actor="t")
    with store.sessions.begin() as s:
        result = alerts.run(s, "2026-03", actor="jjyx", now=NOW)
    assert result.new > 0
    with store.sessions() as s:
        rows = s.scalars(select(MonAlert)).all()
        assert len(rows) == result.new
        for a in rows:
            req = s.get(DeskRequest, a.request_id)
            assert req is not None and req.uscc == a.uscc and req.unit == a.unit and a.label in req.title
    with store.sessions.begin() as s:  # a re-run finds the same alerts and adds nothing
        again = alerts.run(s, "2026-03", actor="jjyx", now=NOW)
    assert again.new == 0 and again.fired == result.fired
    first = rows[0]
    with store.sessions.begin() as s, pytest.raises(ZhidaError) as err:
        alerts.close(s, first.id, "", actor="x", units=(first.unit,))
    assert err.value.where == "note"
    with store.sessions.begin() as s, pytest.raises(ZhidaError):
        alerts.close(s, first.id, "已核实", actor="x", units=("某个别的单位",))
    with store.sessions.begin() as s:
        alerts.close(s, first.id, "已核实：季节性停产检修，4月恢复", actor="x", units=(first.unit,), now=NOW)
    with store.sessions() as s:
        closed = s.get(MonAlert, first.id)
        assert closed.status == "closed" and closed.note.startswith("已核实")


@pytest.mark.postgres
def test_postgres_agrees_with_duckdb(postgres_module_url, tmp_path, monkeypatch):
    """The same compiled rules run on PostgreSQL give DuckDB's verdicts on every enterprise × rule."""
    from sqlalchemy import create_engine, text

    from zhida.store import open_store

    monkeypatch.setenv("ZHIDA_HOME", str(tmp_path / "home"))
    store = open_store(f"sqlite:///{tmp_path / 'z.sqlite3'}")
    facts, rules = imported_facts(store, 150), load_rules()
    duck = alerts.evaluate_batch(facts, rules, "2026-03")
    store.close()
    engine = create_engine(postgres_module_url)
    sql_type = {alerts.RESUMED: "BOOLEAN"}
    cols = ", ".join(f"{c} {sql_type.get(c) or ('BIGINT' if c.startswith('employees') else 'NUMERIC(20,2)')}"
                     for c in alerts.FACT_COLUMNS)
    try:
        with engine.begin() as con:
            con.execute(text(f"CREATE TABLE facts (uscc VARCHAR(18), {cols})"))
            con.execute(text(f"INSERT INTO facts VALUES (:uscc, {', '.join(':' + c for c in alerts.FACT_COLUMNS)})"),
                        [{"uscc": u, **f} for u, f in facts.items()])
            rows = con.execute(text(alerts.compiled_sql(rules, "2026-03", dialect="postgres"))).fetchall()
    finally:
        engine.dispose()
    pg = {r[0]: {rule.id: r[i + 1] for i, rule in enumerate(rules)} for r in rows}
    assert pg == duck
    assert {v for verdicts in pg.values() for v in verdicts.values()} == {True, False, None}


def test_an_alert_closes_when_its_request_is_answered_on_the_desk(store):
    from zhida.desk import requests

    with store.sessions.begin() as s:
        import_file(s, to_csv(indicator_rows(60)), source_name="s.csv", actor="t")
    with store.sessions.begin() as s:
        alerts.run(s, "2026-03", actor="jjyx", now=NOW)
    with store.sessions() as s:
        alert = s.scalars(select(MonAlert).order_by(MonAlert.id)).first()
    officer = alerts.DeskActor(9, "jxj", "staff", (alert.unit,))
    with store.sessions.begin() as s:  # nothing answered yet: nothing closes
        assert alerts.follow_desk(s, now=NOW) == []
        requests.act(s, officer, alert.request_id, "accept", now=NOW)
        requests.act(s, officer, alert.request_id, "answer_direct", now=NOW, answer="已电话核实：订单转移至外省工厂，已对接稳岗政策")
    with store.sessions.begin() as s:
        closed = alerts.follow_desk(s, now=NOW)
        assert [a.id for a in closed] == [alert.id]
    with store.sessions() as s:
        again = s.get(MonAlert, alert.id)
        assert again.status == "closed" and "订单转移" in again.note and f"诉求 {alert.request_id}" in again.note
        others = s.scalars(select(MonAlert).where(MonAlert.id != alert.id)).all()
        assert others and all(a.status == "open" for a in others)


def test_not_resumed_on_the_third_working_day_after_the_holiday(store):
    from .conftest import uscc

    assert alerts.third_working_days("2026-02") == [date(2026, 2, 26)]  # 春节 2月15日—23日
    assert alerts.third_working_days("2026-03") == []
    kfg = (f"统一社会信用代码,日期,开复工\n{uscc(1)},2026-02-26,否\n{uscc(2)},2026-02-26,是\n"
           f"{uscc(3)},2026-02-25,否\n").encode()
    with store.sessions.begin() as s:
        import_file(s, kfg, source_name="kfg.csv", actor="t")
    rule = next(r for r in load_rules() if r.id == "not_resumed_after_holiday")
    with store.sessions() as s:
        facts = alerts.month_facts(s, "2026-02")
    verdicts = alerts.evaluate_batch(facts, [rule], "2026-02")
    assert {u: v[rule.id] for u, v in verdicts.items()} == {uscc(1): True, uscc(2): False}  # 25th is not the day
    for u in verdicts:
        assert alerts.explain(rule, facts[u], "2026-02")[0] is verdicts[u][rule.id]
    with store.sessions.begin() as s:
        result = alerts.run(s, "2026-02", actor="t", now=NOW)
    assert [(a.uscc, a.rule_id) for a in result.alerts] == [(uscc(1), rule.id)]


@pytest.mark.spark
def test_spark_agrees_with_duckdb(tmp_path, monkeypatch):
    """The same compiled rules on Spark (local mode) give DuckDB's verdicts on every enterprise × rule."""
    import pyarrow.parquet as pq

    from zhida.batch.spark import session
    from zhida.store import open_store

    monkeypatch.setenv("ZHIDA_HOME", str(tmp_path / "home"))
    store = open_store(f"sqlite:///{tmp_path / 'z.sqlite3'}")
    facts, rules = imported_facts(store, 150), load_rules()
    store.close()
    duck = alerts.evaluate_batch(facts, rules, "2026-03")
    pq.write_table(alerts.facts_table(facts), tmp_path / "facts.parquet")
    spark = session()
    spark.read.parquet(str(tmp_path / "facts.parquet")).createOrReplaceTempView("facts")
    rows = spark.sql(alerts.compiled_sql(rules, "2026-03", dialect="spark")).collect()
    got = {r[0]: {rule.id: r[i + 1] for i, rule in enumerate(rules)} for r in rows}
    assert got == duck
    assert {v for verdicts in got.values() for v in verdicts.values()} == {True, False, None}
