import datetime

from django.test import TestCase

from bygdebas.connectivity.demo import DEMO_DATE, load
from bygdebas.connectivity.models import Analysis, Feed
from bygdebas.core.geo import load_geography
from bygdebas.testing import make_county, make_network


class DemoTests(TestCase):
    def test_the_demo_stores_the_sj_feed_and_a_finished_analysis_once(self) -> None:
        load_geography()
        network = make_network(county=make_county(code="18"))
        text = load(network)
        feed = Feed.objects.get(network=network)
        analysis = Analysis.objects.get(network=network)
        self.assertEqual(analysis.date, datetime.date(2023, 11, 28))
        self.assertEqual(DEMO_DATE.weekday(), 1)
        self.assertEqual(analysis.status, Analysis.Status.DONE)
        self.assertEqual(len(analysis.places), 25)
        self.assertEqual(len(analysis.result["pairs"]), 25 * 24)
        self.assertIn(feed.name, text)
        load(network)
        self.assertEqual(Feed.objects.filter(network=network).count(), 1)
        self.assertEqual(Analysis.objects.filter(network=network).count(), 1)
