"""What the app registers with core's and plan's registries (called from ``ready()``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register_all() -> None:
    from bygdebas.conditions import privacy, services
    from bygdebas.conditions.metrics import register_conditions_metrics
    from bygdebas.conditions.models import MeToo, Report
    from bygdebas.core.access import CONTACT_ROLES
    from bygdebas.core.audit import register_audit_words
    from bygdebas.core.confirmation import register_confirmable
    from bygdebas.core.moderation import register_moderated
    from bygdebas.core.navigation import has_role, register_menu_entry
    from bygdebas.core.personal_data import register_personal_data, register_retention

    register_conditions_metrics()
    from bygdebas.conditions.widgets import conditions_context
    from bygdebas.core.widgets import register_widget

    register_widget(
        "landsbygdslaget",
        label=_("Rural conditions"),
        description=_(
            "Residents' open reports in one municipality, counted by category; "
            "add ?kommun= and the municipality code to the address."
        ),
        template="conditions/widgets/municipality.html",
        context=conditions_context,
        height=400,
        order=40,
    )
    register_menu_entry(
        "public",
        "conditions.map",
        label=_("Rural conditions"),
        url_name="conditions:report-map",
        order=29,
    )
    register_menu_entry(
        "office",
        "conditions.reports",
        label=_("Residents' reports"),
        url_name="conditions:staff-report-list",
        order=66,
    )
    register_menu_entry(
        "office",
        "conditions.preparedness",
        label=_("Crisis preparedness"),
        url_name="conditions:preparedness",
        order=68,
    )
    register_menu_entry(
        "selfservice",
        "conditions.preparedness",
        label=_("Crisis preparedness"),
        url_name="conditions:profile-home",
        order=30,
        description=_("Your group's meeting point, resources and contact chain"),
        visible=has_role(CONTACT_ROLES),
    )
    register_audit_words(
        verbs={
            "preparedness.created": _("Preparedness profile created"),
            "preparedness.changed": _("Preparedness profile changed"),
            "preparedness.tree_printed": _("Contact tree printed"),
        },
        fields={"chain": _("contact chain")},
    )
    register_confirmable(Report, label=_("Residents' reports"))
    register_confirmable(MeToo, label=_("Me too on residents' reports"))
    register_moderated(Report, label=_("Residents' reports"), on_approve=services.report_approved)
    register_personal_data(
        "conditions.reports",
        label=_("Reports on rural conditions, me too and contact chains"),
        extract=privacy.extract,
        erase=privacy.erase,
    )
    register_retention(
        "conditions.reporters",
        label=_("Reporters of rural conditions"),
        description=_(
            "Residents who reported a problem and are not in the member registry, on reports "
            "unchanged for the retention period. Erasing blanks the name and e-mail address and "
            "deletes the report's me too; the report itself stays on the map."
        ),
        columns=(_("Report"), _("Reporter"), _("Status")),
        candidates=privacy.retention_rows,
        erase=privacy.retention_erase,
    )
