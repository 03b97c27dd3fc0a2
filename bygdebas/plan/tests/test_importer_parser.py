from pathlib import Path

from django.test import SimpleTestCase
from django.utils import translation

from bygdebas.plan.importer import (
    ParsedPlan,
    ParsedTarget,
    PlanImportError,
    parse_plan_document,
    parse_plan_text,
)

SEED = Path(__file__).resolve().parents[3] / "data/seeds/verksamhetsplan-2025-orebro-lan.txt"

SEED_VISION = (
    "Hela Örebro län ska leva! Vi vill jämna ut skillnaderna mellan stad och land, så att vi får "
    "mer jämbördiga villkor att leva, verka och utvecklas i. Vi är ett nätverk som "
    "medlemsorganisationer, kommuner och andra aktörer kan vända sig till när de vill jämställa "
    "förutsättningarna mellan land och stad.\n\nStad och land \u2013 hand i hand!"
)
SEED_VALUES = (
    "Vår värdegrund bygger på kriterierna demokrati, mångfald, hållbarhet och jämställdhet. "
    "Alla behövs.\n\n"
    "Med bygdens intressen i fokus är vi nyfikna, vidsynta, generösa och nyskapande.\n\n"
    "Vi tar del av andras erfarenheter och delar med oss våra."
)
SEED_OVERALL_GOAL = (
    "Livskraftiga, klimatsmarta, hållbara bygder med jobb, service, sociala nätverk, "
    "delaktighet, jämställdhet och fungerande integration."
)
SEED_TARGET_GROUPS = (
    "Lokala utvecklingsgrupper, andra organisationer och sammanslutningar som är, eller kan bli, "
    "medlemmar i Hela Sverige ska Leva, samt andra grupperingar som bidrar eller arbetar med "
    "hållbart lokalt utvecklingsarbete.\n\n"
    "Offentliga aktörer som i sina roller har inflytande över förutsättningar för lokalt "
    "utvecklingsarbete t.ex. politiker och tjänstemän på regional och lokal nivå."
)
SEED_PURPOSE = "Vår verksamhet skall stärka lokalt och påverka regionalt."
SEED_AREAS = {
    "Opinionsbildning och kommunikation": [
        "Bevaka landsbygdsfrågor.",
        "Ta aktiv del i program för hållbar utveckling och social ekonomi.",
        "Bedriva opinionsbildning för hållbara bygder. Bland annat genom nätverket ROS.",
        "Bedriva opinionsbildning för ökade finansieringsmöjligheter på landsbygderna i bland "
        "annat Mikrofonden och LEADER-områdena.",
        "Driva opinionsarbete på lokal o regional nivå tillsammans med våra medlemmar.",
        "Driva kollektivtrafiksfrågor, förbindelser mellan länets alla kommunhuvudorter och "
        "närliggande orter i grannlän.",
        "Driva infrastrukturfrågor bl.a. bredband och vägnätets kvalitet i hela länet.",
        "Driva frågor inom Krisberedskapsområdet.",
        "Skapa mötesplatser, via digitala plattformar och fysiska möten.",
        "Aktivt föra våra regionala frågor till riksorganisationen.",
        "Möjliggöra tvärpolitiska dialoger.",
        "Utveckla och fortlöpande uppdatera helasverige.se.",
        "Vi ska ge ut digitalt nyhetsbrev vid minst tre tillfällen per år. Information från "
        "medlemmar välkomnas.",
        "Använda oss av sociala medier och bjuda in till dialog. Vi ska också delta i digitala "
        "grupper som stödjer våra intressen. Vi ska dela information.",
    ],
    "Rådgivning, stöd och utbildning": [
        "Medverka till och stödja projekt på landsbygderna.",
        "Synliggöra vår organisation och presentera oss som en resurs.",
        "Sprida goda exempel på lokal utveckling för hållbar framtid i landsbygderna.",
        "Söka upp nya lokala grupper och inbjuda dessa till våra nätverk. Extra fokus på yngre "
        "åldersgrupper.",
        "Delta i möten, utbildningar, seminarier och konferenser.",
        "Initiera/samverka vid genomförandet av ROS-gruppens seminarier och andra aktiviteter "
        "för hållbarhetsfrågor i linje med Agenda 2030.",
        "Stödja engagemang för barn och ungdomar.",
    ],
    "Samverkan och nätverkande": [
        "Utveckla medlemskapet för våra medlemmar och aktivt jobba för ett högre medlemstal.",
        "Vara en synlig, kompetent och erkänd part i förhållande till offentliga aktörer.",
        "Delta aktivt i kommuners, länsstyrelsens och Region Örebro läns olika partnerskap och "
        "samrådsorgan och vara landsbygdernas röst i dialog land-stad perspektivet.",
        "Ha en aktiv roll i Mikrofonden Örebro län och LEADER områdena.",
        "Delta i möten med kommunbygderåd och lokala utvecklingsgrupper.",
        "Driva nätverkande i ROS-gruppen för hållbar framtid.",
        "Samverka med andra länsavdelningar och medlemsorganisationer.",
        "Delta i HSSL:s möten, utbildningar och på landsbygdsriksdagar.",
    ],
}


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def activity_texts(plan: ParsedPlan) -> dict[str, list[str]]:
    return {area.title: [a.text for a in area.activities] for area in plan.areas}


