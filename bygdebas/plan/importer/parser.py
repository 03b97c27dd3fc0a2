"""Turn the text of an activity plan (verksamhetsplan) into its structure.

Text extracted from Word documents and PDFs is untidy: lines are wrapped mid-sentence, empty
lines appear between the wrapped lines of one paragraph, and page breaks leave debris. So
paragraphs are found by content (a line that ends a sentence ends the paragraph), not by
blank lines.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from bygdebas.plan.importer.proposals import propose_targets
from bygdebas.plan.importer.targets import ParsedTarget


class PlanImportError(Exception):
    """A document that cannot be turned into a plan; the message is meant for the user."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ParsedActivity:
    text: str
    targets: list[ParsedTarget]
    line: int


@dataclass
class ParsedArea:
    title: str
    activities: list[ParsedActivity]
    line: int


@dataclass
class ParsedPlan:
    title: str
    vision: str
    values: str
    overall_goal: str
    target_groups: str
    purpose: str
    areas: list[ParsedArea]
    year: int | None

    def title_for(self, year: int) -> str:
        """The title with the document's year put as ``year``: "…för 2025" imported as the
        plan for 2027 is proposed as "…för 2027"."""
        if self.year is None or self.year == year:
            return self.title
        return re.sub(rf"(?<!\d){self.year}(?!\d)", str(year), self.title)

    def to_dict(self) -> dict[str, Any]:
        """The plan as plain data, in the shape the plan import service takes."""
        return {
            "vision": self.vision,
            "values": self.values,
            "overall_goal": self.overall_goal,
            "target_groups": self.target_groups,
            "purpose": self.purpose,
            "areas": [
                {
                    "title": area.title,
                    "activities": [
                        {
                            "text": activity.text,
                            "targets": [
                                {"metric": t.metric, "value": t.value, "period": t.period}
                                for t in activity.targets
                            ],
                        }
                        for activity in area.activities
                    ],
                }
                for area in self.areas
            ],
        }


# --- Normalisation ---------------------------------------------------------------------------

_REMOVED_CHARACTERS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_REPLACED_CHARACTERS = {
    **{ord(c): " " for c in "\u00a0\u2002\u2003\u2007\u2009\u200a\u202f\u3000"},
    ord("\u2010"): "-",
    ord("\u2011"): "-",
    ord("\ufb00"): "ff",
    ord("\ufb01"): "fi",
    ord("\ufb02"): "fl",
    ord("\ufb03"): "ffi",
    ord("\ufb04"): "ffl",
}
# str.translate with a dict goes through Python for every character (about 0.3 s a MiB); a
# regular expression finds the few characters to change in C and leaves the rest alone.
_ODD_CHARACTERS = {**_REMOVED_CHARACTERS, **_REPLACED_CHARACTERS}
_ODD_CHARACTER_RE = re.compile("[" + "".join(map(chr, _ODD_CHARACTERS)) + "]")


def _replace_odd(match: re.Match[str]) -> str:
    return _ODD_CHARACTERS[ord(match.group())] or ""


