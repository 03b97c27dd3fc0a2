"""The newsletter widget: sign up in the top window, and our latest sent issues."""

from __future__ import annotations

import datetime

from django.test import RequestFactory, TestCase
from django.utils import timezone

from bygdebas.newsletter.models import Issue
from bygdebas.newsletter.tests.factories import make_issue, make_subscription
from bygdebas.newsletter.widgets import SHOWN, newsletter_context
from bygdebas.testing import CastMixin, sv


def sent(days_ago: int) -> dict:
    return {"status": Issue.Status.SENT, "sent_at": timezone.now() - datetime.timedelta(days_ago)}


class NewsletterWidgetTests(CastMixin, TestCase):
    def test_the_sign_up_opens_in_the_top_window_and_only_our_sent_issues_show(self) -> None:
        issue = make_issue(network=self.network_a, title="Vårnumret", **sent(3))
        make_issue(network=self.network_a, title="Utkast till sommarnumret")
        make_issue(
            network=self.network_a,
            title="Schemalagt nummer",
            status=Issue.Status.SCHEDULED,
            scheduled_at=timezone.now() + datetime.timedelta(days=1),
        )
        make_issue(network=self.network_b, title="Grannarnas nummer", **sent(1))
        make_subscription(network=self.network_a, email="prenumerant@example.org")
        response = self.as_anonymous().get("/widget/nyhetsbrev/")
        self.assertContains(
            response,
            '<a class="button" href="http://a.test/nyhetsbrev/prenumerera/" target="_top">'
            f"{sv('Subscribe to the newsletter')}</a>",
            html=True,
        )
        self.assertContains(
            response,
            f'<a href="http://a.test/nyhetsbrev/{issue.number}/" target="_top">Vårnumret</a>',
            html=True,
        )
        self.assertNotContains(response, "<form")
        for hidden in (
            "Utkast till sommarnumret",
            "Schemalagt nummer",
            "Grannarnas nummer",
            "prenumerant@example.org",
        ):
            self.assertNotContains(response, hidden)

    def test_the_latest_few_in_one_query(self) -> None:
        for n in range(SHOWN + 2):
            make_issue(network=self.network_a, title=f"Nummer {n}", items=0, **sent(n))
        request = RequestFactory().get("/widget/nyhetsbrev/", HTTP_HOST="a.test")
        with self.assertNumQueries(1):
            context = newsletter_context(request, self.network_a)
        self.assertEqual(
            [i.title for i in context["issues"]], [f"Nummer {n}" for n in range(SHOWN)]
        )
