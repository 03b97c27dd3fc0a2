"""Finding plan activities by their wording (plan.matching) and the apps' target proposals for
the plan importer (plan.importer.proposals), on the seed plan."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from bygdebas.plan import services
from bygdebas.plan.importer import parse_plan_document
from bygdebas.plan.importer.proposals import (
    check_proposal_metrics,
    register_target_proposal,
    unregister_target_proposal,
)
from bygdebas.plan.matching import find_activities, parse_term, text_matches
from bygdebas.plan.metrics import register_metric, registry
from bygdebas.plan.models import Activity
from bygdebas.testing import CastMixin, make_plan

SEED = Path(settings.BASE_DIR) / "data" / "seeds" / "verksamhetsplan-2025-orebro-lan.txt"
NEWSLETTER_ACTIVITY = "Vi ska ge ut digitalt nyhetsbrev vid minst tre tillfällen per år"


def seed_plan():
    return parse_plan_document(filename=SEED.name, data=SEED.read_bytes())


class TermTests(SimpleTestCase):
    CASES = (
        # (text, term, matches)
        ("Vi ska ge ut digitalt nyhetsbrev", "nyhetsbrev", True),
        ("Nyhetsbrevet kommer i maj", "nyhetsbrev", True),
        ("NYHETSBREVEN", "nyhetsbrev", True),
        ("Värva nya medlemmar", "medlem", True),
        ("medlemmens röst", "medlem", True),
        ("ett högre medlemstal", "medlem", False),  # a compound: only with medlem*
        ("ett högre medlemstal", "medlem*", True),
        ("Driva frågor inom Krisberedskapsområdet", "krisberedskap*", True),
        ("Krisen i elförsörjningen", "kris", True),
        ("En kristen församling", "kris", False),
        ("Vägarna i länet", "väg", True),
        ("De vägrade svara", "väg", False),
        ("Driva kollektivtrafiksfrågor", "kollektivtrafik*", True),
        ("Driva kollektivtrafiksfrågor", "kollektivtrafik", False),
        ("landsbygdskollektivtrafik", "kollektivtrafik*", False),  # never inside a word
        ("Söka upp nya lokala grupper", "nya lokala", True),
        ("nya och lokala", "nya lokala", False),  # a phrase is the words in a row
        ("lokala utvecklingsgrupper", "lokala grupper", False),
        ("Rekrytera ungdomar", "rekryt*", True),
        ("Mikrofonden och LEADER-områdena", "leader områdena", True),
        ("Mikrofonden och LEADER-områdena", "LEADER-område", True),
        ("mötesplatsen i byn", "mötesplats", True),
        ("Skapa mötesplatser", "mötesplats", True),
        ("A monthly newsletter", "newsletter", True),
        ("Two newsletters a year", "newsletter", True),
        ("Public transportation", "public transport*", True),
        ("ÅTERBRUK I BYGDEN", "återbruk", True),
        ("återbruksdagen", "återbruk", False),
    )

    def test_terms_match_words_and_their_inflections_never_inside_a_word(self) -> None:
        for text, term, expected in self.CASES:
            with self.subTest(text=text, term=term):
                self.assertEqual(text_matches(text, [term]), expected)

    def test_a_bad_term_is_refused_with_what_is_wrong(self) -> None:
        for term, message in (
            ("", "has no words"),
            ("  – ", "has no words"),
            ("*bygd", "may only end a word"),
            ("lands*bygd", "may only end a word"),
            ("bygd**", "may only end a word"),
        ):
            with self.subTest(term=term), self.assertRaisesMessage(ValueError, message):
                parse_term(term)


def old_recruitment_finder(activities: list[Activity]) -> list[Activity]:
    """recruitment's finder as it was: substrings of the lower-cased text."""
    for words in (
        ("nya lokala", "lokala grupper", "rekryt"),
        ("medlemstal", "medlemskap", "nya medlemmar", "medlem"),
    ):
        found = [a for a in activities if any(word in a.text.lower() for word in words)]
        if found:
            return found
    return []


class FindActivitiesTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        services.create_plan(network=cls.network_a, year=2025, data=seed_plan().to_dict())

    def activities(self) -> list[Activity]:
        return list(
            Activity.objects.for_network(self.network_a)
            .for_year(2025)
            .order_by("area__order", "area_id", "order", "pk")
        )

    def test_the_first_tier_that_matches_wins_in_the_plans_order(self) -> None:
        with self.assertNumQueries(1):
            found = find_activities(
                self.network_a,
                2025,
                tiers=(("helikopter*",), ("nyhetsbrev", "sociala medier"), ("dialog",)),
            )

        self.assertEqual(
            [a.text[:40] for a in found],
            [
                "Vi ska ge ut digitalt nyhetsbrev vid min",
                "Använda oss av sociala medier och bjuda ",
            ],
        )
        self.assertEqual(find_activities(self.network_a, 2025, tiers=(("helikopter",),)), [])

    def test_a_flat_tuple_of_terms_is_one_tier(self) -> None:
        self.assertEqual(
            find_activities(self.network_a, 2025, tiers=("krisberedskap*",)),
            find_activities(self.network_a, 2025, tiers=(("krisberedskap*",),)),
        )

    def test_only_the_networks_plan_for_the_year(self) -> None:
        self.assertEqual(find_activities(self.network_b, 2025, tiers=(("nyhetsbrev",),)), [])
        self.assertEqual(find_activities(self.network_a, 2024, tiers=(("nyhetsbrev",),)), [])

    def test_recruitment_finds_what_it_found_before(self) -> None:
        from bygdebas.recruitment.services import find_recruitment_activities

        found = find_recruitment_activities(self.network_a, 2025)

        self.assertEqual(found, old_recruitment_finder(self.activities()))
        self.assertEqual(len(found), 1)
        self.assertIn("nya lokala grupper", found[0].text)

    def test_connectivity_finds_what_it_found_before(self) -> None:
        from bygdebas.connectivity.runner import plan_activities

        before = list(
            Activity.objects.for_network(self.network_a)
            .for_year(2025)
            .filter(Q(text__icontains="kollektivtrafik") | Q(text__icontains="public transport"))
        )

        self.assertEqual(plan_activities(self.network_a, 2025), before)
        self.assertEqual(len(before), 1)


class RecruitmentOnOtherPlansTests(CastMixin, TestCase):
    def test_the_second_tier_is_used_when_the_first_finds_nothing(self) -> None:
        from bygdebas.recruitment.services import find_recruitment_activities

        plan = make_plan(network=self.network_a, areas=(3,))
        texts = ["Ordna möten.", "Arbeta för fler medlemsorganisationer.", "Bredband."]
        activities = list(plan.areas.get().activities.order_by("order"))
        for activity, text in zip(activities, texts, strict=True):
            activity.text = text
            activity.save()

        found = find_recruitment_activities(self.network_a, 2025)

        self.assertEqual(found, [activities[1]])
        self.assertEqual(found, old_recruitment_finder(activities))


