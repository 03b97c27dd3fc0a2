from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "bygdebas.members"
    label = "members"
    verbose_name = _("Members and network")

    def ready(self) -> None:
        from bygdebas.members.metrics import register_member_metrics

        register_member_metrics()
