"""Working days on the official calendar: holidays and 调休 make-up days count as the offices count them."""

from datetime import UTC, date, datetime

from zhida.workflow.calendar import add_working_days, is_workday, working_days_between


def beijing_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)  # 12:00 in Beijing


def test_national_day_week_is_not_counted_and_the_makeup_saturday_is():
    # 2026: 10-01..10-07 are holidays (国庆、中秋), Sunday 09-20 and Saturday 10-10 are working days (调休).
    assert is_workday(date(2026, 10, 5)) == (False, False)
    assert is_workday(date(2026, 10, 10)) == (True, False)
    due = add_working_days(beijing_noon(date(2026, 9, 30)), 2)
    assert due.day == date(2026, 10, 9) and not due.estimated  # 10-08, 10-09
    due = add_working_days(beijing_noon(date(2026, 9, 30)), 3)
    assert due.day == date(2026, 10, 10)  # the make-up Saturday is a working day
    assert due.at == datetime(2026, 10, 10, 16, 0, tzinfo=UTC)  # the close of that day, 24:00 Beijing


def test_an_ordinary_week_skips_the_weekend():
    due = add_working_days(beijing_noon(date(2026, 12, 3)), 5)  # Thursday
    assert due.day == date(2026, 12, 10)
    assert working_days_between(beijing_noon(date(2026, 12, 3)), beijing_noon(date(2026, 12, 10))) == 5


def test_a_year_the_calendar_does_not_cover_is_an_estimate_not_an_error():
    due = add_working_days(beijing_noon(date(2031, 3, 6)), 1)  # a Thursday in an unpublished year
    assert due.day == date(2031, 3, 7) and due.estimated


def test_late_evening_utc_is_already_the_next_day_in_beijing():
    # 2026-12-03 20:00 UTC is Friday 04:00 in Beijing: one working day later is Monday.
    due = add_working_days(datetime(2026, 12, 3, 20, 0, tzinfo=UTC), 1)
    assert due.day == date(2026, 12, 7)
