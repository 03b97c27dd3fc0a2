"""URLs of the imports pages (included by members.urls)."""

from django.urls import URLPattern, path

from bygdebas.members.views import imports

urlpatterns: list[URLPattern] = [
    path("kansli/organisationer/import/", imports.import_upload, name="import-upload"),
    path(
        "kansli/organisationer/import/<str:token>/",
        imports.import_preview,
        name="import-preview",
    ),
    path(
        "kansli/organisationer/import/<str:token>/spara/",
        imports.import_save,
        name="import-save",
    ),
    path(
        "kansli/organisationer/import/<str:token>/klart/",
        imports.import_done,
        name="import-done",
    ),
    path(
        "kansli/organisationer/import/<str:token>/avbryt/",
        imports.import_cancel,
        name="import-cancel",
    ),
]
