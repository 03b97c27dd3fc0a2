"""Suggest measurable targets from the wording of an activity.

Only explicit, countable phrases count ("minst tre tillfällen per år", "varje månad",
"at least 10 new local groups"). A number on its own ("Agenda 2030", "2025") never becomes a
target: a wrong suggestion costs the user more than a missing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Keys of the metric registry (bygdebas.plan.metrics); kept as literals so that parsing needs
# nothing but the text.
METRIC_ACTIONS = "plan.actions"
METRIC_PARTICIPANTS = "plan.participants"
METRIC_MUNICIPALITIES = "plan.municipalities"


@dataclass
class ParsedTarget:
    metric: str
    value: int
    period: str = "year"
    note: str = ""


NUMBER_WORDS: dict[str, int] = {
    "en": 1,
    "ett": 1,
    "två": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "åtta": 8,
    "nio": 9,
    "tio": 10,
    "elva": 11,
    "tolv": 12,
    "tretton": 13,
    "fjorton": 14,
    "femton": 15,
    "sexton": 16,
    "sjutton": 17,
    "arton": 18,
    "aderton": 18,
    "nitton": 19,
    "tjugo": 20,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}

# Digits of any script count ("３" is a three; "³" is not a digit); a number too long to be a
# count is read, then dropped by _number, so that its digits do not count as a shorter number.
_NUMBER = (
    r"(?:\d{1,3}(?: \d{3})+|\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
)
# Targets are stored as positive integers (at most 2,147,483,647) and multiplied by up to 52
# periods a year: a count above this is not a target anyone sets.
MAX_COUNT = 10_000_000
# "en"/"ett" only count after a quantifier or before "gång", where they cannot be articles.
_AT_LEAST = r"(?:minst|åtminstone|inte mindre än|at least|no fewer than|not less than|a minimum of)"
_MORE_THAN = r"(?:fler än|mer än|över|more than|over)"
# A quantity of money, time or share is not a count of actions.
_NOT_A_COUNT = (
    r"(?:%|(?:procent|procentenheter|percent|kr|kronor|sek|tkr|mkr|euro|år|års|månader|veckor|"
    r"dagar|timmar|minuter|km|kilometer|meter|mil|years?|months?|weeks?|days?|hours?|minutes?)\b)"
)
_QUANTIFIED_RE = re.compile(
    rf"\b(?P<quantifier>{_AT_LEAST}|{_MORE_THAN})\s+(?P<number>{_NUMBER})\b"
    # Not part of a longer number ("100 000 kr"), and not money, time or a share.
    rf"(?! ?\d)(?!\s*{_NOT_A_COUNT})",
    re.IGNORECASE,
)
_PERIOD = (
    r"(?P<period>år|året|månad|månaden|kvartal|kvartalet|halvår|halvåret|termin|terminen|"
    r"vecka|veckan|year|month|quarter|week)"
)
_TIMES_RE = re.compile(
    rf"\b(?P<number>{_NUMBER})\s+(?:gånger|gång|ggr|tillfällen|tillfälle|times|occasions)\s+"
    rf"(?:per|om|i|varje|a|an|each|every)\s+{_PERIOD}\b",
    re.IGNORECASE,
)
_TWICE_RE = re.compile(rf"\b(?P<word>once|twice)\s+(?:per|a|an|each|every)\s+{_PERIOD}\b", re.I)
_PER_PERIOD_RE = re.compile(
    rf"^[^.;]{{0,60}}?\b(?:per|om|i|varje|a|an|each|every)\s+{_PERIOD}\b", re.IGNORECASE
)
_FREQUENCIES: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\b(?:varje|varenda|every)\s+(?:vecka|week)\b|\bveckovis\b|\bweekly\b", re.I), 52),
    (re.compile(r"\b(?:varannan månad|every other month)\b", re.I), 6),
    (
        re.compile(
            r"\b(?:varje|varenda|every)\s+(?:månad|month)\b|\bmånadsvis\b|\bmonthly\b", re.I
        ),
        12,
    ),
    (
        re.compile(
            r"\b(?:varje|every)\s+(?:kvartal|quarter)\b|\bkvartalsvis\b|\bquarterly\b", re.I
        ),
        4,
    ),
    (re.compile(r"\b(?:varje|every)\s+(?:halvår|termin)\b|\bhalvårsvis\b", re.I), 2),
    (
        re.compile(
            r"\bårligen\b|\b(?:varje|every)\s+(?:år|year)\b|\bannually\b|\byearly\b"
            r"|\ben gång (?:per|om|i) året?\b",
            re.I,
        ),
        1,
    ),
)
_PERIODS_PER_YEAR = {
    "år": 1,
    "året": 1,
    "year": 1,
    "halvår": 2,
    "halvåret": 2,
    "termin": 2,
    "terminen": 2,
    "kvartal": 4,
    "kvartalet": 4,
    "quarter": 4,
    "månad": 12,
    "månaden": 12,
    "month": 12,
    "vecka": 52,
    "veckan": 52,
    "week": 52,
}
_PARTICIPANT_WORDS = re.compile(
    r"^(?:\s+\w+)?\s+(?:deltagare|personer|besökare|medverkande|participants|people|visitors)\b",
    re.IGNORECASE,
)
_MUNICIPALITY_WORDS = re.compile(
    r"^(?:\s+\w+)?\s+(?:kommuner|municipalities)\b",
    re.IGNORECASE,
)
_OF_WHICH_RE = re.compile(r"\b(?:varav|of which|of whom)\b(?P<rest>[^.;]*)", re.IGNORECASE)
_OF_WHICH_NUMBER_RE = re.compile(
    rf"(?:(?P<quantifier>{_AT_LEAST}|{_MORE_THAN})\s+)?\b(?P<number>{_NUMBER})\b", re.IGNORECASE
)
_YOUTH_LED_RE = re.compile(r"\b(?:ungdomsledd\w*|youth-led|led by young people)", re.IGNORECASE)
_YOUTH_RE = re.compile(r"\b(?:unga|ungdomar\w*|young people|youths?)\b", re.IGNORECASE)


def _number(text: str) -> int:
    """The value of a number in words or digits; 0 (no target) for one beyond ``MAX_COUNT``."""
    word = text.casefold()
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    digits = word.replace(" ", "")
    # int() refuses numbers of more than 4,300 digits: check the length first.
    if len(digits) > len(str(MAX_COUNT)):
        return 0
    value = int(digits)
    return value if value <= MAX_COUNT else 0


def _is_more_than(quantifier: str) -> bool:
    return re.fullmatch(_MORE_THAN, quantifier, re.IGNORECASE) is not None


def _metric_after(text: str) -> str:
    if _PARTICIPANT_WORDS.match(text):
        return METRIC_PARTICIPANTS
    if _MUNICIPALITY_WORDS.match(text):
        return METRIC_MUNICIPALITIES
    return METRIC_ACTIONS


def _periods_per_year(text_after: str) -> int:
    match = _PER_PERIOD_RE.match(text_after)
    return _PERIODS_PER_YEAR[match["period"].casefold()] if match else 1


def _main_target(text: str) -> ParsedTarget | None:
    candidates: list[tuple[int, ParsedTarget]] = []
    for match in _QUANTIFIED_RE.finditer(text):
        value = _number(match["number"]) + (1 if _is_more_than(match["quantifier"]) else 0)
        after = text[match.end() :]
        metric = _metric_after(after)
        if metric == METRIC_ACTIONS:
            value *= _periods_per_year(after)
        candidates.append((match.start(), ParsedTarget(metric=metric, value=value)))
    for match in _TIMES_RE.finditer(text):
        value = _number(match["number"]) * _PERIODS_PER_YEAR[match["period"].casefold()]
        candidates.append((match.start(), ParsedTarget(metric=METRIC_ACTIONS, value=value)))
    for match in _TWICE_RE.finditer(text):
        times = 2 if match["word"].casefold() == "twice" else 1
        value = times * _PERIODS_PER_YEAR[match["period"].casefold()]
        candidates.append((match.start(), ParsedTarget(metric=METRIC_ACTIONS, value=value)))
    candidates = [(start, target) for start, target in candidates if target.value > 0]
    if candidates:
        return min(candidates, key=lambda candidate: candidate[0])[1]
    for pattern, value in _FREQUENCIES:
        if pattern.search(text):
            return ParsedTarget(metric=METRIC_ACTIONS, value=value)
    return None


def _of_which_target(rest: str, metric: str) -> ParsedTarget | None:
    if _YOUTH_LED_RE.search(rest):
        note = _("of which youth-led")
    elif _YOUTH_RE.search(rest):
        note = _("of which young people")
    else:
        return None
    for match in _OF_WHICH_NUMBER_RE.finditer(rest):
        number, quantifier = match["number"], match["quantifier"]
        # "en"/"ett" without a quantifier is an article ("varav en del unga"), not a number.
        if number.casefold() in {"en", "ett"} and not quantifier:
            continue
        value = _number(number) + (1 if quantifier and _is_more_than(quantifier) else 0)
        if value > 0:
            return ParsedTarget(metric=metric, value=value, note=note)
    return None


# Every phrase above contains one of these; most activities contain none, and one search for
# them costs less than the dozen searches for the phrases.
# (Matched against the lower-cased text: ten times faster than re.IGNORECASE.)
_ANY_PHRASE_RE = re.compile(
    r"minst|åtminstone|mindre än|at least|no fewer than|not less than|a minimum of|fler än|"
    r"mer än|över|more than|over|gång|ggr|tillfälle|times|occasions|once|twice|varje|varenda|"
    r"every|veckovis|weekly|varannan|månadsvis|monthly|kvartalsvis|quarterly|halvårsvis|"
    r"årligen|annually|yearly"
)


def suggest_targets(text: str) -> list[ParsedTarget]:
    """Suggest yearly targets from explicit countable phrases in an activity's text."""
    if not _ANY_PHRASE_RE.search(text.lower()):
        return []
    of_which = _OF_WHICH_RE.search(text)
    main_text = text[: of_which.start()] + text[of_which.end() :] if of_which else text
    main = _main_target(main_text)
    if main is None:
        return []
    targets = [main]
    if of_which:
        extra = _of_which_target(of_which["rest"], main.metric)
        if extra is not None:
            targets.append(extra)
    return targets
