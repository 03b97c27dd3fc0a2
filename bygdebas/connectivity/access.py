"""Fetching feeds and analyses: 404 for other networks' rows, 403 for a missing role."""

from __future__ import annotations

from bygdebas.connectivity.models import Analysis, Feed
from bygdebas.core.access import fetch
from bygdebas.core.http import AnyUser
from bygdebas.core.models import Network


def get_feed_for_user(user: AnyUser, network: Network, pk: int, *, write: bool = False) -> Feed:
    return fetch(user, network, Feed.objects.select_related("uploaded_by"), pk, write=write)


def get_analysis_for_user(
    user: AnyUser, network: Network, pk: int, *, write: bool = False
) -> Analysis:
    analyses = Analysis.objects.select_related(
        "feed", "network", "created_by", "compared_with__feed", "action", "activity"
    )
    return fetch(user, network, analyses, pk, write=write)
