"""Search: the same cases, with the same expected results, on SQLite and on PostgreSQL.

The suite runs once per database, so each expectation here holds on both. Events stand in for
the apps' content: a published event is public, a members-only one is for people with a role,
a draft is for staff and board.
"""

from __future__ import annotations

from io import StringIO
from typing import Any, ClassVar

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from bygdebas.core import search
from bygdebas.core.models import SearchDocument
from bygdebas.core.search import SearchDocumentData, Visibility
from bygdebas.events.models import Event
from bygdebas.testing import CastMixin, make_event, make_network

KIND = "test.event"


def event_document(event: Event) -> SearchDocumentData | None:
    if event.status == Event.Status.CANCELLED:
        return None
    if event.status == Event.Status.DRAFT:
        visibility = Visibility.STAFF
    elif event.is_members_only:
        visibility = Visibility.MEMBERS
    else:
        visibility = Visibility.PUBLIC
    return SearchDocumentData(
        title=event.title,
        body=event.description,
        url=f"/kalender/{event.pk}/",
        visibility=visibility,
        published_at=event.starts_at,
    )


class SearchableEventsMixin:
    @classmethod
    def setUpClass(cls) -> None:
        search.register_searchable(Event, kind=KIND, label="Evenemang", document=event_document)
        cls.addClassCleanup(search.unregister_searchable, KIND)
        super().setUpClass()


def ids(page: search.SearchPage) -> list[int]:
    return [int(result.object_id) for result in page.results]


