"""Every connectivity URL for anonymous, each role and the outsider (see core/tests/matrix.py)."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from bygdebas.connectivity.models import Analysis, Feed
from bygdebas.connectivity.tests.helpers import (
    FEW_PLACES,
    finished_analysis,
    sj_upload,
    store_sj_feed,
)
from bygdebas.core.tests.matrix import (
    READ_PAGE,
    READ_ROW,
    WRITE_PAGE,
    WRITE_ROW,
    Entry,
    MatrixMixin,
    page_form,
)
from bygdebas.testing import CastMixin

PLACES = "Örebro;59.2789;15.2113;160140\nHallsberg;59.0671;15.1104;16120"

MATRIX: dict[str, Entry] = {
    "connectivity:analysis-list": Entry(READ_PAGE),
    "connectivity:analysis-create": Entry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=page_form(feed=lambda test: str(test.feed.pk), date="2023-11-28", places=PLACES),
    ),
    "connectivity:analysis-detail": Entry(READ_ROW, kwargs="analysis"),
    "connectivity:analysis-progress": Entry(READ_ROW, kwargs="analysis"),
    "connectivity:analysis-map": Entry(READ_ROW, kwargs="analysis"),
    "connectivity:analysis-export": Entry(READ_ROW, kwargs="analysis_csv"),
    "connectivity:analysis-delete": Entry(WRITE_ROW, method="post", kwargs="analysis"),
    "connectivity:analysis-rerun": Entry(WRITE_ROW, method="post", kwargs="failed_analysis"),
    "connectivity:feed-list": Entry(READ_PAGE),
    "connectivity:feed-upload": Entry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=(("name", "Ny tidtabell"), ("file", lambda test: sj_upload())),
    ),
    "connectivity:feed-detail": Entry(READ_ROW, kwargs="feed"),
    # A feed no analysis uses may be deleted.
    "connectivity:feed-delete": Entry(WRITE_ROW, method="post", kwargs="spare_feed"),
}


class ConnectivityMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = ("A-feed-secret", "Secretby")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.feed = store_sj_feed(cls.network_a, name="A-feed-secret")
        places = [{**FEW_PLACES[0], "name": "Secretby"}, FEW_PLACES[1]]
        cls.analysis = finished_analysis(cls.network_a, cls.feed, places=places)
        cls.failed_analysis = Analysis.objects.create(
            network=cls.network_a,
            feed=cls.feed,
            date=cls.analysis.date,
            places=places,
            status=Analysis.Status.FAILED,
            stage=Analysis.Stage.STOPPED,
            error="Secretby could not be read",
        )
        # The same timetable stored again, with no analysis: one that may be deleted.
        cls.spare_feed = Feed.objects.get(pk=cls.feed.pk)
        cls.spare_feed.pk = None
        cls.spare_feed.name = "A-feed-secret spare"
        cls.spare_feed.save()
        # Network B has its own rows, so its pages render with them.
        cls.feed_b = store_sj_feed(cls.network_b, name="B-feed")

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        match entry.kwargs:
            case "analysis":
                return {"pk": self.analysis.pk}
            case "failed_analysis":
                return {"pk": self.failed_analysis.pk}
            case "analysis_csv":
                return {"pk": self.analysis.pk, "fmt": "csv"}
            case "feed":
                return {"pk": self.feed.pk}
            case "spare_feed":
                return {"pk": self.spare_feed.pk}
        return {}

    def fingerprint(self) -> tuple:
        return (
            list(Feed.objects.filter(network=self.network_a).values_list("pk", "name", "status")),
            list(
                Analysis.objects.filter(network=self.network_a).values_list(
                    "pk", "status", "date", "progress", "attempt"
                )
            ),
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
