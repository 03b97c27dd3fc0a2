"""The organisation and people lists: search, filters, sorting, paging, exports and the map."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from bygdebas.members.models import Membership, Organisation, Tag
from bygdebas.testing import (
    CastMixin,
    make_engagement,
    make_membership,
    make_municipality,
    make_organisation,
    make_person,
    sv,
)

LIST = reverse("members:organisation-list")
PEOPLE = reverse("members:person-list")


def names(response) -> list[str]:
    return [o.name for o in response.context["page"]]


class OrganisationListTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.kumla = make_municipality(code="1881", name="Kumla")
        cls.nora = make_municipality(code="1884", name="Nora")
        cls.ungdom = Tag.objects.create(network=cls.network_a, name="ungdom")
        cls.alby = make_organisation(
            network=cls.network_a,
            name="Ålby byalag",
            locality="Ålby",
            municipality=cls.kumla,
            org_number="802412-3450",
            email="info@alby.example.org",
            founded_year=1990,
            kind=Organisation.Kind.VILLAGE,
        )
        cls.berga = make_organisation(
            network=cls.network_a,
            name="Berga bygdeförening",
            locality="Berga",
            municipality=cls.nora,
            founded_year=2010,
            kind=Organisation.Kind.LOCAL_GROUP,
            is_youth_led=True,
        )
        cls.berga.tags.add(cls.ungdom)
        cls.studie = make_organisation(
            network=cls.network_a,
            name="Studieförbundet",
            locality="Örebro",
            kind=Organisation.Kind.STUDY,
        )
        make_membership(organisation=cls.alby, year=2025, status=Membership.Status.ACTIVE)
        make_membership(organisation=cls.berga, year=2025, status=Membership.Status.LAPSED)
        make_organisation(network=cls.network_b, name="Ålby i B")

    def get(self, **params):
        response = self.as_sara().get(LIST, params)
        self.assertEqual(response.status_code, 200)
        return response

    def test_it_lists_the_networks_organisations_by_name(self) -> None:
        response = self.get()

        self.assertEqual(
            names(response),
            ["Berga bygdeförening", "Cecilias byalag", "Studieförbundet", "Ålby byalag"],
        )
        self.assertContains(response, reverse("members:organisation-detail", args=[self.alby.pk]))

    def test_search_ignores_case_also_for_swedish_letters(self) -> None:
        self.assertEqual(names(self.get(q="ÅLBY")), ["Ålby byalag"])
        self.assertEqual(names(self.get(q="örebro")), ["Studieförbundet"])  # the locality

    def test_search_ignores_case_for_plain_letters_and_keeps_swedish_ones_apart(self) -> None:
        self.assertEqual(names(self.get(q="BERGA BYGDE")), ["Berga bygdeförening"])
        self.assertEqual(names(self.get(q="FÖRENING")), ["Berga bygdeförening"])
        # "alby" is not "ålby".
        self.assertEqual(names(self.get(q="ALBY BYALAG")), [])

    def test_search_finds_the_organisation_number_with_or_without_hyphen(self) -> None:
        self.assertEqual(names(self.get(q="8024123450")), ["Ålby byalag"])
        self.assertEqual(names(self.get(q="802412-3450")), ["Ålby byalag"])

    def test_search_finds_the_email(self) -> None:
        self.assertEqual(names(self.get(q="info@alby")), ["Ålby byalag"])

    def test_filters_by_kind_municipality_tag_and_youth_led(self) -> None:
        self.assertEqual(names(self.get(kind="study")), ["Studieförbundet"])
        self.assertEqual(names(self.get(municipality="1884")), ["Berga bygdeförening"])
        self.assertEqual(names(self.get(tag=self.ungdom.pk)), ["Berga bygdeförening"])
        self.assertEqual(names(self.get(youth_led="yes")), ["Berga bygdeförening"])
        self.assertNotIn("Berga bygdeförening", names(self.get(youth_led="no")))

    def test_filters_by_membership_status_in_a_year(self) -> None:
        self.assertEqual(names(self.get(year=2025, status="active")), ["Ålby byalag"])
        self.assertEqual(names(self.get(year=2025, status="lapsed")), ["Berga bygdeförening"])
        self.assertEqual(
            names(self.get(year=2025, status="none")), ["Cecilias byalag", "Studieförbundet"]
        )

    def test_the_membership_column_shows_the_chosen_years_status(self) -> None:
        response = self.get(year=2025)
        statuses = {o.name: o.year_status for o in response.context["page"]}

        self.assertEqual(statuses["Ålby byalag"], "active")
        self.assertEqual(statuses["Berga bygdeförening"], "lapsed")
        self.assertIsNone(statuses["Studieförbundet"])

    def test_sorts_by_column_both_ways_with_empty_values_last(self) -> None:
        self.assertEqual(
            names(self.get(sort="founded"))[:2], ["Ålby byalag", "Berga bygdeförening"]
        )
        self.assertEqual(
            names(self.get(sort="-founded"))[:2], ["Berga bygdeförening", "Ålby byalag"]
        )
        self.assertEqual(
            names(self.get(sort="municipality"))[:2], ["Ålby byalag", "Berga bygdeförening"]
        )

    def test_the_column_headings_link_to_the_other_direction_keeping_the_filters(self) -> None:
        response = self.get(kind="village", sort="name")

        self.assertEqual(response.context["sorts"]["name"]["url"], "?kind=village&sort=-name")
        self.assertEqual(response.context["sorts"]["name"]["sorted"], "ascending")
        self.assertContains(response, 'aria-sort="ascending"')

    def test_an_unknown_sort_falls_back_to_the_name(self) -> None:
        self.assertEqual(names(self.get(sort="password"))[0], "Berga bygdeförening")

    def test_htmx_gets_only_the_results(self) -> None:
        response = self.as_sara().get(LIST, {"q": "berga"}, HTTP_HX_REQUEST="true")

        self.assertContains(response, 'id="results"')
        self.assertNotContains(response, "<html")
        self.assertContains(response, "Berga bygdeförening")

    def test_it_pages_fifty_at_a_time_keeping_the_filters(self) -> None:
        Organisation.objects.bulk_create(
            Organisation(network=self.network_a, name=f"Grupp {i:03d}", kind="village")
            for i in range(60)
        )
        response = self.get(kind="village")

        self.assertEqual(len(response.context["page"]), 50)
        self.assertContains(response, "?kind=village&amp;page=2")
        self.assertEqual(len(self.get(kind="village", page=2).context["page"]), 12)

    def test_the_tags_column_lists_each_organisations_tags_by_name(self) -> None:
        self.alby.tags.add(
            Tag.objects.create(network=self.network_a, name="bygdegård"), self.ungdom
        )

        rows = {o.name: o.tag_names for o in self.get().context["page"]}

        self.assertEqual(rows["Ålby byalag"], "bygdegård, ungdom")
        self.assertEqual(rows["Berga bygdeförening"], "ungdom")
        self.assertEqual(rows["Studieförbundet"], "")

    def test_the_query_count_does_not_grow_with_the_rows(self) -> None:
        def add(n: int) -> None:
            for _ in range(n):
                org = make_organisation(network=self.network_a, municipality=self.kumla)
                org.tags.add(self.ungdom)
                make_membership(organisation=org, year=2025)

        add(5)
        client = self.as_bertil()
        client.get(LIST)  # warm the session and role caches' own first-request queries
        # Network, session, user, role; the filter form's municipalities (read once for the
        # menu and the chosen value); count, page (with the year's status and the tags in the
        # rows); the form's tags.
        with self.assertNumQueries(8) as small:
            client.get(
                LIST, {"year": 2025, "q": "testby", "municipality": "1881", "sort": "-updated"}
            )
        add(15)
        with self.assertNumQueries(len(small.captured_queries)):
            response = client.get(
                LIST, {"year": 2025, "q": "testby", "municipality": "1881", "sort": "-updated"}
            )
        self.assertEqual(response.context["page"].paginator.count, 20)


class OrganisationExportTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.kumla = make_municipality(code="1881", name="Kumla")
        cls.evil = make_organisation(
            network=cls.network_a,
            name='=HYPERLINK("http://evil")',
            municipality=cls.kumla,
            notes="",
            latitude=59.12345,
            longitude=15.5,
        )
        make_membership(organisation=cls.evil, year=2025)
        make_organisation(network=cls.network_a, name="Annat byalag")

    def test_the_csv_holds_the_filtered_list_with_bom_and_semicolons(self) -> None:
        response = self.as_bertil().get(
            reverse("members:organisation-export", args=["csv"]),
            {"municipality": "1881", "year": 2025},
        )

        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertTrue(response.content.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(len(rows), 2)  # the header and the one organisation in Kumla
        row = dict(zip(rows[0], rows[1], strict=True))
        name_header = rows[0][0]
        self.assertEqual(row[name_header], '\'=HYPERLINK("http://evil")')
        self.assertIn("59,12345", rows[1])
        self.assertIn("Kumla", rows[1])

    def test_the_xlsx_keeps_formula_like_text_as_text(self) -> None:
        response = self.as_anna().get(reverse("members:organisation-export", args=["xlsx"]))

        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [row[0].value for row in sheet.iter_rows(min_row=2)]
        cells = [row[0] for row in sheet.iter_rows(min_row=2)]
        self.assertIn('=HYPERLINK("http://evil")', values)
        self.assertTrue(all(cell.data_type == "s" for cell in cells))
        self.assertEqual(len(values), 3)  # with Cecilia's

    def test_an_unknown_format_is_404(self) -> None:
        response = self.as_bertil().get(reverse("members:organisation-export", args=["pdf"]))
        self.assertEqual(response.status_code, 404)

    def test_the_board_may_not_export_personal_data(self) -> None:
        response = self.as_sara().get(reverse("members:organisation-export", args=["csv"]))
        self.assertEqual(response.status_code, 403)


class ImportLinkTests(CastMixin, TestCase):
    """The member import is found beside the exports, by those who may use it."""

    def import_links(self, response: Any) -> list[Any]:
        html = response.content.decode()
        return re.findall(rf'<a [^>]*href="{reverse("members:import-upload")}"[^>]*>', html)

    def test_the_organisation_and_people_lists_link_the_import_for_staff(self) -> None:
        for name in ("members:organisation-list", "members:person-list"):
            with self.subTest(page=name):
                response = self.as_bertil().get(reverse(name))
                self.assertEqual(len(self.import_links(response)), 1)
                self.assertContains(response, sv("Import from a spreadsheet"))

    def test_the_board_sees_no_import_link(self) -> None:
        for name in ("members:organisation-list", "members:person-list"):
            with self.subTest(page=name):
                self.assertEqual(self.import_links(self.as_sara().get(reverse(name))), [])


class PersonListTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nora = make_municipality(code="1884", name="Nora")
        cls.org = make_organisation(
            network=cls.network_a, name="Noraskogs byalag", municipality=cls.nora
        )
        cls.orjan = make_person(
            network=cls.network_a,
            name="Örjan Öberg",
            email="orjan@example.org",
            phone="070-123 45 67",
        )
        make_engagement(person=cls.orjan, organisation=cls.org, role="chair")
        cls.gone = make_person(network=cls.network_a, name="Raderad Person", email="")
        cls.gone.erased_at = cls.gone.created_at
        cls.gone.save()
        make_engagement(person=cls.gone, organisation=cls.org, role="chair")

    def get(self, **params):
        response = self.as_bertil().get(PEOPLE, params)
        self.assertEqual(response.status_code, 200)
        return response

    def test_it_lists_people_but_never_erased_ones(self) -> None:
        listed = names(self.get())

        self.assertIn("Örjan Öberg", listed)
        self.assertIn("Cecilia Carlsson", listed)
        self.assertNotIn("Raderad Person", listed)

    def test_search_by_name_email_and_phone(self) -> None:
        self.assertEqual(names(self.get(q="örjan")), ["Örjan Öberg"])
        self.assertEqual(names(self.get(q="ORJAN@")), ["Örjan Öberg"])
        self.assertEqual(names(self.get(q="0701234567")), ["Örjan Öberg"])
        self.assertEqual(names(self.get(q="+46 70 123 45")), ["Örjan Öberg"])

    def test_filters_by_role_and_municipality(self) -> None:
        self.assertEqual(names(self.get(role="chair")), ["Örjan Öberg"])
        self.assertEqual(names(self.get(municipality="1884")), ["Örjan Öberg"])
        self.assertEqual(names(self.get(role="contact")), ["Cecilia Carlsson"])

    def test_the_export_has_roles_and_no_erased_people(self) -> None:
        response = self.as_bertil().get(reverse("members:person-export", args=["csv"]))
        text = response.content.decode("utf-8-sig")

        self.assertIn("Örjan Öberg;orjan@example.org;070-123 45 67", text)
        self.assertIn("Noraskogs byalag", text)
        self.assertNotIn("Raderad", text)

    def test_the_query_count_does_not_grow_with_the_rows(self) -> None:
        def add(n: int) -> None:
            for _ in range(n):
                org = make_organisation(network=self.network_a)
                person = make_person(network=self.network_a)
                make_engagement(person=person, organisation=org)
                make_engagement(person=person, organisation=self.org, role="board")

        add(5)
        client = self.as_bertil()
        client.get(PEOPLE)
        with self.assertNumQueries(8) as small:
            client.get(PEOPLE, {"q": "person", "role": "contact"})
        add(15)
        with self.assertNumQueries(len(small.captured_queries)):
            response = client.get(PEOPLE, {"q": "person", "role": "contact"})
        self.assertEqual(response.context["page"].paginator.count, 20)


class MapTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.kumla = make_municipality(code="1881", name="Kumla", county=cls.network_a.county)
        cls.nora = make_municipality(code="1884", name="Nora", county=cls.network_a.county)
        cls.placed = make_organisation(
            network=cls.network_a,
            name="Ekeby byalag",
            municipality=cls.kumla,
            latitude=59.1,
            longitude=15.1,
        )
        make_organisation(network=cls.network_a, name="Utan plats", municipality=cls.kumla)
        make_organisation(
            network=cls.network_b,
            name="B-gruppen",
            municipality=cls.kumla,
            latitude=59.0,
            longitude=15.0,
        )

    def test_the_json_has_the_placed_organisations_and_counts_per_municipality(self) -> None:
        data = self.as_sara().get(reverse("members:organisation-map-json")).json()

        self.assertEqual(data["organisations"], [[self.placed.pk, "Ekeby byalag", 59.1, 15.1]])
        self.assertEqual(
            data["url"].replace("/0/", f"/{self.placed.pk}/"),
            reverse("members:organisation-detail", args=[self.placed.pk]),
        )
        self.assertEqual(data["municipalities"], {"1881": 2})
        self.assertEqual(data["unplaced"], 1)  # Cecilia's organisation has no municipality

    def test_the_json_follows_the_filters(self) -> None:
        data = self.as_sara().get(reverse("members:organisation-map-json"), {"q": "utan"}).json()

        self.assertEqual(data["organisations"], [])
        self.assertEqual(data["municipalities"], {"1881": 1})

    def test_the_page_has_a_table_of_counts_for_readers_without_javascript(self) -> None:
        response = self.as_sara().get(reverse("members:organisation-map"), {"kind": "village"})

        self.assertEqual(
            [(m.name, n) for m, n in response.context["rows"]], [("Kumla", 2), ("Nora", 0)]
        )
        self.assertContains(response, '<th scope="row">')
        self.assertContains(response, "karta.json?kind=village")

    def test_the_json_query_count_does_not_grow_with_the_rows(self) -> None:
        client = self.as_sara()
        url = reverse("members:organisation-map-json")
        client.get(url)
        # Network, session, user, role; the organisations (points and counts in one query).
        with self.assertNumQueries(5) as small:
            client.get(url)
        Organisation.objects.bulk_create(
            Organisation(
                network=self.network_a,
                name=f"G{i}",
                municipality=self.nora,
                latitude=59.5,
                longitude=15.0,
            )
            for i in range(30)
        )
        with self.assertNumQueries(len(small.captured_queries)):
            data = client.get(url).json()
        self.assertEqual(len(data["organisations"]), 31)