class SwedishSearchTests(SearchableEventsMixin, CastMixin, TestCase):
    events: ClassVar[dict[str, Event]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        texts = {
            "school": ("Framtidens byskola i Ösby", "Föräldrar och kommunen samtalar om skolan."),
            "bus": ("Bussmöte", "Hur kan kollektivtrafik mellan byarna bli bättre?"),
            "road": (
                "Vägmöte",
                "Grusvägen vid Åsen har tjälskador; Trafikverket ansvarar för en väg.",
            ),
            "title_hit": ("Bredband på landsbygden", "Fiber till varje hushåll."),
            "body_hit": ("Digital kväll", "Vi pratar om bredband, mobiltäckning och service."),
            "sheep": ("Fårdag", "Klippning av får på gården."),
            "far": ("Far och son", "En kväll för fäder."),
            "html": ("Säker text", "<script>alert('x')</script> Samtal om sjön & ån."),
        }
        cls.events = {
            key: make_event(network=cls.network_a, title=title, description=body)
            for key, (title, body) in texts.items()
        }
        cls.members_only = make_event(
            network=cls.network_a, title="Medlemsträff om bredband", is_members_only=True
        )
        cls.draft = make_event(
            network=cls.network_a, title="Utkast om bredband", status=Event.Status.DRAFT
        )
        cls.other_network = make_event(network=cls.network_b, title="Bredband i B-län")
        search.reindex()

    def find(self, query: str, user: Any = None, **kwargs: Any) -> list[int]:
        return ids(search.search(query, network=self.network_a, user=user, **kwargs))

    def test_inflected_forms_find_each_other(self) -> None:
        school, bus, road = (self.events[k].pk for k in ("school", "bus", "road"))
        cases = {
            "byskolan": [school],
            "byskolans": [school],
            "byskola": [school],
            "skolan": [school],
            "kollektivtrafiken": [bus],
            "Kollektivtrafik": [bus],
            "vägar": [road],
            "VÄG": [road],
            "vägen": [road],
        }
        for query, expected in cases.items():
            with self.subTest(query):
                self.assertEqual(self.find(query), expected)

    def test_å_ä_and_ö_are_letters_of_their_own(self) -> None:
        self.assertEqual(self.find("får"), [self.events["sheep"].pk])
        self.assertEqual(self.find("far"), [self.events["far"].pk])
        self.assertEqual(self.find("vag"), [])
        self.assertEqual(self.find("Osby"), [])
        self.assertEqual(self.find("Ösby"), [self.events["school"].pk])
        self.assertEqual(self.find("asen"), [])
        self.assertEqual(self.find("åsen"), [self.events["road"].pk])

    def test_every_word_must_match_and_stop_words_are_ignored(self) -> None:
        self.assertEqual(self.find("byskola och kommunen"), [self.events["school"].pk])
        self.assertEqual(self.find("byskola bredband"), [])
        self.assertEqual(self.find("och i att"), [])

    def test_a_match_in_the_title_ranks_above_one_in_the_text(self) -> None:
        self.assertEqual(
            self.find("bredband"), [self.events["title_hit"].pk, self.events["body_hit"].pk]
        )

    def test_the_public_sees_public_documents_and_roles_see_more(self) -> None:
        title_hit, body_hit = self.events["title_hit"].pk, self.events["body_hit"].pk
        public = {title_hit, body_hit}
        self.assertEqual(set(self.find("bredband")), public)
        self.assertEqual(
            set(self.find("bredband", user=self.cecilia)), public | {self.members_only.pk}
        )
        for staff in (self.anna, self.bertil, self.sara):
            with self.subTest(staff.email):
                self.assertEqual(
                    set(self.find("bredband", user=staff)),
                    public | {self.members_only.pk, self.draft.pk},
                )
        # The outsider, and anyone on network B, finds only B's documents.
        self.assertEqual(set(self.find("bredband", user=self.david)), public)
        found_in_b = search.search("bredband", network=self.network_b, user=self.david)
        self.assertEqual(ids(found_in_b), [self.other_network.pk])

    def test_results_can_be_filtered_by_kind(self) -> None:
        self.assertEqual(len(self.find("bredband", kinds=[KIND])), 2)
        self.assertEqual(self.find("bredband", kinds=["advocacy.position"]), [])

    def test_results_carry_title_address_kind_and_a_highlighted_escaped_snippet(self) -> None:
        result = search.search("byskolan skolorna", network=self.network_a).results[0]
        event = self.events["school"]
        self.assertEqual(result.title, "Framtidens byskola i Ösby")
        self.assertEqual(result.url, f"/kalender/{event.pk}/")
        self.assertEqual(result.kind, KIND)
        self.assertEqual(result.kind_label, "Evenemang")
        self.assertEqual(result.published_at, event.starts_at)
        self.assertEqual(result.snippet, "Föräldrar och kommunen samtalar om <mark>skolan</mark>.")
        snippet = search.search("sjön", network=self.network_a).results[0].snippet
        self.assertIn("<mark>sjön</mark>", snippet)
        self.assertIn("&amp;", snippet)
        self.assertNotIn("<script", snippet)
        self.assertNotIn("</script", snippet)
        # Nothing of the text can be markup: the only tags are the highlights.
        self.assertNotIn("<", snippet.replace("<mark>", "").replace("</mark>", ""))

    def test_a_search_is_one_query_whatever_the_number_of_matches(self) -> None:
        with self.assertNumQueries(1):
            few = search.search("byskola", network=self.network_a)
        for _ in range(30):
            make_event(network=self.network_a, title="Byskolan igen", description="byskola")
        search.reindex(network=self.network_a)
        with self.assertNumQueries(1):
            many = search.search("byskola", network=self.network_a)
        self.assertEqual((few.total, many.total), (1, 31))
        with self.assertNumQueries(0):
            search.search("  och ... !!! ", network=self.network_a)

    def test_pages(self) -> None:
        for n in range(25):
            make_event(network=self.network_a, title=f"Sockenstämma {n}")
        search.reindex(network=self.network_a)
        first = search.search("sockenstämma", network=self.network_a, per_page=10)
        self.assertEqual((first.total, first.num_pages, len(first.results)), (25, 3, 10))
        self.assertTrue(first.has_next)
        third = search.search("sockenstämma", network=self.network_a, per_page=10, page="3")
        self.assertEqual(len(third.results), 5)
        self.assertFalse(third.has_next)
        everything = (
            set(ids(first))
            | set(ids(search.search("sockenstämma", network=self.network_a, per_page=10, page=2)))
            | set(ids(third))
        )
        self.assertEqual(len(everything), 25)
        beyond = search.search("sockenstämma", network=self.network_a, per_page=10, page=99)
        self.assertEqual((beyond.results, beyond.total), ([], 25))
        junk = search.search("sockenstämma", network=self.network_a, per_page=10, page="x")
        self.assertEqual(junk.number, 1)


class IndexingTests(SearchableEventsMixin, CastMixin, TestCase):
    def test_index_object_adds_updates_and_removes(self) -> None:
        event = make_event(network=self.network_a, title="Skördefest på gården")
        search.index_object(event)
        self.assertEqual(ids(search.search("skördefesten", network=self.network_a)), [event.pk])
        event.title = "Vårfest på gården"
        event.save()
        search.index_object(event)
        self.assertEqual(ids(search.search("skördefest", network=self.network_a)), [])
        self.assertEqual(ids(search.search("vårfesten", network=self.network_a)), [event.pk])
        event.status = Event.Status.CANCELLED  # event_document says: not to be found
        search.index_object(event)
        self.assertFalse(SearchDocument.objects.exists())
        event.status = Event.Status.PUBLISHED
        search.index_object(event)
        search.remove_object(event)
        self.assertEqual(ids(search.search("vårfesten", network=self.network_a)), [])
        search.remove_object(event)  # twice is harmless
        search.index_object(event)
        event.delete()  # deleting the row takes its document along
        self.assertFalse(SearchDocument.objects.exists())
        self.assertEqual(ids(search.search("vårfesten", network=self.network_a)), [])

    def test_an_unregistered_model_is_an_error(self) -> None:
        with self.assertRaises(LookupError):
            search.index_object(self.network_a)

    def test_reindex_one_network_leaves_the_others_alone(self) -> None:
        a = make_event(network=self.network_a, title="Skördefest")
        b = make_event(network=self.network_b, title="Skördefest")
        self.assertEqual(search.reindex(network=self.network_a), 1)
        self.assertEqual(ids(search.search("skördefest", network=self.network_b)), [])
        out = StringIO()
        call_command("reindex_search", "--network", "b", stdout=out)
        self.assertEqual(out.getvalue().strip(), "Indexed 1 documents of b.")
        self.assertEqual(ids(search.search("skördefesten", network=self.network_b)), [b.pk])
        self.assertEqual(ids(search.search("skördefesten", network=self.network_a)), [a.pk])

    def test_the_command_names_what_is_wrong(self) -> None:
        from django.core.management.base import CommandError

        with self.assertRaisesMessage(CommandError, "No network with the slug 'nope'"):
            call_command("reindex_search", "--network", "nope")
        with self.assertRaisesMessage(CommandError, "Unknown search kinds: nope"):
            call_command("reindex_search", "--kind", "nope")

    def test_a_deleted_network_takes_its_documents_along(self) -> None:
        gone = make_network(name="Nedlagt")
        make_event(network=gone, title="Sista mötet")
        search.reindex()
        gone.delete()
        self.assertFalse(SearchDocument.objects.exists())
        search.reindex()  # clears what the cascade left in SQLite's FTS table
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE}")
                self.assertEqual(cursor.fetchone()[0], 0)


