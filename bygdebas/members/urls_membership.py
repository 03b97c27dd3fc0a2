"""URLs of the membership pages (included by members.urls)."""

from django.urls import URLPattern, path

from bygdebas.members.views import join, membership

urlpatterns: list[URLPattern] = [
    path("bli-medlem/", join.join, name="join"),
    path("bli-medlem/tack/", join.join_done, name="join-done"),
    path("medlemskap/fornya/<str:token>/", join.renewal, name="renewal"),
    path("kansli/medlemskap/", membership.membership_list, name="membership-list"),
    path("kansli/medlemskap/ny/", membership.membership_create, name="membership-create"),
    path("kansli/medlemskap/fornyelse/", membership.membership_renewal, name="membership-renewal"),
    path(
        "kansli/medlemskap/fornyelse/skicka/",
        membership.membership_renewal_send,
        name="membership-renewal-send",
    ),
    path("kansli/medlemskap/<int:pk>/", membership.membership_edit, name="membership-edit"),
    path(
        "kansli/medlemskap/<int:pk>/godkann/",
        membership.membership_approve,
        name="membership-approve",
    ),
    path(
        "kansli/medlemskap/<int:pk>/avsla/",
        membership.membership_decline,
        name="membership-decline",
    ),
]
