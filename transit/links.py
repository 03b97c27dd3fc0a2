"""Transfer links between stops: where one can change, how long it takes, and the rules that say so.

Changing at the same stop takes the minimum transfer time; between stops of one station, and
between stops within walk_m, the walk at 1.2 m/s (never less than the minimum); transfers.txt
rules override those, a rule on a station applying to its stops, rules naming trips or routes
kept apart as special rules the scan tries first.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt

from transit.geo import haversine_m
from transit.transfers import (
    TRANSFER_FORBIDDEN,
    TRANSFER_MIN_TIME,
    TRANSFER_TIMED,
    TransferRule,
)

if TYPE_CHECKING:
    from transit.feed import Feed

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]

WALK_SPEED_M_S = 1.2
FORBIDDEN = -1


def walk_seconds(distance_m: float, min_transfer_s: int) -> int:
    """Return the time to change by walking: the walk at 1.2 m/s, never below the minimum transfer."""
    if math.isnan(distance_m):
        return min_transfer_s
    return max(min_transfer_s, math.ceil(distance_m / WALK_SPEED_M_S))


def rule_seconds(rule: TransferRule, walk_s: int, min_transfer_s: int) -> int:
    """Return the transfer time a transfers.txt rule sets."""
    if rule.transfer_type == TRANSFER_FORBIDDEN:
        return FORBIDDEN
    if rule.transfer_type == TRANSFER_TIMED:
        return 0
    if rule.transfer_type == TRANSFER_MIN_TIME and rule.min_transfer_s is not None:
        return rule.min_transfer_s
    # Recommended (0), or type 2 without a time: the ordinary change at that place.
    return min_transfer_s if rule.from_stop == rule.to_stop else walk_s


def _children(feed: Feed) -> dict[int, list[int]]:
    children: dict[int, list[int]] = defaultdict(list)
    for stop in np.flatnonzero((feed.parent >= 0) & (feed.location_type == 0)):
        children[int(feed.parent[stop])].append(int(stop))
    return children


def _expand(feed: Feed, stop: int, children: dict[int, list[int]]) -> list[int]:
    """A rule on a station applies to its stops."""
    if feed.location_type[stop] == 1:
        return children.get(stop, [])
    return [stop]


def feed_links(feed: Feed, min_transfer_s: int, walk_m: float) -> Links:
    """The links depend on the feed and the parameters only: made once per feed."""
    links_key = f"links:{min_transfer_s}:{walk_m!r}"
    cached = feed.derived.get(links_key)
    if not isinstance(cached, tuple):
        cached = make_links(feed, min_transfer_s, walk_m)
        feed.derived[links_key] = cached
    return cast(Links, cached)


Links = tuple[IntArray, Int32Array, IntArray, dict[tuple[int, int], list[TransferRule]]]


def make_links(feed: Feed, min_transfer_s: int, walk_m: float) -> Links:
    """Default transfer time of every stop pair one can change between, and the special rules."""
    # Changing at the same stop, for every stop a trip calls at: kept as arrays, since they are
    # most of the links; the pairs below go to a dict and override these.
    calls_at = np.bincount(feed.st_stop, minlength=feed.n_stops) > 0
    used = np.flatnonzero(calls_at).astype(feed.st_stop.dtype)
    default: dict[tuple[int, int], int] = {}
    # Stops of one station count as one place to change at.
    siblings: dict[int, list[int]] = defaultdict(list)
    for stop in used:
        if feed.parent[stop] >= 0:
            siblings[int(feed.parent[stop])].append(int(stop))
    for group in siblings.values():
        for a in group:
            for b in group:
                if a != b:
                    default[(a, b)] = walk_between(feed, a, b, min_transfer_s)
    if walk_m > 0:
        for a, b, distance in _pairs_within(feed, used, walk_m):
            default[(a, b)] = walk_seconds(distance, min_transfer_s)

    children = _children(feed)

    def exactness(rule: TransferRule) -> int:
        return int(feed.location_type[rule.from_stop] != 1) + int(
            feed.location_type[rule.to_stop] != 1
        )

    # Among rules for the same stops, a rule naming the stops beats one naming their stations,
    # and among equals the first row of the file wins.
    ranked = sorted(feed.transfers, key=lambda r: (-r.specificity, -exactness(r), r.line))
    set_by_rule: set[tuple[int, int]] = set()
    special: dict[tuple[int, int], list[TransferRule]] = defaultdict(list)
    for rule in ranked:
        for a in _expand(feed, rule.from_stop, children):
            for b in _expand(feed, rule.to_stop, children):
                if rule.specificity:
                    special[(a, b)].append(_at(rule, a, b))
                    at_own_stop = a == b and bool(calls_at[a])
                    default.setdefault((a, b), min_transfer_s if at_own_stop else FORBIDDEN)
                elif (a, b) not in set_by_rule:
                    set_by_rule.add((a, b))
                    walk = walk_between(feed, a, b, min_transfer_s)
                    default[(a, b)] = rule_seconds(_at(rule, a, b), walk, min_transfer_s)

    n = feed.n_stops
    own = np.asarray(list(default), dtype=np.int64).reshape(-1, 2)
    own_key = own[:, 0] * n + own[:, 1]
    same_key = used.astype(np.int64) * (n + 1)  # (s, s) as s * n + s
    same_key = same_key[~np.isin(same_key, own_key)]
    keys = np.concatenate((same_key, own_key))
    seconds = np.concatenate(
        (
            np.full(len(same_key), min_transfer_s, dtype=np.int64),
            np.asarray(list(default.values()), dtype=np.int64),
        )
    )
    order = np.argsort(keys, kind="stable")
    keys, seconds = keys[order], seconds[order]
    link_from = keys // n if n else keys
    link_start = np.searchsorted(link_from, np.arange(n + 1)).astype(np.int64)
    link_to = (keys % n if n else keys).astype(np.int32)
    return link_start, link_to, seconds, dict(special)


def _at(rule: TransferRule, a: int, b: int) -> TransferRule:
    if rule.from_stop == a and rule.to_stop == b:
        return rule
    return TransferRule(
        from_stop=a,
        to_stop=b,
        transfer_type=rule.transfer_type,
        min_transfer_s=rule.min_transfer_s,
        from_trip=rule.from_trip,
        to_trip=rule.to_trip,
        from_route=rule.from_route,
        to_route=rule.to_route,
        line=rule.line,
    )


def walk_between(feed: Feed, a: int, b: int, min_transfer_s: int) -> int:
    distance = float(
        haversine_m(
            float(feed.stop_lat[a]),
            float(feed.stop_lon[a]),
            feed.stop_lat[b : b + 1],
            feed.stop_lon[b : b + 1],
        )[0]
    )
    return walk_seconds(distance, min_transfer_s) if a != b else min_transfer_s


def _pairs_within(feed: Feed, stops: Int32Array, walk_m: float) -> list[tuple[int, int, float]]:
    """Return ordered pairs of different stops within walk_m of each other (a latitude sweep)."""
    stops = stops[~np.isnan(feed.stop_lat[stops])]
    order = stops[np.argsort(feed.stop_lat[stops], kind="stable")]
    lat = feed.stop_lat[order]
    lon = feed.stop_lon[order]
    band = walk_m / 111_000.0 * 1.01 + 1e-9
    pairs: list[tuple[int, int, float]] = []
    for i, stop in enumerate(order):
        hi = int(np.searchsorted(lat, lat[i] + band, side="right"))
        if hi <= i + 1:
            continue
        distance = haversine_m(float(lat[i]), float(lon[i]), lat[i + 1 : hi], lon[i + 1 : hi])
        for j in np.flatnonzero(distance <= walk_m):
            other = int(order[i + 1 + int(j)])
            pairs.append((int(stop), other, float(distance[j])))
            pairs.append((other, int(stop), float(distance[j])))
    return pairs
