"""The good-examples widget: our latest published examples, nothing else."""

from __future__ import annotations

import datetime

from django.test import RequestFactory, TestCase
from django.utils import timezone

from bygdebas.core.images import process_image, save_image
from bygdebas.core.moderation import ModerationStatus
from bygdebas.projects.tests.factories import jpeg_upload, make_example
from bygdebas.projects.widgets import SHOWN, examples_context
from bygdebas.testing import CastMixin, sv


class ExamplesWidgetTests(CastMixin, TestCase):
    def test_the_latest_published_examples_of_our_network_only(self) -> None:
        photo = save_image(
            network=self.network_a,
            image=process_image(jpeg_upload(size=(800, 600))),
            alt_text="Barn i skolträdgården",
        )
        example = make_example(
            network=self.network_a,
            title="Skolträdgården",
            summary="Eleverna odlar grönsaker åt skolköket.",
            photo=photo,
            contact_name="Greta Grön",
            contact_email="greta@example.org",
            has_contact_consent=True,
            submitter_name="Sara Sändare",
            submitter_email="sara@example.org",
        )
        make_example(network=self.network_b, title="Grannarnas exempel")
        make_example(network=self.network_a, title="Utkastet", published=False)
        make_example(
            network=self.network_a,
            title="Väntar på granskning",
            moderation_status=ModerationStatus.PENDING,
            published_at=None,
        )
        response = self.as_anonymous().get("/widget/goda-exempel/")
        self.assertContains(response, "Skolträdgården")
        self.assertContains(response, "Eleverna odlar grönsaker åt skolköket.")
        self.assertContains(response, 'alt="Barn i skolträdgården"')
        self.assertContains(
            response,
            f'<a href="http://a.test/goda-exempel/{example.pk}/" target="_top">Skolträdgården</a>',
            html=True,
        )
        self.assertContains(response, sv("All good examples"))
        for hidden in (
            "Grannarnas exempel",
            "Utkastet",
            "Väntar på granskning",
            "Greta Grön",
            "greta@example.org",
            "Sara Sändare",
            "sara@example.org",
        ):
            self.assertNotContains(response, hidden)

    def test_the_newest_few_in_one_query_however_many_there_are(self) -> None:
        now = timezone.now()
        for n in range(SHOWN + 3):
            make_example(
                network=self.network_a,
                title=f"Exempel {n}",
                published_at=now - datetime.timedelta(days=n),
            )
        request = RequestFactory().get("/widget/goda-exempel/", HTTP_HOST="a.test")
        with self.assertNumQueries(1):
            context = examples_context(request, self.network_a)
        self.assertEqual(
            [e.title for e in context["examples"]], [f"Exempel {n}" for n in range(SHOWN)]
        )

    def test_without_examples_the_widget_says_so(self) -> None:
        response = self.as_anonymous().get("/widget/goda-exempel/")
        self.assertContains(response, sv("No good examples published yet."))
