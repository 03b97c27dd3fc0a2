"""The permission matrix's machinery, shared by every app's matrix module.

Each app lists its URLs in a ``MATRIX`` dict in a module named ``test_matrix*.py`` (or the core
``test_permission_matrix.py``) and runs it with ``MatrixMixin``. ``test_every_url_has_an_entry``
in core collects all of them: a URL without an entry anywhere fails.

An entry states who may use the URL with each method it accepts. A page with a form answers GET
and POST: ``Entry(WRITE_ROW, post=WRITE_ROW, post_data=...)``. A URL that only acts takes
``method="post"`` (and ``get=`` if it also shows a confirmation page). Every POST is checked for
anonymous, each role and the outsider, and a denied POST must leave the fingerprint (the rows
the app's matrix watches) unchanged. So that "unchanged" means something, the POST data is a
real write: the first role allowed to send it does change the fingerprint, unless the entry
says ``writes=False`` (a login, a mail, a language switch). MatrixMixin also asks each URL,
as a role that may use it, whether it accepts a method the entry has no expectation for: a
form view whose POST nobody checks, or a POST-only view that answers GET, fails the suite.

Every answer to a logged-in user, and every answer under the staff and self-service prefixes,
must carry ``Cache-Control: no-store`` unless the view declared it public.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bygdebas.core.middleware import PRIVATE_PREFIXES
from bygdebas.core.tests.html_forms import form_with
from bygdebas.core.tests.swedish import leftovers

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

# A value in ``data``/``post_data``: a string, or a function of the test (for a fixture's pk or a
# fresh upload, since an uploaded file can be read only once).
Value = str | Callable[[Any], Any]
Data = tuple[tuple[str, Value], ...]


@dataclass(frozen=True)
class FromPage:
    """POST what the page's own form shows (read as the first role allowed to see it), with
    ``changes``: an edit form sends back its current values, so the matrix needs to know only
    the field it changes."""

    changes: Data = ()


def page_form(**changes: Value) -> FromPage:
    return FromPage(tuple(changes.items()))


@dataclass(frozen=True)
class Entry:
    expected: dict  # the answer to ``method``
    method: str = "get"
    kwargs: str = ""  # which fixture row fills the URL: year, area, activity, action, role
    data: Data = ()
    # A page that also takes a POST (a form): who may send it, and a write to send.
    post: dict | None = None
    post_data: Data | FromPage = ()
    # A POST-only URL that also answers GET (a confirmation page): who may see it.
    get: dict | None = None
    # Whether the POST changes the fingerprint for the first role allowed to send it.
    writes: bool = True

    def expectation(self, method: str) -> dict | None:
        """Who may use the URL with ``method``; None when the URL should refuse it (405)."""
        if method == self.method:
            return self.expected
        return self.post if method == "post" else self.get


def resolve(data: Data, test: Any, into: dict[str, Any] | None = None) -> dict[str, Any]:
    """``data`` as ``Client.get``/``post`` take it; a repeated name is a multiple choice."""
    payload: dict[str, Any] = dict(into or {})
    seen: set[str] = set()
    for name, value in data:
        resolved = value(test) if callable(value) else value
        if name in seen:
            previous = payload[name]
            payload[name] = (
                [*previous, resolved]
                if isinstance(previous, list)
                else [
                    previous,
                    resolved,
                ]
            )
        else:
            payload[name] = resolved
            seen.add(name)
    return payload


def first_allowed(expected: dict) -> str:
    """The first of the cast who may use a URL: whom to ask which methods it accepts."""
    return next(who for who in CAST if expected[who] == OK)


# Django's admin is for installation operators (superusers) only and is tested by Django;
# test_admin_is_closed_to_network_roles below proves network roles cannot get in.
# The open API's URLs take keys, not logins: their matrix (every URL for keys of each scope and of
# two networks, and for a logged-in session) is api/tests/test_key_matrix.py, which checks that
# it lists every one of them.
EXCLUDED_NAMESPACES = {"admin", "api-v1"}


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


def is_kept_private(response: Any) -> bool:
    """Whether browsers and proxies are told not to store the answer."""
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


class MatrixMixin(_Cast):
    """Runs a MATRIX for the cast; the test class provides ``kwargs_for`` and ``fingerprint``.

    Every matrix class gets ``test_each_url_accepts_only_the_methods_it_has_expectations_for``
    from here, so an app cannot leave a POST unchecked by forgetting to call it.
    """

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

    def _payload(self, entry: Entry, method: str, url: str) -> dict[str, Any]:
        data = entry.data if method == entry.method else entry.post_data
        if not isinstance(data, FromPage):
            return resolve(data, self)
        cache_key = (url, method)
        shown: dict[tuple[str, str], dict[str, Any]] = self.__dict__.setdefault("_shown", {})
        if cache_key not in shown:
            reader = first_allowed(entry.expectation("get") or entry.expected)
            with transaction.atomic():
                page = self.client_as(reader).get(url)
                transaction.set_rollback(True)
            shown[cache_key] = form_with(page.content).data()
        return resolve(data.changes, self, into=shown[cache_key])

    def _call(self, who: str, method: str, url: str, entry: Entry) -> Any:
        payload = self._payload(entry, method, url)
        # The public forms' rate limits count per client address, and every request here
        # comes from the same one.
        cache.clear()
        return getattr(self.client_as(who), method)(url, payload)

    def check_each_url_answers_each_role_as_expected(self) -> None:
        """Each method of each URL, for each of the cast; denied POSTs change nothing."""
        login_url = reverse("core:login")
        test: Any = self
        for name, entry in sorted(self.MATRIX.items()):
            url = reverse(name, kwargs=self.kwargs_for(entry))
            for method in ("get", "post"):
                expectations = entry.expectation(method)
                if expectations is None:
                    continue
                writer = first_allowed(expectations)
                for who, expected in expectations.items():
                    with test.subTest(url=name, method=method, who=who), transaction.atomic():
                        watch = method == "post" and (expected != OK or who == writer)
                        before = self.fingerprint() if watch else None
                        response = self._call(who, method, url, entry)
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
                        if watch and expected != OK:
                            test.assertEqual(
                                self.fingerprint(), before, f"a denied POST changed {name}"
                            )
                        elif watch and entry.writes:
                            test.assertNotEqual(
                                self.fingerprint(),
                                before,
                                f"{who}'s POST to {name} changed nothing the fingerprint "
                                "watches: send data that writes, or say writes=False",
                            )
                        self.check_private_answer(who, url, response)
                        transaction.set_rollback(True)

    def check_private_answer(self, who: str, url: str, response: Any) -> None:
        """Personal pages are never stored by a browser or proxy (``Cache-Control: no-store``)."""
        test: Any = self
        if "public" in response.get("Cache-Control", ""):
            return  # a view that declares its answer public (an image, the map's GeoJSON)
        if who != "anonymous" or url.startswith(PRIVATE_PREFIXES):
            test.assertTrue(
                is_kept_private(response),
                f"{url} answered {who} with Cache-Control: {response.get('Cache-Control')!r}",
            )

    def test_each_url_accepts_only_the_methods_it_has_expectations_for(self) -> None:
        """A URL that takes a POST (or a GET) nobody checks fails, as a role allowed to use it."""
        test: Any = self
        for name, entry in sorted(self.MATRIX.items()):
            url = reverse(name, kwargs=self.kwargs_for(entry))
            who = first_allowed(entry.expected)
            for method in ("get", "post"):
                if entry.expectation(method) is not None:
                    continue
                with test.subTest(url=name, method=method), transaction.atomic():
                    before = self.fingerprint()
                    response = self._call(who, method, url, entry)
                    test.assertEqual(
                        response.status_code,
                        405,
                        f"{name} accepts {method.upper()} from {who} but its matrix entry has "
                        f"no expectation for it (say who may: post=... / get=...)",
                    )
                    test.assertEqual(self.fingerprint(), before)
                    transaction.set_rollback(True)

    def test_every_page_reads_in_swedish(self) -> None:
        """No English message on any page, read in Swedish by the first role who may see it."""
        test: Any = self
        for name, entry in sorted(self.MATRIX.items()):
            expectations = entry.expectation("get")
            if expectations is None:
                continue
            url = reverse(name, kwargs=self.kwargs_for(entry))
            with test.subTest(url=name), transaction.atomic():
                response = self._call(first_allowed(expectations), "get", url, entry)
                if response.status_code == 200 and "text/html" in response["Content-Type"]:
                    test.assertEqual(leftovers(response.content.decode()), [], url)
                transaction.set_rollback(True)

    def check_the_outsider_neither_sees_nor_changes_network_a(
        self, extra_check: Callable[[Any], None] | None = None
    ) -> None:
        test: Any = self
        before = self.fingerprint()
        for name, entry in sorted(self.MATRIX.items()):
            url = reverse(name, kwargs=self.kwargs_for(entry))
            for method in ("get", "post"):
                expectations = entry.expectation(method)
                if expectations is None or expectations is PUBLIC:
                    continue
                clients = ["david_on_b"]
                # A public row is public on its own host (and registering for it is allowed there).
                if expectations is not PUBLIC_ROW:
                    clients.append("david_on_a")
                for who in clients:
                    with test.subTest(url=name, method=method, who=who):
                        response = self._call(who, method, url, entry)
                        test.assertIn(response.status_code, {200, 302, 400, 403, 404})
                        for secret in self.SECRETS:
                            test.assertNotIn(secret.encode(), response.content)
                        if extra_check:
                            extra_check(response)
        test.assertEqual(self.fingerprint(), before)
