"""Fetching feeds and analyses: 404 for other networks' rows, 403 for a missing role."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from bygdebas.connectivity.models import Analysis, Feed
from bygdebas.core.access import READ_ROLES, WRITE_ROLES, check_role
from bygdebas.core.models import Network


def _roles(write: bool) -> frozenset[str]:
    return WRITE_ROLES if write else READ_ROLES


def get_feed_for_user(user: Any, network: Network, pk: int, *, write: bool = False) -> Feed:
    check_role(user, network, _roles(write))
    try:
        return Feed.objects.for_network(network).select_related("uploaded_by").get(pk=pk)
    except Feed.DoesNotExist:
        raise Http404 from None


def get_analysis_for_user(user: Any, network: Network, pk: int, *, write: bool = False) -> Analysis:
    check_role(user, network, _roles(write))
    try:
        return (
            Analysis.objects.for_network(network)
            .select_related(
                "feed", "network", "created_by", "compared_with__feed", "action", "activity"
            )
            .get(pk=pk)
        )
    except Analysis.DoesNotExist:
        raise Http404 from None
