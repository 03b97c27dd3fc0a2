"""Transit: the GTFS connectivity engine (pure Python + numpy/pyarrow; never imports Django)."""

from transit.errors import FeedError
from transit.feed import Feed, load_feed
from transit.journeys import Journey, all_pairs, board_values, journeys, journeys_to
from transit.places import Place, place_stops, read_places
from transit.timetable import Timetable

__all__ = [
    "Feed",
    "FeedError",
    "Journey",
    "Place",
    "Timetable",
    "all_pairs",
    "board_values",
    "journeys",
    "journeys_to",
    "load_feed",
    "place_stops",
    "read_places",
]
