"""The district/unit dashboard (工作台): per measure a unit answers for, in the user's area, how
many enterprises qualify or are undetermined (and the fact that would decide most of them), the
money by the honest split, and the change since the previous batch run; drill-downs by district,
zone (园区) and industry. Reads the cubes a run wrote at batch time (``dashboard_cube``); a run
from before them gets its cubes written on first use. Loaded once per run into an in-memory
DuckDB, so a page is a few small GROUP BYs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from zhida.batch import dashboard_cube as cube
from zhida.batch.summary import connect

GROUPS = ("certain", "up_to", "tax", "pending")
GROUP_ZH = {"certain": "确定可得", "up_to": "最高可达", "tax": "减免·抵扣·递延", "pending": "待认定"}
DIMENSIONS = {"district": "区县", "street": "街道（乡镇）", "zone": "园区", "industry": "行业门类"}
SORTS = ("eligible", "undetermined", "certain", "up_to", "tax", "pending", "title", "trend")
_LOCK = threading.Lock()
_LOADED: dict[str, object] = {}  # run directory → its cubes in an in-memory DuckDB
_KEEP = 4  # runs kept loaded (the latest two, and room for a new one)
_PREVIOUS: dict[tuple, object] = {}  # run directory → the run before it (or None)


@dataclass(frozen=True)
class Scope:
    """Whose figures: ``area`` a district (GB/T 2260) or zone code (None: the whole city);
    ``units`` the measures of these responsible units (empty: every measure); ``industry`` a
    门类 letter (None: all)."""

    area: str | None = None
    units: tuple[str, ...] = ()
    industry: str | None = None


@dataclass
class Money:
    total: Decimal = Decimal("0.00")
    count: int = 0  # results counted in this group
    unknown: int = 0  # of which the amount is unknown or only a floor


@dataclass
class MeasureRow:
    id: str
    title: str
    units: list[str]
    document: str
    eligible: int
    undetermined: int
    money: dict[str, Money]
    unquantified: int
    counted: bool  # in force at the run's date and not a draft: its money is counted
    not_counted: str | None = None  # why not (Chinese), when not counted
    deciding_fact: str | None = None  # the fact most undetermined enterprises miss
    deciding_count: int = 0
    trend: dict[str, object] | None = None  # eligible / undetermined / certain deltas; None: no earlier run


@dataclass
class Slice:
    key: str
    label: str
    enterprises: int
    money: dict[str, Money] = field(default_factory=dict)


def _memo(function):
    """Answers per (run directory, arguments): a complete run never changes, so a page asked
    again (by anybody in the same scope) costs no query. Bounded; cleared with the loaded runs."""
    cache: dict = {}

    def wrapper(run, *args, **kwargs):
        key = (_run_key(run), *map(_run_key, args), *sorted((k, _run_key(v)) for k, v in kwargs.items()))
        if key not in cache:
            if len(cache) >= 2048:
                cache.clear()
            cache[key] = function(run, *args, **kwargs)
        return cache[key]

    wrapper.__doc__, wrapper.__name__ = function.__doc__, function.__name__
    return wrapper


def _run_key(value):
    return str(value.path) if hasattr(value, "manifest") else value


def _loaded(run):
    """The run's cubes in an in-memory DuckDB (written first if the run predates them)."""
    key = str(run.path)
    with _LOCK:
        con = _LOADED.get(key)
        if con is None:
            if not cube.present(run.path):
                cube.write(run)
            con = connect()
            for table, name in (("m", cube.MEASURES), ("b", cube.BENEFITS), ("u", cube.UNKNOWN),
                                ("e", cube.ENTERPRISES), ("sm", cube.STREET_MEASURES), ("sb", cube.STREET_BENEFITS)):
                con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet(?)", [str(Path(run.path) / name)])
            while len(_LOADED) >= _KEEP:
                _LOADED.pop(next(iter(_LOADED))).close()
            _LOADED[key] = con
        return con.cursor()  # one cursor per caller: DuckDB connections are not shared across threads


def _where(scope: Scope, area_only: bool = False) -> tuple[str, list]:
    from zhida.enterprises import industries

    parts, params = ["TRUE"], []
    if scope.area:
        parts.append("(region_code = ? OR zone = ?)")
        params += [scope.area, scope.area]
    if scope.industry and not area_only:
        divisions = sorted(d for d, s in industries.section_of_division().items() if s == scope.industry)
        parts.append(f"division IN ({', '.join('?' * len(divisions))})" if divisions else "FALSE")
        params += divisions
    return " AND ".join(parts), params