class SeedPlanTests(SimpleTestCase):
    plan: ParsedPlan

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.plan = parse_plan_document(filename=SEED.name, data=SEED.read_bytes())

    def test_it_finds_the_three_areas_with_14_7_and_8_activities(self) -> None:
        self.assertEqual(
            [(area.title, len(area.activities)) for area in self.plan.areas],
            [
                ("Opinionsbildning och kommunikation", 14),
                ("Rådgivning, stöd och utbildning", 7),
                ("Samverkan och nätverkande", 8),
            ],
        )

    def test_it_reads_every_activity_whole(self) -> None:
        self.assertEqual(activity_texts(self.plan), SEED_AREAS)

    def test_it_reads_the_title_and_year(self) -> None:
        self.assertEqual(self.plan.title, "Verksamhetsplan med aktiviteter för 2025")
        self.assertEqual(self.plan.year, 2025)

    def test_it_reads_every_headed_section_completely(self) -> None:
        self.assertEqual(self.plan.vision, SEED_VISION)
        self.assertEqual(self.plan.values, SEED_VALUES)
        self.assertEqual(self.plan.overall_goal, SEED_OVERALL_GOAL)
        self.assertEqual(self.plan.target_groups, SEED_TARGET_GROUPS)
        self.assertEqual(self.plan.purpose, SEED_PURPOSE)

    def test_it_joins_words_hyphenated_across_lines(self) -> None:
        self.assertIn("ett nätverk som medlemsorganisationer, kommuner", self.plan.vision)
        self.assertNotIn("medlems-", self.plan.vision)

    def test_it_records_the_line_where_areas_and_activities_start(self) -> None:
        first_area = self.plan.areas[0]
        self.assertEqual(first_area.line, 62)
        self.assertEqual(first_area.activities[0].line, 64)
        # The activity after the page-break debris.
        self.assertEqual(first_area.activities[5].line, 84)
        self.assertEqual(self.plan.areas[2].line, 132)

    def test_it_suggests_a_target_only_for_the_newsletter(self) -> None:
        with_targets = [
            (activity.text[:30], activity.targets)
            for area in self.plan.areas
            for activity in area.activities
            if activity.targets
        ]
        self.assertEqual(
            with_targets,
            [
                (
                    "Vi ska ge ut digitalt nyhetsbr",
                    [ParsedTarget(metric="newsletter.issues_sent", value=3)],
                )
            ],
        )

    def test_it_gives_the_plan_as_a_dict_in_the_import_shape(self) -> None:
        data = self.plan.to_dict()
        self.assertEqual(
            list(data), ["vision", "values", "overall_goal", "target_groups", "purpose", "areas"]
        )
        self.assertEqual(data["purpose"], SEED_PURPOSE)
        self.assertEqual(
            data["areas"][0]["activities"][12],
            {
                "text": SEED_AREAS["Opinionsbildning och kommunikation"][12],
                "targets": [{"metric": "newsletter.issues_sent", "value": 3, "period": "year"}],
            },
        )
        self.assertEqual(data["areas"][2]["title"], "Samverkan och nätverkande")
        self.assertEqual(
            data["areas"][2]["activities"][4],
            {
                "text": "Delta i möten med kommunbygderåd och lokala utvecklingsgrupper.",
                "targets": [],
            },
        )


