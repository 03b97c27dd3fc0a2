from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "bygdebas.recruitment"
    label = "recruitment"
    verbose_name = _("Recruitment")

    def ready(self) -> None:
        from bygdebas.core.audit import register_audit_words
        from bygdebas.core.navigation import register_menu_entry
        from bygdebas.core.personal_data import register_personal_data, register_retention
        from bygdebas.members.organisation_sources import register_organisation_sources
        from bygdebas.recruitment import privacy
        from bygdebas.recruitment.metrics import register_recruitment_metrics
        from bygdebas.recruitment.models import Prospect

        register_recruitment_metrics()
        register_menu_entry(
            "office",
            "recruitment.board",
            label=_("Recruitment"),
            url_name="recruitment:board",
            order=110,
        )
        register_audit_words(
            verbs={
                "prospect.changed": _("Prospect changed"),
                "prospect.contact_erased": _("Prospect's contact person erased"),
                "prospect.created": _("Prospect created"),
                "prospect.deleted": _("Prospect deleted"),
            }
        )
        # A member organisation's page also lists the actions about the prospect it was.
        register_organisation_sources(
            "recruitment.prospects", sources=Prospect.objects.recruited_as
        )
        register_personal_data(
            "recruitment.prospects",
            label=_("Prospective member groups naming the person as contact"),
            extract=privacy.extract,
            erase=privacy.erase,
        )
        register_retention(
            "recruitment.prospects",
            label=_("Prospects' contact persons"),
            description=_(
                "Contact persons of prospective groups that became members (the registry keeps "
                "a member's people), or whose prospect has had no change and no "
                "contact-log entry for the retention period. Erasing blanks the name, e-mail and "
                "phone; the group, its status and its contact log stay."
            ),
            columns=(_("Group"), _("Contact person"), _("Status")),
            candidates=privacy.retention_rows,
            erase=privacy.retention_erase,
        )
