from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "bygdebas.newsletter"
    label = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self) -> None:
        from bygdebas.core.access import CONTACT_ROLES
        from bygdebas.core.audit import register_audit_words
        from bygdebas.core.confirmation import register_confirmable
        from bygdebas.core.moderation import register_moderated
        from bygdebas.core.navigation import has_role, register_menu_entry, register_panel
        from bygdebas.core.personal_data import register_personal_data
        from bygdebas.newsletter import privacy, services
        from bygdebas.newsletter.metrics import register_newsletter_metrics
        from bygdebas.newsletter.models import Item, Subscription
        from bygdebas.newsletter.views_selfservice import tick_panel_context
        from bygdebas.plan.importer.proposals import register_target_proposal

        register_newsletter_metrics()
        from bygdebas.core.api_registry import register_public_endpoints
        from bygdebas.newsletter import api

        register_public_endpoints("newsletter", prefix="newsletter", router=api.public_router)
        register_target_proposal(
            "newsletter.issues",
            about=("nyhetsbrev*", "newsletter*"),
            metric="newsletter.issues_sent",
        )
        from bygdebas.core.widgets import register_widget
        from bygdebas.newsletter.widgets import newsletter_context

        register_widget(
            "nyhetsbrev",
            label=_("Newsletter"),
            description=_("How to subscribe to the newsletter, and the latest issues."),
            template="newsletter/widgets/newsletter.html",
            context=newsletter_context,
            height=340,
            order=30,
        )
        register_confirmable(Subscription, label=_("Newsletter sign-ups"))
        register_moderated(Item, label=_("News from members"), on_approve=services.publish_item)
        register_personal_data(
            "newsletter.subscriptions",
            label=_("Newsletter subscriptions and news sent in"),
            extract=privacy.extract,
            erase=privacy.erase,
        )
        register_audit_words(
            verbs={
                "subscription.created": _("Newsletter sign-up"),
                "subscription.confirmed": _("Newsletter subscription confirmed"),
                "subscription.imported": _("Newsletter subscriber imported"),
                "subscription.unsubscribed": _("Unsubscribed from the newsletter"),
                "subscription.preferences": _("Newsletter preferences changed"),
            },
            fields={"reason": _("reason"), "paused": _("paused")},
        )
        register_menu_entry(
            "office",
            "newsletter.issues",
            label=_("Newsletter"),
            url_name="newsletter:issue-list",
            order=67,
        )
        register_menu_entry(
            "public",
            "newsletter.subscribe",
            label=_("Newsletter"),
            url_name="newsletter:archive",
            order=25,
        )
        register_menu_entry(
            "selfservice",
            "newsletter.items",
            label=_("News from members"),
            url_name="newsletter:my-items",
            order=10,
            description=_("Send news to the newsletter"),
            visible=has_role(CONTACT_ROLES),
        )
        register_panel(
            "selfservice",
            "newsletter.subscription",
            template="newsletter/_selfservice_tick.html",
            order=10,
            context=tick_panel_context,
        )
