"""Swedish public holidays and school breaks, and the choice of a typical weekday to analyse."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

TUESDAY = 1
TYPICAL_WEEKDAYS = (1, 2, 3)  # Tuesday to Thursday
# A suggested day runs at least this share of the typical weekday's trips.
TYPICAL_SHARE = 0.9
# A day with less than this share of the typical weekday's trips has "much less service".
LITTLE_SERVICE = 0.5
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


def is_school_break(day: datetime.date) -> bool:
    """Return whether the day is in a school break somewhere in Sweden.

    The winter sports break (weeks 7–10, by region), the Easter break (the week before Easter
    Monday and the week after it, by region) and the autumn break (week 44), besides the
    Christmas and summer holidays (is_holiday_season).
    """
    week = day.isocalendar().week
    easter_monday = easter_sunday(day.year) + datetime.timedelta(days=1)
    near_easter = -7 <= (day - easter_monday).days <= 7
    return 7 <= week <= 10 or week == 44 or near_easter or is_holiday_season(day)


def is_typical_weekday(day: datetime.date) -> bool:
    """Return whether the day is a Tuesday, Wednesday or Thursday outside holidays and breaks."""
    return day.weekday() in TYPICAL_WEEKDAYS and not holiday_name(day) and not is_school_break(day)


def is_typical_tuesday(day: datetime.date) -> bool:
    """Return whether the day is a Tuesday, not a holiday, outside Christmas and the summer."""
    return day.weekday() == TUESDAY and not holiday_name(day) and not is_holiday_season(day)


def typical_weekday_trips(first: datetime.date, trips: Sequence[int]) -> int:
    """The feed's typical weekday level: what its busiest ordinary weekdays run.

    The 90th percentile of the trips on the typical weekdays (Tuesday to Thursday outside
    holidays and breaks), or of every day when there is none: feeds are often complete only
    for their first months, so a median would be a level of a half-empty timetable.
    """
    counts = [n for i, n in enumerate(trips) if is_typical_weekday(first + datetime.timedelta(i))]
    counts = sorted(counts or [n for n in trips if n])
    if not counts:
        return 0
    return int(counts[min(len(counts) - 1, int(0.9 * len(counts)))])


def has_little_service(trips: int, typical: int) -> bool:
    """Whether a day runs much less than the typical weekday (under half)."""
    return typical > 0 and trips < LITTLE_SERVICE * typical


def suggest_date(
    valid_from: datetime.date,
    valid_until: datetime.date,
    *,
    today: datetime.date | None = None,
    trips: Sequence[int] | None = None,
) -> datetime.date | None:
    """Return a typical weekday of the feed: the next one after today if today is inside it.

    A typical weekday is a Tuesday, Wednesday or Thursday outside holidays and school breaks
    whose trips (trips[i] on valid_from + i days) are at the feed's typical weekday level.
    Without trip counts, every weekday counts as typical.
    """
    days = (valid_until - valid_from).days + 1
    counts = list(trips) if trips is not None else [1] * max(days, 0)
    level = typical_weekday_trips(valid_from, counts)
    start = valid_from + datetime.timedelta(days=SETTLING_DAYS)
    if today is not None and valid_from <= today <= valid_until:
        start = max(start, today + datetime.timedelta(days=1))

    def typical(i: int) -> bool:
        return counts[i] > 0 and counts[i] >= TYPICAL_SHARE * level

    candidates = [
        i
        for i in range(days)
        if is_typical_weekday(valid_from + datetime.timedelta(i)) and typical(i)
    ]
    later = [i for i in candidates if valid_from + datetime.timedelta(i) >= start]
    if later or candidates:
        return valid_from + datetime.timedelta((later or candidates)[0])
    # A short feed that only covers holidays still gets its busiest Tuesday to Thursday.
    weekdays = [
        i
        for i in range(days)
        if (valid_from + datetime.timedelta(i)).weekday() in TYPICAL_WEEKDAYS and counts[i]
    ]
    if not weekdays:
        return None
    busiest = max(weekdays, key=lambda i: (counts[i], -i))
    return valid_from + datetime.timedelta(busiest)
