"""URLs of the staff privacy pages (included by members.urls)."""

from django.urls import path

from bygdebas.members.views import privacy as views

urlpatterns = [
    path("kansli/personer/<int:pk>/integritet/", views.person_privacy, name="privacy-person"),
    path("kansli/personer/<int:pk>/samtycken/ny/", views.consent_add, name="privacy-consent-add"),
    path(
        "kansli/personer/<int:pk>/rattslig-grund/",
        views.legal_basis,
        name="privacy-legal-basis",
    ),
    path(
        "kansli/personer/<int:pk>/registerutdrag.json",
        views.extract_json,
        name="privacy-extract-json",
    ),
    path(
        "kansli/personer/<int:pk>/registerutdrag.pdf",
        views.extract_pdf,
        name="privacy-extract-pdf",
    ),
    path("kansli/personer/<int:pk>/radera/", views.person_erase, name="privacy-erase"),
    path(
        "kansli/samtycken/<int:pk>/aterkalla/",
        views.consent_withdraw,
        name="privacy-consent-withdraw",
    ),
    path("kansli/integritet/gallring/", views.retention, name="privacy-retention"),
    path(
        "kansli/integritet/gallring/radera/",
        views.retention_erase,
        name="privacy-retention-erase",
    ),
    path(
        "kansli/integritet/gallring/<str:key>/radera/",
        views.retention_erase_records,
        name="privacy-retention-erase-records",
    ),
    path("kansli/integritet/logg/", views.audit_log, name="privacy-audit-log"),
]
