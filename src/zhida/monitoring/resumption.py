"""开复工 after a statutory holiday (节假日开复工监测调度): for a holiday of a year, its first N working
days (调休 make-up days count, zhida.workflow.calendar) and per day the enterprises reported,
resumed and not resumed with the 复工率, in total, by district and by industry (行业大类); and the
enterprises the alert ``not_resumed_after_holiday`` names on the 3rd working day.

Holidays are the runs of days off around the days the ``chinese_calendar`` package names as a
statutory holiday (so 2025's merged 国庆节、中秋节 is one holiday, known by either name). An
enterprise's district and industry come from its latest indicators row up to the holiday's month,
else from its stored profile (enterprises). 应报 is every enterprise that reported on any of the
holiday's N working days; 复工率 = 已复工 / 已报, None when nobody reported (never 0)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Integer, and_, case, distinct, func, select
from sqlalchemy.orm import Session, aliased

from zhida.errors import ZhidaError
from zhida.monitoring.tables import MonIndicator, MonResumption
from zhida.workflow import NotAllowed
from zhida.workflow.calendar import is_workday

DAYS = 5  # working days shown after a holiday
THIRD = 3  # the alert's day: 节假日后第3个工作日
HOLIDAY_ZH = {"new_years_day": "元旦", "spring_festival": "春节", "tomb_sweeping_day": "清明节",
              "labour_day": "劳动节", "dragon_boat_festival": "端午节", "national_day": "国庆节",
              "mid_autumn_festival": "中秋节", "anti_fascist_70th_day": "抗战胜利70周年纪念日"}


@dataclass(frozen=True)
class Holiday:
    year: int
    names: tuple[str, ...]  # chinese_calendar Holiday names, the one with most days first
    first_off: date
    last_off: date  # the last day off of the run (weekend days next to it included)

    @property
    def key(self) -> str:
        return f"{self.year}-{self.names[0]}"

    @property
    def label(self) -> str:
        return f"{self.year}年" + "、".join(HOLIDAY_ZH.get(n, n) for n in self.names)

    def working_days(self, n: int = DAYS) -> list[date]:
        out, day = [], self.last_off
        while len(out) < n:
            day += timedelta(days=1)
            if is_workday(day)[0]:
                out.append(day)
        return out


def _name(day: date) -> str | None:
    import chinese_calendar

    on, name = chinese_calendar.get_holiday_detail(day)  # name: the Holiday's English value
    by_value = {h.value: h.name for h in chinese_calendar.Holiday}
    return by_value.get(name, name) if on and name else None


def holidays(year: int) -> list[Holiday]:
    """The statutory holidays of ``year`` (empty for a year the package does not cover yet)."""
    import chinese_calendar

    start, end = date(year, 1, 1), date(year, 12, 31)  # a run ending in January is the new year's (元旦)
    try:
        named = [(d, _name(d)) for d in chinese_calendar.get_holidays(start, end, include_weekends=False)]
    except NotImplementedError:
        return []
    runs: dict[tuple[date, date], dict[str, int]] = {}
    for day, name in named:
        if name is None:
            continue
        first = last = day
        while not is_workday(first - timedelta(days=1))[0]:
            first -= timedelta(days=1)
        while not is_workday(last + timedelta(days=1))[0]:
            last += timedelta(days=1)
        counts = runs.setdefault((first, last), {})
        counts[name] = counts.get(name, 0) + 1
    out = []
    for (first, last), counts in sorted(runs.items()):
        if last.year != year:
            continue
        names = tuple(sorted(counts, key=lambda n: -counts[n]))  # stable: ties keep calendar order
        out.append(Holiday(year, names, first, last))
    return out


def find(key: str) -> Holiday:
    """A holiday by ``YYYY-name`` (name: spring_festival … or 春节 …; any name of a merged holiday)."""
    text = (key or "").strip()
    year_text, _, name = text.partition("-")
    if not (year_text.isdigit() and len(year_text) == 4 and name):
        raise ZhidaError("holiday", f"节假日“{text}”应写作 年份-名称，如 2026-春节")
    wanted = {zh: en for en, zh in HOLIDAY_ZH.items()}.get(name, name)
    for holiday in holidays(int(year_text)):
        if wanted in holiday.names:
            return holiday
    raise ZhidaError("holiday", f"日历中没有 {year_text} 年的“{name}”假期")


def available(session: Session) -> list[Holiday]:
    """Holidays with 开复工 reports on one of their first working days, latest first."""
    days = set(session.scalars(select(MonResumption.day).distinct()))
    years = sorted({d.year for d in days} | {d.year - 1 for d in days if d.month == 1})
    found = [h for y in years for h in holidays(y) if days & set(h.working_days())]
    return sorted(found, key=lambda h: h.last_off, reverse=True)


@dataclass
class Count:
    key: str  # district code / industry code / "total"
    label: str
    expected: int = 0  # 应报: reported on any of the holiday's working days
    reported: int = 0
    resumed: int = 0

    @property
    def not_resumed(self) -> int:
        return self.reported - self.resumed

    @property
    def rate(self) -> Decimal | None:
        return rate(self.resumed, self.reported)


def rate(resumed: int, reported: int) -> Decimal | None:
    """复工率 in %, 2 decimals, rounded half up with integers only (exact); None when nobody reported."""
    if not reported:
        return None
    q, r = divmod(resumed * 10000, reported)
    return Decimal(q + (2 * r >= reported)).scaleb(-2)


@dataclass
class Day:
    day: date
    index: int  # 第几个工作日, from 1
    total: Count
    districts: list[Count] = field(default_factory=list)
    industries: list[Count] = field(default_factory=list)


@dataclass
class Report:
    holiday: Holiday
    scope: str  # district code, '' = the whole city
    days: list[Day]
    third_day: date | None  # None: the alert does not watch this holiday (fewer than 3 days off)
    rule_label: str | None  # the alert rule applied on the 3rd day (None: not configured)
    not_resumed: list[dict]  # uscc, name, district, district_label, industry, industry_label


def _scope(person, region: str | None) -> str:
    from zhida.monitoring import views

    if person.role == "enterprise":
        raise NotAllowed("role", "企业用户不能查看开复工监测调度")
    return views.region_scope(person, region)


def _attributed(month: str):
    """Each enterprise's district and 行业大类: its latest indicators row up to ``month``, else its profile."""
    from zhida.enterprises.tables import Enterprise

    latest = (select(MonIndicator.uscc, func.max(MonIndicator.month).label("month"))
              .where(MonIndicator.month <= month).group_by(MonIndicator.uscc).subquery("latest"))
    row = aliased(MonIndicator, name="ind")
    district = func.coalesce(row.region_code, Enterprise.region_code)
    industry = func.substr(func.coalesce(row.industry_code, Enterprise.industry_code), 1, 3)

    def joined(q):
        return (q.outerjoin(latest, latest.c.uscc == MonResumption.uscc)
                .outerjoin(row, and_(row.uscc == MonResumption.uscc, row.month == latest.c.month))
                .outerjoin(Enterprise, Enterprise.uscc == MonResumption.uscc))
    return joined, district, industry, Enterprise


