"""Figures of the industrial economy for a month: per district, per industry (行业大类, the first
3 characters of the code) and for the city, with year-on-year (同比) and cumulative (1月至当月累计)
values, and a 13-month trend — the tables of the monthly 工业经济运行分析 and of the pages.

One set-based query (``rows``) groups the indicator rows of the 13 months ending in ``month`` by
month × district × industry, each joined with the same enterprise's row a year earlier, so it runs
as it is on SQLite, PostgreSQL and DuckDB (benchmarks/monitoring.py). Sums are integer cents
(exact; never float). 同比 is computed 同口径: over the enterprises that reported the indicator
in both periods (an enterprise new this year, or missing last year, does not count as growth).
A rate whose base is missing or zero is None (shown “—”), never 0."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, Integer, String, and_, case, cast, func, select
from sqlalchemy.orm import Session, aliased

from zhida.monitoring.indicators import month_key
from zhida.monitoring.tables import MonIndicator, MonRollup

SERIES = {"output_value": ("工业总产值", "万元"), "revenue": ("营业收入", "万元"), "electricity": ("用电量", "万千瓦时"),
          "employees": ("用工人数", "人")}
TENTH = Decimal("0.1")


def shift(month: str, months: int) -> str:
    year, mon = (int(x) for x in month.split("-"))
    index = year * 12 + (mon - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _cents(column, series: str):
    if series == "employees":
        return column
    return cast(func.round(column * 100), BigInteger)


def rows_query(months: list[str], region: str | None = None, usccs: list[str] | None = None, by_uscc: bool = False,
               by_park: bool = False):
    """The grouping query (SQLAlchemy Core): per month × district × industry (or per enterprise ×
    industry, or per district × park), the count reporting and, per series, the sum, and the 同口径
    sums of this year and last year."""
    c, p = aliased(MonIndicator, name="c"), aliased(MonIndicator, name="p")
    year_before = cast(cast(func.substr(c.month, 1, 4), Integer) - 1, String) + func.substr(c.month, 5)
    industry = func.substr(c.industry_code, 1, 3).label("industry")
    if by_park:
        keys = [c.month.label("month"), c.region_code.label("region"), c.park.label("park")]
    else:
        keys = [c.month.label("month"),
                (c.uscc if by_uscc else c.region_code).label("region" if not by_uscc else "uscc"), industry]
    columns = [*keys, func.count().label("reporting")]
    for s in SERIES:
        cur, prev = getattr(c, s), getattr(p, s)
        both = and_(cur.is_not(None), prev.is_not(None))
        columns += [func.sum(_cents(cur, s)).label(f"{s}__sum"),
                    func.sum(case((both, _cents(cur, s)))).label(f"{s}__cur"),
                    func.sum(case((both, _cents(prev, s)))).label(f"{s}__prev")]
    # the year-earlier months listed too, so an engine reads only those rows of ``p`` (monthly
    # imports keep a month's rows together) instead of probing every month
    before = [f"{int(m[:4]) - 1:04d}{m[4:]}" for m in months]
    q = (select(*columns).select_from(c)
         .outerjoin(p, and_(p.uscc == c.uscc, p.month == year_before, p.month.in_(before)))
         .where(c.month.in_(months)).group_by(*keys))
    if region:
        q = q.where(c.region_code == region)
    if usccs is not None:
        q = q.where(c.uscc.in_(usccs))
    return q


@dataclass
class Line:
    """One row of a table: a district, an industry, an enterprise or the total."""
    key: str
    label: str
    reporting: int = 0
    value: dict[str, Decimal | None] = field(default_factory=dict)  # this month
    yoy: dict[str, Decimal | None] = field(default_factory=dict)  # 同比 %, 1 decimal
    cumulative: dict[str, Decimal | None] = field(default_factory=dict)  # 1月至当月
    cumulative_yoy: dict[str, Decimal | None] = field(default_factory=dict)


def rate(current: int | None, previous: int | None) -> Decimal | None:
    if current is None or not previous:
        return None
    return (Decimal(current - previous) * 100 / Decimal(previous)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _amount(cents: int | None, series: str) -> Decimal | None:
    if cents is None:
        return None
    return Decimal(cents) if series == "employees" else Decimal(int(cents)).scaleb(-2)


class _Acc:
    def __init__(self):
        self.month: dict[str, list[int]] = {}
        self.cum: dict[str, list[int]] = {}
        self.reporting = 0

    def add(self, row, this_month: bool, in_year: bool):
        for s in SERIES:
            values = [getattr(row, f"{s}__sum"), getattr(row, f"{s}__cur"), getattr(row, f"{s}__prev")]
            for target, on in ((self.month, this_month), (self.cum, in_year)):
                if not on:
                    continue
                got = target.setdefault(s, [None, None, None])
                for i, v in enumerate(values):
                    if v is not None:
                        got[i] = (got[i] or 0) + int(v)
        if this_month:
            self.reporting += row.reporting

    def line(self, key: str, label: str) -> Line:
        out = Line(key, label, self.reporting)
        for s in SERIES:
            m, c = self.month.get(s, [None] * 3), self.cum.get(s, [None] * 3)
            out.value[s], out.yoy[s] = _amount(m[0], s), rate(m[1], m[2])
            out.cumulative[s], out.cumulative_yoy[s] = _amount(c[0], s), rate(c[1], c[2])
        return out


@dataclass
class Figures:
    month: str
    region: str | None
    total: Line
    districts: list[Line]
    industries: list[Line]
    trend: list[dict]  # month, output value, its 同比


def refresh(session: Session, months) -> None:
    """Recompute the rollups of ``months`` and of the months a year later (their 同比 base changed)
    from the indicators, set-based (DELETE + INSERT … SELECT), in the caller's transaction."""
    from sqlalchemy import delete, insert

    touched = sorted({month_key(m) for m in months} | {shift(month_key(m), 12) for m in months})
    for i in range(0, len(touched), 100):
        chunk = touched[i:i + 100]
        session.execute(delete(MonRollup).where(MonRollup.month.in_(chunk)))
        names = ["month", "region_code", "industry", "reporting"] + [f"{s}__{k}" for s in SERIES for k in ("sum", "cur", "prev")]
        session.execute(insert(MonRollup).from_select(names, rows_query(chunk)))


