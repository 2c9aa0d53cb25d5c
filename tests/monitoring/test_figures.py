"""Figures of a month (by district, by industry, 同比 同口径, 1月至当月累计) checked by hand, and
the key-enterprise list from registries, 规上工业 profiles and hand-kept changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from .conftest import to_csv, uscc
from zhida.errors import ZhidaError
from zhida.monitoring import figures, keys
from zhida.monitoring.indicators import import_file

HEAD = ["统一社会信用代码", "月份", "所在区", "行业代码", "工业总产值", "营业收入", "用电量", "用工人数"]
NOW = datetime(2026, 4, 2, tzinfo=UTC)


def rows():
    """A (朝阳区, C35) reports all four months; B (朝阳区, C39) is new this year; C (海淀区, C35)
    missed 2025-02 (its 2026-02 has no 同口径 base)."""
    a, b, c = uscc(1), uscc(2), uscc(3)
    return [HEAD,
            [a, "2025-01", "朝阳区", "C3511", "100.00", "", "10", 50], [a, "2025-02", "朝阳区", "C3511", "200.00", "", "10", 50],
            [a, "2026-01", "朝阳区", "C3511", "110.00", "", "12", 50], [a, "2026-02", "朝阳区", "C3511", "150.00", "", "8", 50],
            [b, "2026-01", "朝阳区", "C3911", "40.00", "", "", 10], [b, "2026-02", "朝阳区", "C3911", "60.00", "", "", 10],
            [c, "2025-01", "海淀区", "C3520", "300.00", "", "", 90], [c, "2026-01", "海淀区", "C3520", "330.00", "", "", 90],
            [c, "2026-02", "海淀区", "C3520", "99.99", "", "", 90]]


@pytest.fixture
def loaded(store):
    with store.sessions.begin() as s:
        assert import_file(s, to_csv(rows()), source_name="f.csv", actor="t").ok
    return store


def test_month_figures_by_hand(loaded):
    with loaded.sessions() as s:
        f = figures.month_figures(s, "2026-02")
    t = f.total
    assert t.reporting == 3 and t.value["output_value"] == D("309.99")
    assert t.yoy["output_value"] == D("-25.0")  # 同口径: only A has 2025-02 (150 vs 200)
    assert t.cumulative["output_value"] == D("789.99")  # Jan+Feb 2026 of all three
    # cumulative 同口径: A Jan (110 vs 100) + A Feb (150 vs 200) + C Jan (330 vs 300) = 590 vs 600
    assert t.cumulative_yoy["output_value"] == D("-1.7")
    assert t.value["revenue"] is None and t.yoy["revenue"] is None  # nobody reported: unknown, not 0
    by_district = {x.key: x for x in f.districts}
    assert set(by_district) == {"110105", "110108"} and by_district["110105"].label == "朝阳区"
    assert by_district["110108"].yoy["output_value"] is None  # no base last February
    assert by_district["110105"].value["output_value"] == D("210.00")
    industries = {x.key: x for x in f.industries}
    assert industries["C35"].value["output_value"] == D("249.99") and industries["C39"].yoy["output_value"] is None
    assert [p["month"] for p in f.trend][-2:] == ["2026-01", "2026-02"] and len(f.trend) == 13
    assert f.trend[-2]["output_value"] == D("480.00") and f.trend[-2]["yoy"] == D("10.0")  # (110+330) vs (100+300)
    with loaded.sessions() as s:
        one = figures.month_figures(s, "2026-02", region="110108")
    assert one.total.value["output_value"] == D("99.99") and [x.key for x in one.districts] == ["110108"]


def test_enterprise_lines(loaded):
    with loaded.sessions() as s:
        lines = {x.key: x for x in figures.enterprise_lines(s, "2026-02", [uscc(1), uscc(2)])}
    assert lines[uscc(1)].yoy["output_value"] == D("-25.0") and lines[uscc(1)].cumulative["output_value"] == D("260.00")
    assert lines[uscc(1)].cumulative_yoy["output_value"] == D("-13.3")  # 260 vs 300
    assert lines[uscc(2)].yoy["output_value"] is None


def test_key_enterprises_from_registries_profiles_and_by_hand(loaded):
    from zhida.enterprises.tables import Enterprise
    from zhida.registries.tables import Membership

    with loaded.sessions.begin() as s:
        s.add(Membership(registry_name="cy-key-enterprise-whitelist", uscc=uscc(1), name="甲公司", tier="functional",
                         valid_from=date(2026, 1, 1), valid_to=None, region_code="110105", way="import",
                         created_at=NOW))
        s.add(Enterprise(uscc=uscc(3), name="丙公司", region_code="110108", industry_code="C3520", entity_type="enterprise",
                         schema_version="1", profile_json={"uscc": uscc(3), "figures": {"2025": {"above_designated_size": True}}},
                         created_at=NOW))
        # not 规上 in 2025: false, another year only, a string or a number in place of the boolean
        for n, figures_ in ((5, {"2025": {"above_designated_size": False}}), (6, {"2023": {"above_designated_size": True}}),
                            (7, {"2025": {"above_designated_size": "true"}}), (8, {"2025": {"above_designated_size": 1}})):
            s.add(Enterprise(uscc=uscc(n), name=f"企业{n}", region_code="110108", industry_code="C3520",
                             entity_type="enterprise", schema_version="1",
                             profile_json={"uscc": uscc(n), "figures": figures_}, created_at=NOW))
    with loaded.sessions() as s:
        listed = keys.current(s, date(2026, 2, 28))
        assert keys.current(s, date(2026, 2, 28), among={uscc(3), uscc(5)}).usccs == {uscc(3)}
    assert listed.usccs == {uscc(1), uscc(3)}
    assert "朝阳区重点企业“白名单”" in listed.why[uscc(1)] and listed.why[uscc(3)] == ["规上工业（2025年）"]
    with loaded.sessions.begin() as s:
        keys.keep(s, uscc(2), "add", "新投产的重点项目企业", actor="jjyx", now=NOW)
        keys.keep(s, uscc(3), "remove", "已迁出本市", actor="jjyx", now=NOW)
    with loaded.sessions() as s:
        listed = keys.current(s, date(2026, 2, 28))
        assert listed.usccs == {uscc(1), uscc(2)}
        assert keys.current(s, date(2025, 12, 31)).usccs == {uscc(2)}  # not yet on the whitelist
    with loaded.sessions.begin() as s, pytest.raises(ZhidaError) as err:
        keys.keep(s, uscc(4), "add", " ", actor="jjyx")
    assert err.value.where == "note"


def test_rollups_follow_every_import_including_last_years_base(store):
    """Importing this year first and last year afterwards still gives the 同比: the import of
    2025-02 refreshes 2026-02's rollups (a year later) in the same transaction."""
    this_year = [HEAD] + [r for r in rows()[1:] if r[1].startswith("2026")]
    last_year = [HEAD] + [r for r in rows()[1:] if r[1].startswith("2025")]
    with store.sessions.begin() as s:
        assert import_file(s, to_csv(this_year), source_name="2026.csv", actor="t").ok
    with store.sessions() as s:
        assert figures.month_figures(s, "2026-02").total.yoy["output_value"] is None  # no base yet
    with store.sessions.begin() as s:
        assert import_file(s, to_csv(last_year), source_name="2025.csv", actor="t").ok
    with store.sessions() as s:
        f = figures.month_figures(s, "2026-02")
        assert f.total.yoy["output_value"] == D("-25.0") and f.total.cumulative_yoy["output_value"] == D("-1.7")
        from zhida.monitoring.tables import MonRollup

        assert {r.month for r in s.scalars(select(MonRollup))} == {"2025-01", "2025-02", "2026-01", "2026-02"}
