"""Periods of time-varying facts: calendar year, quarter, month or an explicit date range.

A yearly catalogue fact may be read for a period in a rule expression (docs/measures.md):

- ``revenue@2021``, ``revenue@2022Q2``, ``revenue@2022-04``, ``revenue@2022-04-01..2022-12-31``
  (absolute), ``revenue@last_year`` / ``revenue@this_year`` / ``revenue@year-2`` (relative to the
  evaluation date ``as_of``, i.e. the application), ``revenue@policy`` (the measure's own
  execution period, resolved when the measure is loaded);
- ``PERIOD(revenue, 'spec')`` is the same; ``SUM_OVER`` / ``MAX_OVER`` / ``MIN_OVER`` (fact,
  'year-3..year-1') read each year of a range of years and add them / take the largest / the
  smallest (strict: one unknown year makes the result unknown, naming that year as missing).

A period-qualified reference is an ordinary fact name ``<fact>@<spec>`` to every engine: the
facts builder supplies its value (a flow over a range is summed from the months or quarters the
profile gives; a missing part leaves it unknown), SQL reads column ``<fact>__p<period>``
(``revenue__p2021``, ``revenue__last_year``, ``revenue__year_m2``). A bare yearly fact still means
the last complete year (or 本年度 for the few the catalogue labels so), as before.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date

SEP = "@"
RELATIVE = ("last_year", "this_year")
POLICY = "policy"
_YEAR = re.compile(r"\d{4}")
_QUARTER = re.compile(r"(\d{4})[Qq]([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")
_YEAR_N = re.compile(r"year-(\d{1,2})")
_YEAR_RANGE = re.compile(r"(\d{4}|year-\d{1,2}|last_year|this_year)\.\.(\d{4}|year-\d{1,2}|last_year|this_year)")
# what may follow '@' in an expression (longest alternatives first)
SPEC_PATTERN = (r"\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}|\d{4}[Qq][1-4]|\d{4}-\d{2}|\d{4}"
                r"|last_year|this_year|year-\d{1,2}|policy")
_AT = re.compile(r"\b([a-z][a-z0-9_]*)@(" + SPEC_PATTERN + r")(?![\w.-])")


@dataclass(frozen=True)
class Period:
    """An absolute period: [start, end] inclusive; ``key`` is its canonical text."""

    kind: str  # year | quarter | month | range
    start: date
    end: date
    key: str

    @property
    def label_zh(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}年"
        if self.kind == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        return f"{_day(self.start)}至{_day(self.end)}"

    def months(self) -> list[Period] | None:
        """The calendar months that make up this period exactly, or None if it does not start
        on the 1st and end on a month's last day."""
        if self.start.day != 1 or self.end.day != calendar.monthrange(self.end.year, self.end.month)[1]:
            return None
        out, y, mth = [], self.start.year, self.start.month
        while (y, mth) <= (self.end.year, self.end.month):
            out.append(month(y, mth))
            y, mth = (y + 1, 1) if mth == 12 else (y, mth + 1)
        return out

    def parts(self) -> list[Period] | None:
        found = _parts(self)
        return None if found is None else list(found)

    def _parts(self) -> list[Period] | None:
        """Sub-periods that make up this period exactly: a year's quarters, a quarter's months, a
        range's whole calendar quarters and the months left over; None for a month or a range not
        made of whole months."""
        if self.kind == "month":
            return None
        months = self.months()
        if not months:
            return None
        if self.kind == "quarter":
            return months
        out, i = [], 0
        while i < len(months):
            m = months[i]
            if m.start.month % 3 == 1 and i + 2 < len(months):
                out.append(parse_period(f"{m.start.year}Q{(m.start.month - 1) // 3 + 1}"))
                i += 3
            else:
                out.append(m)
                i += 1
        return out


@lru_cache(maxsize=4096)  # pure (Period is frozen): a year's quarters are asked for per fact and profile
def _parts(period: Period) -> tuple[Period, ...] | None:
    found = period._parts()
    return None if found is None else tuple(found)


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@lru_cache(maxsize=4096)  # pure (Period is frozen)
def month(year: int, mth: int) -> Period:
    last = calendar.monthrange(year, mth)[1]
    return Period("month", date(year, mth, 1), date(year, mth, last), f"{year}-{mth:02d}")


def year(y: int) -> Period:
    return Period("year", date(y, 1, 1), date(y, 12, 31), str(y))