class HeadingTests(SimpleTestCase):
    def test_it_recognises_heading_variants(self) -> None:
        plan = parse_plan_text(
            "1. Vision:\nAlla ska kunna bo kvar.\n"
            "## Värderingar\nÖppenhet.\n"
            "ÖVERGRIPANDE MÅLSÄTTNING\nLevande bygder.\n"
            "**Målgrupp**\nByalag.\n"
            "Syfte: Att stärka lokalt.\n"
            "2 Verksamhet och aktiviteter\n• Bevaka frågor."
        )
        self.assertEqual(plan.vision, "Alla ska kunna bo kvar.")
        self.assertEqual(plan.values, "Öppenhet.")
        self.assertEqual(plan.overall_goal, "Levande bygder.")
        self.assertEqual(plan.target_groups, "Byalag.")
        self.assertEqual(plan.purpose, "Att stärka lokalt.")
        self.assertEqual(plan.areas[0].title, "Verksamhet och aktiviteter")

    def test_it_recognises_english_headings(self) -> None:
        plan = parse_plan_text(
            "Activity plan 2026\n\nVision\nA living countryside.\n\nValues\nOpenness.\n\n"
            "Overall goal\nThriving villages.\n\nTarget groups\nVillage associations.\n\n"
            "Purpose\nTo strengthen local work.\n\nActivities\n\nCommunication\n"
            "- Publish a newsletter at least three times a year.\n"
        )
        self.assertEqual(plan.title, "Activity plan 2026")
        self.assertEqual(plan.year, 2026)
        self.assertEqual(
            [plan.vision, plan.values, plan.overall_goal, plan.target_groups, plan.purpose],
            [
                "A living countryside.",
                "Openness.",
                "Thriving villages.",
                "Village associations.",
                "To strengthen local work.",
            ],
        )
        self.assertEqual(plan.areas[0].title, "Communication")
        self.assertEqual(
            plan.areas[0].activities[0].targets, [ParsedTarget("newsletter.issues_sent", 3)]
        )

    def test_it_allows_an_empty_headed_section(self) -> None:
        plan = parse_plan_text("Vision\n\nSyfte\nAtt stärka.\nAktiviteter\n• Bevaka frågor.")
        self.assertEqual(plan.vision, "")
        self.assertEqual(plan.purpose, "Att stärka.")

    def test_it_has_no_title_when_the_document_starts_with_a_heading(self) -> None:
        plan = parse_plan_text("Vision\nAlla ska leva 2030.\nAktiviteter\n• Bevaka frågor.")
        self.assertEqual(plan.title, "")
        self.assertIsNone(plan.year)

    def test_it_joins_a_title_wrapped_over_two_lines(self) -> None:
        plan = parse_plan_text(
            "Verksamhetsplan med aktiviteter\nför 2026\nAktiviteter\n• Bevaka frågor."
        )
        self.assertEqual(plan.title, "Verksamhetsplan med aktiviteter för 2026")
        self.assertEqual(plan.year, 2026)

    def test_it_does_not_take_a_sentence_as_the_title(self) -> None:
        plan = parse_plan_text("Detta är vår plan för 2026.\nAktiviteter\n• Bevaka frågor.")
        self.assertEqual(plan.title, "")
        self.assertIsNone(plan.year)


class ParagraphTests(SimpleTestCase):
    def parse_vision(self, vision: str) -> str:
        return parse_plan_text(f"Vision\n{vision}\nAktiviteter\n• Bevaka frågor.").vision

    def test_it_keeps_the_hyphen_after_an_abbreviation_in_capitals(self) -> None:
        self.assertEqual(
            self.parse_vision("Vi driver ROS-\ngruppen och LEADER-\nområdena."),
            "Vi driver ROS-gruppen och LEADER-områdena.",
        )

    def test_it_keeps_the_hyphen_before_a_capitalised_word_or_a_conjunction(self) -> None:
        self.assertEqual(
            self.parse_vision("Samarbete Örebro-\nStockholm kring bygde-\noch landsbygdsfrågor."),
            "Samarbete Örebro-Stockholm kring bygde- och landsbygdsfrågor.",
        )

    def test_it_keeps_a_spaced_dash_at_the_end_of_a_line(self) -> None:
        self.assertEqual(
            self.parse_vision("Stad och land \u2013\nhand i hand!"),
            "Stad och land \u2013 hand i hand!",
        )

    def test_it_starts_a_paragraph_after_a_sentence_or_a_colon(self) -> None:
        self.assertEqual(
            self.parse_vision("Vi vill\n\nmycket.\n\nDärför:\nmer\nsamverkan!\nSlut"),
            "Vi vill mycket.\n\nDärför:\n\nmer samverkan!\n\nSlut",
        )

    def test_it_does_not_end_a_paragraph_at_an_abbreviation(self) -> None:
        self.assertEqual(
            self.parse_vision("Vi driver frågor bl.a.\nbredband och t.ex.\nbussar."),
            "Vi driver frågor bl.a. bredband och t.ex. bussar.",
        )

    def test_it_skips_page_break_debris(self) -> None:
        plan = parse_plan_text(
            "Vision\nAlla ska\n   \n2\nSida 2 av 3\n2 (3)\n- 2 -\n\f\nkunna leva.\n"
            "Aktiviteter\n• Driva\n\n3\n\nfrågor."
        )
        self.assertEqual(plan.vision, "Alla ska kunna leva.")
        self.assertEqual(plan.areas[0].activities[0].text, "Driva frågor.")


