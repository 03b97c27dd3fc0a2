from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("bygdebas.public.urls")),
    path("", include("bygdebas.core.urls")),
    path("", include("bygdebas.events.urls")),
    path("", include("bygdebas.members.urls")),
    path("", include("bygdebas.conditions.urls")),
    path("kansli/rekrytering/", include("bygdebas.recruitment.urls")),
    path("kansli/kollektivtrafik/", include("bygdebas.connectivity.urls")),
    path("kansli/", include("bygdebas.plan.urls")),
    path("i18n/setlang/", set_language, name="set-language"),
    path("admin/", admin.site.urls),
]
