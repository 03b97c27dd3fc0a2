"""Every way a phone number enters the registry writes it the same way, through one function.

The registry's forms, the public join and renewal forms and the import all use
``bygdebas.core.phone.normalise_phone``: a national 010 number keeps its area code, and a number
that is not in use is refused with the same clear message everywhere.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import TestCase

from bygdebas.core.phone import normalise_phone
from bygdebas.members import normalise
from bygdebas.members.forms_membership import JoinForm, RenewalForm
from bygdebas.members.forms_registry import OrganisationForm, PersonForm
from bygdebas.members.importer import values
from bygdebas.testing import CastMixin, sv

GOOD = "010-1234567"
WRITTEN = "010-123 45 67"
BAD = "074-123 45 67"
REFUSED = sv(
    "“%(value)s” is not a phone number in use: check the area code and the number of digits.",
    value=BAD,
)


class PhoneDoorsTests(CastMixin, TestCase):
    def forms(self, phone: str) -> list[tuple[object, str]]:
        """(bound form, name of its phone field) for each form that takes a phone."""
        data = {"phone": phone, "contact_phone": phone}
        return [
            (OrganisationForm(data, network=self.network_a), "phone"),
            (PersonForm(data), "phone"),
            (JoinForm(data, network=self.network_a), "phone"),
            (JoinForm(data, network=self.network_a), "contact_phone"),
            (RenewalForm(data, organisation=self.cecilia_org, person=self.cecilia_person), "phone"),
            (
                RenewalForm(data, organisation=self.cecilia_org, person=self.cecilia_person),
                "contact_phone",
            ),
        ]

    def test_the_registry_uses_the_one_function(self) -> None:
        self.assertIs(normalise.normalise_phone, normalise_phone)

    def test_each_form_writes_the_number_with_its_area_code(self) -> None:
        for form, field in self.forms(GOOD):
            with self.subTest(form=type(form).__name__, field=field):
                form.is_valid()  # other required fields may be missing; the phone is not
                self.assertNotIn(field, form.errors)
                self.assertEqual(form.cleaned_data[field], WRITTEN)

    def test_each_form_refuses_a_number_not_in_use_with_one_message(self) -> None:
        for form, field in self.forms(BAD):
            with self.subTest(form=type(form).__name__, field=field):
                self.assertFalse(form.is_valid())
                self.assertEqual(form.errors[field], [REFUSED])

    def test_the_import_writes_and_refuses_the_same_way(self) -> None:
        lookups = values.Lookups()

        self.assertEqual(values.phone(GOOD, lookups), WRITTEN)
        # A number typed into Excel as a number loses its leading zero; the import puts it back.
        self.assertEqual(values.phone(101234567, lookups), WRITTEN)
        self.assertEqual(values.phone("+46 771 567 567", lookups), "0771-56 75 67")
        with self.assertRaises(ValidationError) as raised:
            values.phone(BAD, lookups)
        self.assertEqual(raised.exception.messages, [REFUSED])
