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