class ActivityTests(SimpleTestCase):
    def test_it_puts_activities_without_an_area_in_one_area_named_after_the_heading(self) -> None:
        plan = parse_plan_text("Syfte\nAtt stärka.\n\nAktiviteter\n\n• Bevaka.\n\n• Driva.")
        self.assertEqual(len(plan.areas), 1)
        self.assertEqual(plan.areas[0].title, "Aktiviteter")
        self.assertEqual(plan.areas[0].line, 4)
        self.assertEqual([a.text for a in plan.areas[0].activities], ["Bevaka.", "Driva."])

    def test_it_reads_lettered_and_numbered_bullets(self) -> None:
        plan = parse_plan_text(
            "Aktiviteter\nKommunikation\na) Bevaka frågor.\nb) Driva\nopinion.\n"
            "Samverkan\n1. Delta i möten.\n2) Samverka med andra.\n(3) Ordna träffar.\n"
            "ii) Besöka grupper.\nc. Stödja projekt."
        )
        self.assertEqual(
            activity_texts(plan),
            {
                "Kommunikation": ["Bevaka frågor.", "Driva opinion."],
                "Samverkan": [
                    "Delta i möten.",
                    "Samverka med andra.",
                    "Ordna träffar.",
                    "Besöka grupper.",
                    "Stödja projekt.",
                ],
            },
        )

    def test_it_reads_other_bullet_characters(self) -> None:
        plan = parse_plan_text(
            "Aktiviteter\n· Ett.\n▪ Två.\n- Tre.\n\u2013 Fyra.\n\u2014 Fem.\n* Sex.\n+ Sju.\n•Åtta."
        )
        self.assertEqual(
            [a.text for a in plan.areas[0].activities],
            ["Ett.", "Två.", "Tre.", "Fyra.", "Fem.", "Sex.", "Sju.", "Åtta."],
        )

    def test_it_reads_numbered_area_headings_over_bullets(self) -> None:
        plan = parse_plan_text(
            "Aktiviteter\n1. Kommunikation\n• Bevaka frågor.\n2. Samverkan\n• Delta i möten."
        )
        self.assertEqual(
            activity_texts(plan),
            {"Kommunikation": ["Bevaka frågor."], "Samverkan": ["Delta i möten."]},
        )

    def test_it_treats_a_line_after_an_unfinished_bullet_as_its_continuation(self) -> None:
        plan = parse_plan_text(
            "Aktiviteter\nKommunikation\n• Ge ut nyhetsbrev och\nSamverkan med andra\n• Delta."
        )
        self.assertEqual(
            activity_texts(plan),
            {"Kommunikation": ["Ge ut nyhetsbrev och Samverkan med andra", "Delta."]},
        )

    def test_it_treats_a_long_or_punctuated_line_after_a_sentence_as_a_continuation(
        self,
    ) -> None:
        plan = parse_plan_text(
            "Aktiviteter\nKommunikation\n• Ge ut nyhetsbrev.\nMedlemmar skriver.\n"
            "• Delta i möten.\n"
            "Vi ska också delta i digitala grupper som stödjer våra intressen i hela länet och\n"
            "• Dela information."
        )
        self.assertEqual(
            activity_texts(plan),
            {
                "Kommunikation": [
                    "Ge ut nyhetsbrev. Medlemmar skriver.",
                    "Delta i möten. Vi ska också delta i digitala grupper som stödjer våra "
                    "intressen i hela länet och",
                    "Dela information.",
                ]
            },
        )

    def test_it_joins_a_wrapped_area_heading(self) -> None:
        plan = parse_plan_text("Aktiviteter\nRådgivning, stöd och\nutbildning\n• Stödja projekt.")
        self.assertEqual(plan.areas[0].title, "Rådgivning, stöd och utbildning")

    def test_it_reads_a_markdown_plan(self) -> None:
        plan = parse_plan_text(
            "# Verksamhetsplan 2026\n\n"
            "## Vision\n\nHela länet ska leva.\n\n"
            "## Syfte\n\nAtt stärka lokalt.\n\n"
            "## Bakgrund\n\nDetta avsnitt importeras inte.\n\n"
            "## Aktiviteter\n\n"
            "### Opinionsbildning och kommunikation\n\n"
            "- Bevaka landsbygdsfrågor.\n"
            "- [ ] Ge ut nyhetsbrev minst fyra gånger per år.\n"
            "- [x] Driva frågor om\n  kollektivtrafik.\n\n"
            "### **Samverkan**\n\n"
            "* Delta i möten med kommunbygderåd.\n"
        )
        self.assertEqual(plan.title, "Verksamhetsplan 2026")
        self.assertEqual(plan.year, 2026)
        self.assertEqual(plan.vision, "Hela länet ska leva.")
        self.assertEqual(plan.purpose, "Att stärka lokalt.")
        self.assertEqual(
            activity_texts(plan),
            {
                "Opinionsbildning och kommunikation": [
                    "Bevaka landsbygdsfrågor.",
                    "Ge ut nyhetsbrev minst fyra gånger per år.",
                    "Driva frågor om kollektivtrafik.",
                ],
                "Samverkan": ["Delta i möten med kommunbygderåd."],
            },
        )
        self.assertEqual(
            plan.areas[0].activities[1].targets, [ParsedTarget("newsletter.issues_sent", 4)]
        )