def refresh_all(session: Session) -> None:
    """Every month's rollups (after a migration, or to repair)."""
    months = list(session.scalars(select(MonIndicator.month).distinct()))
    if months:
        refresh(session, months)


def rollup_query(months: list[str], region: str | None = None):
    """The stored rollups of ``months`` (one district's or all), shaped like ``rows_query``'s rows."""
    r = MonRollup
    cols = [r.month.label("month"), r.region_code.label("region"), r.industry.label("industry"), r.reporting.label("reporting")]
    cols += [getattr(r, f"{s}__{k}").label(f"{s}__{k}") for s in SERIES for k in ("sum", "cur", "prev")]
    q = select(*cols).where(r.month.in_(months))
    return q.where(r.region_code == region) if region else q


def month_figures(session: Session, month: str, region: str | None = None) -> Figures:
    """The figures of ``month`` (city-wide, or one district's), from the stored rollups."""
    from zhida.enterprises import industries, regions

    month = month_key(month)
    months = [shift(month, -i) for i in range(12, -1, -1)]
    year_months = {m for m in months if m[:4] == month[:4]}
    total, by_region, by_industry, by_month = _Acc(), {}, {}, {}
    for row in session.execute(rollup_query(months, region)):
        this, in_year = row.month == month, row.month in year_months
        total.add(row, this, in_year)
        by_region.setdefault(row.region or "", _Acc()).add(row, this, in_year)
        by_industry.setdefault(row.industry or "", _Acc()).add(row, this, in_year)
        by_month.setdefault(row.month, _Acc()).add(row, True, False)

    def industry_label(code: str) -> str:
        try:
            return (industries.name_of(code) or code) if code else "未填行业"
        except (KeyError, IndexError):
            return code

    districts = sorted((a.line(k, regions.label(k) if k else "未填区域") for k, a in by_region.items()),
                       key=lambda x: -(x.value["output_value"] or 0))
    sectors = sorted((a.line(k, industry_label(k)) for k, a in by_industry.items()),
                     key=lambda x: -(x.value["output_value"] or 0))
    trend = []
    for m in months:
        line = by_month[m].line(m, m) if m in by_month else Line(m, m)
        trend.append({"month": m, "output_value": line.value.get("output_value"), "yoy": line.yoy.get("output_value")})
    return Figures(month, region, total.line("total", "合计"), districts, sectors, trend)


def enterprise_lines(session: Session, month: str, usccs: list[str]) -> list[Line]:
    """This month, 同比 and cumulative per enterprise of ``usccs`` (the key enterprises)."""
    month = month_key(month)
    months = [shift(month, -i) for i in range(month_index(month), -1, -1)]
    accs: dict[str, _Acc] = {}
    for chunk in range(0, len(usccs), 500):
        q = rows_query(months, usccs=usccs[chunk:chunk + 500], by_uscc=True)
        for row in session.execute(q):
            accs.setdefault(row.uscc, _Acc()).add(row, row.month == month, True)
    return sorted((a.line(u, u) for u, a in accs.items()), key=lambda x: -(x.value["output_value"] or 0))


def year_to_month(month: str) -> list[str]:
    """January … ``month`` of its year (the months a cumulative 1月至当月 value sums)."""
    return [shift(month, -i) for i in range(month_index(month), -1, -1)]


def lines_by(rows, month: str, key) -> dict:
    """Lines of ``rows_query`` rows of January … ``month``, one per ``key(row)``: this month's
    values and 同比, the cumulative values and their 同比 (``Line.key``/``label`` left to the caller)."""
    accs: dict = {}
    for row in rows:
        accs.setdefault(key(row), _Acc()).add(row, row.month == month, True)
    return {k: a.line("", "") for k, a in accs.items()}


def month_index(month: str) -> int:
    """0 for January … 11 for December."""
    return int(month[5:7]) - 1


def enterprise_series(session: Session, uscc: str, months: int = 36) -> list[MonIndicator]:
    """An enterprise's indicator rows, oldest first (at most ``months``)."""
    rows = session.scalars(select(MonIndicator).where(MonIndicator.uscc == uscc)
                           .order_by(MonIndicator.month.desc()).limit(months))
    return list(reversed(list(rows)))
