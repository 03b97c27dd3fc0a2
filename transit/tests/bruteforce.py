"""An independent brute force for the journeys: one earliest-arrival scan per candidate departure.

It shares only the connection list with the engine. Transfer times are worked out here from
the feed itself, and changes are counted by rounds: round k boards only from where round k-1
got off, so the first round that reaches the best arrival gives the fewest changes.

The journeys of the date (docs/transit.md): the Pareto set over every departure of the whole
timeline (the day before, the date and the day after), of which those leaving in [0, 24 h)
belong to the date. A departure of the date is dominated by a later one of the date, or by
any of the next day: of the latter, only the earliest arrival of all matters, which is one
scan leaving at 24:00. A journey leaves its origin: the destination's stops that are also the
origin's do not count as arriving.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Mapping

import numpy as np

from transit.geo import haversine_m
from transit.journeys import Journey
from transit.timetable import Timetable

DAY_S = 86_400
INF = 1 << 62
NO = -1


class BruteForce:
    """Earliest-arrival scans over a timetable, with the transfer rules re-derived from the feed."""

    def __init__(self, tt: Timetable) -> None:
        self.tt = tt
        feed = tt.feed
        self.feed = feed
        self.conn = list(
            zip(
                tt.dep_stop.tolist(),
                tt.arr_stop.tolist(),
                tt.dep_s.tolist(),
                tt.arr_s.tolist(),
                tt.trip.tolist(),
                tt.can_board.tolist(),
                tt.can_alight.tolist(),
                strict=True,
            )
        )
        self.dep = tt.dep_s.tolist()
        self.trip_feed = tt.trip_feed.tolist()
        named_trips = {r.from_trip for r in feed.transfers} | {r.to_trip for r in feed.transfers}
        named_routes = {r.from_route for r in feed.transfers} | {r.to_route for r in feed.transfers}
        self.special = [
            t in named_trips or int(feed.trip_route[t]) in named_routes for t in range(feed.n_trips)
        ]
        used = sorted({c[0] for c in self.conn} | {c[1] for c in self.conn})
        self.rule_pairs = {
            (v, w)
            for r in feed.transfers
            for v in self._stops_of(r.from_stop)
            for w in self._stops_of(r.to_stop)
        }
        self.in_links: dict[int, list[int]] = defaultdict(list)
        for w in used:
            for v in used:
                if self._could_change(v, w):
                    self.in_links[w].append(v)
        self._cache: dict[tuple[int, int, int, int], int] = {}

    def _stops_of(self, stop: int) -> set[int]:
        feed = self.feed
        if feed.location_type[stop] == 1:
            return {
                int(s) for s in np.flatnonzero(feed.parent == stop) if feed.location_type[s] == 0
            }
        return {stop}

    def _distance(self, v: int, w: int) -> float:
        feed = self.feed
        return float(
            haversine_m(
                float(feed.stop_lat[v]),
                float(feed.stop_lon[v]),
                feed.stop_lat[w : w + 1],
                feed.stop_lon[w : w + 1],
            )[0]
        )

    def _walk(self, v: int, w: int) -> int:
        if v == w:
            return self.tt.min_transfer_s
        d = self._distance(v, w)
        walk = 0 if math.isnan(d) else math.ceil(d / 1.2)
        return max(self.tt.min_transfer_s, walk)

    def _could_change(self, v: int, w: int) -> bool:
        feed = self.feed
        if v == w or (feed.parent[v] >= 0 and feed.parent[v] == feed.parent[w]):
            return True
        if (v, w) in self.rule_pairs:
            return True
        return self.tt.walk_m > 0 and self._distance(v, w) <= self.tt.walk_m

    def transfer(self, v: int, w: int, x_feed: int, y_feed: int) -> int:
        """Seconds needed to change from feed trip x at v to feed trip y at w; NO if not allowed."""
        key = (v, w, x_feed, y_feed)
        if key in self._cache:
            return self._cache[key]
        feed = self.feed
        x_route = int(feed.trip_route[x_feed]) if x_feed >= 0 else -9
        y_route = int(feed.trip_route[y_feed]) if y_feed >= 0 else -9
        best: tuple[int, int, int] | None = None
        chosen = None
        for rule in feed.transfers:
            if v not in self._stops_of(rule.from_stop) or w not in self._stops_of(rule.to_stop):
                continue
            if rule.from_trip >= 0 and rule.from_trip != x_feed:
                continue
            if rule.to_trip >= 0 and rule.to_trip != y_feed:
                continue
            if rule.from_route >= 0 and rule.from_route != x_route:
                continue
            if rule.to_route >= 0 and rule.to_route != y_route:
                continue
            trips = (rule.from_trip >= 0) + (rule.to_trip >= 0)
            routes = (rule.from_route >= 0) + (rule.to_route >= 0)
            exact = (rule.from_stop == v) + (rule.to_stop == w)
            rank = (3 * trips + routes, exact, -rule.line)
            if best is None or rank > best:
                best, chosen = rank, rule
        if chosen is None:
            result = self._walk(v, w) if self._could_change_by_default(v, w) else NO
        elif chosen.transfer_type == 3:
            result = NO
        elif chosen.transfer_type == 1:
            result = 0
        elif chosen.transfer_type == 2 and chosen.min_transfer_s is not None:
            result = chosen.min_transfer_s
        else:
            result = self._walk(v, w)
        self._cache[key] = result
        return result

    def _could_change_by_default(self, v: int, w: int) -> bool:
        feed = self.feed
        if v == w or (feed.parent[v] >= 0 and feed.parent[v] == feed.parent[w]):
            return True
        return self.tt.walk_m > 0 and self._distance(v, w) <= self.tt.walk_m

    def scan(self, origin: Collection[int], t: int) -> tuple[list[int], list[int]]:
        """Return per stop the earliest arrival leaving the origin at t or later and the fewest changes."""
        n_stops = self.feed.n_stops
        best = [INF] * n_stops
        best_k = [INF] * n_stops
        reached_at = [INF] * self.tt.n_trips
        first = int(np.searchsorted(self.tt.dep_s, t))
        origin_set = set(origin)
        # Alight events of the previous round: per stop, from trips no rule names (earliest
        # arrival suffices) and from named trips (each with its trip).
        plain_prev: dict[int, int] = {}
        special_prev: dict[int, list[tuple[int, int]]] = {}
        for k in range(64):
            plain_now: dict[int, int] = {}
            special_now: dict[int, list[tuple[int, int]]] = defaultdict(list)
            on: set[int] = set()
            lower = [INF] * n_stops
            if k:
                for v, a in plain_prev.items():
                    for w in self._out(v):
                        lower[w] = min(lower[w], a)
                for v, events in special_prev.items():
                    for w in self._out(v):
                        lower[w] = min(lower[w], *(a for a, _ in events))
            progressed = False
            for c in range(first, len(self.conn)):
                ds, as_, d, a, y, board, alight = self.conn[c]
                if y not in on:
                    if not board or c >= reached_at[y]:
                        continue
                    if k == 0:
                        if ds not in origin_set:
                            continue
                    elif d < lower[ds] or not self._can_board(ds, d, y, plain_prev, special_prev):
                        continue
                    on.add(y)
                    reached_at[y] = c
                    progressed = True
                if alight:
                    if a < best[as_]:
                        best[as_] = a
                        best_k[as_] = k
                    if self.special[self.trip_feed[y]]:
                        special_now[as_].append((a, y))
                    elif a < plain_now.get(as_, INF):
                        plain_now[as_] = a
            if not progressed:
                break
            plain_prev, special_prev = plain_now, dict(special_now)
        return best, best_k

    def _out(self, v: int) -> list[int]:
        if not hasattr(self, "_out_links"):
            out: dict[int, list[int]] = defaultdict(list)
            for w, sources in self.in_links.items():
                for s in sources:
                    out[s].append(w)
            self._out_links = out
        return self._out_links.get(v, [])

    def _can_board(
        self,
        w: int,
        d: int,
        y: int,
        plain: dict[int, int],
        special: dict[int, list[tuple[int, int]]],
    ) -> bool:
        y_feed = self.trip_feed[y]
        for v in self.in_links.get(w, ()):
            a = plain.get(v)
            if a is not None and a <= d:
                wait = self.transfer(v, w, -1, y_feed)
                if wait != NO and a + wait <= d:
                    return True
            for a, x in special.get(v, ()):
                if a <= d and x != y:
                    wait = self.transfer(v, w, self.trip_feed[x], y_feed)
                    if wait != NO and a + wait <= d:
                        return True
        return False

    def candidates(self, origin: Collection[int]) -> list[int]:
        """Every distinct departure time of a boardable connection leaving the origin in [0, 24:00)."""
        origin_set = set(origin)
        return sorted(
            {
                d
                for ds, _, d, _, _, board, _ in self.conn
                if board and ds in origin_set and 0 <= d < DAY_S
            }
        )

    def journeys_from(
        self, origin: Collection[int], destinations: Mapping[str, Collection[int]]
    ) -> dict[str, list[Journey]]:
        """Return the journeys of the date from the origin to every destination."""
        targets = {name: set(stops) - set(origin) for name, stops in destinations.items()}
        # Departures of the next day and later: only their earliest arrival matters.
        tomorrow_best, _ = self.scan(origin, DAY_S)
        profile: dict[str, list[tuple[int, int, int]]] = {name: [] for name in destinations}
        for t in self.candidates(origin):
            best, best_k = self.scan(origin, t)
            for name, stops in targets.items():
                arrival = min((best[s] for s in stops), default=INF)
                if arrival >= INF:
                    continue
                changes = min(best_k[s] for s in stops if best[s] == arrival)
                profile[name].append((t, arrival, changes))
        result: dict[str, list[Journey]] = {}
        for name, points in profile.items():
            found: list[Journey] = []
            # The latest departure for each distinct arrival: walk from the latest candidate,
            # starting from what the next day's departures reach.
            best_arrival = min((tomorrow_best[s] for s in targets[name]), default=INF)
            for t, arrival, changes in reversed(points):
                if arrival < best_arrival:
                    best_arrival = arrival
                    found.append(Journey(t, arrival, changes))
            found.reverse()
            result[name] = found
        return result
