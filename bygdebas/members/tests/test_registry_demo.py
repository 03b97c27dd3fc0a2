"""The demo registry: a hundred plausible organisations, growing membership, Cecilia's login."""

from __future__ import annotations

import itertools

from django.test import TestCase

from bygdebas.core.models import Role
from bygdebas.members.demo import CECILIA_EMAIL, VILLAGES, load
from bygdebas.members.models import Engagement, Membership, Organisation, Person
from bygdebas.members.normalise import normalise_org_number
from bygdebas.members.stats import count_members
from bygdebas.testing import make_county, make_municipality, make_network, make_user

YEAR = 2026


class DemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        county = make_county()
        for i, code in enumerate(VILLAGES):
            make_municipality(
                code=code,
                name=f"Kommun {code}",
                county=county,
                seat_lat=59.0 + i / 20,
                seat_lon=15.0,
            )
        cls.network = make_network(county=county)
        cls.cecilia = make_user(email=CECILIA_EMAIL, role=Role.Kind.CONTACT, network=cls.network)
        cls.summary = load(cls.network, year=YEAR)

    def test_about_a_hundred_organisations_of_every_municipality(self) -> None:
        organisations = Organisation.objects.for_network(self.network)

        self.assertTrue(95 <= organisations.count() <= 115, organisations.count())
        self.assertEqual(
            set(organisations.values_list("municipality__code", flat=True)), set(VILLAGES)
        )
        kinds = set(organisations.values_list("kind", flat=True))
        self.assertTrue({"village", "local_group", "municipality", "study", "company"} <= kinds)
        self.assertTrue(organisations.filter(is_youth_led=True).exists())
        self.assertTrue(organisations.filter(tags__isnull=False).exists())

    def test_organisation_numbers_are_valid_and_positions_near_the_seat(self) -> None:
        for organisation in Organisation.objects.for_network(self.network).select_related(
            "municipality"
        ):
            if organisation.org_number:
                self.assertEqual(
                    normalise_org_number(organisation.org_number), organisation.org_number
                )
            self.assertLess(abs(organisation.latitude - organisation.municipality.seat_lat), 0.3)
            self.assertLess(abs(organisation.longitude - organisation.municipality.seat_lon), 0.3)

    def test_local_groups_have_a_contact_and_a_chair(self) -> None:
        groups = Organisation.objects.for_network(self.network).filter(
            kind__in=("village", "local_group")
        )
        for organisation in groups:
            roles = set(organisation.engagements.values_list("role", flat=True))
            self.assertEqual(roles, {"contact", "chair"}, organisation)

    def test_membership_grows_from_2023(self) -> None:
        counts = [count_members(self.network, year) for year in range(2023, YEAR + 1)]

        self.assertTrue(all(a <= b for a, b in itertools.pairwise(counts[:-1])), counts)
        self.assertGreater(counts[-2], counts[0])
        statuses = set(
            Membership.objects.for_network(self.network)
            .filter(year=YEAR)
            .values_list("status", flat=True)
        )
        self.assertTrue({"active", "renewal_requested", "lapsed"} <= statuses, statuses)
        self.assertIn(str(YEAR), self.summary)

    def test_cecilia_is_the_contact_person_of_a_member(self) -> None:
        person = Person.objects.get(network=self.network, email=CECILIA_EMAIL)

        self.assertEqual(person.user, self.cecilia)
        engagement = person.engagements.get(role=Engagement.Role.CONTACT)
        self.assertTrue(
            engagement.organisation.memberships.filter(year=YEAR, status="active").exists()
        )

    def test_the_demo_is_the_same_every_time_and_loads_once(self) -> None:
        again = make_network(county=self.network.county)
        load(again, year=YEAR)

        def names(network):
            return list(
                Organisation.objects.for_network(network)
                .order_by("name")
                .values_list("name", "org_number")
            )

        self.assertEqual(names(again), names(self.network))
        self.assertIn("already", load(self.network, year=YEAR))
        self.assertEqual(Organisation.objects.for_network(self.network).count(), len(names(again)))
