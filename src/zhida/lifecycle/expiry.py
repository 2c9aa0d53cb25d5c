"""What ends soon across the library: measures whose period runs out and application windows that
close within N days, by responsible unit — so each unit sees what it must renew, extend or remind.

The end of a measure is ``Period.last_day``: the text's own end unless another document repealed
or extended it (then that document's sentence is the quote).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

NO_UNIT = "未注明责任单位"
KIND_ZH = {"period": "有效期届满", "window": "申报截止"}


@dataclass(frozen=True)
class Ending:
    measure_id: str
    title: str
    document: str
    kind: str  # period | window
    on: date
    days_left: int
    units: tuple[str, ...]
    quote: str

    @property
    def kind_zh(self) -> str:
        return KIND_ZH[self.kind]


def upcoming(policies, today: date, days: int) -> list[Ending]:
    """Every period end and window close in [today, today + days], soonest first."""
    from zhida.notify.windows import of_measure

    # the horizon stops at the calendar's last day: "within 3650 days" of 9999-12-01 is not an error
    horizon = today + timedelta(days=min(days, (date.max - today).days))
    out: list[Ending] = []
    for measure in policies.measures.values():
        units = tuple(measure.responsible_units) or (NO_UNIT,)
        end = measure.period.last_day
        if end is not None and today <= end <= horizon:
            change = measure.period.changed_by
            quote = change.quote if change else (measure.period.quote or "")
            out.append(Ending(measure.id, measure.title, measure.document, "period", end, (end - today).days, units,
                              quote))
        window = of_measure(measure, policies, today) if measure.enterprise_benefit else None
        if window is not None and window.closes is not None and today <= window.closes <= horizon:
            out.append(Ending(measure.id, measure.title, measure.document, "window", window.closes,
                              (window.closes - today).days, units, window.quote))
    out.sort(key=lambda e: (e.on, e.measure_id, e.kind))
    return out


def by_unit(endings: list[Ending]) -> dict[str, list[Ending]]:
    """Unit → its endings (a measure with two units is listed under both), units by name."""
    grouped: dict[str, list[Ending]] = {}
    for ending in endings:
        for unit in ending.units:
            grouped.setdefault(unit, []).append(ending)
    return dict(sorted(grouped.items()))
