"""The national overview, the areas mapping, copying another network's plan, and events open to
other networks in the neighbours' calendars."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bygdebas.events.models import Registration
from bygdebas.national.models import AreaMapping, NationalRole, SharedArea
from bygdebas.national.overview import OTHER, guess_shared_area, national_overview
from bygdebas.plan.models import Activity, Area, Plan
from bygdebas.testing import (
    CastMixin,
    make_action,
    make_event,
    make_membership,
    make_network,
    make_organisation,
    make_plan,
    sv,
)

YEAR = 2025


def seed_plan(network, titles):  # type: ignore[no-untyped-def]
    plan = make_plan(network=network, year=YEAR, areas=tuple(1 for _ in titles))
    areas = list(plan.areas.order_by("order"))
    for area, title in zip(areas, titles, strict=True):
        area.title = title
        area.save()
    return [area.activities.get() for area in areas]


class OverviewTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        NationalRole.objects.create(user=cls.anna)
        a_opinion, a_support, a_coop = seed_plan(
            cls.network_a,
            [
                "Opinionsbildning och kommunikation",
                "Rådgivning, stöd och utbildning",
                "Samverkan och nätverkande",
            ],
        )
        (b_first, b_second) = seed_plan(cls.network_b, ["Påverkansarbete", "Lokalt stöd"])
        AreaMapping.objects.create(area=b_first.area, shared_area=SharedArea.OPINION)
        day = datetime.date(YEAR, 4, 1)
        make_action(network=cls.network_a, activities=[a_opinion], performed_on=day)
        make_action(network=cls.network_a, activities=[a_opinion, a_support], performed_on=day)
        make_action(network=cls.network_a, activities=[a_coop], performed_on=day)
        make_action(network=cls.network_b, activities=[b_first], performed_on=day)
        make_action(network=cls.network_b, activities=[b_second], performed_on=day)
        make_action(network=cls.network_b, activities=[b_second], performed_on=day)
        for _ in range(2):
            make_membership(organisation=make_organisation(network=cls.network_b), year=YEAR)
        tz = timezone.get_current_timezone()
        at = datetime.datetime(YEAR, 5, 1, 18, tzinfo=tz)
        make_event(network=cls.network_a, starts_at=at, ends_at=at)
        make_event(network=cls.network_b, starts_at=at, ends_at=at, is_members_only=True)

    def test_the_titles_are_read_as_the_shared_areas(self) -> None:
        self.assertEqual(guess_shared_area("Opinionsbildning och kommunikation"), "opinion")
        self.assertEqual(guess_shared_area("Rådgivning, stöd och utbildning"), "support")
        self.assertEqual(guess_shared_area("Lokalt stöd"), "support")
        self.assertEqual(guess_shared_area("Samverkan och nätverkande"), "cooperation")
        self.assertEqual(guess_shared_area("Påverkansarbete"), "opinion")
        self.assertEqual(guess_shared_area("Ekonomi"), OTHER)

    def test_figures_side_by_side_and_summed(self) -> None:
        overview = national_overview(YEAR)
        rows = {row.network.name: row for row in overview.rows}
        a, b = rows["Nätverk A"], rows["Nätverk B"]
        # Cecilia's organisation is a member this year only if this year is YEAR.
        self.assertEqual(b.member_organisations, 2)
        # An action serving two areas counts once in each.
        self.assertEqual(a.action_cells, [2, 1, 1, 0])
        self.assertEqual(b.action_cells, [1, 2, 0, 0])
        self.assertEqual(a.events, 1)
        self.assertEqual(b.events, 0)  # members only: not a public figure
        self.assertEqual(overview.totals.action_cells, [3, 3, 1, 0])
        self.assertEqual(overview.totals.events, 1)

    def test_the_page_costs_the_same_queries_for_more_networks(self) -> None:
        client = self.as_anna()
        with CaptureQueriesContext(connection) as few:
            response = client.get(f"/riks/?year={YEAR}")
        self.assertContains(response, sv("National overview %(year)s") % {"year": YEAR})
        for _ in range(4):
            network = make_network()
            seed_plan(network, ["Samverkan"])
        with CaptureQueriesContext(connection) as more:
            client.get(f"/riks/?year={YEAR}")
        self.assertEqual(len(more), len(few))

    def test_only_the_national_role_sees_it(self) -> None:
        self.assertEqual(self.as_bertil().get("/riks/").status_code, 403)
        self.assertEqual(self.as_anonymous().get("/riks/").status_code, 302)
        response = self.as_anna().get(f"/riks/?year={YEAR}")
        self.assertContains(response, '<th scope="row">Nätverk B</th>', html=True)

    def test_staff_choose_how_their_areas_are_read(self) -> None:
        area = Area.objects.get(plan__network=self.network_a, title__startswith="Samverkan")
        page = self.as_bertil().get(f"/kansli/riks/omraden/{YEAR}/")
        self.assertContains(page, f'name="area-{area.pk}"')
        data = {
            f"area-{a.pk}": "opinion" for a in Area.objects.filter(plan__network=self.network_a)
        }
        response = self.as_bertil().post(f"/kansli/riks/omraden/{YEAR}/", data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(AreaMapping.objects.get(area=area).shared_area, "opinion")
        rows = {row.network.name: row for row in national_overview(YEAR).rows}
        self.assertEqual(rows["Nätverk A"].action_cells, [3, 0, 0, 0])
        # The board may look, not change.
        self.assertEqual(
            self.as_sara().post(f"/kansli/riks/omraden/{YEAR}/", data).status_code, 403
        )


class PlanCopyTests(CastMixin, TestCase):
    def test_a_network_starts_its_plan_from_anothers_adopted_plan(self) -> None:
        source = make_plan(network=self.network_b, year=YEAR, approved_on=datetime.date(YEAR, 2, 1))
        Activity.objects.filter(area__plan=source).update(text="Ordna bygdemöten")
        page = self.as_bertil().get("/kansli/planer-fran-andra/")
        self.assertContains(page, "Nätverk B")
        response = self.as_bertil().post(
            f"/kansli/planer-fran-andra/{source.pk}/", {"year": "2026"}
        )
        self.assertRedirects(response, "/kansli/plan/2026/", fetch_redirect_response=False)
        copy = Plan.objects.get(network=self.network_a, year=2026)
        self.assertEqual(copy.copied_from, source)
        self.assertEqual(
            list(Activity.objects.filter(area__plan=copy).values_list("text", flat=True)),
            ["Ordna bygdemöten"] * 3,
        )
        detail = self.as_bertil().get("/kansli/plan/2026/")
        self.assertContains(
            detail,
            sv("Started as a copy of %(network)s's plan for %(year)s.")
            % {"network": "Nätverk B", "year": YEAR},
        )

    def test_drafts_and_the_networks_own_plans_are_not_offered(self) -> None:
        draft = make_plan(network=self.network_b, year=YEAR)
        own = make_plan(network=self.network_a, year=YEAR, approved_on=datetime.date(YEAR, 2, 1))
        for plan in (draft, own):
            self.assertEqual(
                self.as_bertil().get(f"/kansli/planer-fran-andra/{plan.pk}/").status_code, 404
            )

    def test_a_year_that_has_a_plan_is_refused_and_nothing_is_copied(self) -> None:
        make_plan(network=self.network_a, year=2026)
        source = make_plan(network=self.network_b, year=YEAR, approved_on=datetime.date(YEAR, 2, 1))
        response = self.as_bertil().post(
            f"/kansli/planer-fran-andra/{source.pk}/", {"year": "2026"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Plan.objects.filter(network=self.network_a).count(), 1)
        self.assertFalse(Plan.objects.filter(copied_from=source).exists())


class SharedEventTests(CastMixin, TestCase):
    def test_an_open_event_appears_in_the_neighbours_calendar_and_registrations_stay_home(
        self,
    ) -> None:
        theirs = make_event(
            network=self.network_b, title="Länsöverskridande träff", is_open_to_networks=True
        )
        make_event(network=self.network_b, title="Bara för B")
        calendar = self.as_anonymous().get("/kalender/")
        self.assertContains(calendar, "Länsöverskridande träff")
        self.assertContains(calendar, sv("arranged by %(owner)s", owner="Nätverk B"))
        self.assertContains(calendar, f"http://b.test/kalender/{theirs.pk}/")
        self.assertNotContains(calendar, "Bara för B")
        starts = timezone.localtime(theirs.starts_at)
        month = self.as_anonymous().get(f"/kalender/{starts.year}/{starts.month}/")
        self.assertContains(month, "Länsöverskridande träff")
        self.assertContains(month, f"http://b.test/kalender/{theirs.pk}/")
        self.assertNotContains(month, "Bara för B")
        # Its page and registration are on the owner's host only.
        self.assertEqual(self.as_anonymous().get(f"/kalender/{theirs.pk}/").status_code, 404)
        self.assertEqual(
            self.as_anonymous()
            .post(f"/kalender/{theirs.pk}/anmalan/", {"name": "X", "email": "x@example.org"})
            .status_code,
            404,
        )
        self.assertFalse(Registration.objects.exists())


class RegisteredFigureTests(CastMixin, TestCase):
    def test_an_app_adds_a_column_without_the_national_app_knowing_it(self) -> None:
        from bygdebas.core.national_figures import (
            register_national_figure,
            unregister_national_figure,
        )

        counts = {self.network_a.pk: 4, self.network_b.pk: 1}
        register_national_figure(
            "test.reports", label="Bekräftade rapporter", count=lambda year: counts
        )
        self.addCleanup(unregister_national_figure, "test.reports")
        overview = national_overview(YEAR)
        self.assertEqual(overview.extra_columns, ["Bekräftade rapporter"])
        self.assertEqual(sorted(row.extra[0] for row in overview.rows), [1, 4])
        self.assertEqual(overview.totals.extra, [5])
        NationalRole.objects.create(user=self.anna)
        self.assertContains(self.as_anna().get(f"/riks/?year={YEAR}"), "Bekräftade rapporter")


class SharedEventFormTests(CastMixin, TestCase):
    def test_staff_open_an_event_to_other_networks_on_its_form(self) -> None:
        from bygdebas.events.models import Event

        event = make_event(network=self.network_a, title="Regional träff")
        page = self.as_bertil().get(f"/kansli/evenemang/{event.pk}/redigera/")
        self.assertContains(page, 'name="is_open_to_networks"')
        from bygdebas.core.tests.html_forms import form_with

        data = form_with(page.content).data()
        data["is_open_to_networks"] = "on"
        response = self.as_bertil().post(f"/kansli/evenemang/{event.pk}/redigera/", data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertTrue(Event.objects.get(pk=event.pk).is_open_to_networks)
        detail = self.as_bertil().get(f"/kansli/evenemang/{event.pk}/")
        self.assertContains(detail, sv("Open to other county branches"))


class HostWithoutNetworkTests(CastMixin, TestCase):
    def test_the_overview_opens_on_a_host_that_serves_no_network(self) -> None:
        from django.test import Client

        NationalRole.objects.create(user=self.anna)
        client = Client(HTTP_HOST="riks.test")
        client.force_login(self.anna)
        response = client.get(f"/riks/?year={YEAR}")
        self.assertContains(response, "Nätverk A")
