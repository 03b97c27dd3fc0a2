"""Personal data that other apps keep about a registry person, so that extracts and erasure cover it.

The members app cannot know every app that stores a name or an e-mail address (recruitment keeps
prospects' contact persons, for example), and must not import them. Such an app registers, in its
``AppConfig.ready()``::

    register_personal_data("recruitment.prospects", label=_("Prospects"), extract=fn, erase=fn)

``extract(person)`` returns JSON-ready rows for the register extract; ``erase(person)`` removes
the person's values from the app's rows and returns how many rows it changed. Both are called by
``members.services.privacy`` while the person still has their e-mail address.

Personal data that is not tied to a registry person (a declined prospect's contact person, for
example) needs a retention review of its own. An app registers it with::

    register_retention(
        "recruitment.prospects", label=..., columns=(...), candidates=fn, erase=fn
    )

``candidates(network=, now=, years=)`` returns the app's rows due for review as ``RetentionRow``
(one cell per column); ``erase(network=, ids=, actor=)`` erases the personal data of the chosen
rows that are still due and returns how many it erased. The retention page of the members app shows
one section per registered app.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from bygdebas.core.models import Network, User
    from bygdebas.members.models import Person


@dataclass(frozen=True)
class PersonalDataProvider:
    key: str
    label: str | Promise
    extract: Callable[[Person], list[dict[str, Any]]]
    erase: Callable[[Person], int]


_providers: dict[str, PersonalDataProvider] = {}


def register_personal_data(
    key: str,
    *,
    label: str | Promise,
    extract: Callable[[Person], list[dict[str, Any]]],
    erase: Callable[[Person], int],
) -> None:
    _providers[key] = PersonalDataProvider(key=key, label=label, extract=extract, erase=erase)


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
