"""Which network a request is for: by host name, the only network, or the configured default."""

from __future__ import annotations

from django.test import Client, TestCase, override_settings
from django.urls import reverse

from bygdebas.core.middleware import resolve_network
from bygdebas.testing import make_network


class SeveralNetworksTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.orebro = make_network(name="Örebro län", slug="orebro", domain="orebro.test")
        cls.varmland = make_network(name="Värmland", slug="varmland", domain="varmland.test")

    def test_the_host_name_picks_the_network(self) -> None:
        self.assertEqual(resolve_network("orebro.test"), self.orebro)
        self.assertEqual(resolve_network("varmland.test"), self.varmland)

    def test_the_port_and_case_do_not_matter(self) -> None:
        self.assertEqual(resolve_network("Orebro.TEST:8000"), self.orebro)

    def test_each_host_serves_its_own_public_site(self) -> None:
        orebro = Client(HTTP_HOST="orebro.test").get(reverse("public:home"))
        varmland = Client(HTTP_HOST="varmland.test").get(reverse("public:home"))

        self.assertEqual(orebro.wsgi_request.network, self.orebro)
        self.assertContains(orebro, "Örebro län")
        self.assertContains(varmland, "Värmland")
        self.assertNotContains(varmland, "Örebro län")

    def test_an_unknown_host_gets_404_on_the_public_site(self) -> None:
        response = Client(HTTP_HOST="elsewhere.test").get(reverse("public:home"))

        self.assertIsNone(resolve_network("elsewhere.test"))
        self.assertEqual(response.status_code, 404)

    def test_an_unknown_host_gets_404_on_the_office_pages(self) -> None:
        response = Client(HTTP_HOST="elsewhere.test").get(reverse("plan:plan-list"))

        self.assertEqual(response.status_code, 404)

    @override_settings(BYGDEBAS_DEFAULT_NETWORK="varmland")
    def test_the_default_network_setting_serves_unknown_hosts(self) -> None:
        response = Client(HTTP_HOST="elsewhere.test").get(reverse("public:home"))

        self.assertEqual(resolve_network("elsewhere.test"), self.varmland)
        self.assertContains(response, "Värmland")
        # A host that matches still wins over the default.
        self.assertEqual(resolve_network("orebro.test"), self.orebro)

    @override_settings(BYGDEBAS_DEFAULT_NETWORK="no-such-network")
    def test_a_default_that_does_not_exist_gives_404(self) -> None:
        response = Client(HTTP_HOST="elsewhere.test").get(reverse("public:home"))

        self.assertEqual(response.status_code, 404)


class OneNetworkTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.network = make_network(name="Hela Sverige ska leva Örebro län", domain="")

    def test_the_only_network_serves_any_host(self) -> None:
        for host in ("testserver", "127.0.0.1", "localhost:8000"):
            with self.subTest(host=host):
                response = Client(HTTP_HOST=host).get(reverse("public:home"))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Hela Sverige ska leva Örebro län")

    def test_a_second_network_ends_the_fallback(self) -> None:
        make_network(name="Värmland", domain="varmland.test")

        self.assertIsNone(resolve_network("testserver"))
        self.assertEqual(Client(HTTP_HOST="testserver").get("/").status_code, 404)
