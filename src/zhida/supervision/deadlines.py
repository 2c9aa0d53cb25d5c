"""A task's deadline: the latest date its text sets (…前, 截至…, a period's end, 2022年 → 12-31,
and the relative words 年内 / 全年 / 年底 / 上半年 / 下半年 / 今明两年 in the document's year);
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
    return sorted(found)


def of_text(plain: str, year: int | None, valid_until: date | None) -> Deadline:
    found = _ends(plain, year)
    if found:
        _, text, day = max(found, key=lambda item: item[2])
        return Deadline(day, "text", text, tuple((t, d) for _, t, d in found))
    if valid_until is not None:
        return Deadline(valid_until, "validity", None)
    return Deadline(None, "none", None)
