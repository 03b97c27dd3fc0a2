from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "bygdebas.recruitment"
    label = "recruitment"
    verbose_name = _("Recruitment")

    def ready(self) -> None:
        from bygdebas.recruitment.metrics import register_recruitment_metrics

        register_recruitment_metrics()

        from bygdebas.members.personal_data import register_personal_data
        from bygdebas.recruitment import privacy

        register_personal_data(
            "recruitment.prospects",
            label=_("Prospective member groups naming the person as contact"),
            extract=privacy.extract,
            erase=privacy.erase,
        )
