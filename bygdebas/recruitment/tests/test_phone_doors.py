"""A prospect's contact phone is written and refused as the registry's are (core.phone)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import TestCase

from bygdebas.recruitment import services
from bygdebas.recruitment.forms import ProspectForm
from bygdebas.testing import CastMixin, sv

REFUSED = sv(
    "“%(value)s” is not a phone number in use: check the area code and the number of digits.",
    value="074-123 45 67",
)


class ProspectPhoneTests(CastMixin, TestCase):
    def test_the_form_writes_the_area_code_and_refuses_a_number_not_in_use(self) -> None:
        good = ProspectForm({"contact_phone": "0771-567 567"}, network=self.network_a)
        good.is_valid()
        self.assertEqual(good.cleaned_data["contact_phone"], "0771-56 75 67")

        bad = ProspectForm({"contact_phone": "074-123 45 67"}, network=self.network_a)
        self.assertFalse(bad.is_valid())
        self.assertEqual(bad.errors["contact_phone"], [REFUSED])

    def test_the_service_does_the_same(self) -> None:
        prospect = services.save_prospect(
            network=self.network_a, actor=self.bertil, name="Unga i Mullhyttan",
            contact_phone="020-123 456",
        )  # fmt: skip
        self.assertEqual(prospect.contact_phone, "020-12 34 56")

        with self.assertRaises(ValidationError) as raised:
            services.save_prospect(
                network=self.network_a, actor=self.bertil, prospect=prospect,
                contact_phone="074-123 45 67",
            )  # fmt: skip
        self.assertEqual(raised.exception.message_dict["contact_phone"], [REFUSED])
