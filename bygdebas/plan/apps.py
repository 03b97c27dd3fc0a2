from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "bygdebas.plan"
    label = "plan"
    verbose_name = _("Activity plan")

    def ready(self) -> None:
        from bygdebas.plan.counts import register_plan_metrics

        register_plan_metrics()
