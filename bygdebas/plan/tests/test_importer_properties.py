"""Any text gives a plan or a clear import error, never an exception; targets stay in range."""

import contextlib

from django.test import SimpleTestCase
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bygdebas.plan.importer import PlanImportError, parse_plan_text, suggest_targets

TRICKY = (
    "0123456789²³¹١٢٣０１２\u00a0\u2009\u202f −-–.,:;\n• minst gånger per år tillfällen deltagare "
)
WORDS = st.sampled_from(
    ["minst", "fler än", "gånger", "per", "år", "månad", "tillfällen", "deltagare", "varav",
     "unga", "kommuner", "varje", "vecka", "•", "-", "Aktiviteter", "Syfte", "\n", "2025"]
)  # fmt: skip
TEXTS = st.one_of(
    st.text(),
    st.text(alphabet=TRICKY, max_size=200),
    st.lists(st.one_of(WORDS, st.integers(0, 10**40).map(str)), max_size=40).map(" ".join),
)
PROPERTY = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
# PositiveIntegerField's upper bound in PostgreSQL.
MAX_STORED = 2_147_483_647


class PropertyTests(SimpleTestCase):
    @PROPERTY
    @given(text=TEXTS)
    @example(text="Aktiviteter\n• Minst " + "9" * 5000 + " gånger per år.")
    @example(text="Aktiviteter\n• Minst 99999999999 deltagare per vecka, varav minst 10²0 unga.")
    def test_any_text_gives_a_plan_or_an_import_error(self, text: str) -> None:
        with contextlib.suppress(PlanImportError):
            plan = parse_plan_text(text)
            for area in plan.areas:
                for activity in area.activities:
                    for target in activity.targets:
                        self.assertTrue(1 <= target.value <= MAX_STORED, target)

    @PROPERTY
    @given(text=TEXTS)
    @example(text="minst " + "9" * 5000 + " gånger per år")
    @example(text="minst 99999999999 tillfällen per vecka")
    def test_suggested_targets_fit_in_the_database(self, text: str) -> None:
        for target in suggest_targets(text):
            self.assertTrue(1 <= target.value <= MAX_STORED, target)

    def test_full_width_digits_count_and_superscripts_do_not(self) -> None:
        self.assertEqual([t.value for t in suggest_targets("Minst ３ tillfällen per år.")], [3])
        self.assertEqual(suggest_targets("Minst ³ tillfällen per år."), [])


class LinearTimeTests(SimpleTestCase):
    """Joining wrapped lines copies each line once, not the text gathered so far (quadratic)."""

    def test_a_long_activity_is_gathered_without_copying_what_came_before(self) -> None:
        from bygdebas.plan.importer.parser import WrappedText

        line = "möten med kommunbygderåd och lokala utvecklings-"
        text = WrappedText()
        for _ in range(10_000):
            text.add(line)
            # Each addition leaves every earlier part as it was: no part grows past a line.
            self.assertLessEqual(len(text.parts[-1]), len(line))
        self.assertEqual(len(str(text)), 10_000 * (len(line) - 1) + 1)

    def test_the_parser_joins_each_wrapped_line_once(self) -> None:
        from unittest import mock

        from bygdebas.plan.importer import parser

        lines = ["Delta i möten med kommunbygderåd och lokala"] * 5_000
        text = "Aktiviteter\nSamverkan\n• " + "\n".join(lines) + ".\n"
        with mock.patch.object(parser, "_seam", wraps=parser._seam) as seam:
            plan = parse_plan_text(text)
        self.assertEqual(seam.call_count, len(lines) - 1)
        self.assertEqual(len(plan.areas[0].activities[0].text), len(" ".join(lines)) + 1)
