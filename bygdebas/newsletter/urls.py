"""The newsletter's URLs: public pages at /nyhetsbrev/, staff at /kansli/nyhetsbrev/,
self-service at /medlem/nyhetsbrev/."""

from django.urls import path

from bygdebas.core.confirmation import confirm_view
from bygdebas.core.moderation_views import moderation_urls
from bygdebas.newsletter import services, views, views_public, views_selfservice
from bygdebas.newsletter.forms import ItemEditForm
from bygdebas.newsletter.models import Item, Subscription

app_name = "newsletter"

STAFF = "kansli/nyhetsbrev"

urlpatterns = [
    # Public
    path("nyhetsbrev/", views_public.archive, name="archive"),
    path("nyhetsbrev/prenumerera/", views_public.subscribe, name="subscribe"),
    path(
        "nyhetsbrev/bekrafta/<str:token>/",
        confirm_view(Subscription, on_confirm=services.subscription_confirmed),
        name="subscription-confirm",
    ),
    path(
        "nyhetsbrev/avregistrera/<str:token>/",
        views_public.UnsubscribeView.as_view(),
        name="unsubscribe",
    ),
    path("nyhetsbrev/installningar/<str:token>/", views_public.preferences, name="preferences"),
    path("nyhetsbrev/<int:number>/", views_public.archive_detail, name="archive-detail"),
    *views_public.IssueFeed.urls("nyhetsbrev", "feed"),
    # Self-service
    path("medlem/nyhetsbrev/", views_selfservice.my_items, name="my-items"),
    path("medlem/nyhetsbrev/skicka/", views_selfservice.item_submit, name="item-submit"),
    path("medlem/nyhetsbrev/prenumerera/", views_selfservice.subscribe_tick, name="subscribe-tick"),
    # Staff
    path(f"{STAFF}/", views.issue_list, name="issue-list"),
    path(f"{STAFF}/nytt/", views.issue_create, name="issue-create"),
    path(f"{STAFF}/<int:pk>/", views.issue_detail, name="issue-detail"),
    path(f"{STAFF}/<int:pk>/redigera/", views.issue_edit, name="issue-edit"),
    path(f"{STAFF}/<int:pk>/infoga/", views.issue_insert, name="issue-insert"),
    path(f"{STAFF}/<int:pk>/forhandsvisa/", views.issue_preview, name="issue-preview"),
    path(f"{STAFF}/<int:pk>/testa/", views.issue_test, name="issue-test"),
    path(f"{STAFF}/<int:pk>/schemalagg/", views.issue_schedule, name="issue-schedule"),
    path(f"{STAFF}/<int:pk>/skicka/", views.issue_send, name="issue-send"),
    path(f"{STAFF}/rad/<int:pk>/ta-bort/", views.entry_remove, name="entry-remove"),
    path(f"{STAFF}/rad/<int:pk>/flytta/", views.entry_move, name="entry-move"),
    path(f"{STAFF}/notiser/", views.item_list, name="item-list"),
    path(f"{STAFF}/notiser/ny/", views.item_create, name="item-create"),
    path(f"{STAFF}/notiser/<int:pk>/", views.item_edit, name="item-edit"),
    path(f"{STAFF}/prenumeranter/", views.subscriber_list, name="subscriber-list"),
    path(f"{STAFF}/prenumeranter/importera/", views.subscriber_import, name="subscriber-import"),
    *moderation_urls(
        Item, prefix=f"{STAFF}/inlamnat", name="item-moderation", edit_form=ItemEditForm
    ),
]
