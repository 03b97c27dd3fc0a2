from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "bygdebas.plan"
    label = "plan"
    verbose_name = _("Activity plan")

    def ready(self) -> None:
        # The system check that every target proposal names a registered metric.
        from bygdebas.plan.counts import register_plan_metrics
        from bygdebas.plan.importer import proposals  # noqa: F401

        register_plan_metrics()

        from bygdebas.core.access import READ_ROLES
        from bygdebas.core.navigation import has_role, register_menu_entry

        register_menu_entry(
            "public",
            "plan.office",
            label=_("Office"),
            url_name="plan:home",
            order=70,
            visible=has_role(READ_ROLES),
        )
        register_menu_entry(
            "office", "plan.follow-up", label=_("Follow-up"), url_name="plan:home", order=10
        )
        register_menu_entry(
            "office", "plan.plans", label=_("Plans"), url_name="plan:plan-list", order=20
        )
        register_menu_entry(
            "office", "plan.actions", label=_("Actions"), url_name="plan:action-list", order=30
        )
