"""A task's deadline: the latest date its text sets (…前, 截至…, a period's end, 2022年 → 12-31,
and the relative words 年内 / 全年 / 年底 / 上半年 / 下半年 / 今明两年 in the document's year; a span
of N years — 5年内, 2012年起5年内 — ends with the N-th calendar year counting the document's (or the
stated start) year, as 今明两年 does; 近两年内 / 过去三年内 look back and set none);
else the document's validity (有效期至…), marked as such; else none — undetermined, never guessed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from zhida.documents.extract.dates import extract_dates

BASES = {"text": "文中期限", "validity": "文件有效期", "none": "未定"}
_RELATIVE = (
    (re.compile(r"今明两年"), lambda y: date(y + 1, 12, 31)),
    # not after a count of years: 近两年内 / 三年内 look back or span, they set no deadline
    (re.compile(r"(?<![0-9０-９年一二两三四五六七八九十几多])(?:年内|全年|年底前?|年末|本年度|当年)"), lambda y: date(y, 12, 31)),
    (re.compile(r"(?<![0-9０-９年])上半年"), lambda y: date(y, 6, 30)),
    (re.compile(r"(?<![0-9０-９年])下半年"), lambda y: date(y, 12, 31)),
)


_SPAN = re.compile(r"(?:(?P<from>(?:19|20)[0-9]{2})年起)?(?P<n>[0-9０-９]{1,2}|[一二两三四五六七八九十])年(?:内|之内|时间内)")
_LOOK_BACK = ("近", "前", "去", "最", "往")  # 近两年内, 前三年内, 过去三年内: a look-back window
_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _spans(plain: str, year: int | None) -> list[tuple[int, str, date]]:
    out = []
    for match in _SPAN.finditer(plain):
        if match.group("from") is None and (year is None or plain[max(0, match.start() - 1):match.start()] in _LOOK_BACK):
            continue
        raw = match.group("n")
        n = _CN.get(raw) or int(raw.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
        first = int(match.group("from")) if match.group("from") else year
        out.append((match.start(), match.group(0), date(first + n - 1, 12, 31)))
    return out


@dataclass(frozen=True)
class Deadline:
    day: date | None
    basis: str  # text, validity, none
    text: str | None  # the words that set it
    mentions: tuple[tuple[str, date], ...] = ()  # every dated milestone found, in text order


def _ends(plain: str, year: int | None) -> list[tuple[int, str, date]]:
    found: list[tuple[int, str, date]] = []
    for mention in extract_dates(plain, year):
        if mention.kind == "start":
            continue
        day = mention.end_date or mention.on
        if day is not None:
            found.append((mention.start, mention.text, day))
    if year is not None:
        for pattern, make in _RELATIVE:
            for match in pattern.finditer(plain):
                if "当年度" in plain[max(0, match.start() - 1):match.end() + 1]:
                    continue  # 当年度供应计划: a yardstick, not a time limit
                if not any(start <= match.start() < start + len(text) for start, text, _ in found):
                    found.append((match.start(), match.group(0), make(year)))
    for at, text, day in _spans(plain, year):
        # a dated start (2012年起) read by the date extraction is part of the span, not a deadline
        found = [f for f in found if not (at <= f[0] < at + len(text))]
        found.append((at, text, day))
    return sorted(found)


def of_text(plain: str, year: int | None, valid_until: date | None) -> Deadline:
    found = _ends(plain, year)
    if found:
        _, text, day = max(found, key=lambda item: item[2])
        return Deadline(day, "text", text, tuple((t, d) for _, t, d in found))
    if valid_until is not None:
        return Deadline(valid_until, "validity", None)
    return Deadline(None, "none", None)
