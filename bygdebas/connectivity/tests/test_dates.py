import datetime

from django.test import SimpleTestCase

from bygdebas.connectivity.dates import (
    easter_sunday,
    has_little_service,
    holiday_name,
    is_school_break,
    is_typical_tuesday,
    suggest_date,
    swedish_holidays,
    typical_weekday_trips,
)

D = datetime.date


class HolidayTests(SimpleTestCase):
    def test_easter_sunday_matches_the_almanac(self) -> None:
        for year, day in [
            (2023, D(2023, 4, 9)),
            (2024, D(2024, 3, 31)),
            (2025, D(2025, 4, 20)),
            (2026, D(2026, 4, 5)),
            (2038, D(2038, 4, 25)),
        ]:
            self.assertEqual(easter_sunday(year), day)

    def test_it_knows_the_moving_holidays(self) -> None:
        holidays = swedish_holidays(2024)
        self.assertEqual(holidays[D(2024, 3, 29)], "Långfredagen")
        self.assertEqual(holidays[D(2024, 4, 1)], "Annandag påsk")
        self.assertEqual(holidays[D(2024, 5, 9)], "Kristi himmelsfärdsdag")
        self.assertEqual(holidays[D(2024, 6, 21)], "Midsommarafton")
        self.assertEqual(holidays[D(2024, 11, 2)], "Alla helgons dag")
        self.assertEqual(holiday_name(D(2023, 12, 26)), "Annandag jul")
        self.assertIsNone(holiday_name(D(2023, 11, 28)))

    def test_a_typical_tuesday_is_no_holiday_and_out_of_season(self) -> None:
        self.assertTrue(is_typical_tuesday(D(2023, 11, 28)))
        self.assertFalse(is_typical_tuesday(D(2023, 11, 29)))  # a Wednesday
        self.assertFalse(is_typical_tuesday(D(2024, 1, 2)))  # New Year week
        self.assertFalse(is_typical_tuesday(D(2023, 7, 4)))  # summer
        self.assertFalse(is_typical_tuesday(D(2030, 1, 1)))  # New Year's Day on a Tuesday


def trips(first: datetime.date, last: datetime.date, level: int = 500, **days: int) -> list[int]:
    """Trips per day: level on weekdays, a fifth of it at weekends, some days set by name."""
    counts = []
    day = first
    while day <= last:
        counts.append(days.get(day.isoformat(), level if day.weekday() < 5 else level // 5))
        day += datetime.timedelta(days=1)
    return counts


class SuggestDateTests(SimpleTestCase):
    def test_a_feed_complete_only_later_gets_a_day_at_its_typical_level(self) -> None:
        # Like the SJ feed: a tenth of the service until October, then all of it.
        first, last = D(2022, 12, 11), D(2024, 4, 8)
        counts = [
            n if first + datetime.timedelta(i) >= D(2023, 10, 1) else n // 10
            for i, n in enumerate(trips(first, last))
        ]
        self.assertEqual(typical_weekday_trips(first, counts), 500)
        self.assertEqual(
            suggest_date(first, last, today=D(2026, 11, 27), trips=counts), D(2023, 10, 3)
        )

    def test_a_current_feed_gets_the_next_typical_weekday(self) -> None:
        first, last = D(2023, 1, 1), D(2024, 4, 8)
        day = suggest_date(first, last, today=D(2023, 11, 21), trips=trips(first, last))
        self.assertEqual(day, D(2023, 11, 22))

    def test_it_skips_holidays_school_breaks_and_thin_days(self) -> None:
        first, last = D(2029, 4, 24), D(2029, 5, 31)
        # 1 May 2029 is a Tuesday; the Wednesday and Thursday after it run little.
        counts = trips(first, last, **{"2029-05-02": 100, "2029-05-03": 100})
        self.assertEqual(suggest_date(first, last, trips=counts), D(2029, 5, 8))
        self.assertTrue(is_school_break(D(2024, 10, 29)))  # week 44
        self.assertTrue(is_school_break(D(2024, 2, 27)))  # winter sports break
        self.assertTrue(is_school_break(D(2024, 4, 3)))  # after Easter
        self.assertFalse(is_school_break(D(2023, 11, 28)))

    def test_a_summer_only_feed_still_gets_its_busiest_midweek_day(self) -> None:
        first, last = D(2024, 6, 20), D(2024, 7, 31)
        counts = trips(first, last, **{"2024-07-10": 600})
        self.assertEqual(suggest_date(first, last, trips=counts), D(2024, 7, 10))
        self.assertIsNone(suggest_date(D(2024, 6, 21), D(2024, 6, 24), trips=[5, 1, 1, 5]))

    def test_a_day_under_half_the_typical_level_has_little_service(self) -> None:
        self.assertTrue(has_little_service(41, 492))
        self.assertFalse(has_little_service(300, 492))
        self.assertFalse(has_little_service(0, 0))