def normalise_text(text: str) -> str:
    """Normalise line ends, odd spaces and invisible characters without moving lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A form feed usually sits at a line's edge; only a form feed inside a line adds one.
    text = text.replace("\n\f", "\n").replace("\f\n", "\n").replace("\f", "\n")
    text = text.replace("\v", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    # A soft hyphen where a line wraps is a real hyphenation; elsewhere it is invisible.
    text = _ODD_CHARACTER_RE.sub(_replace_odd, text.replace("\u00ad\n", "-\n"))
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


# --- Lines -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    number: int
    text: str


_DEBRIS_RE = re.compile(
    r"^(?:"
    r"(?:(?:sida|page|s\.)\s*)?\d{1,3}(?:\s*(?:\(\s*\d{1,3}\s*\)|(?:av|of|/)\s*\d{1,3}))?"
    r"|[-\u2013\u2014]\s*\d{1,3}\s*[-\u2013\u2014]"
    r"|[-*_=]{3,}"
    r")$",
    re.IGNORECASE,
)


def is_page_debris(text: str) -> bool:
    """A page number ("3", "Sida 3 av 12", "- 3 -") or a separator line."""
    return bool(_DEBRIS_RE.match(" ".join(text.split())))


def _content_lines(text: str) -> list[_Line]:
    lines = []
    for number, raw in enumerate(normalise_text(text).split("\n"), start=1):
        line = " ".join(raw.split())
        # Page numbers are short and separator lines all dashes: other lines need no look.
        if line and ((len(line) > 24 and line[0] not in "-*_=") or not _DEBRIS_RE.match(line)):
            lines.append(_Line(number, line))
    return lines


# Bullet characters of word processors, including Symbol's and Wingdings' private-use ones.
BULLET_GLYPHS = frozenset("•·▪▫◦‣\u2043●○■□►▶➢➤✓✔\uf0a7\uf0b7\uf076\uf0d8\uf0fc")
_GLYPH_BULLET_RE = re.compile(
    r"^(?:[" + "".join(sorted(BULLET_GLYPHS)) + r"]\s*"
    r"|[-\u2013\u2014*+]\s+(?:\[[ xX]\]\s+)?)"
    r"(?P<text>\S.*)$"
)
_ENUMERATED_BULLET_RE = re.compile(
    r"^(?:\(?\d{1,2}\)|\d{1,2}\.|\(?[a-zA-Z]\)|[a-z]\.|\(?(?:ii|iii|iv|vi|vii|viii|ix)[.)])\s+"
    r"(?P<text>\S.*)$"
)
_MARKDOWN_HEADING_RE = re.compile(r"^#{1,6}\s+(?P<text>.*?)\s*#*$")


def _bullet(text: str) -> tuple[str, str] | None:
    """The kind of list marker ("glyph" or "enumerated") and the text after it."""
    if match := _GLYPH_BULLET_RE.match(text):
        return "glyph", match["text"]
    if match := _ENUMERATED_BULLET_RE.match(text):
        return "enumerated", match["text"]
    return None


def _markdown_heading(text: str) -> str | None:
    if not text.startswith("#"):
        return None
    match = _MARKDOWN_HEADING_RE.match(text)
    return _strip_emphasis(match["text"]) if match else None


def _strip_emphasis(text: str) -> str:
    stripped = text.strip()
    for marker in ("**", "__"):
        if len(stripped) > 4 and stripped.startswith(marker) and stripped.endswith(marker):
            stripped = stripped[2:-2].strip()
    return stripped


# --- Headings --------------------------------------------------------------------------------

SECTION_KEYS = ("vision", "values", "overall_goal", "target_groups", "purpose", "activities")

_HEADINGS: dict[str, str] = {
    "vision": "vision",
    "vår vision": "vision",
    "our vision": "vision",
    "värdegrund": "values",
    "vår värdegrund": "values",
    "värderingar": "values",
    "values": "values",
    "our values": "values",
    "core values": "values",
    "övergripande mål": "overall_goal",
    "övergripande målsättning": "overall_goal",
    "övergripande målsättningar": "overall_goal",
    "overall goal": "overall_goal",
    "overall goals": "overall_goal",
    "målgrupper": "target_groups",
    "målgrupp": "target_groups",
    "target groups": "target_groups",
    "target group": "target_groups",
    "syfte": "purpose",
    "purpose": "purpose",
    "aktiviteter": "activities",
    "verksamhet och aktiviteter": "activities",
    "planerade aktiviteter": "activities",
    "activities": "activities",
    "planned activities": "activities",
}
_HEADING_NUMBER_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,4}\.)\s+")
_INLINE_HEADING_RE = re.compile(r"^(?P<heading>[^:]{2,40}):\s+(?P<rest>\S.*)$")


def _heading_name(text: str) -> str:
    name = _strip_emphasis(re.sub(r"\s*#+$", "", re.sub(r"^#{1,6}\s*", "", text)))
    name = _HEADING_NUMBER_RE.sub("", name)
    return _strip_emphasis(name.rstrip(":").strip()).rstrip(":").strip()


@dataclass
class _Heading:
    key: str
    title: str
    rest: str = ""


# Markdown, emphasis or numbering that _heading_name strips from a heading.
_HEADING_DECORATION_RE = re.compile(r"^\s*(?:[#*_0-9]|[IVX]{1,4}\.)|[#*_]\s*$")
# No heading name is longer; a longer line is a heading only as "Syfte: text".
_LONGEST_HEADING = 2 * max(map(len, _HEADINGS)) + 20


def _heading(text: str) -> _Heading | None:
    """The section a line heads, also for "Syfte: text" written on one line."""
    if len(text) > _LONGEST_HEADING and ":" not in text[:42]:
        return None
    if ":" not in text and not _HEADING_DECORATION_RE.search(text):
        # Nothing to strip (the usual line): look the line up as it is.
        key = _HEADINGS.get(" ".join(text.casefold().split()))
        return _Heading(key, text.strip()) if key else None
    title = _heading_name(text)
    if key := _HEADINGS.get(" ".join(title.casefold().split())):
        return _Heading(key, title)
    if match := _INLINE_HEADING_RE.match(text):
        title = _heading_name(match["heading"])
        key = _HEADINGS.get(" ".join(title.casefold().split()))
        # Activities are a list, so "Aktiviteter: …" on one line is not a heading.
        if key and key != "activities":
            return _Heading(key, title, match["rest"].strip())
    return None


# --- Joining wrapped lines -------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    {"bl.a.", "t.ex.", "d.v.s.", "dvs.", "s.k.", "p.g.a.", "pga.", "inkl.", "exkl.", "t.o.m."}
    | {"fr.o.m.", "ca.", "resp.", "e.g.", "i.e.", "jfr.", "ev."}
)
_CLOSING = "\"'”\u2019»)]"
_SUSPENDED_HYPHEN_NEXT = frozenset({"och", "eller", "samt", "som", "and", "or"})


def _ends_sentence(text: str, *, colon: bool = False) -> bool:
    stripped = text.rstrip(_CLOSING)
    if not stripped or stripped.rsplit(" ", 1)[-1].casefold() in _ABBREVIATIONS:
        return False
    return stripped[-1] in (".!?:" if colon else ".!?")


_WORD_RE = re.compile(r"\w+(?:-\w+)*")
_LAST_WORD_RE = re.compile(r"(\w+)-$")
_FIRST_WORD_RE = re.compile(r"^\w+")
# The hyphen a typesetter adds where it breaks a word (WeasyPrint's U+2010, a soft hyphen).
TYPESET_HYPHENS = ("\u2010", "\u00ad")
SPACE, GLUE, UNHYPHENATE = " ", "", "-"


def word_set(texts: Iterable[str]) -> set[str]:
    """The words of a document (compounds with their hyphens), to tell hyphenations apart."""
    return set(_WORD_RE.findall("\n".join(texts).casefold()))


def _seam(left: str, right: str, words: set[str] | None, *, marked: bool = False) -> str:
    """How a wrapped line joins the text before it: a space, glued, or glued without the hyphen.

    A hyphen at the wrap is a hyphenation to undo when the typesetter drew it (U+2010, a soft
    hyphen), or when the document writes the word unbroken elsewhere; it is a real hyphen when
    the typesetter marks its own hyphens (``marked``: then an ordinary one was in the text), or
    when the document writes the compound with it elsewhere. Otherwise the letters decide: "ROS-" +
    "gruppen" and "Örebro-" + "Stockholm" keep it, "medlems-" + "organisationer" loses it, and
    "bygde-" + "och" is a suspended hyphen ("bygde- och landsbygdsfrågor").
    """
    if len(left) < 2 or not left[-2].isalnum():
        return SPACE
    if left.endswith(TYPESET_HYPHENS):
        return UNHYPHENATE
    if not left.endswith("-"):
        return SPACE
    if marked:
        return GLUE
    if words and (stem := _LAST_WORD_RE.search(left)) and (first := _FIRST_WORD_RE.match(right)):
        if f"{stem[1]}-{first[0]}".casefold() in words:
            return GLUE
        if f"{stem[1]}{first[0]}".casefold() in words:
            return UNHYPHENATE
    if left[-2].isupper() or left[-2].isdigit():
        return GLUE
    first_word = right.split(" ", 1)[0].casefold()
    if right[:1].islower() and first_word not in _SUSPENDED_HYPHEN_NEXT:
        return UNHYPHENATE
    if right[:1].islower():
        return SPACE
    return GLUE


def join_wrapped(
    left: str, right: str, words: set[str] | None = None, *, marked: bool = False
) -> str:
    """Join a wrapped line to the text before it, mending words hyphenated at the wrap.

    ``words`` are the document's words (``word_set``); ``marked`` says that the typesetter
    drew its own hyphens as U+2010 or soft hyphens, so that an ordinary one is a real hyphen.
    """
    if not left:
        return right
    seam = _seam(left, right, words, marked=marked)
    return (left[:-1] if seam == UNHYPHENATE else left) + (SPACE if seam == SPACE else "") + right


class WrappedText:
    """Text joined from wrapped lines, in time linear in its length (not copied for each line)."""

    __slots__ = ("marked", "parts", "words")

    def __init__(
        self, first: str = "", words: set[str] | None = None, *, marked: bool = False
    ) -> None:
        self.parts = [first] if first else []
        self.words = words
        self.marked = marked

    def __bool__(self) -> bool:
        return bool(self.parts)

    @property
    def tail(self) -> str:
        """The last line added: enough to tell whether the text ends a sentence."""
        return self.parts[-1] if self.parts else ""

    def add(self, right: str) -> None:
        if not self.parts:
            self.parts.append(right)
            return
        seam = _seam(self.parts[-1], right, self.words, marked=self.marked)
        if seam == UNHYPHENATE:
            self.parts[-1] = self.parts[-1][:-1]
        elif seam == SPACE:
            self.parts.append(SPACE)
        self.parts.append(right)

    def __str__(self) -> str:
        return "".join(self.parts)


def _paragraphs(lines: list[_Line], words: set[str] | None) -> str:
    paragraphs: list[str] = []
    current = WrappedText(words=words)
    for line in lines:
        if current and (_bullet(line.text) or _ends_sentence(current.tail, colon=True)):
            paragraphs.append(str(current))
            current = WrappedText(line.text, words)
        else:
            current.add(line.text)
    if current:
        paragraphs.append(str(current))
    return "\n\n".join(paragraphs)


# --- Sections --------------------------------------------------------------------------------


@dataclass
class _Section:
    key: str
    title: str
    line: int
    lines: list[_Line] = field(default_factory=list)


def _split_sections(lines: list[_Line]) -> tuple[list[_Line], dict[str, _Section]]:
    preamble: list[_Line] = []
    sections: dict[str, _Section] = {}
    current: list[_Line] = preamble
    current_key = ""
    for line in lines:
        heading = _heading(line.text)
        if heading is not None:
            if previous := sections.get(heading.key):
                raise PlanImportError(
                    _("The heading “%(heading)s” appears twice (first on line %(first)s).")
                    % {"heading": heading.title, "first": previous.line},
                    line=line.number,
                )
            section = _Section(heading.key, heading.title, line.number)
            sections[heading.key] = section
            current, current_key = section.lines, heading.key
            if heading.rest:
                current.append(_Line(line.number, heading.rest))
        elif sections and current_key != "activities" and _markdown_heading(line.text):
            # A markdown heading we do not know starts a section we do not import.
            current, current_key = [], ""
        else:
            current.append(line)
    return preamble, sections


_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _title(preamble: list[_Line]) -> str:
    if not preamble:
        return ""
    first = preamble[0].text
    title = _markdown_heading(first) or _strip_emphasis(first)
    if _bullet(first) or len(title) > 150 or re.search(r"[.!?,;]$", title):
        return ""
    for line in preamble[1:]:
        # A long title wraps; its continuation starts in lower case or with the year.
        if not (line.text[:1].islower() or line.text[:1].isdigit()) or len(title) > 150:
            break
        title = join_wrapped(title, line.text)
    return title.rstrip(":").strip()


# --- Activities ------------------------------------------------------------------------------


def _looks_like_area(text: str) -> bool:
    return len(text) < 80 and not re.search(r"[.!?,;:]$", text.rstrip(_CLOSING))


def _area_title(text: str) -> str:
    return _strip_emphasis(_markdown_heading(text) or text).rstrip(":").strip()


def _parse_activities(section: _Section, words: set[str] | None) -> list[ParsedArea]:
    lines = section.lines
    bullets = [_bullet(line.text) for line in lines]
    if not any(bullets):
        raise PlanImportError(
            _(
                "The section “%(heading)s” contains no activities: list each activity as a bullet "
                "(•, - or 1.) under its area heading."
            )
            % {"heading": section.title},
            line=section.line,
        )

    areas: list[ParsedArea] = []
    item = WrappedText(words=words)  # the activity being read; empty between activities
    item_line = 0

    def finish_activity() -> None:
        nonlocal item
        if item:
            text = str(item)
            areas[-1].activities.append(
                ParsedActivity(text=text, targets=propose_targets(text), line=item_line)
            )
            item = WrappedText(words=words)

    def start_area(text: str, line: _Line) -> None:
        finish_activity()
        areas.append(ParsedArea(title=_area_title(text), activities=[], line=line.number))

    def next_is_glyph_bullet(index: int) -> bool:
        following = bullets[index + 1] if index + 1 < len(lines) else None
        return following is not None and following[0] == "glyph"

    def next_is_bullet(index: int) -> bool:
        return index + 1 < len(lines) and bullets[index + 1] is not None

    for index, line in enumerate(lines):
        bullet = bullets[index]
        if _markdown_heading(line.text) is not None:
            start_area(line.text, line)
        elif bullet is not None:
            kind, text = bullet
            # "1. Opinionsbildning" over "•" bullets is a numbered area heading.
            if kind == "enumerated" and _looks_like_area(text) and next_is_glyph_bullet(index):
                start_area(text, line)
                continue
            finish_activity()
            if not areas:
                areas.append(ParsedArea(title=section.title, activities=[], line=section.line))
            item.add(text)
            item_line = line.number
        elif not item:
            area = areas[-1] if areas else None
            if (
                area is not None
                and not area.activities
                and line.text[:1].islower()
                and _looks_like_area(area.title)
                and area.line != section.line
            ):
                # A wrapped area heading.
                area.title = _area_title(join_wrapped(area.title, line.text, words))
            else:
                start_area(line.text, line)
        elif _ends_sentence(item.tail) and _looks_like_area(line.text) and next_is_bullet(index):
            start_area(line.text, line)
        else:
            item.add(line.text)
    finish_activity()

    for area in areas:
        if not area.activities:
            raise PlanImportError(
                _("The area “%(area)s” has no activities.") % {"area": area.title},
                line=area.line,
            )
    return areas


# --- The plan --------------------------------------------------------------------------------


def parse_plan_text(text: str) -> ParsedPlan:
    """Parse the text of an activity plan into its headed sections, areas and activities."""
    lines = _content_lines(text)
    preamble, sections = _split_sections(lines)
    activities = sections.get("activities")
    if activities is None:
        if not sections and not any(_bullet(line.text) for line in lines):
            raise PlanImportError(
                _(
                    "No activity plan structure found: expected headings such as Vision, Syfte "
                    "and Aktiviteter, and bulleted activities."
                )
            )
        raise PlanImportError(
            _(
                "No activities section found: add the heading “Aktiviteter” and list the "
                "activities as bullets below it."
            )
        )
    # The words of the document tell a hyphenation from a compound at a wrapped line's end.
    words = (
        word_set(line.text for line in lines)
        if any(line.text.endswith("-") for line in lines)
        else None
    )
    areas = _parse_activities(activities, words)
    title = _title(preamble)
    year = _YEAR_RE.search(title)

    def text_of(key: str) -> str:
        section = sections.get(key)
        return _paragraphs(section.lines, words) if section else ""

    return ParsedPlan(
        title=title,
        vision=text_of("vision"),
        values=text_of("values"),
        overall_goal=text_of("overall_goal"),
        target_groups=text_of("target_groups"),
        purpose=text_of("purpose"),
        areas=areas,
        year=int(year.group(0)) if year else None,
    )
