"""Personal data is never kept in a browser's or proxy's cache (``Cache-Control: no-store``).

The rule is central (``core.middleware.PrivateCacheMiddleware``): every answer under the staff
and self-service prefixes, and every answer to a logged-in user, unless the view declared its
answer public. The permission matrix checks every URL for every role (``check_private_answer``);
these tests pin the rule itself, including for a view that did nothing about it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.test import TestCase, override_settings
from django.urls import path, reverse
from django.views.decorators.cache import cache_control

from bygdebas.core.tests.matrix import is_kept_private
from bygdebas.testing import CastMixin


def forgetful_view(request: HttpRequest) -> HttpResponse:
    """A new view that says nothing about caching."""
    return HttpResponse("Anna Andersson, 070-123 45 67")


@cache_control(public=True, max_age=60)
def public_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Kalender")


urlpatterns = [
    path("kansli/ny-sida/", forgetful_view),
    path("medlem/ny-sida/", forgetful_view),
    path("offentlig/", forgetful_view),
    path("offentlig/cachad/", public_view),
    path("kansli/cachad/", public_view),
]


@override_settings(ROOT_URLCONF=__name__)
class NewViewsTests(CastMixin, TestCase):
    def test_a_new_staff_view_is_not_stored_even_for_anonymous(self) -> None:
        for url in ("/kansli/ny-sida/", "/medlem/ny-sida/"):
            with self.subTest(url=url):
                response = self.as_anonymous().get(url)
                self.assertTrue(is_kept_private(response), response.get("Cache-Control"))
                self.assertIn("private", response["Cache-Control"])

    def test_any_page_for_a_logged_in_user_is_not_stored(self) -> None:
        for client in (self.as_bertil(), self.as_cecilia()):
            response = client.get("/offentlig/")
            self.assertTrue(is_kept_private(response), response.get("Cache-Control"))

    def test_a_public_page_for_anonymous_may_be_cached(self) -> None:
        self.assertFalse(self.as_anonymous().get("/offentlig/").has_header("Cache-Control"))
        self.assertIn("public", self.as_anonymous().get("/offentlig/cachad/")["Cache-Control"])

    def test_a_view_declared_public_keeps_its_header_for_a_logged_in_user(self) -> None:
        response = self.as_bertil().get("/offentlig/cachad/")
        self.assertEqual(response["Cache-Control"], "public, max-age=60")

    def test_under_the_private_prefixes_public_is_overridden(self) -> None:
        response = self.as_anonymous().get("/kansli/cachad/")
        self.assertTrue(is_kept_private(response))
        self.assertNotIn("public", response["Cache-Control"])


class RealPagesTests(CastMixin, TestCase):
    def test_an_export_is_not_stored(self) -> None:
        response = self.as_bertil().get(
            reverse("members:organisation-export", kwargs={"fmt": "csv"})
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(is_kept_private(response), response.get("Cache-Control"))

    def test_the_self_service_page_is_not_stored(self) -> None:
        response = self.as_cecilia().get(reverse("members:selfservice-home"))
        self.assertTrue(is_kept_private(response), response.get("Cache-Control"))

    def test_the_public_calendar_for_anonymous_is_not_marked(self) -> None:
        response = self.as_anonymous().get(reverse("events:event-list"))
        self.assertNotIn("no-store", response.get("Cache-Control", ""))