def _money_select() -> str:
    return ", ".join(f"sum({g}), sum({g}_n), sum({g}_unknown)" for g in GROUPS)


def _money(values) -> dict[str, Money]:
    out = {}
    for n, g in enumerate(GROUPS):
        total, count, unknown = values[3 * n:3 * n + 3]
        out[g] = Money(Decimal(total or 0).quantize(Decimal("0.01")), int(count or 0), int(unknown or 0))
    return out


def visible(manifest: dict, scope: Scope) -> list[dict]:
    """The run's enterprise-benefit measures of the scope's units (all when no unit is given)."""
    wanted = set(scope.units)
    return [m for m in manifest["measures"] if m["enterprise_benefit"]
            and (not wanted or wanted & set(m["responsible_units"] or ()))]


def units(manifest: dict) -> list[str]:
    return sorted({u for m in manifest["measures"] if m["enterprise_benefit"] for u in m["responsible_units"] or ()})


@_memo
def measure_rows(run, scope: Scope, previous=None) -> list[MeasureRow]:
    """One row per measure of the scope with an eligible or undetermined enterprise in the area."""
    measures = {m["id"]: m for m in visible(run.manifest, scope)}
    found = _per_measure(run, scope, set(measures))
    deciding = _deciding(run, scope, set(measures))
    before = _per_measure(previous, scope, set(measures)) if previous is not None else None
    rows = []
    for mid, values in found.items():
        m = measures[mid]
        row = MeasureRow(mid, m["title"], list(m["responsible_units"] or ()), m.get("doc_number") or "",
                         values["eligible"], values["undetermined"], values["money"], values["unquantified"],
                         counted=m.get("period_as_of", "in_force") == "in_force" and not m.get("draft"),
                         not_counted=_not_counted(m))
        row.deciding_fact, row.deciding_count = deciding.get(mid, (None, 0))
        if before is not None:
            old = before.get(mid, {"eligible": 0, "undetermined": 0, "money": _money([None] * 12)})
            row.trend = {"eligible": row.eligible - old["eligible"],
                         "undetermined": row.undetermined - old["undetermined"],
                         "certain": row.money["certain"].total - old["money"]["certain"].total}
        rows.append(row)
    return rows


def _not_counted(m: dict) -> str | None:
    if m.get("draft"):
        return "征求意见稿，金额不计入合计"
    period = m.get("period_as_of", "in_force")
    if period == "expired":
        return "评估日已过有效期，金额不计入合计"
    if period != "in_force":
        return "评估日尚未生效，金额不计入合计"
    return None


def _per_measure(run, scope: Scope, ids: set[str]) -> dict[str, dict]:
    if not ids:
        return {}
    where, params = _where(scope)
    cur = _loaded(run)
    out = {}
    for mid, eligible, undetermined, unquantified, *money in cur.execute(
            f"SELECT measure, sum(eligible), sum(undetermined), sum(unquantified_n), {_money_select()} FROM m "
            f"WHERE {where} GROUP BY measure", params).fetchall():
        if mid in ids:
            out[mid] = {"eligible": int(eligible), "undetermined": int(undetermined),
                        "unquantified": int(unquantified), "money": _money(money)}
    return out


def _deciding(run, scope: Scope, ids: set[str]) -> dict[str, tuple[str, int]]:
    where, params = _where(scope)
    cur = _loaded(run)
    rows = cur.execute(f"SELECT measure, arg_max(label, (s, fact)), max(s) FROM (SELECT measure, fact, label, "
                       f"sum(n) AS s FROM u WHERE {where} GROUP BY ALL) GROUP BY measure", params).fetchall()
    return {mid: (label, int(n)) for mid, label, n in rows if mid in ids}


def sort_rows(rows: list[MeasureRow], key: str, descending: bool = True) -> list[MeasureRow]:
    if key == "title":
        return sorted(rows, key=lambda r: r.title, reverse=descending)
    if key == "trend":
        return sorted(rows, key=lambda r: (r.trend or {}).get("eligible", 0), reverse=descending)
    if key in GROUPS:
        return sorted(rows, key=lambda r: (r.money[key].total, r.money[key].count), reverse=descending)
    return sorted(rows, key=lambda r: (getattr(r, key if key in SORTS else "eligible"), r.undetermined),
                  reverse=descending)


