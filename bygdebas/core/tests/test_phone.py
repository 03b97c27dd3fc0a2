"""normalise_phone(): real-looking Swedish and foreign numbers, and anything at all."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bygdebas.core.phone import MAX_LENGTH, normalise_phone
from bygdebas.testing import sv

# How people write numbers → the one written form. Area codes of two, three and four digits
# (with the trunk 0), mobiles, the national 010 and 020/077x/0900 service numbers, and abroad.
WRITTEN_FORMS = {
    # mobiles
    "0701234567": "070-123 45 67",
    "070-123 45 67": "070-123 45 67",
    "070 - 123 45 67": "070-123 45 67",
    "072-1234567": "072-123 45 67",
    "+46 70 123 45 67": "070-123 45 67",
    "+46 (0)70-123 45 67": "070-123 45 67",
    "0046 70 1234567": "070-123 45 67",
    # Stockholm, 08
    "08-123 456 78": "08-123 456 78",
    "08-1234567": "08-123 45 67",
    "08-12 34 56": "08-12 34 56",
    "+46 8 123 456 78": "08-123 456 78",
    # three-digit area codes: Örebro, Göteborg, Linköping, Uppsala
    "019-123456": "019-12 34 56",
    "019 12 34 56": "019-12 34 56",
    "019-10 20 30": "019-10 20 30",
    "031-123 45 67": "031-123 45 67",
    "013-12 34 56": "013-12 34 56",
    "018-471 00 00": "018-471 00 00",
    # four-digit area codes: Hova, Laxå, Kiruna, Växjö
    "0587-12345": "0587-123 45",
    "0581 123 456": "0581-12 34 56",
    "0584-123 45": "0584-123 45",
    "0980-123 45": "0980-123 45",
    "0470-123 45": "0470-123 45",
    # 010: national numbers, not Stockholm's 01…
    "010-123 45 67": "010-123 45 67",
    "0101234567": "010-123 45 67",
    # freephone and shared cost, premium rate
    "020-123 456": "020-12 34 56",
    "0200-29 29 29": "0200-29 29 29",
    "0771-567 567": "0771-56 75 67",
    "0771-75 75 75": "0771-75 75 75",
    "+46 771 567 567": "0771-56 75 67",
    "0770-45 60 00": "0770-45 60 00",
    "0900-123 456": "0900-123 456",
    # abroad: kept with the country code, in the international form
    "+47 22 12 34 56": "+47 22 12 34 56",
    "004722123456": "+47 22 12 34 56",
    "+358 9 123 4567": "+358 9 1234567",
    "+45 32 12 34 56": "+45 32 12 34 56",
    "+44 20 7946 0958": "+44 20 7946 0958",
    "+1 212 555 0100": "+1 212-555-0100",
    # an extension
    "019-12 34 56 ext 12": "019-12 34 56 ext. 12",
}


class NormalisePhoneTests(SimpleTestCase):
    def test_real_numbers_get_one_written_form(self) -> None:
        for written, expected in WRITTEN_FORMS.items():
            with self.subTest(written=written):
                self.assertEqual(normalise_phone(written), expected)

    def test_the_written_form_is_kept_as_it_is(self) -> None:
        for expected in WRITTEN_FORMS.values():
            with self.subTest(expected=expected):
                self.assertEqual(normalise_phone(expected), expected)

    def test_blank_is_allowed(self) -> None:
        for blank in ("", "   ", None):
            with self.subTest(blank=blank):
                self.assertEqual(normalise_phone(blank), "")

    def test_errors_say_what_is_wrong(self) -> None:
        cases = {
            "ring mig": sv("“%(value)s” is not a phone number.", value="ring mig"),
            "+46abc": sv("“%(value)s” is not a phone number.", value="+46abc"),
            "12345678": sv(
                "“%(value)s” is not a Swedish phone number: start with 0 or +46.", value="12345678"
            ),
            "070-12": sv(
                "“%(value)s” is not a phone number in use: check the area code and the number "
                "of digits.",
                value="070-12",
            ),
            "074-123 45 67": sv(
                "“%(value)s” is not a phone number in use: check the area code and the number "
                "of digits.",
                value="074-123 45 67",
            ),
            "+47 1": sv("“%(value)s” is not a phone number.", value="+47 1"),
            "+47 02 12 34 56": sv(
                "“%(value)s” is not a phone number in use: check the area code and the number "
                "of digits.",
                value="+47 02 12 34 56",
            ),
            "0701234567 ext 1234567890": sv(
                "“%(value)s” is too long for a phone number.", value="0701234567 ext 1234567890"
            ),
        }
        for bad, message in cases.items():
            with self.subTest(bad=bad), self.assertRaises(ValidationError) as raised:
                normalise_phone(bad)
            self.assertEqual(raised.exception.code, "phone")
            self.assertEqual(raised.exception.messages, [message])

    @settings(max_examples=500, deadline=None)
    @given(
        st.one_of(
            st.text(),
            st.text(alphabet="0123456789 +-()./ext", max_size=30),
            st.from_regex(r"\A(\+46|0046|0)[1-9][0-9 -]{4,12}\Z"),
        )
    )
    @example("0" * 40)
    @example("+" + "9" * 30)
    @example("0\x00")
    @example("٠٧٠١٢٣٤٥٦٧")  # Arabic-Indic digits
    def test_any_string_gives_a_number_or_an_error_never_an_exception(self, value: str) -> None:
        try:
            written = normalise_phone(value)
        except ValidationError as error:
            self.assertEqual(error.code, "phone")
            return
        self.assertLessEqual(len(written), MAX_LENGTH)
        if value.strip():
            self.assertRegex(written, r"^(0\d{1,3}-\d[\d ]*\d|\+\d[\d -]*\d)( ext\. \d+)?$")
            # The written form is a fixed point: normalising it again changes nothing.
            self.assertEqual(normalise_phone(written), written)
        else:
            self.assertEqual(written, "")
