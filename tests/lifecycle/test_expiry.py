"""What ends in the next N days, by unit (zhida.lifecycle.expiry)."""

from __future__ import annotations

import datetime as dt

from zhida.lifecycle.expiry import NO_UNIT, by_unit, upcoming
from zhida.rules import load_policies


def test_period_ends_within_the_horizon_only_and_by_unit():
    policies = load_policies()
    ends = {m.id: m.period.last_day for m in policies.measures.values() if m.period.last_day}
    assert ends, "the seeds state dated periods"
    day = min(ends.values())
    today = day - dt.timedelta(days=10)
    soon = [e for e in upcoming(policies, today, 30) if e.kind == "period"]
    expected = {mid for mid, end in ends.items() if today <= end <= today + dt.timedelta(days=30)}
    assert {e.measure_id for e in soon} == expected
    assert all(e.days_left == (e.on - today).days and 0 <= e.days_left <= 30 for e in soon)
    assert [e.on for e in soon] == sorted(e.on for e in soon)
    # a shorter horizon lists fewer (or as many), never more
    assert {e.measure_id for e in upcoming(policies, today, 5) if e.kind == "period"} <= expected
    grouped = by_unit(soon)
    for unit, items in grouped.items():
        for item in items:
            measure = policies.measures[item.measure_id]
            assert unit in (measure.responsible_units or [NO_UNIT])
    first = soon[0]
    assert first.quote and first.quote == policies.measures[first.measure_id].period.quote


def test_nothing_ends_before_today():
    policies = load_policies()
    last = max(m.period.last_day for m in policies.measures.values() if m.period.last_day)
    assert [e for e in upcoming(policies, last + dt.timedelta(days=1), 90) if e.kind == "period"] == []


def test_horizon_past_the_calendar_end_stops_at_its_last_day():
    policies = load_policies()
    assert upcoming(policies, dt.date.max, 3650) == []
    # the latest period end, asked from 10 days before with a horizon running past 9999-12-31
    last = max(m.period.last_day for m in policies.measures.values() if m.period.last_day)
    near = upcoming(policies, last - dt.timedelta(days=10), (dt.date.max - last).days + 11)
    assert last in {e.on for e in near if e.kind == "period"}
