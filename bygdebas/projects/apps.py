from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def seed_goals_and_themes(sender: Any = None, apps: Any = None, **kwargs: Any) -> None:
    """The fixed rows every network shares (the 17 goals, the themes), after every migrate and
    every flush (a TransactionTestCase empties the tables the migration seeded)."""
    from bygdebas.projects.models import THEME_NAMES, Goal, Theme

    goal_model = apps.get_model("projects", "Goal") if apps else Goal
    theme_model = apps.get_model("projects", "Theme") if apps else Theme
    goal_model.objects.bulk_create(
        [goal_model(number=n) for n in range(1, 18)], ignore_conflicts=True
    )
    theme_model.objects.bulk_create(
        [theme_model(key=key, order=i) for i, key in enumerate(THEME_NAMES)],
        ignore_conflicts=True,
    )


class ProjectsConfig(AppConfig):
    name = "bygdebas.projects"
    label = "projects"
    verbose_name = _("Projects and good examples")

    def ready(self) -> None:
        post_migrate.connect(seed_goals_and_themes, sender=self)
        from bygdebas.core.api_registry import register_public_endpoints
        from bygdebas.projects import api

        register_public_endpoints("projects", prefix="examples", router=api.public_router)
        from bygdebas.core.access import CONTACT_ROLES, READ_ROLES
        from bygdebas.core.moderation import register_moderated
        from bygdebas.core.navigation import has_role, register_menu_entry, register_panel
        from bygdebas.core.personal_data import register_personal_data
        from bygdebas.core.search import register_searchable
        from bygdebas.members.organisation_sources import register_organisation_sources
        from bygdebas.plan.importer.proposals import register_target_proposal
        from bygdebas.projects import privacy, services
        from bygdebas.projects.metrics import register_projects_metrics
        from bygdebas.projects.models import Advice, Example
        from bygdebas.projects.search import example_document
        from bygdebas.projects.selfservice import calls_panel_context

        register_projects_metrics()
        # An activity that states a count ("stödja projekt, minst fem per år") gets the app's
        # metric in place of plain actions; one that states none gets no target made up here.
        register_target_proposal(
            "projects.support",
            about=("stödja projekt",),
            metric="projects.projects_supported",
        )
        register_target_proposal(
            "projects.youth",
            about=("barn och ungdomar",),
            metric="projects.youth_projects",
        )
        register_target_proposal(
            "projects.examples",
            about=("goda exempel",),
            metric="projects.examples_published",
        )
        # A member organisation's page lists the actions its advice logged.
        register_organisation_sources("projects.advice", sources=Advice.objects.given_to)
        register_moderated(Example, label=_("Good examples"), on_approve=services.publish_example)
        register_searchable(
            Example,
            kind="projects.example",
            label=_("Good examples"),
            document=example_document,
            queryset=lambda: Example.objects.select_related("municipality"),
        )
        register_menu_entry(
            "public",
            "projects.examples",
            label=_("Good examples"),
            url_name="projects:example-catalogue",
            order=27,
        )
        register_menu_entry(
            "office",
            "projects.projects",
            label=_("Projects and advice"),
            url_name="projects:project-list",
            order=113,
            visible=has_role(READ_ROLES),
        )
        register_menu_entry(
            "office",
            "projects.examples",
            label=_("Good examples"),
            url_name="projects:staff-example-list",
            order=114,
            visible=has_role(READ_ROLES),
        )
        register_menu_entry(
            "selfservice",
            "projects.examples",
            label=_("Good examples"),
            url_name="projects:my-examples",
            order=20,
            description=_("Tell others about your village's work: send in a good example"),
            visible=has_role(CONTACT_ROLES),
        )
        register_panel(
            "selfservice",
            "projects.calls",
            template="projects/_selfservice_calls.html",
            order=20,
            context=calls_panel_context,
            visible=has_role(CONTACT_ROLES),
        )
        from bygdebas.core.widgets import register_widget
        from bygdebas.projects.widgets import examples_context

        register_widget(
            "goda-exempel",
            label=_("Good examples"),
            description=_("The latest published good examples, with a photo and a summary."),
            template="projects/widgets/examples.html",
            context=examples_context,
            height=520,
            order=20,
        )
        register_personal_data(
            "projects.examples",
            label=_("Good examples naming or sent in by the person, and the funding-call mail"),
            extract=privacy.extract,
            erase=privacy.erase,
        )