def report(session: Session, person, holiday: Holiday | str, *, region: str | None = None, n: int = DAYS) -> Report:
    from zhida.enterprises import regions

    if isinstance(holiday, str):
        holiday = find(holiday)
    if not 1 <= n <= 20:
        raise ZhidaError("days", "工作日数应为 1 至 20")
    scope = _scope(person, region)
    days = holiday.working_days(max(n, THIRD))
    month = days[-1].strftime("%Y-%m")
    joined, district, industry, _ = _attributed(month)
    resumed = func.sum(case((MonResumption.resumed.is_(True), 1), else_=0)).cast(Integer)
    q = joined(select(MonResumption.day, district.label("district"), industry.label("industry"),
                      func.count().label("reported"), resumed.label("resumed")).select_from(MonResumption))
    q = q.where(MonResumption.day.in_(days[:n])).group_by(MonResumption.day, district, industry)
    e = joined(select(district.label("district"), industry.label("industry"),
                      func.count(distinct(MonResumption.uscc)).label("expected")).select_from(MonResumption))
    e = e.where(MonResumption.day.in_(days[:n])).group_by(district, industry)
    if scope:
        q, e = q.where(district == scope), e.where(district == scope)
    expected = {(r.district, r.industry): r.expected for r in session.execute(e)}
    by_day: dict[date, list] = {}
    for r in session.execute(q):
        by_day.setdefault(r.day, []).append(r)
    out = []
    for i, day in enumerate(days[:n], 1):
        total = Count("total", "合计", expected=sum(expected.values()))
        dist: dict[str, Count] = {}
        ind: dict[str, Count] = {}
        for (d, s), count in expected.items():
            dist.setdefault(d or "", Count(d or "", regions.label(d) if d else "未填区域")).expected += count
            ind.setdefault(s or "", Count(s or "", _industry_label(s))).expected += count
        for r in by_day.get(day, []):
            for c in (total, dist[r.district or ""], ind[r.industry or ""]):
                c.reported += r.reported
                c.resumed += r.resumed
        out.append(Day(day, i, total, sorted(dist.values(), key=lambda c: c.key),
                       sorted(ind.values(), key=lambda c: c.key)))
    third, rule_label, listed = _not_resumed(session, holiday, days[THIRD - 1], scope, month)
    return Report(holiday, scope, out, third, rule_label, listed)


