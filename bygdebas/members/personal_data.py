"""Personal data that other apps keep about a registry person, so that extracts and erasure cover it.

The members app cannot know every app that stores a name or an e-mail address (recruitment keeps
prospects' contact persons, for example), and must not import them. Such an app registers, in its
``AppConfig.ready()``::

    register_personal_data("recruitment.prospects", label=_("Prospects"), extract=fn, erase=fn)

``extract(person)`` returns JSON-ready rows for the register extract; ``erase(person)`` removes
the person's values from the app's rows and returns how many rows it changed. Both are called by
``members.services.privacy`` while the person still has their e-mail address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.utils.functional import Promise

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