class TargetProposalTests(CastMixin, TestCase):
    def setUp(self) -> None:
        # The installed newsletter app proposes its own metric; these tests use a test one.
        from bygdebas.plan.importer import proposals

        installed = proposals._proposals.pop("newsletter.issues", None)
        if installed is not None:
            self.addCleanup(proposals._proposals.__setitem__, "newsletter.issues", installed)
        register_metric("test.issues_sent", label="Nyhetsbrev skickade", count=lambda *a: {})
        register_target_proposal(
            "test.newsletter", about=("nyhetsbrev*", "newsletter*"), metric="test.issues_sent"
        )
        self.addCleanup(registry.unregister, "test.issues_sent")
        self.addCleanup(unregister_target_proposal, "test.newsletter")

    def targets_by_text(self, parsed) -> dict[str, list[tuple[str, int]]]:
        return {
            activity.text: [(t.metric, t.value) for t in activity.targets]
            for area in parsed.areas
            for activity in area.activities
        }

    def test_the_seed_plans_newsletter_activity_gets_the_apps_metric(self) -> None:
        with_proposal = self.targets_by_text(seed_plan())
        unregister_target_proposal("test.newsletter")
        without = self.targets_by_text(seed_plan())

        newsletter = next(text for text in with_proposal if text.startswith(NEWSLETTER_ACTIVITY))
        self.assertEqual(without[newsletter], [("plan.actions", 3)])
        self.assertEqual(with_proposal[newsletter], [("test.issues_sent", 3)])
        # Every other activity is proposed what it was before.
        del with_proposal[newsletter], without[newsletter]
        self.assertEqual(with_proposal, without)

    def test_the_preview_page_proposes_it(self) -> None:
        upload = SimpleUploadedFile(SEED.name, SEED.read_bytes(), content_type="text/plain")

        response = self.as_bertil().post(reverse("plan:plan-import"), {"document": upload})

        self.assertEqual(response.status_code, 200)
        forms = response.context["activities"].forms
        newsletter = next(f for f in forms if f.initial["text"].startswith(NEWSLETTER_ACTIVITY))
        self.assertEqual(newsletter.initial["metric_1"], "test.issues_sent")
        self.assertEqual(newsletter.initial["value_1"], 3)
        self.assertContains(response, '<option value="test.issues_sent" selected>', html=False)

    def test_a_fixed_value_is_added_where_the_pattern_also_matches(self) -> None:
        register_metric("test.reports", label="Rapporter", count=lambda *a: {})
        register_target_proposal(
            "test.infrastructure",
            about=("infrastruktur*",),
            pattern=r"\bbredband",
            metric="test.reports",
            value=10,
            note="rapporter på kartan",
        )
        self.addCleanup(registry.unregister, "test.reports")
        self.addCleanup(unregister_target_proposal, "test.infrastructure")

        parsed = seed_plan()
        activities = [a for area in parsed.areas for a in area.activities]
        infrastructure = next(a for a in activities if a.text.startswith("Driva infrastruktur"))

        self.assertEqual(
            [(t.metric, t.value, t.period, t.note) for t in infrastructure.targets],
            [("test.reports", 10, "year", "rapporter på kartan")],
        )
        self.assertEqual(
            sum(1 for a in activities for t in a.targets if t.metric == "test.reports"), 1
        )

    def test_an_activity_that_states_no_count_gets_no_proposal_of_a_count(self) -> None:
        parsed = parse_plan_document(
            filename="plan.txt",
            data=(
                "Verksamhetsplan 2025\n\nAktiviteter\n\nKommunikation\n\n"
                "• Ge ut ett nyhetsbrev.\n• Ordna minst fyra möten per år.\n"
            ).encode(),
        )
        activities = parsed.areas[0].activities

        self.assertEqual(activities[0].targets, [])
        self.assertEqual(
            [(t.metric, t.value) for t in activities[1].targets], [("plan.actions", 4)]
        )

    def test_a_proposal_is_checked_when_it_is_registered(self) -> None:
        for kwargs, message in (
            ({"about": ()}, "needs at least one term"),
            ({"about": ("*x",)}, "may only end a word"),
            ({"about": ("x",), "value": 0}, "at least 1"),
            ({"about": ("x",), "period": "month"}, "unknown period"),
        ):
            with self.subTest(kwargs=kwargs), self.assertRaisesMessage(ValueError, message):
                register_target_proposal("test.bad", metric="test.issues_sent", **kwargs)

    def test_the_system_check_names_a_proposal_whose_metric_nobody_registers(self) -> None:
        self.assertEqual(check_proposal_metrics(), [])
        register_target_proposal("test.orphan", about=("x",), metric="test.nobody")
        self.addCleanup(unregister_target_proposal, "test.orphan")

        errors = check_proposal_metrics()

        self.assertEqual([error.id for error in errors], ["plan.E001"])
        self.assertIn("'test.nobody'", errors[0].msg)
