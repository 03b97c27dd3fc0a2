"""Keyword rules on Swedish compounds and inflections, and against random text."""

from __future__ import annotations

import string

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from bygdebas.advocacy.matching import Rules, check_term, fold
from bygdebas.plan.matching import words_of

# (rule, text, expected): plain words match inflections, never a part of another word; a
# trailing * matches compounds; å, ä and ö are letters of their own; é and è are not.
CASES = [
    ("kollektivtrafik", "Kollektivtrafiken i Hällefors dras ned", True),
    ("kollektivtrafik", "Ny kollektivtrafikplan för länet", False),
    ("kollektivtrafik*", "Ny kollektivtrafikplan för länet", True),
    ("kollektivtrafik*", "KOLLEKTIVTRAFIKSFRÅGOR på agendan", True),
    ("landsbygd*", "Remiss om landsbygdsprogrammet", True),
    ("landsbygd*", "LANDSBYGDSRÅDET sammanträder", True),
    ("landsbygd*", "Glesbygden får stöd", False),
    ("landsbygd", "Landsbygden i fokus", True),
    ("landsbygd", "Landsbygdens villkor", True),
    ("landsbygd", "Landsbygdsprogrammet förlängs", False),
    ("väg", "Vägen till Nora stängs", True),
    ("väg", "Vägar i Laxå ska rustas", True),
    ("väg", "Kommunen vägrar svara", False),
    ("väg", "Vagnar på rälsen", False),
    ("väg", "Landsväg 50 byggs om", False),
    ("väg*", "Vägverket och vägunderhållet", True),
    ("skola", "Skolan i Svartå läggs ned", True),
    ("skola", "Skolor på landsbygden", True),
    ("skola", "Skolskjutsar blir dyrare", False),
    ("bredband*", "Bredbandsutbyggnaden försenas", True),
    ("bredband", "Stöd till bredband på landet", True),
    ("bredband", "Bredbandet når fler byar", True),
    ("kris", "Krisen i vården", True),
    ("kris", "Kristen församling bygger nytt", False),
    ("krisberedskap*", "Krisberedskapsveckan i Örebro", True),
    ("finansiering", "Finansieringen av LEADER-områdena", True),
    ("leader", "LEADER-områdena får nya pengar", True),
    ("mikrofonden", "Mikrofonden Örebro lanserar lån", True),
    ("service", "Kommersiell service i glesbygd", True),
    ("servicepunkt", "Servicepunkterna blir fler", True),
    ("sociala ekonomin", "Den sociala ekonomin växer", True),
    ("sociala ekonomin", "Sociala frågor och ekonomin", False),
    ("hållbar utveckling", "Program för hållbar utveckling antaget", True),
    ("hållbar utveckling", "Hållbar och jämlik utveckling", False),
    ("kafé", "Bykafet öppnar igen", False),
    ("kafé", "Nytt kafe i bygdegården", True),
    ("kafe", "Kaféet i bygdegården", True),
    ("café", "Cafè på torget", True),
    ("öppettider", "Nya oppettider på biblioteket", False),
    ("Åtgärdsprogram", "ÅTGÄRDSPROGRAMMET antogs", True),
]


class RulesTableTests(SimpleTestCase):
    def test_the_table_has_at_least_thirty_cases(self) -> None:
        self.assertGreaterEqual(len(CASES), 30)

    def test_each_rule_matches_as_the_table_says(self) -> None:
        for rule, text, expected in CASES:
            with self.subTest(rule=rule, text=text):
                self.assertIs(Rules.of([rule]).matches(text), expected)

    def test_an_exclusion_removes_a_match(self) -> None:
        rules = Rules.of(["kollektivtrafik*"], exclusions=["upphandling*"])
        self.assertTrue(rules.matches("Kollektivtrafiken i Lekeberg"))
        self.assertFalse(rules.matches("Kollektivtrafiken", "Upphandlingen av busstrafik klar"))

    def test_an_exclusion_phrase_needs_its_words_in_a_row(self) -> None:
        rules = Rules.of(["väg*"], exclusions=["stockholms stad"])
        self.assertTrue(rules.matches("Vägar i Stockholms län och i stad"))
        self.assertFalse(rules.matches("Vägar i Stockholms stad"))

    def test_it_names_the_terms_found(self) -> None:
        rules = Rules.of(["bredband*", "väg", "skola"])
        self.assertEqual(
            rules.matched_terms("Bredbandet och vägarna", "Inget om skolskjuts"),
            ["bredband*", "väg"],
        )

    def test_a_phrase_does_not_run_from_the_title_into_the_summary(self) -> None:
        rules = Rules.of(["sociala ekonomin"])
        self.assertFalse(rules.matches("Sociala", "ekonomin"))

    def test_without_terms_everything_matches_unless_excluded(self) -> None:
        rules = Rules.of([], exclusions=["sport"])
        self.assertTrue(rules.matches("Vad som helst"))
        self.assertFalse(rules.matches("Sport i helgen"))

    def test_a_bad_term_is_a_value_error(self) -> None:
        for term in ("", "  ", "*", "lands*bygd", "*bygd", "!!"):
            with self.subTest(term=term), self.assertRaises(ValueError):
                check_term(term)

    def test_fold_keeps_swedish_letters_and_drops_other_accents(self) -> None:
        self.assertEqual(fold("Café Åkerö è ü"), "Cafe Åkerö e u")


letters = st.text(alphabet=string.ascii_lowercase + "åäöéè", min_size=1, max_size=8)
rule_words = st.text(alphabet=string.ascii_lowercase + "åäö", min_size=2, max_size=10)


class RulesPropertyTests(SimpleTestCase):
    @settings(max_examples=300, deadline=None)
    @given(text=st.text(max_size=300), terms=st.lists(rule_words, max_size=4))
    def test_random_text_never_raises(self, text: str, terms: list[str]) -> None:
        rules = Rules.of(terms, exclusions=terms[:1])
        rules.matched_terms(text, text[::-1])
        Rules.of([t + "*" for t in terms]).matches(text)

    @settings(max_examples=300, deadline=None)
    @given(word=rule_words, before=letters, after=st.text(max_size=40))
    def test_a_plain_word_never_matches_inside_another_word(
        self, word: str, before: str, after: str
    ) -> None:
        # The rule word preceded by other letters is a different word, prefix rule or not.
        text = f"x {before}{word}{after}"
        glued = words_of(fold(text))[1]
        if glued.startswith(word) or fold(before) == "":
            return
        self.assertFalse(Rules.of([word]).matches(text))
        self.assertFalse(Rules.of([word + "*"]).matches(text))

    @settings(max_examples=300, deadline=None)
    @given(word=rule_words, tail=st.text(alphabet=string.ascii_lowercase + "åäö", max_size=12))
    def test_a_prefix_rule_matches_every_compound_it_starts(self, word: str, tail: str) -> None:
        self.assertTrue(Rules.of([word + "*"]).matches(f"Om {word.upper()}{tail} i länet"))
