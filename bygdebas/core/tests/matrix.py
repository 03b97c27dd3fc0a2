"""The permission matrix's machinery, shared by every app's matrix module.

Each app lists its URLs in a ``MATRIX`` dict in a module named ``test_matrix*.py`` (or the core
``test_permission_matrix.py``) and runs it with ``MatrixMixin``. ``test_every_url_has_an_entry``
in core collects all of them: a URL without an entry anywhere fails.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

if TYPE_CHECKING:
    from bygdebas.testing import CastMixin

    _Cast = CastMixin
else:
    _Cast = object

OK, LOGIN = "ok", "login"
CAST = ("anonymous", "anna", "bertil", "sara", "cecilia", "david_on_a", "david_on_b")


def expect(
    anonymous: Any, anna: Any, bertil: Any, sara: Any, cecilia: Any, on_a: Any, on_b: Any
) -> dict:
    return dict(zip(CAST, (anonymous, anna, bertil, sara, cecilia, on_a, on_b), strict=True))


PUBLIC = expect(OK, OK, OK, OK, OK, OK, OK)
# Public pages about one of A's rows: anyone on A's host, nobody on B's.
PUBLIC_ROW = expect(OK, OK, OK, OK, OK, OK, 404)
# Pages about A's rows: read roles see them; the outsider's own host does not have them.
READ_ROW = expect(LOGIN, OK, OK, OK, 403, 403, 404)
WRITE_ROW = expect(LOGIN, OK, OK, 403, 403, 403, 404)
# Pages without a row: the outsider sees his own network's version.
READ_PAGE = expect(LOGIN, OK, OK, OK, 403, 403, OK)
WRITE_PAGE = expect(LOGIN, OK, OK, 403, 403, 403, OK)
APPROVE_ROW = expect(LOGIN, OK, 403, OK, 403, 403, 403)
ADMIN_PAGE = expect(LOGIN, OK, 403, 403, 403, 403, 403)


@dataclass(frozen=True)
class Entry:
    expected: dict
    method: str = "get"
    kwargs: str = ""  # which fixture row fills the URL: year, area, activity, action, role
    data: tuple[tuple[str, str], ...] = ()


# Django's admin is for installation operators (superusers) only and is tested by Django;
# test_admin_is_closed_to_network_roles below proves network roles cannot get in.
EXCLUDED_NAMESPACES = {"admin"}


def url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or ""
                if ns in EXCLUDED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")
            elif isinstance(pattern, URLPattern):
                raise AssertionError(f"URL pattern {pattern.pattern} has no name")

    walk(get_resolver().url_patterns)
    return names


def all_matrices() -> dict[str, Entry]:
    """Every app's MATRIX, merged; a URL listed twice is an error."""
    import bygdebas

    merged: dict[str, Entry] = {}
    for package in pkgutil.iter_modules(bygdebas.__path__):
        try:
            tests = importlib.import_module(f"bygdebas.{package.name}.tests")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(tests.__path__):
            if module.name.startswith("test_matrix") or module.name == "test_permission_matrix":
                matrix = importlib.import_module(f"{tests.__name__}.{module.name}").MATRIX
                twice = set(matrix) & set(merged)
                assert not twice, f"URLs in two matrices: {twice}"
                merged.update(matrix)
    return merged


class MatrixMixin(_Cast):
    """Runs a MATRIX for the cast; the test class provides ``kwargs_for`` and ``fingerprint``."""

    MATRIX: dict[str, Entry]
    # Strings of network A's rows that must never reach the outsider.
    SECRETS: Iterable[str] = ()

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        raise NotImplementedError

    def fingerprint(self) -> Any:
        raise NotImplementedError

    def client_as(self, who: str) -> Any:
        return {
            "anonymous": self.as_anonymous,
            "anna": self.as_anna,
            "bertil": self.as_bertil,
            "sara": self.as_sara,
            "cecilia": self.as_cecilia,
            "david_on_a": lambda: self.as_user(self.david, self.network_a),
            "david_on_b": self.as_david,
        }[who]()

    def check_each_url_answers_each_role_as_expected(self) -> None:
        login_url = reverse("core:login")
        test: Any = self
        for name, entry in sorted(self.MATRIX.items()):
            url = reverse(name, kwargs=self.kwargs_for(entry))
            for who, expected in entry.expected.items():
                with test.subTest(url=name, who=who), transaction.atomic():
                    client = self.client_as(who)
                    response = getattr(client, entry.method)(url, dict(entry.data))
                    if expected == OK:
                        test.assertIn(response.status_code, {200, 302, 400}, response)
                        if response.status_code == 302:
                            test.assertFalse(response["Location"].startswith(login_url))
                    elif expected == LOGIN:
                        test.assertEqual(response.status_code, 302)
                        test.assertTrue(
                            response["Location"].startswith(login_url), response["Location"]
                        )
                    else:
                        test.assertEqual(response.status_code, expected)
                    transaction.set_rollback(True)

    def check_the_outsider_neither_sees_nor_changes_network_a(
        self, extra_check: Callable[[Any], None] | None = None
    ) -> None:
        test: Any = self
        before = self.fingerprint()
        for name, entry in sorted(self.MATRIX.items()):
            if entry.expected is PUBLIC:
                continue
            url = reverse(name, kwargs=self.kwargs_for(entry))
            clients = [test.as_david()]
            # A public row is public on its own host (and registering for it is allowed there).
            if entry.expected is not PUBLIC_ROW:
                clients.append(test.as_user(test.david, test.network_a))
            for client in clients:
                with test.subTest(url=name, host=client.defaults["HTTP_HOST"]):
                    response = getattr(client, entry.method)(url, dict(entry.data))
                    test.assertIn(response.status_code, {200, 302, 400, 403, 404})
                    for secret in self.SECRETS:
                        test.assertNotIn(secret.encode(), response.content)
                    if extra_check:
                        extra_check(response)
        test.assertEqual(self.fingerprint(), before)
