"""No network filter is written by hand outside the tenancy layer.

This walks the source of every module of the project (not migrations, tests or the shared test
factories) and fails on a query that names the network in a lookup: ``filter(network=…)``,
``get(event__network=…)``, ``exclude(network_id=…)``, ``Q(organisation__network=…)`` and the like.
Such a filter is one a reviewer has to check by hand, and the one they miss is a leak between
networks. Read through the tenancy layer instead:

- rows of a network: ``Model.objects.for_network(network)`` (``core/tenancy.py``);
- one row for a user, with the role check: ``core.access.fetch(user, network, Model, pk)``;
- one row without a role check (public pages, signed links): ``core.access.fetch_in_network``;
- a condition on related rows (an annotation's ``filter=``, a subquery):
  ``core.tenancy.network_q(RelatedModel, network, via="relation")``;
- get-or-create within a network: ``Model.objects.for_network(network).get_or_create(...,
  defaults={"network": network, ...})``.

Creating a row with ``create(network=…)`` or ``Model(network=…)`` is not a filter and is fine.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)
PACKAGE = ROOT / "bygdebas"

# Methods and functions whose keyword arguments are lookups.
LOOKUP_METHODS = frozenset(
    {
        "filter",
        "exclude",
        "get",
        "get_or_create",
        "update_or_create",
        "aget",
        "aget_or_create",
        "aupdate_or_create",
    }
)
LOOKUP_FUNCTIONS = frozenset({"Q", "get_object_or_404", "get_list_or_404"})
NETWORK_PARTS = frozenset({"network", "network_id"})

# The tenancy layer itself is where the one network filter is written.
LAYER = {Path("bygdebas/core/tenancy.py")}

# (file, the offending line's code, why it must stay). Keep this short: every entry is a filter
# a reviewer has to check by hand.
ALLOWED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    code: str
    lookup: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: `{self.lookup}` in `{self.code}`"


def is_excluded(path: Path) -> bool:
    parts = path.parts
    return (
        "migrations" in parts
        or "tests" in parts
        or "tests_browser" in parts
        or path == Path("bygdebas/testing.py")
        or path in LAYER
    )


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr if call.func.attr in LOOKUP_METHODS else None
    if isinstance(call.func, ast.Name):
        return call.func.id if call.func.id in LOOKUP_FUNCTIONS else None
    return None


def _lookups(call: ast.Call) -> list[str]:
    """The lookup names of a call: its keyword names and the keys of a ``**{…}`` literal."""
    names = []
    for keyword in call.keywords:
        if keyword.arg is not None:
            names.append(keyword.arg)
        elif isinstance(keyword.value, ast.Dict):
            names.extend(
                key.value
                for key in keyword.value.keys
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            )
    return names


def network_filters(source: str, path: Path) -> list[Finding]:
    """The lookups in ``source`` that filter by network by hand."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if not isinstance(node, ast.Call) or _called_name(node) is None:
            continue
        for lookup in _lookups(node):
            if NETWORK_PARTS & set(lookup.split("__")):
                code = lines[node.lineno - 1].strip()
                found.append(Finding(path=path, line=node.lineno, code=code, lookup=lookup))
    return found


def project_findings() -> list[Finding]:
    found = []
    for file in sorted(PACKAGE.rglob("*.py")):
        path = file.relative_to(ROOT)
        if is_excluded(path):
            continue
        found.extend(network_filters(file.read_text(encoding="utf-8"), path))
    return found


class TenancyWalkTests(SimpleTestCase):
    def test_no_network_filter_is_written_by_hand(self) -> None:
        findings = [f for f in project_findings() if (str(f.path), f.code) not in ALLOWED]
        if findings:
            self.fail(
                "Network filters written by hand (a leak between networks waits in each):\n"
                + "\n".join(f"  {finding}" for finding in findings)
                + "\nRead through the tenancy layer instead: Model.objects.for_network(network), "
                "core.access.fetch(user, network, Model, pk) (or fetch_in_network without a role "
                'check), or core.tenancy.network_q(Model, network, via="relation") for a '
                "condition on related rows. See the docstring of core/tests/test_tenancy_walk.py."
            )

    def test_the_allow_list_names_only_lines_that_exist(self) -> None:
        present = {(str(f.path), f.code) for f in project_findings()}
        self.assertEqual(ALLOWED - present, set(), "remove these entries from ALLOWED")

    def test_it_finds_each_kind_of_hand_written_filter(self) -> None:
        source = "\n".join(
            [
                "Plan.objects.filter(network=network)",
                "Area.objects.get(plan__network=network, pk=pk)",
                "Person.objects.exclude(network_id=1)",
                "Role.objects.get_or_create(user=user, network=network)",
                "Q(actions__network=network, actions__performed_on__year=2025)",
                'Event.objects.filter(**{"event__network__in": networks})',
                "get_object_or_404(Plan, network=network, year=2025)",
                # Not filters: creating rows, other fields, the tenancy layer's own calls.
                "Plan.objects.create(network=network, year=2025)",
                "Plan(network=network)",
                "Plan.objects.for_network(network).filter(year=2025)",
                'Role.objects.for_network(n).get_or_create(user=u, defaults={"network": n})',
                "County.objects.filter(networks__isnull=False)",
                'Plan.objects.values("network").filter(year=2025)',
            ]
        )
        found = network_filters(source, Path("example.py"))
        self.assertEqual(
            [(f.line, f.lookup) for f in found],
            [
                (1, "network"),
                (2, "plan__network"),
                (3, "network_id"),
                (4, "network"),
                (5, "actions__network"),
                (6, "event__network__in"),
                (7, "network"),
            ],
        )
        self.assertEqual(
            str(found[1]),
            "example.py:2: `plan__network` in `Area.objects.get(plan__network=network, pk=pk)`",
        )

    def test_migrations_tests_and_the_layer_itself_are_left_out(self) -> None:
        for path in (
            "bygdebas/plan/migrations/0001_initial.py",
            "bygdebas/plan/tests/test_services.py",
            "bygdebas/tests_browser/test_plan_flow.py",
            "bygdebas/testing.py",
            "bygdebas/core/tenancy.py",
        ):
            self.assertTrue(is_excluded(Path(path)), path)
        self.assertFalse(is_excluded(Path("bygdebas/plan/views.py")))
