from django.urls import path

from bygdebas.plan import views

app_name = "plan"

urlpatterns = [
    path("", views.home, name="home"),
    path("plan/", views.plan_list, name="plan-list"),
    path("plan/importera/", views.plan_import, name="plan-import"),
    path("plan/importera/spara/", views.plan_import_save, name="plan-import-save"),
    path("plan/<int:year>/", views.plan_detail, name="plan-detail"),
    path("plan/<int:year>/redigera/", views.plan_edit, name="plan-edit"),
    path("plan/<int:year>/kopiera/", views.plan_copy, name="plan-copy"),
    path("plan/<int:year>/faststall/", views.plan_approve, name="plan-approve"),
    path("plan/<int:year>/ta-bort/", views.plan_delete, name="plan-delete"),
    path("plan/<int:year>/omraden/ny/", views.area_add, name="area-add"),
    path("plan/<int:year>/aktiviteter/ny/", views.activity_add, name="activity-add"),
    path("omraden/<int:pk>/", views.area_edit, name="area-edit"),
    path("omraden/<int:pk>/ta-bort/", views.area_delete, name="area-delete"),
    path("omraden/<int:pk>/flytta/", views.area_move, name="area-move"),
    path("aktiviteter/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("aktiviteter/<int:pk>/redigera/", views.activity_edit, name="activity-edit"),
    path("aktiviteter/<int:pk>/ta-bort/", views.activity_delete, name="activity-delete"),
    path("aktiviteter/<int:pk>/flytta/", views.activity_move, name="activity-move"),
    path("insatser/", views.action_list, name="action-list"),
    path("insatser/ny/", views.action_create, name="action-create"),
    path("insatser/<int:pk>/", views.action_detail, name="action-detail"),
    path("insatser/<int:pk>/redigera/", views.action_edit, name="action-edit"),
    path("insatser/<int:pk>/ta-bort/", views.action_delete, name="action-delete"),
    path("insatser/<int:pk>/bilaga/", views.action_attachment, name="action-attachment"),
    path("uppfoljning/<int:year>/", views.follow_up, name="follow-up"),
    path("uppfoljning/<int:year>/verksamhetsberattelse.pdf", views.report_pdf, name="report-pdf"),
    path(
        "uppfoljning/<int:year>/verksamhetsberattelse.docx", views.report_docx, name="report-docx"
    ),
]
