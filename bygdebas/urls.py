from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from bygdebas.api.v1 import api as api_v1

urlpatterns = [
    path("", include("bygdebas.public.urls")),
    path("", include("bygdebas.core.urls")),
    path("", include("bygdebas.events.urls")),
    path("", include("bygdebas.members.urls")),
    path("", include("bygdebas.conditions.urls")),
    path("kansli/rekrytering/", include("bygdebas.recruitment.urls")),
    path("kansli/kollektivtrafik/", include("bygdebas.connectivity.urls")),
    path("kansli/api-nycklar/", include("bygdebas.api.urls")),
    path("api/v1/", api_v1.api_urls()),
    path("kansli/webhooks/", include("bygdebas.webhooks.urls")),
    path("", include("bygdebas.widgets.urls")),
    path("", include("bygdebas.national.urls")),
    path("", include("bygdebas.advocacy.urls")),
    path("", include("bygdebas.newsletter.urls")),
    path("", include("bygdebas.projects.urls")),
    path("kansli/", include("bygdebas.plan.urls")),
    path("i18n/setlang/", set_language, name="set-language"),
    path("admin/", admin.site.urls),
]
