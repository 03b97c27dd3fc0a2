from django.urls import path

from bygdebas.core.moderation_views import moderation_urls
from bygdebas.projects.digest import StopDigestView
from bygdebas.projects.feeds import ExampleFeed
from bygdebas.projects.forms import ExampleModerationForm
from bygdebas.projects.models import Example
from bygdebas.projects.views import public, selfservice, staff

app_name = "projects"

urlpatterns = [
    # The public catalogue of good examples, and funding calls.
    path("goda-exempel/", public.example_catalogue, name="example-catalogue"),
    path("goda-exempel/karta/", public.example_map, name="example-map"),
    path("goda-exempel/karta.json", public.example_map_json, name="example-map-json"),
    path("goda-exempel/<int:pk>/", public.example_detail, name="example-detail"),
    *ExampleFeed.urls("goda-exempel", "examples-feed"),
    path("utlysningar/", public.call_list, name="call-list"),
    path("utlysningar.ics", public.calls_ics, name="calls-ics"),
    # Contact persons' self-service.
    path("medlem/goda-exempel/", selfservice.my_examples, name="my-examples"),
    path("medlem/goda-exempel/skicka/", selfservice.example_submit, name="example-submit"),
    path(
        "medlem/goda-exempel/<int:pk>/andra/",
        selfservice.example_resubmit,
        name="example-resubmit",
    ),
    path("medlem/utlysningar/bevakning/", selfservice.call_digest, name="call-digest"),
    path(
        "utlysningar/bevakning/avsluta/<str:token>/",
        StopDigestView.as_view(),
        name="call-digest-stop",
    ),
    # Staff: projects, advice, calls, examples.
    path("kansli/projekt/", staff.project_list, name="project-list"),
    path("kansli/projekt/nytt/", staff.project_create, name="project-create"),
    path("kansli/projekt/<int:pk>/", staff.project_detail, name="project-detail"),
    path("kansli/projekt/<int:pk>/redigera/", staff.project_edit, name="project-edit"),
    path("kansli/projekt/<int:pk>/ta-bort/", staff.project_delete, name="project-delete"),
    path("kansli/projekt/<int:pk>/finansiering/", staff.funding_add, name="funding-add"),
    path(
        "kansli/projekt/finansiering/<int:pk>/ta-bort/",
        staff.funding_delete,
        name="funding-delete",
    ),
    path("kansli/projekt/<int:pk>/filer/", staff.attachment_add, name="attachment-add"),
    path("kansli/projekt/filer/<int:pk>/", staff.attachment_download, name="attachment-download"),
    path(
        "kansli/projekt/filer/<int:pk>/ta-bort/",
        staff.attachment_delete,
        name="attachment-delete",
    ),
    path("kansli/radgivning/", staff.advice_list, name="advice-list"),
    path("kansli/radgivning/ny/", staff.advice_create, name="advice-create"),
    path("kansli/radgivning/<int:pk>/redigera/", staff.advice_edit, name="advice-edit"),
    path("kansli/radgivning/<int:pk>/ta-bort/", staff.advice_delete, name="advice-delete"),
    path("kansli/utlysningar/", staff.call_staff_list, name="call-staff-list"),
    path("kansli/utlysningar/ny/", staff.call_create, name="call-create"),
    path("kansli/utlysningar/<int:pk>/redigera/", staff.call_edit, name="call-edit"),
    path("kansli/utlysningar/<int:pk>/ta-bort/", staff.call_delete, name="call-delete"),
    path("kansli/goda-exempel/", staff.example_list, name="staff-example-list"),
    path("kansli/goda-exempel/nytt/", staff.example_create, name="staff-example-create"),
    path("kansli/goda-exempel/<int:pk>/", staff.example_staff_detail, name="staff-example-detail"),
    path("kansli/goda-exempel/<int:pk>/redigera/", staff.example_edit, name="staff-example-edit"),
    path(
        "kansli/goda-exempel/<int:pk>/publicera/",
        staff.example_publish,
        name="staff-example-publish",
    ),
    path(
        "kansli/goda-exempel/<int:pk>/ta-bort/", staff.example_delete, name="staff-example-delete"
    ),
    path("kansli/goda-exempel/skrift/", staff.example_booklet, name="booklet"),
    *moderation_urls(
        Example,
        prefix="kansli/goda-exempel/inlamnat",
        name="example-moderation",
        edit_form=ExampleModerationForm,
    ),
]
