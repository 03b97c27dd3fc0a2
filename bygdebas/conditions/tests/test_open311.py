"""Open311 GeoReport v2 (read-only): the field list, JSON and XML, and a client's queries by
service code, status, date range and bounding box."""

from __future__ import annotations

import datetime
import json
import urllib.request
from xml.etree import ElementTree

from django.test import LiveServerTestCase, TestCase
from django.urls import reverse
from django.utils import timezone

from bygdebas.conditions.models import Report
from bygdebas.conditions.tests.helpers import make_report, make_square_municipality
from bygdebas.core.models import Network
from bygdebas.testing import CastMixin, make_county, make_network

# GeoReport v2's fields (https://wiki.open311.org/GeoReport_v2).
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def requests_url(fmt: str = "json") -> str:
    return reverse("conditions:open311-requests", kwargs={"fmt": fmt})


class Open311Tests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        county = cls.network_a.county
        assert county is not None
        cls.kumla = make_square_municipality(county)
        now = timezone.now()
        cls.road = make_report(network=cls.network_a, municipality=cls.kumla, title="Hål")
        cls.fixed = make_report(
            network=cls.network_a,
            municipality=cls.kumla,
            category="broadband",
            status="fixed",
            lat=59.19,
            lon=15.29,
        )
        cls.old = make_report(network=cls.network_a, municipality=cls.kumla, title="Gammalt")
        Report.objects.filter(pk=cls.old.pk).update(published_at=now - datetime.timedelta(days=200))
        make_report(network=cls.network_a, municipality=cls.kumla, title="Dold", is_hidden=True)
        make_report(network=cls.network_b, municipality=cls.kumla, title="B")

    def get_ids(self, **params: str) -> list[str]:
        response = self.as_anonymous().get(requests_url(), params)
        self.assertEqual(response.status_code, 200, response.content)
        return sorted(row["service_request_id"] for row in response.json())

    def test_services_have_the_georeport_fields_in_json_and_xml(self) -> None:
        rows = (
            self.as_anonymous()
            .get(reverse("conditions:open311-services", kwargs={"fmt": "json"}))
            .json()
        )
        self.assertIn("road", [row["service_code"] for row in rows])
        for row in rows:
            self.assertEqual(set(row), SERVICE_FIELDS)
            self.assertEqual(row["type"], "realtime")
        xml = self.as_anonymous().get(reverse("conditions:open311-services", kwargs={"fmt": "xml"}))
        root = ElementTree.fromstring(xml.content)
        self.assertEqual(root.tag, "services")
        self.assertEqual({child.tag for child in root[0]}, SERVICE_FIELDS)

    def test_requests_have_the_georeport_fields_and_only_published_reports(self) -> None:
        rows = self.as_anonymous().get(requests_url()).json()
        self.assertEqual(
            {row["service_request_id"] for row in rows}, {str(self.road.pk), str(self.fixed.pk)}
        )
        for row in rows:
            self.assertEqual(set(row), REQUEST_FIELDS)
        row = next(r for r in rows if r["service_request_id"] == str(self.road.pk))
        self.assertEqual(
            (row["status"], row["service_code"], row["lat"], row["long"]),
            ("open", "road", 59.1, 15.15),
        )
        self.assertTrue(datetime.datetime.fromisoformat(row["requested_datetime"]).tzinfo)
        root = ElementTree.fromstring(self.as_anonymous().get(requests_url("xml")).content)
        self.assertEqual(root.tag, "service_requests")
        self.assertEqual({child.tag for child in root[0]}, REQUEST_FIELDS)

    def test_a_client_queries_by_service_code_status_dates_and_bounding_box(self) -> None:
        self.assertEqual(self.get_ids(service_code="road"), [str(self.road.pk)])
        self.assertEqual(self.get_ids(status="closed"), [str(self.fixed.pk)])
        self.assertEqual(self.get_ids(status="open"), [str(self.road.pk)])
        start = (timezone.now() - datetime.timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = (timezone.now() - datetime.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(self.get_ids(start_date=start, end_date=end), [str(self.old.pk)])
        self.assertEqual(self.get_ids(bbox="15.25,59.15,15.3,59.2"), [str(self.fixed.pk)])
        self.assertEqual(
            self.get_ids(service_request_id=f"{self.road.pk},{self.old.pk}"),
            sorted([str(self.road.pk), str(self.old.pk)]),
        )

    def test_bad_parameters_are_400_with_a_georeport_error(self) -> None:
        for params in (
            {"service_code": "nope"},
            {"status": "maybe"},
            {"start_date": "igår"},
            {"bbox": "1,2"},
        ):
            response = self.as_anonymous().get(requests_url(), params)
            self.assertEqual(response.status_code, 400, params)
            self.assertEqual(set(response.json()[0]), {"code", "description"})

    def test_one_request_and_a_hidden_or_other_networks_one_is_404(self) -> None:
        url = reverse("conditions:open311-request", kwargs={"pk": self.road.pk, "fmt": "json"})
        self.assertEqual(
            self.as_anonymous().get(url).json()[0]["service_request_id"], str(self.road.pk)
        )
        hidden = Report.objects.get(title="Dold")
        url = reverse("conditions:open311-request", kwargs={"pk": hidden.pk, "fmt": "xml"})
        self.assertEqual(self.as_anonymous().get(url).status_code, 404)
        self.assertEqual(
            self.as_david()
            .get(reverse("conditions:open311-request", kwargs={"pk": self.road.pk, "fmt": "json"}))
            .status_code,
            404,
        )


class Open311LiveClientTests(LiveServerTestCase):
    """A plain HTTP client (urllib, as a FixMyStreet-style aggregator would) against a server."""

    def test_a_real_client_reads_requests_over_http(self) -> None:
        network: Network = make_network(domain="localhost", county=make_county())
        county = network.county
        assert county is not None
        report = make_report(network=network, municipality=make_square_municipality(county))
        url = f"{self.live_server_url}{requests_url()}?service_code=road&status=open"
        with urllib.request.urlopen(url, timeout=10) as answer:
            self.assertEqual(answer.headers["Content-Type"], "application/json")
            rows = json.loads(answer.read())
        self.assertEqual([row["service_request_id"] for row in rows], [str(report.pk)])