@_memo
def totals(run, scope: Scope) -> dict:
    """Money of the scope's measures, each enterprise's benefit counted once; enterprises in the
    area and how many of them reach at least one counted benefit."""
    where, params = _where(scope)
    cur = _loaded(run)
    benefits = _benefits(run.manifest, scope)
    money = _money([None] * 12)
    if benefits:
        found = cur.execute(f"SELECT {_money_select()} FROM b WHERE {where} AND benefit IN "
                            f"({', '.join('?' * len(benefits))})", params + benefits).fetchone()
        money = _money(found)
    enterprises, reached = cur.execute(f"SELECT sum(enterprises), sum(reached) FROM e WHERE {where}",
                                       params).fetchone()
    return {"money": money, "enterprises": int(enterprises or 0), "reached": int(reached or 0)}


def _benefits(manifest: dict, scope: Scope) -> list[str]:
    return sorted({m["benefit"] for m in visible(manifest, scope)})


@_memo
def breakdown(run, scope: Scope, by: str, measure: str | None = None) -> list[Slice]:
    """Figures per district, 街道, zone or industry 门类 within the scope: one measure's (its eligible
    enterprises and money), or all the scope's measures (enterprises reached, benefits counted once).
    By 街道 the scope's industry is not applied (the 街道 cubes are not split by industry)."""
    from zhida.enterprises import industries, regions, streets

    column = {"district": "region_code", "zone": "zone", "industry": "division", "street": "street"}[by]
    by_street = by == "street"
    where, params = _where(scope, area_only=by_street)
    measures_table, benefits_table = ("sm", "sb") if by_street else ("m", "b")
    cur = _loaded(run)
    if measure is not None:
        rows = cur.execute(f"SELECT {column}, sum(eligible), {_money_select()} FROM {measures_table} WHERE {where} "
                           f"AND measure = ? GROUP BY 1", params + [measure]).fetchall()
    else:
        benefits = _benefits(run.manifest, scope) or [""]
        money = {k: v for k, *v in cur.execute(
            f"SELECT {column}, {_money_select()} FROM {benefits_table} WHERE {where} AND benefit IN "
            f"({', '.join('?' * len(benefits))}) GROUP BY 1", params + benefits).fetchall()}
        rows = [(k, reached, *money.get(k, [None] * 12)) for k, reached in cur.execute(
            f"SELECT {column}, sum(reached) FROM e WHERE {where} GROUP BY 1", params).fetchall()]
    merged: dict[str, Slice] = {}
    for key, count, *money in rows:
        if by == "industry":
            key = industries.section_of_division().get(key or "", "")
            label = industries.name_of(key) if key else "行业未填报"
        elif by == "zone":
            label = regions.name_of(key) if key else "不在园区"
        elif by_street:
            label = streets.name_of(key) if key else "街道未填报"
        else:
            label = regions.name_of(key) if key and regions.is_known_code(key) else "地区未填报"
        found = merged.setdefault(key or "", Slice(key or "", label or "行业未填报", 0, _money([None] * 12)))
        found.enterprises += int(count or 0)
        for g, m in _money(money).items():
            target = found.money[g]
            target.total, target.count, target.unknown = target.total + m.total, target.count + m.count, \
                target.unknown + m.unknown
    return sorted(merged.values(), key=lambda s: (-s.enterprises, s.key))


def previous(run, store, source: str | None = "store"):
    """The complete run before ``run`` (the trend's baseline), if its directory is still there."""
    from zhida.batch.runner import open_run
    from zhida.batch.store import previous_complete_run
    from zhida.errors import DataError

    key = (str(run.path), source)
    if key in _PREVIOUS:  # a complete run's predecessor never changes
        return _PREVIOUS[key]
    row = previous_complete_run(run.key, store, source=source)
    try:
        found = open_run(Path(row.out_dir)) if row is not None else None
    except (DataError, OSError, ValueError, KeyError):
        found = None
    with _LOCK:
        while len(_PREVIOUS) >= _KEEP:
            _PREVIOUS.pop(next(iter(_PREVIOUS)))
        _PREVIOUS[key] = found
    return found
