from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "bygdebas.members"
    label = "members"
    verbose_name = _("Members and network")

    def ready(self) -> None:
        from bygdebas.core.access import ADMIN_ROLES, CONTACT_ROLES
        from bygdebas.core.audit import register_audit_words
        from bygdebas.core.navigation import has_role, register_menu_entry
        from bygdebas.members.metrics import register_member_metrics

        register_member_metrics()
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
        register_audit_words(
            verbs={
                "membership.changed": _("Membership changed"),
                "membership.created": _("Membership created"),
                "membership.renewal_requested": _("Renewal requested"),
                "organisation.changed": _("Organisation changed"),
                "organisation.created": _("Organisation created"),
                "person.changed": _("Person changed"),
                "person.consent": _("Consent recorded"),
                "person.consent_withdrawn": _("Consent withdrawn"),
                "person.created": _("Person created"),
                "person.erased": _("Personal data erased"),
                "person.role_added": _("Role in an organisation added"),
                "person.role_removed": _("Role in an organisation removed"),
            },
            fields={
                "consent": _("consent"),
                "organisations": _("organisations"),
            },
        )