def _industry_label(code: str | None) -> str:
    from zhida.enterprises import industries

    if not code:
        return "未填行业"
    try:
        return industries.name_of(code) or code
    except (KeyError, IndexError):
        return code


def _not_resumed(session: Session, holiday: Holiday, day: date, scope: str, month: str):
    """(the alert's day, its rule's label, the enterprises it fires for) — the alert's own day
    (alerts.third_working_days) and its own rule (policies/monitoring/alerts.yaml), evaluated as
    the alert run does (alerts.evaluate_batch) over the facts of the reports of that day."""
    from zhida.enterprises import regions
    from zhida.monitoring import alerts
    from zhida.monitoring.rules import load_rules

    if day not in alerts.third_working_days(day.strftime("%Y-%m")):
        return None, None, []
    from sqlglot import exp

    rules = [r for r in load_rules() if r.over == "enterprises"
             and {c.name for c in r.ast.find_all(exp.Column)} == {alerts.RESUMED}]
    if not rules:
        return day, None, []
    joined, district, industry, enterprise = _attributed(month)
    q = joined(select(MonResumption.uscc, MonResumption.resumed, district.label("district"),
                      industry.label("industry"), enterprise.name).select_from(MonResumption))
    q = q.where(MonResumption.day == day)
    if scope:
        q = q.where(district == scope)
    rows = {r.uscc: r for r in session.execute(q)}
    if not rows:
        return day, rules[0].label, []
    facts = {u: {**{c: None for c in alerts.FACT_COLUMNS}, alerts.RESUMED: r.resumed} for u, r in rows.items()}
    verdicts = alerts.evaluate_batch(facts, rules, day.strftime("%Y-%m"))
    fired = sorted(u for u, v in verdicts.items() if any(v.values()))
    return day, rules[0].label, [
        {"uscc": u, "name": rows[u].name, "district": rows[u].district,
         "district_label": regions.label(rows[u].district) if rows[u].district else "未填区域",
         "industry": rows[u].industry, "industry_label": _industry_label(rows[u].industry)} for u in fired]


def chosen(session: Session, key: str | None) -> tuple[Holiday | None, list[Holiday]]:
    """The holiday asked for (or the latest with data) and the ones with data, for a picker."""
    have = available(session)
    if key:
        return find(key), have
    if not have:
        return None, have
    return have[0], have

