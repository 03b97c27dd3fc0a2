"""URLs of the registry pages (included by members.urls): organisations, people, map, statistics."""

from django.urls import path

from bygdebas.members.views import registry, stats

urlpatterns = [
    path("kansli/organisationer/", registry.organisation_list, name="organisation-list"),
    path(
        "kansli/organisationer/export.<str:fmt>",
        registry.organisation_export,
        name="organisation-export",
    ),
    path("kansli/organisationer/ny/", registry.organisation_create, name="organisation-create"),
    path("kansli/organisationer/karta/", registry.organisation_map, name="organisation-map"),
    path(
        "kansli/organisationer/karta.json",
        registry.organisation_map_json,
        name="organisation-map-json",
    ),
    path(
        "kansli/organisationer/<int:pk>/",
        registry.organisation_detail,
        name="organisation-detail",
    ),
    path(
        "kansli/organisationer/<int:pk>/redigera/",
        registry.organisation_edit,
        name="organisation-edit",
    ),
    path(
        "kansli/organisationer/<int:pk>/roller/ny/",
        registry.engagement_add,
        name="engagement-add",
    ),
    path("kansli/roller/<int:pk>/ta-bort/", registry.engagement_remove, name="engagement-remove"),
    path("kansli/personer/", registry.person_list, name="person-list"),
    path("kansli/personer/export.<str:fmt>", registry.person_export, name="person-export"),
    path("kansli/personer/ny/", registry.person_create, name="person-create"),
    path("kansli/personer/<int:pk>/", registry.person_detail, name="person-detail"),
    path("kansli/personer/<int:pk>/redigera/", registry.person_edit, name="person-edit"),
    path(
        "kansli/personer/<int:pk>/roller/ny/",
        registry.person_engagement_add,
        name="person-engagement-add",
    ),
    path("kansli/medlemsstatistik/", stats.statistics, name="statistics"),
]