class ErrorTests(SimpleTestCase):
    def setUp(self) -> None:
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def assert_import_error(self, text: str, message: str, line: int | None) -> None:
        with self.assertRaises(PlanImportError) as caught:
            parse_plan_text(text)
        self.assertEqual(caught.exception.message, message)
        self.assertEqual(caught.exception.line, line)

    def test_it_prefixes_the_message_with_the_line(self) -> None:
        self.assertEqual(str(PlanImportError("Broken.", line=7)), "Line 7: Broken.")
        self.assertEqual(str(PlanImportError("Broken.")), "Broken.")

    def test_it_rejects_text_without_structure(self) -> None:
        self.assert_import_error(
            "Det här är ett brev.\nMed vänliga hälsningar.",
            "No activity plan structure found: expected headings such as Vision, Syfte and "
            "Aktiviteter, and bulleted activities.",
            None,
        )

    def test_it_rejects_a_plan_without_an_activities_heading(self) -> None:
        message = (
            "No activities section found: add the heading “Aktiviteter” and list the activities "
            "as bullets below it."
        )
        self.assert_import_error("Vision\nAlla ska leva.\nSyfte\nAtt stärka.", message, None)
        self.assert_import_error("Inköpslista\n• Mjölk\n• Bröd", message, None)

    def test_it_rejects_an_activities_section_without_activities(self) -> None:
        self.assert_import_error(
            "Vision\nAlla ska leva.\n\nAktiviteter\nKommunikation\nSamverkan",
            "The section “Aktiviteter” contains no activities: list each activity as a bullet "
            "(•, - or 1.) under its area heading.",
            4,
        )

    def test_it_rejects_an_area_without_activities(self) -> None:
        self.assert_import_error(
            "Aktiviteter\n\nKommunikation\nRådgivning\n• Bevaka.",
            "The area “Kommunikation” has no activities.",
            3,
        )
        self.assert_import_error(
            "## Aktiviteter\n### Kommunikation\n- Bevaka.\n### Rådgivning\n\n### Samverkan\n"
            "- Delta.",
            "The area “Rådgivning” has no activities.",
            4,
        )

    def test_it_rejects_a_heading_that_appears_twice(self) -> None:
        with self.assertRaises(PlanImportError) as caught:
            parse_plan_text("Vision\nEtt.\nSyfte\nTvå.\n\nvision:\nTre.\nAktiviteter\n• Bevaka.")
        self.assertEqual(caught.exception.line, 6)
        self.assertEqual(
            str(caught.exception),
            "Line 6: The heading “vision” appears twice (first on line 1).",
        )

    def test_it_rejects_a_seed_with_its_activities_heading_removed(self) -> None:
        text = seed_text().replace("\nAktiviteter \n", "\n\n")
        self.assert_import_error(
            text,
            "No activities section found: add the heading “Aktiviteter” and list the activities "
            "as bullets below it.",
            None,
        )
