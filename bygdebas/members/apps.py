from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "bygdebas.members"
    label = "members"
    verbose_name = _("Members and network")

    def ready(self) -> None:
        from bygdebas.members.metrics import register_member_metrics

        register_member_metrics()

        from bygdebas.core.access import ADMIN_ROLES, CONTACT_ROLES
        from bygdebas.core.navigation import has_role, register_menu_entry

        register_menu_entry(
            "public", "members.join", label=_("Become a member"), url_name="members:join", order=50
        )
        register_menu_entry(
            "public",
            "members.selfservice",
            label=_("Our organisation"),
            url_name="members:selfservice-home",
            order=60,
            visible=has_role(CONTACT_ROLES),
        )
        for key, label, url_name, order in (
            ("members.organisations", _("Organisations"), "members:organisation-list", 70),
            ("members.people", _("People"), "members:person-list", 80),
            ("members.statistics", _("Member statistics"), "members:statistics", 90),
            ("members.memberships", _("Memberships"), "members:membership-list", 100),
        ):
            register_menu_entry("office", key, label=label, url_name=url_name, order=order)
        register_menu_entry(
            "office",
            "members.audit-log",
            label=_("Audit log"),
            url_name="members:privacy-audit-log",
            order=130,
            visible=has_role(ADMIN_ROLES),
        )
