"""Fetching the advocacy app's rows: 404 for other networks' rows, 403 for a missing role."""

from __future__ import annotations

from bygdebas.advocacy.models import Case, CaseDocument, Entry, NationalIssue, Position, Source
from bygdebas.core.access import fetch
from bygdebas.core.http import AnyUser
from bygdebas.core.models import Network


def get_source_for_user(user: AnyUser, network: Network, pk: int, *, write: bool = False) -> Source:
    return fetch(user, network, Source, pk, write=write)


def get_entry_for_user(user: AnyUser, network: Network, pk: int, *, write: bool = False) -> Entry:
    entries = Entry.objects.select_related("source", "assigned_to", "case", "topic", "network")
    return fetch(user, network, entries, pk, write=write)


def get_case_for_user(
    user: AnyUser,
    network: Network,
    pk: int,
    *,
    write: bool = False,
    roles: frozenset[str] | None = None,
) -> Case:
    cases = Case.objects.select_related("network", "responsible", "topic", "approved_by", "action")
    return fetch(user, network, cases, pk, write=write, roles=roles)


def get_position_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Position:
    return fetch(user, network, Position.objects.select_related("topic", "case"), pk, write=write)


def get_national_issue_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> NationalIssue:
    return fetch(user, network, NationalIssue, pk, write=write)


def get_document_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> CaseDocument:
    return fetch(user, network, CaseDocument.objects.select_related("case"), pk, write=write)
