"""Dates, periods, deadlines and start dates → ``DateMention``.

A date expression is one or two *atoms* (2022年, 2022年6月, 2022年6月30日, 6月底,
2022年第一、二季度, 2022年上半年, 2022年度, 2021-12-22) joined by 至/到/-/~, read
with the words around it:

* A 至 B → ``period`` from A's first day to B's last day; B takes A's year (and
  month) when it omits them (2022年6月1日至12月31日, 2022年4月至12月).
* 自/从 A 起 → ``start``; X前/之前/以前 → ``deadline``; 至/到/截至 X (not after
  another date) → ``deadline``.
* a span on its own (2022年, 2022年度内, 2021年第四季度) → ``period``; a single day
  → ``date``; X以后/之后 → ``start``; 自A起至B止 → ``period``.
* Republic-of-China years (中华民国112年, 民国一百十二年, or 112年 / 一一二年 with a
  month) are 1911 years on.

Deadlines: 'X前' is read inclusively for a day or a 底/末 (2022年6月30日前 →
2022-06-30, 6月底前 → June 30) and as the day before a span (2023年前 → 2022-12-31).
Month ends come from the calendar. A month without a year takes the year of the
nearest earlier date in the same text, else ``context_year``; with neither, the
mention is kept with unknown dates (never a guessed year). Durations (6个月) are
not dates and are not listed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from zhida.documents.extract.numbers import to_int
from zhida.documents.model import DateMention

_D = "[0-9０-９]"
_CN_YEAR = "[〇零一二三四五六七八九]{4}"
_MON = rf"{_D}{{1,2}}|十[一二]?|[一二三四五六七八九]"
_DAY = rf"{_D}{{1,2}}|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九]"
_PART = "底|末|初|上旬|中旬|下旬"
# Republic-of-China years (Taiwan): 中华民国112年, 民国一百十二年, and a bare 112年 /
# 一一二年 / 一百一十二年 when a month follows (a lone 112年 may be a count of years).
_CN_1_9 = "[一二三四五六七八九]"
_CN_ROC_CENTURY = rf"一百(?:零{_CN_1_9}|{_CN_1_9}?十{_CN_1_9}?|{_CN_1_9})?|一[〇零一二三四五六七八九]{{2}}"
_ROC = (
    rf"(?:中华民国|民国)\s*(?:{_D}{{2,3}}|{_CN_ROC_CENTURY}|{_CN_1_9}?十{_CN_1_9}?)"
    rf"|(?:1{_D}{{2}}|(?<![〇零一二两三四五六七八九十百千]){_CN_ROC_CENTURY})(?=\s*年\s*(?:{_MON})\s*月)"
)
_Q = "[一二三四1-4１-４]"
_QUARTERS = rf"第?{_Q}(?:\s*[、，,和及]\s*第?{_Q})*\s*季度(?:\s*[、和及]\s*第?{_Q}\s*季度)*"
_ATOM = re.compile(
    rf"(?<![0-9０-９])(?P<iy>(?:19|20){_D}{{2}})[-/.](?P<im>{_D}{{1,2}})[-/.](?P<id>{_D}{{1,2}})(?![0-9０-９])"
    rf"|(?<![0-9０-９])(?P<y>{_D}{{4}}|{_CN_YEAR}|{_ROC})\s*年\s*(?:"
    rf"(?P<m>{_MON})\s*月\s*(?:(?P<d>{_DAY})\s*[日号]|(?P<mp>{_PART}))?"
    rf"|(?P<q>{_QUARTERS})|(?P<half>上半年|下半年)|(?P<ye>底|末)|(?P<yd>度))?"
    rf"|(?<![0-9０-９])(?P<m2>{_D}{{1,2}})\s*月\s*(?:(?P<d2>{_DAY})\s*[日号]|(?P<mp2>{_PART}))?"
)
_DAY_ONLY = re.compile(rf"(?P<d>{_DAY})\s*[日号]")
_JOINT = re.compile(r"\s*(?:起\s*)?(?:至|到|—|－|-|~|～|–)\s*")  # 自A起至B止 is a period too
_PREFIX = re.compile(r"(?P<word>截至|截止到|截止至|截止|自|从|至|到)\s*$")
_SUFFIX = re.compile(r"\s*(?P<word>之日起|起|开始|以来|以后|之后|之前|以前|前|止|内|期间)")
_CN_Q = {"一": 1, "二": 2, "三": 3, "四": 4}


@dataclass
class _Atom:
    start: int
    end: int
    first: date | None  # first day covered (None: year unknown)
    last: date | None  # last day covered
    point: bool  # a single day (a date, or a 底/末)
    year: int | None
    month: int | None


# every atom names a 年 or a 月, or is written 2021-12-22 / 2021/12/22 / 2021.12.22
_DATE_CHARS = re.compile(rf"[年月]|(?:19|20){_D}{{2}}[-/.]")


def extract_dates(text: str, context_year: int | None = None) -> list[DateMention]:
    if not _DATE_CHARS.search(text):
        return []
    atoms = list(_atoms(text, context_year))
    mentions: list[DateMention] = []
    index = 0
    while index < len(atoms):
        first = atoms[index]
        second, index = _range_end(text, atoms, index)
        mentions.append(_mention(text, first, second))
    return mentions


# '每年1月31日前' recurs every year; '当年1月1日至12月31日' (no year named before it) is a year the
# reader of the text supplies: neither is a day of the document's year
_EVERY_YEAR = re.compile(r"(?:每年|每一年|逐年)(?:的)?\s*$")
_THAT_YEAR = re.compile(r"当年(?:的)?\s*$")
_RANGE_JOINT_ONLY = re.compile(r"\s*(?:至|到|-|－|~|～|—)\s*")


def _atoms(text: str, context_year: int | None):
    last_year: int | None = None
    yearless_end = -1  # where the last atom read without a year ended: its range end is yearless too
    for match in _ATOM.finditer(text):
        before = text[max(0, match.start() - 4) : match.start()]
        fallback = last_year if last_year is not None else context_year
        if (_EVERY_YEAR.search(before) or (last_year is None and _THAT_YEAR.search(before))
                or (yearless_end >= 0 and _RANGE_JOINT_ONLY.fullmatch(text[yearless_end : match.start()]))):
            fallback = None
            yearless_end = match.end()
        atom = _atom(match, fallback)
        if atom is None:
            continue
        if match.group("y") or match.group("iy"):
            last_year = atom.year
        yield atom


def _atom(match: re.Match, fallback_year: int | None) -> _Atom | None:
    atom = _read_atom(match, fallback_year)
    if atom is not None:
        while atom.end > atom.start and match.string[atom.end - 1].isspace():
            atom.end -= 1  # the regex may eat the space after 年/月; give it back
    return atom


def _read_atom(match: re.Match, fallback_year: int | None) -> _Atom | None:
    g = match.groupdict()
    try:
        if g["iy"]:
            day = date(to_int(g["iy"]), to_int(g["im"]), to_int(g["id"]))
            return _Atom(match.start(), match.end(), day, day, True, day.year, day.month)
        if g["y"]:
            year = _year(g["y"])
            if not 1900 <= year <= 2100:
                return None
            return _year_atom(match, year, g)
        year = fallback_year
        month = to_int(g["m2"])
        return _month_atom(match, year, month, g["d2"], g["mp2"])
    except ValueError:  # 2月30日, 13月: not a date
        return None


def _year(text: str) -> int:
    digits = re.sub(r"^(?:中华民国|民国)\s*", "", text)
    year = to_int(digits)
    western = re.fullmatch(rf"{_D}{{4}}|{_CN_YEAR}", digits)
    return year if western else year + 1911  # 民国112年 / 民国一百十二年 is 2023


def _year_atom(match: re.Match, year: int, g: dict) -> _Atom | None:
    s, e = match.start(), match.end()
    if g["m"]:
        return _month_atom(match, year, to_int(g["m"]), g["d"], g["mp"])
    if g["q"]:
        quarters = [_CN_Q.get(ch) or int(ch.translate(str.maketrans("１２３４", "1234")))
                    for ch in re.findall(_Q, g["q"])]
        first = date(year, 3 * min(quarters) - 2, 1)
        return _Atom(s, e, first, _month_end(year, 3 * max(quarters)), False, year, None)
    if g["half"]:
        if g["half"] == "上半年":
            return _Atom(s, e, date(year, 1, 1), date(year, 6, 30), False, year, None)
        return _Atom(s, e, date(year, 7, 1), date(year, 12, 31), False, year, None)
    if g["ye"]:
        return _Atom(s, e, date(year, 12, 31), date(year, 12, 31), True, year, None)
    # 2022年 / 2022年度: the whole year
    return _Atom(s, e, date(year, 1, 1), date(year, 12, 31), False, year, None)


def _month_atom(match: re.Match, year: int | None, month: int, day: str | None, part: str | None) -> _Atom:
    s, e = match.start(), match.end()
    if not 1 <= month <= 12:
        raise ValueError("month")
    if year is None:
        if day:
            to_int(day)
        return _Atom(s, e, None, None, bool(day or part in ("底", "末")), None, month)
    last_day = calendar.monthrange(year, month)[1]
    if day:
        point = date(year, month, to_int(day))
        return _Atom(s, e, point, point, True, year, month)
    if part in ("底", "末"):
        return _Atom(s, e, date(year, month, last_day), date(year, month, last_day), True, year, month)
    if part == "初":
        return _Atom(s, e, date(year, month, 1), date(year, month, 10), False, year, month)
    bounds = {"上旬": (1, 10), "中旬": (11, 20), "下旬": (21, last_day)}.get(part or "", (1, last_day))
    return _Atom(s, e, date(year, month, bounds[0]), date(year, month, bounds[1]), False, year, month)


def _range_end(text: str, atoms: list[_Atom], index: int):
    """(the atom closing a range that starts at atoms[index], next index to read)."""
    first = atoms[index]
    joint = _JOINT.match(text, first.end)
    if not joint:
        return None, index + 1
    nxt = atoms[index + 1] if index + 1 < len(atoms) else None
    if nxt is not None and nxt.start == joint.end():
        return _inherit(text, first, nxt), index + 2
    day_only = _DAY_ONLY.match(text, joint.end())
    if day_only and first.month is not None and first.year is not None:
        try:
            point = date(first.year, first.month, to_int(day_only.group("d")))
        except ValueError:
            return None, index + 1
        return _Atom(day_only.start(), day_only.end(), point, point, True, first.year, first.month), index + 1
    return None, index + 1


def _inherit(text: str, first: _Atom, second: _Atom) -> _Atom:
    """Give a range's second atom the first one's year when it omits it."""
    if second.year is not None and _has_own_year(text, second):
        return second
    if first.year is None or second.month is None:
        return second
    match = _ATOM.match(text, second.start)
    year = first.year
    atom = _atom(match, year)
    if atom is not None and atom.last is not None and first.first is not None and atom.last < first.first:
        atom = _atom(match, year + 1)  # 2022年11月至3月 runs into the next year
    return atom or second


def _has_own_year(text: str, atom: _Atom) -> bool:
    match = _ATOM.match(text, atom.start)
    return bool(match and (match.group("y") or match.group("iy")))


def _mention(text: str, first: _Atom, second: _Atom | None) -> DateMention:
    start, end = first.start, (second or first).end
    prefix = _PREFIX.search(text[max(0, start - 4):start])
    suffix = _SUFFIX.match(text, end)
    before = prefix.group("word") if prefix else None
    after = suffix.group("word") if suffix else None
    if before:
        start -= len(text[max(0, start - 4):start]) - prefix.start()
    if after and after not in ("内", "期间"):
        end = suffix.end()
    quoted = text[start:end]
    if second is not None:
        return DateMention(quoted, "period", start, end, start_date=first.first, end_date=second.last)
    if after in ("起", "之日起", "开始", "以来", "以后", "之后") or (before in ("自", "从") and after != "前"):
        return DateMention(quoted, "start", start, end, start_date=first.first)
    if after in ("前", "之前", "以前"):
        last = first.last if first.point or first.last is None else first.first - timedelta(days=1)
        return DateMention(quoted, "deadline", start, end, end_date=last)
    if before in ("至", "到", "截至", "截止到", "截止至", "截止") or after == "止":
        return DateMention(quoted, "deadline", start, end, end_date=first.last)
    if first.point:
        return DateMention(quoted, "date", start, end, on=first.first)
    return DateMention(quoted, "period", start, end, start_date=first.first, end_date=first.last)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
