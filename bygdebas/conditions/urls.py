from django.urls import path, re_path

from bygdebas.conditions import services, views
from bygdebas.conditions import views_preparedness as prep
from bygdebas.conditions.feeds import ReportFeed
from bygdebas.conditions.models import MeToo, Report
from bygdebas.core.confirmation import confirm_view
from bygdebas.core.moderation_views import moderation_urls

app_name = "conditions"

P = "landsbygdslaget"
K = "kansli/landsbygdslaget"

urlpatterns = [
    # Public
    path(f"{P}/", views.report_map, name="report-map"),
    path(f"{P}/lista/", views.report_list, name="report-list"),
    path(f"{P}/karta.geojson", views.report_geojson, name="report-geojson"),
    path(f"{P}/sammanstallning/", views.report_summary, name="summary"),
    path(f"{P}/rapportera/", views.report_create, name="report-create"),
    path(f"{P}/rapportera/skickad/", views.report_sent, name="report-sent"),
    path(f"{P}/rapportera/i-narheten/", views.nearby, name="nearby"),
    path(f"{P}/<int:pk>/", views.report_detail, name="report-detail"),
    path(f"{P}/<int:pk>/jag-ocksa/", views.me_too, name="me-too"),
    path(
        f"{P}/bekrafta/<str:token>/",
        confirm_view(Report, on_confirm=services.report_confirmed),
        name="report-confirm",
    ),
    path(
        f"{P}/jag-ocksa/bekrafta/<str:token>/",
        confirm_view(MeToo),
        name="me-too-confirm",
    ),
    path(
        f"{P}/avsluta/<str:token>/",
        prep.ReportUnsubscribeView.as_view(),
        name="report-unsubscribe",
    ),
    *ReportFeed.urls(f"{P}/rapporter", "feed"),
    path(f"{P}/larm/svar/<str:token>/", prep.AlertReplyView.as_view(), name="alert-reply"),
    # Open311 GeoReport v2 (read-only)
    re_path(
        r"^open311/v2/services\.(?P<fmt>json|xml)$",
        views.open311_services,
        name="open311-services",
    ),
    re_path(
        r"^open311/v2/requests\.(?P<fmt>json|xml)$",
        views.open311_requests,
        name="open311-requests",
    ),
    re_path(
        r"^open311/v2/requests/(?P<pk>[0-9]+)\.(?P<fmt>json|xml)$",
        views.open311_request,
        name="open311-request",
    ),
    # Self-service
    path("medlem/krisberedskap/", prep.profile_home, name="profile-home"),
    path("medlem/krisberedskap/<int:pk>/", prep.profile_edit, name="profile-edit"),
    # Staff
    path(f"{K}/", views.staff_report_list, name="staff-report-list"),
    path(f"{K}/<int:pk>/", views.staff_report_detail, name="staff-report-detail"),
    path(f"{K}/<int:pk>/dolj/", views.staff_report_hide, name="staff-report-hide"),
    path(f"{K}/<int:pk>/redigera/", views.staff_report_edit, name="staff-report-edit"),
    path(f"{K}/<int:pk>/sammanfoga/", views.staff_report_merge, name="staff-report-merge"),
    path(f"{K}/<int:pk>/status/", views.staff_report_status, name="staff-report-status"),
    path(f"{K}/<int:pk>/uppdatering/", views.staff_report_update, name="staff-report-update"),
    path(f"{K}/kategorier/", views.staff_categories, name="staff-categories"),
    path(f"{K}/export.csv", views.staff_export_csv, name="staff-export-csv"),
    path(f"{K}/export.geojson", views.staff_export_geojson, name="staff-export-geojson"),
    path(f"{K}/dossierer/", views.dossier_list, name="dossier-list"),
    path(f"{K}/dossierer/ny/", views.dossier_create, name="dossier-create"),
    path(f"{K}/dossierer/<int:pk>/", views.dossier_detail, name="dossier-detail"),
    path(f"{K}/dossierer/<int:pk>/dossier.pdf", views.dossier_pdf, name="dossier-pdf"),
    path(f"{K}/dossierer/<int:pk>/skickad/", views.dossier_sent, name="dossier-sent"),
    *moderation_urls(Report, prefix=f"{K}/inlamnat", name="report-moderation"),
    path("kansli/krisberedskap/", prep.preparedness_overview, name="preparedness"),
    path(
        "kansli/krisberedskap/kontaktkedja/<str:code>.pdf",
        prep.contact_tree,
        name="contact-tree",
    ),
    path("kansli/krisberedskap/larm/", prep.alert_list, name="alert-list"),
    path("kansli/krisberedskap/larm/<int:pk>/", prep.alert_detail, name="alert-detail"),
    path(
        "kansli/krisberedskap/larm/svar/<int:pk>/",
        prep.alert_record_reply,
        name="alert-record-reply",
    ),
]
