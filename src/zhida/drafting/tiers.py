"""Tier tables: '年营业收入1000万元及以上至5000万元的，给予10万元奖励；5000万元（含）以上至1亿元的，给予20万元
奖励；1亿元以上的，给予50万元奖励' — bands of one quantity, each with its own sum (or rate).

The reading pipeline gives each band as an amount with role ``threshold_min`` (``upper`` for a
closed band) or ``threshold_max``; this module pairs bands with what each gives, in the two orders
texts use (band, sum, band, sum … or all bands then all sums: '…、…、…的，分别给予…、…、…'), and
writes the bounds each band's words state. A band's lower end is inclusive where the text says so
(及以上, （含）以上), else exclusive; its upper end is inclusive unless the next band starts there
inclusively. The quantity the bands bound is named once, before the first band; when the catalogue
has no fact for it, the drafter leaves the amount open (``zhida.drafting.draft``) — nothing invented.

A tier table split over sentences ('…；5000万元（含）以上至1亿元的，给予…') is one benefit:
``continues`` says when the next sentence carries on the table of the one before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SUM = r"\d+(?:\.\d+)?\s*(?:万亿|千亿|百亿|千万|百万|亿|万|千)?元"
# a band of money: a sum with 以上/以下/至 in its own phrase
_BAND = re.compile(rf"{_SUM}[^，,。；;\d]{{0,8}}?(?:以上|以下|至|到)")
# a sentence that opens with a band (a few words before the sum at most): the next row of a table
_BAND_HEAD = re.compile(rf"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|\d+\s*[.．、])?\s*(?:对)?[^，,。；;\d]{{0,10}}?{_SUM}"
                        r"[^，,。；;\d]{0,8}?(?:以上|以下|至|到)")
_INCLUSIVE_LOW = re.compile(r"及以上|或以上|[（(]含[^）)]{0,4}[）)]\s*(?:及|或)?以上|以上\s*[（(]含[^）)]{0,4}[）)]")
BAND_ROLES = ("threshold_min", "threshold_max")


def has_band(simple: str) -> bool:
    return bool(_BAND.search(simple))


def continues(previous: str, following: str) -> bool:
    """Whether sentence ``following`` (simplified) is the next row of a tier table in ``previous``."""
    return has_band(previous) and bool(_BAND_HEAD.match(following))


@dataclass(frozen=True)
class Band:
    low: object | None  # Decimal value of the lower end, None when open below
    low_op: str | None  # '>=' or '>'
    high: object | None
    high_op: str | None  # '<=' or '<'

    def sql(self, fact: str, literal) -> str:
        parts = []
        if self.low is not None:
            parts.append(f"{fact} {self.low_op} {literal(self.low)}")
        if self.high is not None:
            parts.append(f"{fact} {self.high_op} {literal(self.high)}")
        return " AND ".join(parts)


@dataclass(frozen=True)
class Table:
    bands: list[dict]  # the band items (extraction JSON with ``_at``), in text order
    values: list[dict]  # what each band gives: money items or rate items, paired with ``bands``
    rates: bool  # values are percentages of a base, not sums

    @property
    def items(self) -> list[dict]:
        return [*self.bands, *self.values]


def table(items: dict) -> Table | None:
    """The tier table of a sentence's extracted items, or None: at least two money bands and as
    many sums (or as many rates), in band-value order or all bands first."""
    bands = sorted((a for a in items["amounts"] if a["role"] in BAND_ROLES and a.get("currency", "CNY") == "CNY"),
                   key=lambda a: a["_at"])
    if len(bands) < 2:
        return None
    sums = sorted((a for a in items["amounts"] if a["role"] in ("exact", "cap") and a.get("currency", "CNY") == "CNY"
                   and not a.get("unit") and not a.get("period") and a.get("upper") is None), key=lambda a: a["_at"])
    rates = sorted((p for p in items["percentages"] if p["role"] in ("rate", "cap") and p.get("kind") == "percent"),
                   key=lambda p: p["_at"])
    for values, is_rate in ((sums, False), (rates, True)):
        if len(values) != len(bands):
            continue
        alternating = all(b["_at"] < v["_at"] for b, v in zip(bands, values)) and \
            all(v["_at"] < b["_at"] for v, b in zip(values, bands[1:]))
        grouped = bands[-1]["_at"] < values[0]["_at"]
        if alternating or grouped:
            return Table(bands, values, is_rate)
    return None


def bands(found: Table, flat: str, operator) -> list[Band]:
    """Each band's bounds. ``flat``: the squashed simplified sentence the items' ``_at`` point into;
    ``operator(before, after, role)``: the drafter's reading of 以上/以下/不低于 … around one number."""
    from decimal import Decimal

    out: list[Band] = []
    for item in found.bands:
        value = Decimal(str(item["value"]))
        words = item.get("text") or ""
        if item.get("upper") is not None:
            out.append(Band(value, ">=" if _INCLUSIVE_LOW.search(words) else ">", Decimal(str(item["upper"])), "<="))
            continue
        at, size = item["_at"], len(re.sub(r"\s+", "", words))
        op = operator(flat[max(0, at - 24):at], flat[at + size:at + size + 6], item["role"])
        if op in (">", ">="):
            out.append(Band(value, op, None, None))
        elif op in ("<", "<="):
            out.append(Band(None, None, value, op))
        else:
            return []
    # a closed band ends below the next band's inclusive start ('1000万元及以上至5000万元、5000万元及以上…')
    for i, band in enumerate(out[:-1]):
        following = out[i + 1]
        if band.high is not None and following.low == band.high and following.low_op == ">=":
            out[i] = Band(band.low, band.low_op, band.high, "<")
    return out