NASTY = [
    '"', '""', "'", "*", "byskola*", "NEAR(a b)", "a NEAR/2 b", "(((", ")))", "a AND", "OR",
    "NOT byskola", "-byskola", "title:byskola", "{title}: x", "^byskola", "a:*", "!!", "&|!<->",
    "'byskola' & 'x'", "\\", "\x00", "😀🌾", "é", "ß", "İ", "ǅ", "\u0301", "a\u030a", "1e400",
    "x" * 10_000, "å " * 5_000, "%", "%%s", "_", ";DROP TABLE core_searchdocument;--",
]  # fmt: skip


class QueryParsingTests(SearchableEventsMixin, CastMixin, HypothesisTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.event = make_event(network=cls.network_a, title="Byskola", description="Å och ä")
        search.reindex()

    def test_operators_and_odd_text_are_plain_words(self) -> None:
        for query in NASTY:
            with self.subTest(query=query[:40]):
                page = search.search(query, network=self.network_a)
                self.assertIsInstance(page.total, int)
        self.assertEqual(
            ids(search.search('"byskola*" ((', network=self.network_a)), [self.event.pk]
        )
        # Operators are words like any other: "NOT" is not in the text, so nothing matches.
        self.assertEqual(ids(search.search("NOT byskola", network=self.network_a)), [])

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )
    @given(st.text(max_size=300))
    @example("byskola NEAR(")
    @example("a" * 10_000)
    def test_any_text_gives_results_or_none_never_an_error(self, query: str) -> None:
        page = search.search(query, network=self.network_a)
        self.assertLessEqual(len(page.results), page.total)
