"""Application windows (申报时间) of the measures: the dates a window opens and closes, read from
the sentence ``zhida.mypolicies.how_to_apply`` found for the measure (2023年4月1日至4月30日; a yearly
每年4月1日至4月30日 is the next one not yet closed). A measure whose text gives no readable window
has none — it is never guessed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Window:
    measure_id: str
    title: str
    opens: date | None
    closes: date | None
    quote: str
    kind: str = "window"  # window: 申报时间; period: the measure's period of validity ends (政策有效期)


def of_measure(measure, policies, as_of: date) -> Window | None:
    from zhida.mypolicies import how_to_apply

    found = how_to_apply.for_measure(measure, policies).get("window")
    if found is None:
        return None
    opens, closes = dates_of(found.value, as_of)
    if opens is None and closes is None:
        return None
    return Window(measure.id, measure.title, opens, closes, found.quote)


def dates_of(text: str, as_of: date) -> tuple[date | None, date | None]:
    """(opens, closes) of a window sentence; a yearly window moves to the next year once closed."""
    from zhida.documents.extract.dates import extract_dates

    yearly = text.startswith("每年")
    mentions = extract_dates(text.removeprefix("每年"), context_year=as_of.year if yearly else None)
    starts = [d.start_date for d in mentions if d.start_date is not None]
    ends = [d.end_date for d in mentions if d.end_date is not None]
    opens, closes = (min(starts) if starts else None), (max(ends) if ends else None)
    if yearly and closes is not None and closes < as_of:
        opens, closes = _next_year(opens), _next_year(closes)
    return opens, closes


def _next_year(day: date | None) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 2月29日
        return day.replace(year=day.year + 1, day=28)


def all_windows(policies, as_of: date) -> list[Window]:
    """Every enterprise measure's stated application window, and the end of its period of
    validity (政策有效期, as 我的政策 lists it among the deadlines) when that is still to come."""
    out = []
    for measure in policies.measures.values():
        if not measure.enterprise_benefit:
            continue
        window = of_measure(measure, policies, as_of)
        if window is not None:
            out.append(window)
        end = measure.period.last_day
        if end is not None and end >= as_of:
            change = measure.period.changed_by  # repealed or extended by another document: its sentence
            out.append(Window(measure.id, measure.title, None, end, change.quote if change else measure.period.quote or "",
                              "period"))
    return out
