"""URLs of the self-service pages for contact persons (included by members.urls)."""

from django.urls import path

from bygdebas.members.views import selfservice as views

urlpatterns = [
    path("medlem/logga-in/", views.login_request, name="selfservice-login"),
    path("medlem/logga-in/skickat/", views.login_sent, name="selfservice-login-sent"),
    path("medlem/logga-in/<str:token>/", views.login_link, name="selfservice-login-link"),
    path("medlem/", views.home, name="selfservice-home"),
    path("medlem/<int:pk>/", views.organisation_detail, name="selfservice-organisation"),
    path("medlem/<int:pk>/andra/", views.organisation_edit, name="selfservice-organisation-edit"),
    path(
        "medlem/<int:pk>/uppgifter.json",
        views.organisation_export,
        name="selfservice-organisation-export",
    ),
    path(
        "medlem/<int:pk>/uppgifter.pdf",
        views.organisation_pdf,
        name="selfservice-organisation-pdf",
    ),
    path("medlem/<int:pk>/personer/ny/", views.person_add, name="selfservice-person-add"),
    path(
        "medlem/<int:pk>/personer/<int:person_pk>/",
        views.person_edit,
        name="selfservice-person-edit",
    ),
    path(
        "medlem/<int:pk>/personer/<int:person_pk>/ta-bort/",
        views.person_remove,
        name="selfservice-person-remove",
    ),
]
