"""节假日开复工: the working days after a holiday (调休 included, dates checked by hand against the
State Council's 2026 notice), 复工率 per day, district and industry against a computation made
here from the file's rows, no report → None, row scope per role, the 3rd-day not-resumed list."""

from __future__ import annotations

import math
import random
from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest

from .conftest import to_csv, uscc
from zhida.errors import ZhidaError
from zhida.monitoring import resumption
from zhida.monitoring.indicators import import_file
from zhida.workflow import NotAllowed

ADMIN = SimpleNamespace(role="admin", region_code=None, units=(), uscc=None)
CHAOYANG_STAFF = SimpleNamespace(role="staff", region_code="110105", units=("市经济和信息化局",), uscc=None)
ENTERPRISE = SimpleNamespace(role="enterprise", region_code=None, units=(), uscc=uscc(0))
DISTRICTS = {"朝阳区": "110105", "海淀区": "110108"}


def test_working_days_after_2026_spring_festival_count_the_saturday_make_up_day():
    # 国办发明电〔2025〕7号: 春节 2月15日至23日放假调休，共9天；2月14日（周六）、2月28日（周六）上班
    h = resumption.find("2026-春节")
    assert (h.first_off, h.last_off, h.key, h.label) == (date(2026, 2, 15), date(2026, 2, 23), "2026-spring_festival",
                                                          "2026年春节")
    assert h.working_days() == [date(2026, 2, 24), date(2026, 2, 25), date(2026, 2, 26), date(2026, 2, 27),
                                date(2026, 2, 28)]


def test_working_days_after_2026_national_day_count_the_saturday_make_up_day():
    # 国庆节 10月1日至7日放假调休，共7天；9月20日（周日）、10月10日（周六）上班 — 10月11日（周日）休息
    h = resumption.find("2026-national_day")
    assert (h.first_off, h.last_off) == (date(2026, 10, 1), date(2026, 10, 7))
    assert h.working_days() == [date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 12),
                                date(2026, 10, 13)]
    assert h.working_days(7)[-2:] == [date(2026, 10, 14), date(2026, 10, 15)]


def test_holidays_come_from_the_calendar_merged_when_they_touch():
    names_2026 = [h.key for h in resumption.holidays(2026)]
    assert names_2026 == ["2026-new_years_day", "2026-spring_festival", "2026-tomb_sweeping_day", "2026-labour_day",
                          "2026-dragon_boat_festival", "2026-mid_autumn_festival", "2026-national_day"]
    merged = resumption.find("2025-中秋节")  # 2025: 10月1日至8日 国庆节、中秋节 together
    assert merged is not None and merged == resumption.find("2025-国庆节")
    assert (merged.first_off, merged.last_off) == (date(2025, 10, 1), date(2025, 10, 8))
    assert resumption.find("2023-元旦").first_off == date(2022, 12, 31)  # a run into January is the new year's
    with pytest.raises(ZhidaError, match="2026-春节"):
        resumption.find("春节")
    with pytest.raises(ZhidaError, match="没有 2026 年的“重阳节”"):
        resumption.find("2026-重阳节")


def test_rate_is_exact_and_none_without_reports():
    assert resumption.rate(2, 3) == Decimal("66.67")
    assert resumption.rate(1, 8) == Decimal("12.50")  # half up, from integers
    assert resumption.rate(0, 5) == Decimal("0.00")
    assert resumption.rate(0, 0) is None


def _data(n: int = 40, seed: int = 3):
    """Reports for the 2026 春节's first 4 working days (none on the 5th); each enterprise's district
    and industry from its indicators row (one enterprise has none: 未填区域)."""
    rng = random.Random(seed)
    days = resumption.find("2026-春节").working_days()[:4]
    ind = [["统一社会信用代码", "月份", "所在区", "行业代码", "工业总产值"]]
    res = [["统一社会信用代码", "日期", "开复工"]]
    who, reports = {}, []
    for i in range(n):
        district, industry = rng.choice(list(DISTRICTS)), rng.choice(["C3511", "C3911", "C2614"])
        if i:
            ind.append([uscc(i), "2026-01", district, industry, "100"])
            who[uscc(i)] = (DISTRICTS[district], industry[:3])
        else:
            who[uscc(i)] = (None, None)
        back = rng.randint(1, 5)
        for k, day in enumerate(days, 1):
            if rng.random() < 0.15:
                continue
            reports.append((uscc(i), day, k >= back))
            res.append([uscc(i), day.isoformat(), "是" if k >= back else "否"])
    return to_csv(ind), to_csv(res), who, reports


