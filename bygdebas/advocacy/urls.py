from django.urls import path

from bygdebas.advocacy import public_views, views

app_name = "advocacy"

urlpatterns = [
    # Watching: the inbox and the sources.
    path("kansli/bevakning/", views.inbox, name="inbox"),
    path("kansli/bevakning/sok/", views.staff_search, name="search"),
    path("kansli/bevakning/sammanfattning/", views.digest_toggle, name="digest-toggle"),
    path("kansli/bevakning/<int:pk>/", views.entry_detail, name="entry-detail"),
    path("kansli/bevakning/<int:pk>/spara/", views.entry_update, name="entry-update"),
    path("kansli/bevakning/<int:pk>/amne/", views.entry_topic, name="entry-topic"),
    path("kansli/bevakning/<int:pk>/remiss/", views.entry_case, name="entry-case"),
    path("kansli/bevakning/kallor/", views.source_list, name="source-list"),
    path("kansli/bevakning/kallor/ny/", views.source_create, name="source-create"),
    path("kansli/bevakning/kallor/<int:pk>/", views.source_edit, name="source-edit"),
    path("kansli/bevakning/kallor/<int:pk>/hamta/", views.source_fetch, name="source-fetch"),
    # Consultation cases.
    path("kansli/remisser/", views.case_list, name="case-list"),
    path("kansli/remisser/ny/", views.case_create, name="case-create"),
    path("kansli/remisser/deadlines.ics", views.case_calendar, name="case-calendar"),
    path(
        "kansli/remisser/kalender/<str:token>.ics",
        views.case_calendar_feed,
        name="case-calendar-feed",
    ),
    path("kansli/remisser/<int:pk>/", views.case_detail, name="case-detail"),
    path("kansli/remisser/<int:pk>/redigera/", views.case_edit, name="case-edit"),
    path("kansli/remisser/<int:pk>/flytta/", views.case_move, name="case-move"),
    path("kansli/remisser/<int:pk>/svar/", views.case_answer, name="case-answer"),
    path("kansli/remisser/<int:pk>/kommentar/", views.case_comment, name="case-comment"),
    path("kansli/remisser/<int:pk>/dokument/", views.case_document, name="case-document"),
    path("kansli/remisser/<int:pk>/bjud-in/", views.case_invite, name="case-invite"),
    path("kansli/remisser/<int:pk>/granska/", views.case_review, name="case-review"),
    path("kansli/remisser/<int:pk>/skickad/", views.case_sent, name="case-sent"),
    path("kansli/remisser/<int:pk>/publicera/", views.case_publish, name="case-publish"),
    path("kansli/remisser/dokument/<int:pk>/", views.document_file, name="document-file"),
    path("kansli/remisser/<int:pk>/svar.pdf", views.case_pdf, name="case-pdf"),
    path("kansli/remisser/<int:pk>/svar.docx", views.case_docx, name="case-docx"),
    # Positions and issues raised nationally (staff).
    path("kansli/stallningstaganden/", views.position_admin_list, name="position-admin-list"),
    path("kansli/stallningstaganden/ny/", views.position_create, name="position-create"),
    path(
        "kansli/stallningstaganden/<int:pk>/redigera/",
        views.position_edit,
        name="position-edit",
    ),
    path("kansli/nationellt/", views.national_list, name="national-list"),
    path("kansli/nationellt/ny/", views.national_create, name="national-create"),
    path("kansli/nationellt/<int:pk>/", views.national_edit, name="national-edit"),
    # Public.
    path("stallningstaganden/", public_views.position_list, name="position-list"),
    path("stallningstaganden/<int:pk>/", public_views.position_detail, name="position-detail"),
    path("stallningstaganden/<int:pk>.pdf", public_views.position_pdf, name="position-pdf"),
    *public_views.PositionFeed.urls("stallningstaganden", "positions-feed"),
    path("remiss/synpunkter/<str:token>/", public_views.contribute, name="contribute"),
]