@lru_cache(maxsize=4096)  # pure; a profile's figure keys are parsed again for every fact and period
def parse_period(text) -> Period:
    """'2021' / 2021, '2022Q2', '2022-04', '2022-04-01..2022-12-31' → Period; ValueError (Chinese) otherwise."""
    s = str(text).strip()
    if _YEAR.fullmatch(s):
        return year(int(s))
    if m := _QUARTER.fullmatch(s):
        y, q = int(m[1]), int(m[2])
        start = date(y, 3 * q - 2, 1)
        end = date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])
        return Period("quarter", start, end, f"{y}Q{q}")
    if (m := _MONTH.fullmatch(s)) and 1 <= int(m[2]) <= 12:
        return month(int(m[1]), int(m[2]))
    if m := _RANGE.fullmatch(s):
        try:
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError:
            raise ValueError(f"期间 {s!r} 的日期无效") from None
        if end < start:
            raise ValueError(f"期间 {s!r} 的结束日早于开始日")
        whole = Period("range", start, end, f"{start.isoformat()}..{end.isoformat()}")
        # a range that is exactly a year, quarter or month is that period (one key per period)
        for candidate in (str(start.year), f"{start.year}Q{(start.month - 1) // 3 + 1}", f"{start.year}-{start.month:02d}"):
            p = parse_period(candidate)
            if (p.start, p.end) == (start, end):
                return p
        return whole
    raise ValueError(f"无法识别的期间 {s!r}：应为年份 2021、季度 2022Q2、月份 2022-04 或日期区间 2022-04-01..2022-12-31")


def canonical_spec(spec: str) -> str:
    """A period spec as written after '@' → its canonical form ('year-1' → 'last_year',
    '2022-04-01..2022-06-30' → '2022Q2'); ValueError if malformed. 'policy' is kept (the loader
    replaces it by the measure's period)."""
    s = str(spec).strip()
    if s in RELATIVE or s == POLICY:
        return s
    if m := _YEAR_N.fullmatch(s):
        n = int(m[1])
        return {0: "this_year", 1: "last_year"}.get(n, f"year-{n}")
    return parse_period(s).key


def policy_spec(start: date | None, end: date | None) -> str | None:
    """What ``@policy`` reads for a measure in force from ``start`` to ``end`` (None if open-ended)."""
    return canonical_spec(f"{start.isoformat()}..{end.isoformat()}") if start and end else None


def is_relative(spec: str) -> bool:
    return spec in RELATIVE or bool(_YEAR_N.fullmatch(spec))


def resolve(spec: str, as_of: date) -> Period | None:
    """The absolute period of a canonical spec at ``as_of`` (None before year 1: nothing is known then)."""
    back = {"this_year": 0, "last_year": 1}.get(spec)
    if back is None and (m := _YEAR_N.fullmatch(spec)):
        back = int(m[1])
    if back is None:
        return parse_period(spec)
    return year(as_of.year - back) if as_of.year - back >= date.min.year else None


def spec_label(spec: str, as_of: date | None = None) -> str:
    """'2021年'; a relative spec without a date: '上年度' / '本年度' / '前2年'."""
    resolved = resolve(spec, as_of) if as_of is not None or not is_relative(spec) else None
    if resolved is not None:
        return resolved.label_zh
    if spec == "this_year":
        return "本年度"
    if spec == "last_year":
        return "上年度"
    return f"{_YEAR_N.fullmatch(spec)[1]}年前"


def split(name: str) -> tuple[str, str | None]:
    """'revenue@2021' → ('revenue', '2021'); 'revenue' → ('revenue', None)."""
    base, sep, spec = name.partition(SEP)
    return (base, spec) if sep else (name, None)


def column_suffix(spec: str) -> str:
    """SQL column suffix: '2021' → 'p2021', '2022Q2' → 'p2022q2', '2022-04' → 'p2022_04',
    '2022-04-01..2022-12-31' → 'p20220401_20221231', 'year-2' → 'year_m2', 'last_year'."""
    if spec in RELATIVE:
        return spec
    if m := _YEAR_N.fullmatch(spec):
        return f"year_m{m[1]}"
    if ".." in spec:
        a, b = spec.split("..")
        return f"p{a.replace('-', '')}_{b.replace('-', '')}"
    return "p" + spec.lower().replace("-", "_")


def column_name(name: str) -> str:
    base, spec = split(name)
    return base if spec is None else f"{base}__{column_suffix(spec)}"


def year_specs(spec: str) -> list[str] | None:
    """'year-3..year-1' / '2019..2021' / 'year-3..last_year' → one canonical spec per year (oldest
    first); None if ``spec`` is not a range of whole years."""
    m = _YEAR_RANGE.fullmatch(spec.strip())
    if not m:
        return None
    a, b = canonical_spec(m[1]), canonical_spec(m[2])
    if is_relative(a) != is_relative(b):
        raise ValueError(f"期间 {spec!r}：区间两端须同为相对年份或同为绝对年份")
    if is_relative(a):
        back = lambda s: {"this_year": 0, "last_year": 1}.get(s) if s in RELATIVE else int(s.split("-")[1])  # noqa: E731
        hi, lo = back(a), back(b)
        if lo > hi:
            raise ValueError(f"期间 {spec!r} 的结束年早于开始年")
        return [canonical_spec(f"year-{n}") for n in range(hi, lo - 1, -1)]
    lo, hi = int(a), int(b)
    if hi < lo:
        raise ValueError(f"期间 {spec!r} 的结束年早于开始年")
    return [str(y) for y in range(lo, hi + 1)]


def rewrite_at(text: str) -> str:
    """``revenue@2021`` → ``PERIOD(revenue, '2021')`` so the SQL parser can read it."""
    return _AT.sub(lambda m: f"PERIOD({m[1]}, '{m[2]}')", text)
