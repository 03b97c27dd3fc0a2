"""Every national URL for anonymous, each role and the outsider.

Anna also holds the national role here: the overview is hers, and nobody else's in the cast.
Copying takes network C's adopted plan (A's own plans are not offered to A).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.test import TestCase

from bygdebas.core.tests.matrix import (
    LOGIN,
    OK,
    READ_PAGE,
    WRITE_PAGE,
    Entry,
    MatrixMixin,
    expect,
    page_form,
)
from bygdebas.national.models import AreaMapping, NationalRole
from bygdebas.plan.models import Plan
from bygdebas.testing import CastMixin, make_network, make_plan

NATIONAL = expect(LOGIN, OK, 403, 403, 403, 403, 403)

MATRIX: dict[str, Entry] = {
    "national:overview": Entry(NATIONAL),
    "national:area-mapping": Entry(
        READ_PAGE, kwargs="year", post=WRITE_PAGE, post_data=page_form()
    ),
    "national:plan-sources": Entry(READ_PAGE),
    "national:plan-copy": Entry(
        WRITE_PAGE, kwargs="source", post=WRITE_PAGE, post_data=(("year", "2031"),)
    ),
}


class NationalMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        NationalRole.objects.create(user=cls.anna)
        make_plan(network=cls.network_a, year=2025)
        network_c = make_network(name="Nätverk C")
        cls.source = make_plan(network=network_c, year=2025, approved_on=datetime.date(2025, 2, 1))

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        match entry.kwargs:
            case "year":
                return {"year": 2025}
            case "source":
                return {"pk": self.source.pk}
        return {}

    def fingerprint(self) -> tuple:
        return (
            list(Plan.objects.filter(network=self.network_a).values_list("pk", "year")),
            list(
                AreaMapping.objects.filter(area__plan__network=self.network_a).values_list(
                    "area_id", "shared_area"
                )
            ),
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
