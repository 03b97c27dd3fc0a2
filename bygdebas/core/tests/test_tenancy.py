"""The tenancy layer: ``for_network`` on every network-owned model, ``network_q`` and ``fetch``."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from django.test import TestCase

from bygdebas.core.access import (
    ADMIN_ROLES,
    READ_ROLES,
    WRITE_ROLES,
    fetch,
    fetch_in_network,
)
from bygdebas.core.models import County, Network, Role, User
from bygdebas.core.tenancy import is_network_owned, network_path, network_q
from bygdebas.plan.models import Action, Activity, Area, Plan
from bygdebas.testing import CastMixin, make_action, make_plan


def _resolve(model: type[models.Model], path: str) -> type[models.Model]:
    """The model at the end of ``path`` from ``model``, following foreign keys."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        assert field.is_relation and field.many_to_one, f"{model.__name__}.{name} is no FK"
        related = field.related_model
        assert isinstance(related, type)
        model = related
    return model


def _network_fields(model: type[models.Model]) -> list[str]:
    """``model``'s non-null foreign keys to a Network or to a network-owned model."""
    found = []
    for field in model._meta.get_fields():
        if not (field.many_to_one and field.concrete) or getattr(field, "null", True):
            continue
        related = field.related_model
        if related is Network or (isinstance(related, type) and is_network_owned(related)):
            found.append(field.name)
    return found


class NetworkOwnedModelTests(TestCase):
    """Every model that belongs to a network says how, once, and reads through NetworkQuerySet."""

    def project_models(self) -> list[type[models.Model]]:
        return [m for m in apps.get_models() if m.__module__.startswith("bygdebas.")]

    def test_every_declared_path_leads_to_the_network(self) -> None:
        owned = [m for m in self.project_models() if is_network_owned(m)]
        self.assertIn(Plan, owned)
        for model in owned:
            with self.subTest(model=model.__name__):
                try:
                    self.assertIs(_resolve(model, network_path(model)), Network)
                except FieldDoesNotExist as error:
                    self.fail(f"{model.__name__}.network_path: {error}")

    def test_every_model_with_a_network_reads_through_the_tenancy_layer(self) -> None:
        for model in self.project_models():
            if model is Network or not _network_fields(model):
                continue
            with self.subTest(model=model.__name__):
                self.assertTrue(
                    is_network_owned(model),
                    f"{model.__name__} belongs to a network ({', '.join(_network_fields(model))}) "
                    "but its manager is not a NetworkQuerySet: give it "
                    "`objects = NetworkQuerySet.as_manager()` (or a subclass) and, if it reaches "
                    "its network through a parent, `network_path = 'parent__network'`.",
                )

    def test_shared_geography_and_people_are_not_network_owned(self) -> None:
        for model in (Network, County, User):
            self.assertFalse(is_network_owned(model), model)


class ForNetworkTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan_a = make_plan(network=cls.network_a, areas=(2,))
        cls.plan_b = make_plan(network=cls.network_b, areas=(1,))
        cls.action_a = make_action(network=cls.network_a, title="A:s insats")
        cls.action_a.activities.set(Activity.objects.filter(area__plan=cls.plan_a))
        cls.action_b = make_action(network=cls.network_b, title="B:s insats")

    def test_it_keeps_the_rows_of_a_direct_model_to_the_network(self) -> None:
        self.assertEqual(list(Plan.objects.for_network(self.network_a)), [self.plan_a])
        self.assertEqual(list(Plan.objects.for_network(self.network_b.pk)), [self.plan_b])

    def test_it_follows_the_declared_path_of_a_child_model(self) -> None:
        self.assertEqual(network_path(Activity), "area__plan__network")
        activities = Activity.objects.for_network(self.network_a)
        self.assertEqual(activities.count(), 2)
        self.assertFalse(activities.filter(area__plan=self.plan_b).exists())
        self.assertEqual(
            set(Area.objects.for_network(self.network_b)), set(self.plan_b.areas.all())
        )

    def test_app_querysets_keep_their_own_methods_after_it(self) -> None:
        self.assertEqual(
            list(Action.objects.for_network(self.network_a).search("a:s")), [self.action_a]
        )

    def test_network_q_puts_the_condition_on_related_rows(self) -> None:
        self.assertEqual(network_q(Plan, self.network_a), models.Q(network=self.network_a))
        self.assertEqual(
            network_q(Action, self.network_a, via="actions"),
            models.Q(actions__network=self.network_a),
        )
        self.assertEqual(
            network_q(Activity, 7, via="activities"),
            models.Q(activities__area__plan__network=7),
        )
        with_a = Activity.objects.filter(network_q(Action, self.network_a, via="actions"))
        self.assertEqual(with_a.distinct().count(), 2)
        self.assertFalse(
            Activity.objects.filter(network_q(Action, self.network_b, via="actions")).exists()
        )

    def test_users_with_a_role_in_a_network(self) -> None:
        self.assertEqual(
            set(User.objects.with_role_in(self.network_a, WRITE_ROLES)), {self.anna, self.bertil}
        )
        self.assertEqual(set(User.objects.with_role_in(self.network_b, READ_ROLES)), {self.david})


class FetchTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan_a = make_plan(network=cls.network_a, areas=(1,))
        cls.area_a = cls.plan_a.areas.get()
        cls.plan_b = make_plan(network=cls.network_b, areas=(1,))
        cls.area_b = cls.plan_b.areas.get()

    def test_it_gives_the_row_to_a_role_that_may_read_it(self) -> None:
        for user in (self.anna, self.bertil, self.sara):
            self.assertEqual(fetch(user, self.network_a, Area, self.area_a.pk), self.area_a)

    def test_another_networks_row_or_a_missing_one_is_404(self) -> None:
        with self.assertRaises(Http404):
            fetch(self.bertil, self.network_a, Area, self.area_b.pk)
        with self.assertRaises(Http404):
            fetch(self.bertil, self.network_a, Area, 999_999)
        # The outsider on his own network does not reach A's row either.
        with self.assertRaises(Http404):
            fetch(self.david, self.network_b, Area, self.area_a.pk)

    def test_a_missing_role_is_403_before_the_row_is_looked_up(self) -> None:
        for user in (self.cecilia, self.david, AnonymousUser(), None):
            queries = int(isinstance(user, User))  # the role; never the row
            with (
                self.subTest(user=user),
                self.assertNumQueries(queries),
                self.assertRaises(PermissionDenied),
            ):
                fetch(user, self.network_a, Area, 999_999)

    def test_write_asks_for_a_write_role_and_roles_overrides_both(self) -> None:
        self.assertEqual(fetch(self.sara, self.network_a, Plan, year=2025), self.plan_a)
        with self.assertRaises(PermissionDenied):
            fetch(self.sara, self.network_a, Plan, write=True, year=2025)
        self.assertEqual(
            fetch(self.bertil, self.network_a, Plan, write=True, year=2025), self.plan_a
        )
        with self.assertRaises(PermissionDenied):
            fetch(self.bertil, self.network_a, Plan, roles=ADMIN_ROLES, year=2025)
        self.assertEqual(
            fetch(self.anna, self.network_a, Plan, roles=ADMIN_ROLES, year=2025), self.plan_a
        )

    def test_a_queryset_narrows_the_rows_and_keeps_its_select_related(self) -> None:
        area = fetch(
            self.bertil, self.network_a, Area.objects.select_related("plan"), self.area_a.pk
        )
        with self.assertNumQueries(0):
            self.assertEqual(area.plan.year, 2025)
        with self.assertRaises(Http404):
            fetch(self.bertil, self.network_a, Area.objects.filter(title="nope"), self.area_a.pk)

    def test_fetch_in_network_checks_no_role(self) -> None:
        self.assertEqual(fetch_in_network(self.network_b, Area, self.area_b.pk), self.area_b)
        with self.assertRaises(Http404):
            fetch_in_network(self.network_b, Area, self.area_a.pk)

    def test_a_model_without_a_network_is_refused(self) -> None:
        with self.assertRaisesMessage(TypeError, "County is not network-owned"):
            fetch_in_network(self.network_a, County, 1)

    def test_roles_are_fetched_for_administrators_only(self) -> None:
        from bygdebas.core.access import get_role_for_user

        role = Role.objects.get(user=self.bertil)
        self.assertEqual(get_role_for_user(self.anna, self.network_a, role.pk), role)
        with self.assertRaises(PermissionDenied):
            get_role_for_user(self.bertil, self.network_a, role.pk)
        david_role = Role.objects.get(user=self.david)
        with self.assertRaises(Http404):
            get_role_for_user(self.anna, self.network_a, david_role.pk)
