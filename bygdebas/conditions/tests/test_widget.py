"""The conditions widget: the open reports of one municipality, counted by category."""

from __future__ import annotations

from django.test import RequestFactory, TestCase

from bygdebas.conditions.models import Status
from bygdebas.conditions.tests.helpers import make_report, make_square_municipality
from bygdebas.conditions.widgets import conditions_context
from bygdebas.core.models import County
from bygdebas.testing import CastMixin, make_municipality, sv


class ConditionsWidgetTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        county = cls.network_a.county
        cls.kumla = make_square_municipality(county)
        cls.lekeberg = make_municipality(code="1814", name="Lekeberg", county=county)
        other_county = County.objects.create(code="99", name="Annat län")
        cls.elsewhere = make_municipality(code="9999", name="Långtbortby", county=other_county)

    def test_the_open_public_reports_of_the_chosen_municipality_by_category(self) -> None:
        a, kumla = self.network_a, self.kumla
        make_report(network=a, municipality=kumla, category="road", title="Potthål vid kyrkan")
        make_report(network=a, municipality=kumla, category="road", title="Sprucken asfalt")
        make_report(network=a, municipality=kumla, category="broadband", title="Ingen fiber")
        make_report(network=a, municipality=kumla, category="shop", status=Status.FIXED)
        make_report(network=a, municipality=kumla, category="school", published=False)
        make_report(network=a, municipality=kumla, category="post", is_hidden=True)
        make_report(network=a, municipality=self.lekeberg, category="health")
        make_report(network=self.network_b, municipality=kumla, category="bank")
        response = self.as_anonymous().get("/widget/landsbygdslaget/?kommun=1881")
        self.assertContains(response, sv("Rural conditions in %(name)s", name="Kumla"))
        html = response.content.decode()
        self.assertInHTML(f'<tr><th scope="row">{sv("Road condition")}</th><td>2</td></tr>', html)
        self.assertInHTML(f'<tr><th scope="row">{sv("Broadband")}</th><td>1</td></tr>', html)
        for absent in (
            "Closed service: shop",
            "Closed service: school",
            "Closed service: post",
            "Closed service: health centre",
            "Closed service: bank",
        ):
            self.assertNotContains(response, sv(absent))
        self.assertContains(
            response, f'href="http://a.test/landsbygdslaget/?municipality={kumla.pk}"'
        )
        self.assertContains(response, 'target="_top"')
        # Only counts: no titles, and never who reported.
        for hidden in ("Potthål vid kyrkan", "Eva Ek", "eva@example.org"):
            self.assertNotContains(response, hidden)

    def test_an_unknown_or_foreign_code_gets_a_clear_message_and_the_choice(self) -> None:
        for code in ("0000", "9999", "<b>x</b>"):
            with self.subTest(code=code):
                response = self.as_anonymous().get("/widget/landsbygdslaget/", {"kommun": code})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'role="alert"')
                self.assertNotContains(response, "<b>x</b>")
                self.assertContains(response, 'href="?kommun=1881"')
                self.assertNotContains(response, "Långtbortby")

    def test_without_a_code_the_widget_lists_the_municipalities(self) -> None:
        response = self.as_anonymous().get("/widget/landsbygdslaget/?theme=dark")
        self.assertNotContains(response, 'role="alert"')
        self.assertContains(response, 'href="?kommun=1814&amp;theme=dark"')

    def test_two_queries_however_many_reports(self) -> None:
        for n in range(12):
            make_report(
                network=self.network_a,
                municipality=self.kumla,
                category=("road", "mobile", "transport")[n % 3],
            )
        request = RequestFactory().get("/widget/landsbygdslaget/?kommun=1881", HTTP_HOST="a.test")
        with self.assertNumQueries(2):
            context = conditions_context(request, self.network_a)
        self.assertEqual(context["total"], 12)
        self.assertEqual([row["count"] for row in context["categories"]], [4, 4, 4])
