from django.test import SimpleTestCase
from django.utils import translation

from bygdebas.plan.importer import ParsedTarget, suggest_targets
from bygdebas.plan.metrics import registry


def actions(value: int, note: str = "") -> ParsedTarget:
    return ParsedTarget(metric="plan.actions", value=value, note=note)


class SuggestTargetsTests(SimpleTestCase):
    def setUp(self) -> None:
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def assert_suggests(self, cases: dict[str, list[ParsedTarget]]) -> None:
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(suggest_targets(text), expected)

    def test_it_reads_swedish_minimums(self) -> None:
        self.assert_suggests(
            {
                "Vi ska ge ut digitalt nyhetsbrev vid minst tre tillfällen per år.": [actions(3)],
                "Hålla styrelsemöte minst 3 gånger per år.": [actions(3)],
                "Ge ut minst fyra nyhetsbrev om året.": [actions(4)],
                "Starta minst 10 nya lokala grupper.": [actions(10)],
                "Besöka åtminstone tolv byalag.": [actions(12)],
                "Ordna minst en träff per kvartal.": [actions(4)],
                "Ordna minst 2 möten i månaden.": [actions(24)],
                "Vid minst tjugo tillfällen.": [actions(20)],
            }
        )

    def test_it_adds_one_to_more_than(self) -> None:
        self.assert_suggests(
            {
                "Genomföra fler än 5 studiebesök.": [actions(6)],
                "Ordna mer än åtta seminarier.": [actions(9)],
            }
        )

    def test_it_reads_frequencies(self) -> None:
        self.assert_suggests(
            {
                "Ordna medlemsträffar två gånger per år.": [actions(2)],
                "Ordna en gång per år en konferens.": [actions(1)],
                "Uppdatera webbplatsen varje månad.": [actions(12)],
                "Träffa regionen varje kvartal.": [actions(4)],
                "Redovisa årligen till riksorganisationen.": [actions(1)],
                "Skicka kvartalsvis rapport.": [actions(4)],
                "Ringa medlemmarna varannan månad.": [actions(6)],
            }
        )

    def test_it_reads_english(self) -> None:
        self.assert_suggests(
            {
                "Publish a newsletter at least three times a year.": [actions(3)],
                "Hold board meetings twice a year.": [actions(2)],
                "Visit more than 4 villages.": [actions(5)],
                "Report to the region every month.": [actions(12)],
            }
        )

    def test_it_adds_a_target_for_the_youth_share(self) -> None:
        self.assert_suggests(
            {
                "Starta minst 10 nya lokala grupper, varav minst 3 ungdomsledda.": [
                    actions(10),
                    actions(3, "of which youth-led"),
                ],
                "Ordna minst sex träffar, varav två för unga.": [
                    actions(6),
                    actions(2, "of which young people"),
                ],
                "Start at least 8 groups, of which 2 youth-led.": [
                    actions(8),
                    actions(2, "of which youth-led"),
                ],
            }
        )

    def test_it_counts_participants_and_municipalities_with_their_own_metrics(self) -> None:
        self.assert_suggests(
            {
                "Samla minst 200 deltagare på landsbygdsriksdagen.": [
                    ParsedTarget(metric="plan.participants", value=200)
                ],
                "Nå ut i minst 8 kommuner.": [ParsedTarget(metric="plan.municipalities", value=8)],
                "Nå minst 1 000 nya besökare.": [
                    ParsedTarget(metric="plan.participants", value=1000)
                ],
            }
        )

    def test_it_only_suggests_registered_metrics(self) -> None:
        texts = ["minst 3 möten", "minst 30 deltagare", "minst 3 kommuner"]
        for target in [t for text in texts for t in suggest_targets(text)]:
            self.assertIn(target.metric, registry)

    def test_it_does_not_guess_from_unrelated_numbers(self) -> None:
        self.assert_suggests(
            {
                "Initiera seminarier i linje med Agenda 2030.": [],
                "Verksamhetsplan för 2025.": [],
                "Aktivt jobba för ett högre medlemstal.": [],
                "Vara en synlig part och en resurs.": [],
                "Ta fram en plan för de tre kommande åren.": [],
                "Öka andelen kvinnor till minst 50 procent.": [],
                "Söka bidrag på minst 100 000 kr.": [],
                "Arbeta med frågan i minst 3 år.": [],
                "Delta i HSSL:s möten och på landsbygdsriksdagar.": [],
                "Stödja engagemang för barn och ungdomar, varav många unga.": [],
            }
        )
