"""Percentages, percentage points and ratios → ``Percentage``.

Forms: 30% / 30％ / 30 % / 百分之三十 / 10%-20% and 10-20% (value 10, upper 20) /
５个百分点 (kind ``points``) / 1:1, 1：1, 1比1 (kind ``ratio``, role ``ratio``,
value = first term, ``ratio`` = both terms).
'从60%提高至90%' yields two items (from and to), both ``rate``.

Roles, first that applies: 承担/负担/分担/出资 just before → ``share``; 不超过/最高/
不高于 … before or 以内/为限 after → ``cap``; 不低于/不少于/至少 → ``floor``; …以上 or
达到/超过 before → ``threshold_min``; …以下 or 低于/不足 → ``threshold_max``;
otherwise ``rate`` (按…30%给予, 费率0.5%, 增长15%).
"""

from __future__ import annotations

import re

from zhida.documents.extract.context import continues_enumeration, left_phrase, right_phrase
from zhida.documents.extract.numbers import ARABIC, NUMBER, parse_number
from zhida.documents.model import Percentage

_PCT = r"\s*[%％]"
_JOINT = r"\s*(?:至|到|~|～|-|－|—|–)\s*"
_EDGE = r"(?<![0-9０-９.．A-Za-z])"
_PATTERNS = re.compile(
    rf"{_EDGE}(?P<lo>{ARABIC})(?:{_PCT})?{_JOINT}(?P<hi>{ARABIC}){_PCT}"
    rf"|{_EDGE}(?P<pct>{ARABIC}){_PCT}"
    rf"|百分之(?P<cn>{NUMBER})"
    rf"|{_EDGE}(?P<pts>{NUMBER})\s*个百分点"
    rf"|{_EDGE}(?P<ra>[0-9０-９]{{1,3}}(?:[.．][0-9０-９]+)?)\s*(?P<sep>[:：比])\s*"
    rf"(?P<rb>[0-9０-９]{{1,3}}(?:[.．][0-9０-９]+)?)(?![0-9０-９:：%％])"
)
_TIME_CUE = re.compile(r"上午|下午|晚上|早上|时间|时至|开放时")

_SHARE = re.compile(r"(?:各自|分别|各)?(?:承担|负担|分担|出资|配套)$")
_STEP = re.compile(r"每(?:提高|增加|增长|提升)$")
_CAP = re.compile(r"最高|不超过|不高于|不多于|上限|封顶|至多|最多")
_FLOOR = re.compile(r"不低于|不少于|至少|最低")
_MIN = re.compile(r"(?<!不)超过|达到|(?<!不)高于|大于")
_MAX = re.compile(r"(?<!不)低于|不足|少于|小于")
_ABOVE = re.compile(r"\s*(?:及|或)?以上")
_BELOW = re.compile(r"\s*(?:及|或)?以下")
_WITHIN = re.compile(r"\s*(?:以内|之内|为限|为上限)")  # 以计划总经费百分之五十为限


# what every match needs (a % sign, 百分之/个百分点, or a digit before a ratio sign): most clauses have none
_NEEDED = re.compile(r"[%％]|百分|[0-9０-９]\s*[:：比]")


def extract_percentages(text: str) -> list[Percentage]:
    if not _NEEDED.search(text):
        return []
    items: list[Percentage] = []
    for match in _PATTERNS.finditer(text):
        item = _from_match(match, text)
        if item is not None:
            items.append(item)
    _assign_roles(text, items)
    return items


def _from_match(match: re.Match, text: str) -> Percentage | None:
    g = match.groupdict()
    span = dict(text=match.group(0), start=match.start(), end=match.end(), role="rate")
    if g["lo"]:
        return Percentage(value=parse_number(g["lo"]), upper=parse_number(g["hi"]), **span)
    if g["pct"]:
        return Percentage(value=parse_number(g["pct"]), **span)
    if g["cn"]:
        return Percentage(value=parse_number(g["cn"]), **span)
    if g["pts"]:
        return Percentage(value=parse_number(g["pts"]), kind="points", **span)
    # a ratio — but '9:30' in a time of day is not one
    if g["sep"] != "比" and _TIME_CUE.search(text[max(0, match.start() - 8):match.start()]):
        return None
    a, b = parse_number(g["ra"]), parse_number(g["rb"])
    if b == 0:
        return None
    span["role"] = "ratio"
    # value is the first term (1：1 → 1); ``ratio`` keeps both terms exactly
    return Percentage(value=a, kind="ratio", ratio=(a, b), **span)


def _assign_roles(text: str, items: list[Percentage]) -> None:
    previous: Percentage | None = None
    for item in items:
        if item.kind == "ratio":
            previous = item
            continue
        if previous is not None and previous.kind != "ratio" and continues_enumeration(text, previous.end, item.start):
            item.role = previous.role
        else:
            floor = previous.end if previous is not None else 0
            item.role = classify(left_phrase(text, item.start, floor=floor), right_phrase(text, item.end))
        previous = item


def classify(left: str, right: str) -> str:
    if _SHARE.search(left.rstrip()):
        return "share"
    if _STEP.search(left.rstrip()):
        return "threshold_min"  # 每提高5个百分点: each step the beneficiary reaches
    if _ABOVE.match(right):
        return "threshold_min"
    if _BELOW.match(right):
        return "threshold_max"
    if _CAP.search(left) or _WITHIN.match(right):
        return "cap"
    if _FLOOR.search(left):
        return "floor"
    if _MIN.search(left):
        return "threshold_min"
    if _MAX.search(left):
        return "threshold_max"
    return "rate"
