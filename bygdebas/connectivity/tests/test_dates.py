import datetime

from django.test import SimpleTestCase

from bygdebas.connectivity.dates import (
    easter_sunday,
    holiday_name,
    is_typical_tuesday,
    suggest_date,
    swedish_holidays,
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


class SuggestDateTests(SimpleTestCase):
    def test_a_past_feed_gets_its_first_typical_tuesday(self) -> None:
        # The SJ feed starts on 11 December 2022: Christmas and early January are skipped.
        day = suggest_date(D(2022, 12, 11), D(2024, 4, 8), today=D(2026, 11, 27))
        self.assertEqual(day, D(2023, 1, 17))

    def test_a_current_feed_gets_the_next_typical_tuesday(self) -> None:
        day = suggest_date(D(2023, 1, 1), D(2024, 4, 8), today=D(2023, 11, 22))
        self.assertEqual(day, D(2023, 11, 28))

    def test_it_skips_a_tuesday_on_a_holiday_and_one_without_service(self) -> None:
        # 1 May 2029 is a Tuesday.
        self.assertEqual(suggest_date(D(2029, 4, 24), D(2029, 5, 31)), D(2029, 5, 8))
        no_service = {D(2029, 5, 8)}
        self.assertEqual(
            suggest_date(D(2029, 4, 24), D(2029, 5, 31), has_service=lambda d: d not in no_service),
            D(2029, 5, 15),
        )

    def test_a_summer_only_feed_still_gets_a_tuesday(self) -> None:
        self.assertEqual(suggest_date(D(2024, 6, 20), D(2024, 7, 31)), D(2024, 7, 2))
        self.assertIsNone(suggest_date(D(2024, 6, 20), D(2024, 6, 24)))
