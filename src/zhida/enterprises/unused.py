"""Figures a profile gives that no rule reads (issue 9 §1: nothing is silently ignored).

A figure of yearly fact F for period P is *read* at ``as_of`` if some measure or concept reads
F bare and P is (or is part of) the year a bare F means (the last complete year; 本年度 facts the
year of as_of), or reads ``F@spec`` and P is (or is part of) that period. Everything else is
listed by ``zhida enterprises show`` as unused, so a user who typed 2023 figures for a 2022
assessment, or monthly sales outside a policy window, sees it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zhida.enterprises.facts import FIGURE_FIELDS, catalogue, year_of
from zhida.enterprises.profile import EnterpriseProfile
from zhida.rules import periods
from zhida.rules.expr import columns


@dataclass(frozen=True)
class Unused:
    period: str  # the figures key: '2019', '2022Q2', '2022-04'
    fact: str  # catalogue name
    label_zh: str


def names_read(policies) -> set[str]:
    """Every fact name the measures and concepts reference (bare or ``fact@period``)."""
    out: set[str] = set()
    for concept in policies.concepts.values():
        out.update(columns(concept.ast))
    for m in policies.measures.values():
        for c in m.conditions:
            out.update(columns(c.ast))
        a = m.amount
        for node in (a.expr, a.cap, a.floor, a.upper) if a is not None else ():
            if node is not None:
                out.update(columns(node))
    return out


def unused_figures(profile: EnterpriseProfile, as_of: dt.date, policies) -> list[Unused]:
    read = names_read(policies)
    windows: dict[str, list[periods.Period]] = {}
    for name in read:
        base, spec = periods.split(name)
        fact = catalogue().get(base)
        if fact is None or fact.temporal != "yearly":
            continue
        if spec is None:
            y = year_of(fact, as_of)
            period = periods.year(y) if y >= 1 else None
        else:
            period = periods.resolve(spec, as_of)
        if period is not None:
            windows.setdefault(base, []).append(period)
    fields = {v: k for k, v in FIGURE_FIELDS.items()}
    out = []
    for key, figures in profile.figures.items():
        given = periods.parse_period(key)
        values = {fields[f]: v for f, v in figures.model_dump(exclude={"other"}).items() if v is not None}
        values.update({k: v for k, v in figures.other.items() if v is not None})
        for name in values:
            if not any(w.start <= given.start and given.end <= w.end for w in windows.get(name, ())):
                out.append(Unused(given.key, name, catalogue().get(name).label_zh))
    return sorted(out, key=lambda u: (u.period, u.fact))