def _expected(who, reports, day, key=None, scope=""):
    """(应报, 已报, 已复工) of ``day`` for a district (key = 0) or industry (key = 1) value, computed here."""
    def keep(u):
        return (not scope or who[u][0] == scope) and (key is None or who[u][key[0]] == key[1])
    expected = len({u for u, _, _ in reports if keep(u)})
    that = [r for u, d, r in reports if d == day and keep(u)]
    return expected, len(that), sum(that)


def _pct(resumed, reported):
    """复工率 % to 2 decimals, half up, by exact fractions (not the code's integer division)."""
    if not reported:
        return None
    return Decimal(math.floor(Fraction(resumed * 10000, reported) + Fraction(1, 2))) / 100


@pytest.fixture
def loaded(store):
    ind, res, who, reports = _data()
    with store.sessions.begin() as s:
        assert import_file(s, ind, source_name="i.csv", actor="t").ok
        assert import_file(s, res, source_name="r.csv", actor="t").ok
    return who, reports


def test_counts_and_rates_by_district_and_industry(store, loaded):
    who, reports = loaded
    with store.sessions() as s:
        report = resumption.report(s, ADMIN, "2026-spring_festival")
    assert [d.day for d in report.days] == resumption.find("2026-春节").working_days()
    assert [d.index for d in report.days] == [1, 2, 3, 4, 5]
    for d in report.days:
        exp, rep, res = _expected(who, reports, d.day)
        assert (d.total.expected, d.total.reported, d.total.resumed, d.total.not_resumed) == (exp, rep, res, rep - res)
        assert d.total.rate == _pct(res, rep)
        for c in d.districts:
            e, r, x = _expected(who, reports, d.day, (0, c.key or None))
            assert (c.expected, c.reported, c.resumed) == (e, r, x), c
            assert c.rate == _pct(x, r)
        assert {c.key for c in d.districts} == {"110105", "110108", ""}
        assert next(c for c in d.districts if c.key == "").label == "未填区域"
        for c in d.industries:
            assert (c.expected, c.reported, c.resumed) == _expected(who, reports, d.day, (1, c.key or None)), c
        assert {c.key for c in d.industries} == {"C35", "C39", "C26", ""}
    assert report.days[0].total.reported > 0


def test_a_day_nobody_reported_is_none_not_zero(store, loaded):
    who, reports = loaded
    with store.sessions() as s:
        fifth = resumption.report(s, ADMIN, "2026-春节").days[4]
    assert fifth.day == date(2026, 2, 28) and fifth.total.reported == 0
    assert fifth.total.rate is None and all(c.rate is None for c in fifth.districts + fifth.industries)
    assert fifth.total.expected == len({u for u, _, _ in reports})  # still expected: they reported before


def test_not_resumed_on_the_third_working_day_is_the_alert(store, loaded):
    who, reports = loaded
    from zhida.monitoring import alerts

    with store.sessions() as s:
        report = resumption.report(s, ADMIN, "2026-春节")
        facts = alerts.month_facts(s, "2026-02")  # what the alert run itself sees
    assert report.third_day == date(2026, 2, 26) and report.rule_label == "节假日后第3个工作日仍未复工"
    listed = [x["uscc"] for x in report.not_resumed]
    assert listed == sorted(u for u, d, r in reports if d == date(2026, 2, 26) and not r)
    assert set(listed) == {u for u, f in facts.items() if f[alerts.RESUMED] is False}
    assert listed and all(x["district"] == who[x["uscc"]][0] for x in report.not_resumed)


def test_row_scope(store, loaded):
    who, reports = loaded
    with store.sessions() as s:
        mine = resumption.report(s, CHAOYANG_STAFF, "2026-春节", region="110108")  # asks another: gets own
        city = resumption.report(s, ADMIN, "2026-春节", region="110108")
        with pytest.raises(NotAllowed):
            resumption.report(s, ENTERPRISE, "2026-春节")
    assert mine.scope == "110105" and city.scope == "110108"
    for report, scope in ((mine, "110105"), (city, "110108")):
        for d in report.days[:4]:
            assert [c.key for c in d.districts] == [scope]
            assert (d.total.expected, d.total.reported, d.total.resumed) == _expected(who, reports, d.day, scope=scope)
        assert {x["district"] for x in report.not_resumed} <= {scope}
        assert [x["uscc"] for x in report.not_resumed] == sorted(
            u for u, d, r in reports if d == date(2026, 2, 26) and not r and who[u][0] == scope)


def test_the_picker_lists_holidays_with_data_latest_first(store, loaded):
    with store.sessions.begin() as s:
        assert import_file(s, to_csv([["统一社会信用代码", "日期", "开复工"], [uscc(1), "2026-10-10", "是"]]),
                           source_name="r2.csv", actor="t").ok
    with store.sessions() as s:
        picked, have = resumption.chosen(s, None)
    assert [h.key for h in have] == ["2026-national_day", "2026-spring_festival"] and picked.key == "2026-national_day"
