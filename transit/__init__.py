"""Transit: the GTFS connectivity engine (pure Python + numpy/pyarrow; never imports Django)."""

from transit.compare import Comparison, PairChange, compare
from transit.errors import FeedError
from transit.feed import Feed
from transit.indicators import Analysis, PairIndicators, PlaceIndicators, analyse
from transit.journeys import Journey, all_pairs, journeys
from transit.loading import load_feed
from transit.places import Place, place_stops, read_places
from transit.source import Limits
from transit.timetable import Timetable

__all__ = [
    "Analysis",
    "Comparison",
    "Feed",
    "FeedError",
    "Journey",
    "Limits",
    "PairChange",
    "PairIndicators",
    "Place",
    "PlaceIndicators",
    "Timetable",
    "all_pairs",
    "analyse",
    "compare",
    "journeys",
    "load_feed",
    "place_stops",
    "read_places",
]
