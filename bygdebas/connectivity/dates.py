"""Swedish public holidays and the choice of a typical weekday to analyse."""

from __future__ import annotations

import datetime
from collections.abc import Callable

TUESDAY = 1
# Timetables differ around Christmas and New Year and in the summer; a "typical" day avoids them.
CHRISTMAS_FROM = (12, 20)
CHRISTMAS_UNTIL = (1, 10)
SUMMER_FROM = (6, 15)
SUMMER_UNTIL = (8, 15)
# A feed's first days are often a changeover; start looking a week in.
SETTLING_DAYS = 7


def easter_sunday(year: int) -> datetime.date:
    """Return Easter Sunday of the Gregorian year (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def _weekday_between(year: int, month: int, first_day: int, weekday: int) -> datetime.date:
    """Return the date with the weekday in the seven days starting on first_day of the month."""
    start = datetime.date(year, month, first_day)
    return start + datetime.timedelta(days=(weekday - start.weekday()) % 7)


def swedish_holidays(year: int) -> dict[datetime.date, str]:
    """Return the Swedish public holidays (and the eves treated as holidays) of the year."""
    easter = easter_sunday(year)
    days = datetime.timedelta
    midsummer_eve = _weekday_between(year, 6, 19, 4)  # the Friday 19–25 June
    all_saints = _weekday_between(year, 10, 31, 5)  # the Saturday 31 October–6 November
    return {
        datetime.date(year, 1, 1): "Nyårsdagen",
        datetime.date(year, 1, 6): "Trettondedag jul",
        easter - days(2): "Långfredagen",
        easter - days(1): "Påskafton",
        easter: "Påskdagen",
        easter + days(1): "Annandag påsk",
        datetime.date(year, 5, 1): "Första maj",
        easter + days(39): "Kristi himmelsfärdsdag",
        easter + days(49): "Pingstdagen",
        datetime.date(year, 6, 6): "Sveriges nationaldag",
        midsummer_eve: "Midsommarafton",
        midsummer_eve + days(1): "Midsommardagen",
        all_saints: "Alla helgons dag",
        datetime.date(year, 12, 24): "Julafton",
        datetime.date(year, 12, 25): "Juldagen",
        datetime.date(year, 12, 26): "Annandag jul",
        datetime.date(year, 12, 31): "Nyårsafton",
    }


def holiday_name(day: datetime.date) -> str | None:
    """Return the name of the Swedish holiday on the day, or None."""
    return swedish_holidays(day.year).get(day)


def is_holiday_season(day: datetime.date) -> bool:
    """Return whether the day is in the Christmas and New Year weeks or in the summer."""
    md = (day.month, day.day)
    return md >= CHRISTMAS_FROM or md <= CHRISTMAS_UNTIL or SUMMER_FROM <= md <= SUMMER_UNTIL


def is_typical_tuesday(day: datetime.date) -> bool:
    """Return whether the day is a Tuesday, not a holiday, outside Christmas and the summer."""
    return day.weekday() == TUESDAY and not holiday_name(day) and not is_holiday_season(day)


def suggest_date(
    valid_from: datetime.date,
    valid_until: datetime.date,
    *,
    today: datetime.date | None = None,
    has_service: Callable[[datetime.date], bool] | None = None,
) -> datetime.date | None:
    """Return a typical Tuesday in the validity: the next one after today if today is inside it."""
    start = valid_from + datetime.timedelta(days=SETTLING_DAYS)
    if today is not None and valid_from <= today <= valid_until:
        start = max(start, today + datetime.timedelta(days=1))
    day = start + datetime.timedelta(days=(TUESDAY - start.weekday()) % 7)
    fallback: datetime.date | None = None
    while day <= valid_until:
        if is_typical_tuesday(day):
            if has_service is None or has_service(day):
                return day
        elif fallback is None and (has_service is None or has_service(day)):
            fallback = day
        day += datetime.timedelta(days=7)
    # A short feed that only covers holidays still gets a Tuesday with service, if any.
    return fallback
