"""The site's URLs plus the test app's: a confirm page, a one-click unsubscribe link and a
moderation queue, mounted as an app would mount them."""

from django.urls import include, path

from bygdebas.core.confirmation import confirm_view
from bygdebas.core.moderation_views import moderation_urls
from bygdebas.core.tests.testapp import views
from bygdebas.core.tests.testapp.models import Note, Signup
from bygdebas.urls import urlpatterns as site

app_patterns = [
    path(
        "test/bekrafta/<str:token>/",
        confirm_view(Signup, on_confirm=views.welcome),
        name="signup-confirm",
    ),
    path(
        "test/avregistrera/<str:token>/",
        views.UnsubscribeView.as_view(),
        name="signup-unsubscribe",
    ),
    *moderation_urls(Note, prefix="kansli/test/inlamnat", name="note-moderation"),
]

urlpatterns = [*site, path("", include((app_patterns, "core_testapp")))]
