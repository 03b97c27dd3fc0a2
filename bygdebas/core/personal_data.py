"""The personal-data registry: what personal data each app keeps, so that the register extract,
erasure and the retention review cover all of it without any app importing another.

The register extract and erasure (GDPR articles 15 and 17) are about a person of the member
registry (``members.Person``), seen here only as a ``DataSubject``: its network and e-mail address.
An app that keeps personal data about such a person registers it in its ``AppConfig.ready()``::

    from bygdebas.core.personal_data import register_personal_data

    register_personal_data(
        "events.registrations",
        label=_("Event registrations"),
        extract=privacy.extract,            # (subject) -> JSON-ready rows for the extract
        erase=privacy.erase,                # (subject) -> how many rows it changed
        describe_erasure=privacy.describe,  # optional: a line for the erasure page
        extract_template="events/privacy/extract_registrations.html",  # optional: its PDF table
    )

``extract`` and ``erase`` are called while the person still has their e-mail address; an erased
name is replaced by ``erased_name()``. Without ``section`` the rows appear in the extract under
``other_records[key]``; a ``section`` gives them a top-level key of their own. The extract's PDF
shows each provider's rows as a generic table unless ``extract_template`` renders them
(it gets ``rows``).

Personal data that is not about a registry person (a declined prospect's contact person, a
newsletter subscriber) needs a retention review of its own::

    register_retention(
        "recruitment.prospects", label=..., columns=(...), candidates=fn, erase=fn
    )

``candidates(network=, now=, years=)`` returns the app's rows due for review as ``RetentionRow``
(one cell per column); ``erase(network=, ids=, actor=)`` erases the personal data of the chosen
rows that are still due and returns how many it erased. The members app's retention page shows one
section per registered app. Providers are used in the order of their keys.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from bygdebas.core.models import Network, User


class DataSubject(Protocol):
    """The person personal data is about: a person of the member registry (``members.Person``)."""

    @property
    def pk(self) -> Any: ...

    @property
    def network(self) -> Network: ...

    @property
    def network_id(self) -> int: ...

    @property
    def email(self) -> str: ...


def erased_name() -> str:
    """The placeholder for an erased name, in the installation's language (data, not UI)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Erased person")


# Personal data about a registry person


@dataclass(frozen=True)
class PersonalDataProvider:
    key: str
    label: str | Promise
    extract: Callable[[DataSubject], list[dict[str, Any]]]
    erase: Callable[[DataSubject], int]
    section: str = ""
    extract_template: str = ""
    describe_erasure: Callable[[DataSubject], str] | None = None


_providers: dict[str, PersonalDataProvider] = {}


def register_personal_data(
    key: str,
    *,
    label: str | Promise,
    extract: Callable[[DataSubject], list[dict[str, Any]]],
    erase: Callable[[DataSubject], int],
    section: str = "",
    extract_template: str = "",
    describe_erasure: Callable[[DataSubject], str] | None = None,
) -> None:
    """Declare personal data an app keeps about registry people (see the module docstring)."""
    _providers[key] = PersonalDataProvider(
        key=key,
        label=label,
        extract=extract,
        erase=erase,
        section=section,
        extract_template=extract_template,
        describe_erasure=describe_erasure,
    )


def providers() -> list[PersonalDataProvider]:
    return [_providers[key] for key in sorted(_providers)]


# Retention review of records that are not a registry person


@dataclass(frozen=True)
class RetentionRow:
    """One record due for review: its id, one cell per column, and when it last changed."""

    pk: int
    cells: tuple[str, ...]
    last_activity_at: datetime.datetime
    url: str = ""


class RetentionCandidates(Protocol):
    def __call__(
        self, *, network: Network, now: datetime.datetime, years: int
    ) -> list[RetentionRow]: ...


class RetentionErase(Protocol):
    def __call__(self, *, network: Network, ids: Sequence[int], actor: User) -> int: ...


@dataclass(frozen=True)
class RetentionProvider:
    key: str
    label: str | Promise
    description: str | Promise
    columns: tuple[str | Promise, ...]
    candidates: RetentionCandidates
    erase: RetentionErase


_retention_providers: dict[str, RetentionProvider] = {}


def register_retention(
    key: str,
    *,
    label: str | Promise,
    columns: tuple[str | Promise, ...],
    candidates: RetentionCandidates,
    erase: RetentionErase,
    description: str | Promise = "",
) -> None:
    """Declare records an app keeps that need a retention review of their own."""
    _retention_providers[key] = RetentionProvider(
        key=key,
        label=label,
        description=description,
        columns=columns,
        candidates=candidates,
        erase=erase,
    )


def retention_providers() -> list[RetentionProvider]:
    return [_retention_providers[key] for key in sorted(_retention_providers)]


def retention_provider(key: str) -> RetentionProvider | None:
    return _retention_providers.get(key)
