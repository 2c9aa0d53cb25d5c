"""重点园区运行情况: the “所在园区” column imported (and its absence changing nothing), and the figures
per park checked against a computation in this test (Decimal sums of the raw rows; 同比 同口径 over
the enterprises reporting in both years), scoped by district; enterprises may not see parks."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal as D
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from .conftest import to_csv, uscc
from zhida.monitoring import parks
from zhida.monitoring.indicators import import_file, reject_report
from zhida.monitoring.tables import MonImport, MonIndicator
from zhida.workflow import NotAllowed

HEAD = ["统一社会信用代码", "月份", "所在区", "所在园区", "行业代码", "工业总产值", "营业收入", "用电量", "用工人数"]
MONTHS = ("2025-01", "2025-02", "2026-01", "2026-02")
MONTH = "2026-02"
CITY = SimpleNamespace(role="staff", region_code=None, units=("市经济和信息化局",), uscc=None)
CHAOYANG = SimpleNamespace(role="staff", region_code="110105", units=("朝阳区经信局",), uscc=None)
SERIES = ("output_value", "revenue", "electricity", "employees")
PARKS = {"110105": ["中关村科技园区", "电子城科技园", None], "110108": ["中关村科技园区", "中关村软件园", None]}
NAMES = {"110105": "朝阳区", "110108": "海淀区"}


def dataset(seed: int = 15) -> list[dict]:
    """Rows of 40 enterprises over MONTHS; some months and some cells missing; one enterprise
    (uscc 0) reports this February but not last February; one (uscc 1) moves park between years."""
    rng = random.Random(seed)
    out = []
    for i in range(40):
        region = rng.choice(sorted(PARKS))
        park = rng.choice(PARKS[region])
        for month in MONTHS:
            if (i == 0 and month == "2025-02") or (i > 1 and rng.random() < 0.1):
                continue
            row = {"uscc": uscc(i), "month": month, "region": region,
                   "park": ("中关村软件园" if region == "110108" else "电子城科技园") if i == 1 and month < "2026" else park}
            for s in SERIES:
                if s == "employees":
                    row[s] = None if rng.random() < 0.1 else rng.randint(5, 900)
                else:
                    row[s] = None if rng.random() < 0.15 else D(rng.randint(1000, 999999)) / 100
            out.append(row)
    return out


def to_file(data: list[dict], with_park: bool = True) -> bytes:
    head = HEAD if with_park else [h for h in HEAD if h != "所在园区"]
    lines = [head]
    for r in data:
        cells = [r["uscc"], r["month"], NAMES[r["region"]], r["park"] or "", "C3511"] + \
                ["" if r[s] is None else r[s] for s in SERIES]
        lines.append(cells if with_park else cells[:3] + cells[4:])
    return to_csv(lines)


def rate(cur: D, prev: D) -> D | None:
    if not prev:
        return None
    return (D(cur - prev) * 100 / D(prev)).quantize(D("0.1"), rounding=ROUND_HALF_UP)


def expected(data: list[dict], month: str, region: str | None = None) -> dict:
    """(district, park) → figures, from the raw rows, by a plain loop (independent of the SQL)."""
    by = {(r["uscc"], r["month"]): r for r in data}
    year = [m for m in MONTHS if m[:4] == month[:4] and m <= month]
    out = {}
    for r in data:
        if r["month"] not in year or (region and r["region"] != region):
            continue
        key = (r["region"], r["park"])
        e = out.setdefault(key, {"reporting": 0, **{f"{k}_{s}": None for s in SERIES for k in ("v", "vc", "vp", "c", "cc", "cp")}})
        this = r["month"] == month
        e["reporting"] += this
        before = by.get((r["uscc"], f"{int(r['month'][:4]) - 1}{r['month'][4:]}"))
        for s in SERIES:
            if r[s] is None:
                continue
            both = before is not None and before[s] is not None
            for prefix, on in (("v", this), ("c", True)):
                if not on:
                    continue
                e[f"{prefix}_{s}"] = (e[f"{prefix}_{s}"] or 0) + r[s]
                if both:
                    e[f"{prefix}c_{s}"] = (e[f"{prefix}c_{s}"] or 0) + r[s]
                    e[f"{prefix}p_{s}"] = (e[f"{prefix}p_{s}"] or 0) + before[s]
    return out


@pytest.fixture
def loaded(store):
    data = dataset()
    with store.sessions.begin() as s:
        result = import_file(s, to_file(data), source_name="parks.csv", actor="t")
        assert result.ok, reject_report(result)
    return store, data


def test_park_column_imported_and_reimport_changes_nothing(loaded):
    store, data = loaded
    with store.sessions() as s:
        stored = {(r.uscc, r.month): r.park for r in s.scalars(select(MonIndicator))}
    assert stored == {(r["uscc"], r["month"]): r["park"] for r in data}
    with store.sessions.begin() as s:
        again = import_file(s, to_file(data), source_name="parks-again.csv", actor="t")
    assert (again.added, again.changed, again.unchanged, again.import_id) == (0, 0, len(data), None)
    # a file without the column (or with blank cells) leaves the stored parks as they were
    with store.sessions.begin() as s:
        bare = import_file(s, to_file(data, with_park=False), source_name="bare.csv", actor="t")
    assert (bare.added, bare.changed) == (0, 0)
    with store.sessions() as s:
        assert {(r.uscc, r.month): r.park for r in s.scalars(select(MonIndicator))} == stored
        assert s.scalar(select(MonImport.id).where(MonImport.source_name != "parks.csv")) is None


def test_park_header_alias_trim_and_change(store):
    a, b = uscc(1), uscc(2)
    first = to_csv([["统一社会信用代码", "月份", "园区", "工业总产值"], [a, "2026-01", "  中关村  软件园 ", "10"],
                    [b, "2026-01", "", "20"]])
    with store.sessions.begin() as s:
        assert import_file(s, first, source_name="a.csv", actor="t").ok
    moved = to_csv([["统一社会信用代码", "月份", "所在园区", "工业总产值"], [a, "2026-01", "永丰产业基地", "10"],
                    [b, "2026-01", "", "20"]])
    with store.sessions.begin() as s:
        result = import_file(s, moved, source_name="b.csv", actor="t")
    assert (result.changed, result.unchanged) == (1, 1)
    with store.sessions() as s:
        assert dict(s.execute(select(MonIndicator.uscc, MonIndicator.park)).all()) == {a: "永丰产业基地", b: None}


def test_without_the_park_column_nothing_changes(store):
    data = dataset(seed=3)
    with store.sessions.begin() as s:
        result = import_file(s, to_file(data, with_park=False), source_name="old.csv", actor="t")
    assert result.ok and result.added == len(data)
    with store.sessions() as s:
        rows = list(s.scalars(select(MonIndicator)))
    assert {r.park for r in rows} == {None}
    assert {(r.uscc, r.month): r.output_value for r in rows} == {(d["uscc"], d["month"]): d["output_value"] for d in data}


def test_a_park_name_too_long_is_rejected_and_nothing_written(store):
    a = uscc(1)
    data = to_csv([["统一社会信用代码", "月份", "所在园区", "工业总产值"], [a, "2026-01", "园" * 65, "10"],
                   [uscc(2), "2026-01", "电子城科技园", "10"]])
    with store.sessions.begin() as s:
        result = import_file(s, data, source_name="long.csv", actor="t")
    assert not result.ok and "第 2 行" in reject_report(result) and "所在园区" in reject_report(result)
    assert "64 个字符" in reject_report(result)
    with store.sessions() as s:
        assert s.scalar(select(MonIndicator.id)) is None


def _check(found: list, want: dict):
    assert {(p.region, p.name) for p in found} == set(want)
    for p in found:
        e = want[(p.region, p.name)]
        assert p.line.reporting == e["reporting"], p.label
        for s in SERIES:
            assert p.line.value[s] == e[f"v_{s}"], (p.label, s)
            assert p.line.cumulative[s] == e[f"c_{s}"], (p.label, s)
            assert p.line.yoy[s] == (rate(e[f"vc_{s}"], e[f"vp_{s}"]) if e[f"vc_{s}"] is not None else None), (p.label, s)
            assert p.line.cumulative_yoy[s] == (rate(e[f"cc_{s}"], e[f"cp_{s}"]) if e[f"cc_{s}"] is not None else None)


def test_park_figures_against_the_raw_rows(loaded):
    store, data = loaded
    with store.sessions() as s:
        city = parks.park_figures(s, CITY, MONTH)
        january = parks.park_figures(s, CITY, "2026-01")
    _check(city, expected(data, MONTH))
    _check(january, expected(data, "2026-01"))
    assert city[-1].name is None and city[-1].label == "未填园区"
    named = [p.line.value["output_value"] or 0 for p in city if p.name]
    assert named == sorted(named, reverse=True)
    # the same park name in two districts is two lines
    assert {p.region for p in city if p.name == "中关村科技园区"} == {"110105", "110108"}


def test_yoy_counts_only_enterprises_in_both_years(store):
    """By hand: A reports both Februaries, B only this one: 同比 is A's alone (150 vs 100), the
    sum both (200); nobody reported 营业收入: None, not 0."""
    a, b = uscc(1), uscc(2)
    data = to_csv([["统一社会信用代码", "月份", "所在区", "所在园区", "工业总产值", "营业收入"],
                   [a, "2025-02", "朝阳区", "电子城科技园", "100", ""], [a, "2026-02", "朝阳区", "电子城科技园", "150", ""],
                   [b, "2026-02", "朝阳区", "电子城科技园", "50", ""], [a, "2026-01", "朝阳区", "电子城科技园", "7.5", ""]])
    with store.sessions.begin() as s:
        assert import_file(s, data, source_name="hand.csv", actor="t").ok
    with store.sessions() as s:
        [park] = parks.park_figures(s, CITY, MONTH)
    assert (park.region, park.name, park.line.reporting) == ("110105", "电子城科技园", 2)
    assert park.line.value["output_value"] == D("200.00") and park.line.yoy["output_value"] == D("50.0")
    assert park.line.cumulative["output_value"] == D("207.50") and park.line.cumulative_yoy["output_value"] == D("50.0")
    assert park.line.value["revenue"] is None and park.line.yoy["revenue"] is None


def test_district_staff_see_their_district_and_enterprises_none(loaded):
    store, data = loaded
    with store.sessions() as s:
        own = parks.park_figures(s, CHAOYANG, MONTH, region="110108")  # asks for 海淀区: gets 朝阳区
        admin_haidian = parks.park_figures(s, SimpleNamespace(role="admin", region_code=None, units=(), uscc=None),
                                           MONTH, region="110108")
        with pytest.raises(NotAllowed):
            parks.park_figures(s, SimpleNamespace(role="enterprise", region_code=None, units=(), uscc=uscc(3)), MONTH)
    assert {p.region for p in own} == {"110105"}
    _check(own, expected(data, MONTH, "110105"))
    _check(admin_haidian, expected(data, MONTH, "110108"))


def test_a_parks_enterprises(loaded):
    store, data = loaded
    with store.sessions() as s:
        listed = parks.park_enterprises(s, CHAOYANG, MONTH, "中关村科技园区")
        city = parks.park_enterprises(s, CITY, MONTH, "中关村科技园区")
    want = {r["uscc"] for r in data if r["month"] == MONTH and r["park"] == "中关村科技园区" and r["region"] == "110105"}
    assert {x.key for x in listed} == want and want
    assert {x.key for x in city} == {r["uscc"] for r in data if r["month"] == MONTH and r["park"] == "中关村科技园区"}
    rows = {r["uscc"]: r for r in data if r["month"] == MONTH}
    assert all(x.value["output_value"] == rows[x.key]["output_value"] for x in listed)
