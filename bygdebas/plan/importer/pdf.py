"""The text of a typeset PDF, read from where each glyph sits on the page.

Word, LibreOffice and browsers write a list's bullets as text of their own, often in another
font, and sometimes after all the items (WeasyPrint draws the markers last); a two-column page
runs both columns through one line of plain extraction. So the text is put back together from
the positions of its glyphs (pdfminer.six gives each glyph's box, font and size):

- Rows: the glyphs on one baseline, left to right. A bullet belongs to the row at its height,
  whenever it was drawn.
- Columns: a vertical band of the page that no row's text crosses, with text on both sides, is
  a gutter (unless all that lies left of it are bullets or list numbers: that is a hanging
  indent). Rows that cross it, such as a title or a page number, are read in their place between
  the blocks of columns.
- Paragraphs: a row continues the paragraph above it unless it starts with a bullet, changes
  size or weight, is not aligned with the paragraph's text (a hanging indent continues the
  item), stands further apart than the usual line spacing, or the row above ended short of the
  column's edge with room to spare for the new row's first word (so it ended its paragraph).

Each paragraph becomes one line of the text, and each list item "• text", as the paragraphs of a
Word document do: the plan parser then reads the same text from both. Words hyphenated at a line
end are joined as ``parser.join_wrapped`` decides, which also knows the typesetter's own hyphen
(U+2010 or a soft hyphen) and the words of the whole document.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from bygdebas.plan.importer.parser import (
    BULLET_GLYPHS,
    TYPESET_HYPHENS,
    WrappedText,
    is_page_debris,
    word_set,
)

# A row's glyphs further apart than this (in font sizes) are separate words.
_WORD_GAP = 0.18
# Glyphs of a row closer than this (in font sizes) cover the space between them (for gutters).
_SPAN_GAP = 0.6
# A marker followed by a gap this wide (in font sizes) is a list marker, not a word.
_MARKER_GAP = 0.45
_ENUMERATOR = re.compile(
    r"^(?:\(?\d{1,2}[.)]|\(?[a-zA-Z][.)]|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)])$"
)
_DASHES = frozenset("-\u2013\u2014o§*+>")
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


@dataclass(slots=True)
class _Glyph:
    x0: float
    x1: float
    y: float  # baseline
    size: float
    text: str
    font: str


@dataclass(slots=True)
class _Line:
    words: list[list[_Glyph]]
    region: tuple[int, int, int]  # (page, band, column)
    marker: str = ""
    x0: float = 0.0  # where the line's text starts (after a marker)
    marker_x0: float = 0.0  # where the line starts (the marker's left edge, if any)
    x1: float = 0.0
    y: float = 0.0
    size: float = 0.0
    bold: bool = False
    text: str = ""
    first_word_width: float = 0.0


@dataclass
class _Region:
    left: float = float("inf")
    right: float = float("-inf")
    lines: list[_Line] = field(default_factory=list)


def typeset_lines(data: bytes) -> list[str]:
    """The paragraphs of a PDF in reading order, one per line, list items as "• text"."""
    lines: list[_Line] = []
    for page_number, glyphs in enumerate(_pages(data)):
        lines.extend(_page_lines(page_number, glyphs))
    lines = _without_running_heads(lines)
    if not lines:
        return []
    words = word_set(line.text for line in lines)
    marked = any(line.text.endswith(TYPESET_HYPHENS) for line in lines)
    regions: dict[tuple[int, int, int], _Region] = {}
    for line in lines:
        region = regions.setdefault(line.region, _Region())
        region.left = min(region.left, line.marker_x0)
        region.right = max(region.right, line.x1)
        region.lines.append(line)
    pitches = _usual_pitches(regions.values())
    paragraphs: list[list[_Line]] = []
    for line in lines:
        if paragraphs and _continues(paragraphs[-1], line, regions, pitches):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return [_paragraph_text(paragraph, words, marked) for paragraph in paragraphs]


# --- Glyphs ----------------------------------------------------------------------------------


def _pages(data: bytes) -> Iterator[list[_Glyph]]:
    """Each page's upright glyphs (rotated text, such as a margin note, is left out)."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)

    def walk(item: Any, into: list[_Glyph]) -> None:
        if isinstance(item, LTChar):
            a, b, c, d, _e, f = item.matrix
            text = item.get_text()
            if b == 0 and c == 0 and a > 0 and d > 0 and text and not text.startswith("(cid:"):
                into.append(_Glyph(item.x0, item.x1, f, item.size, text, item.fontname))
        elif isinstance(item, LTContainer):
            for child in item:
                walk(child, into)

    for page in PDFPage.create_pages(document):
        interpreter.process_page(page)
        glyphs: list[_Glyph] = []
        walk(device.get_result(), glyphs)
        yield glyphs


def _rows(glyphs: list[_Glyph]) -> list[list[_Glyph]]:
    """Glyphs on one baseline (within a third of their size), each row left to right."""
    rows: list[list[_Glyph]] = []
    row_y = row_size = 0.0
    for glyph in sorted(glyphs, key=lambda g: (-g.y, g.x0)):
        if rows and row_y - glyph.y <= 0.35 * max(row_size, glyph.size):
            rows[-1].append(glyph)
            row_size = max(row_size, glyph.size)
        else:
            rows.append([glyph])
            row_y, row_size = glyph.y, glyph.size
    for row in rows:
        row.sort(key=lambda g: g.x0)
    return rows


def _visible(row: list[_Glyph]) -> list[_Glyph]:
    return [glyph for glyph in row if not glyph.text.isspace()]


# --- Columns ---------------------------------------------------------------------------------


def _spans(row: list[_Glyph]) -> list[tuple[float, float]]:
    """The stretches of a row its text covers, word gaps included."""
    spans: list[tuple[float, float]] = []
    for glyph in row:
        if spans and glyph.x0 - spans[-1][1] <= _SPAN_GAP * glyph.size:
            spans[-1] = (spans[-1][0], max(spans[-1][1], glyph.x1))
        else:
            spans.append((glyph.x0, glyph.x1))
    return spans


def _is_marker_text(text: str) -> bool:
    text = text.strip()
    return not text or (len(text) == 1 and not text.isalnum()) or bool(_ENUMERATOR.match(text))


def _gutters(rows: list[list[_Glyph]]) -> list[tuple[float, float]]:
    """Vertical bands between columns: crossed by few rows, with real text on both sides."""
    spans = [_spans(row) for row in rows]
    if len(rows) < 6:
        return []
    left = min(span[0][0] for span in spans)
    right = max(span[-1][1] for span in spans)
    size = median(glyph.size for row in rows for glyph in row)
    width = int(right - left) + 2
    if width > 20_000:  # a page wider than a poster is not a text layout
        return []
    change = [0] * (width + 1)
    for row_spans in spans:
        for x0, x1 in row_spans:
            change[int(x0 - left)] += 1
            change[int(x1 - left) + 1] -= 1
    allowed = max(1, len(rows) // 10)
    coverage = []
    covered = 0
    for index in range(width):
        covered += change[index]
        coverage.append(covered)
    accepted: list[tuple[float, float]] = []
    for start, end in _runs(coverage, lambda count: count <= allowed):
        # The gutter proper is where fewest rows reach: a few lines of a column end inside
        # the wider band, a title or a page number crosses all of it.
        least = min(coverage[start:end])
        core = max(_runs(coverage[start:end], least.__eq__), key=_length)
        gutter = (left + start + core[0], left + start + core[1])
        if start > 0 and end < width and _length(core) >= max(6.0, 0.8 * size):
            previous = accepted[-1][1] if accepted else float("-inf")
            if _is_gutter(rows, gutter, previous):
                accepted.append(gutter)
    return accepted


def _runs(values: list[int], test: Any) -> list[tuple[int, int]]:
    """The (start, end) of each stretch of ``values`` that passes ``test``."""
    runs: list[tuple[int, int]] = []
    start = None
    for index, value in enumerate(values):
        if test(value):
            if start is None:
                start = index
        elif start is not None:
            runs.append((start, index))
            start = None
    if start is not None:
        runs.append((start, len(values)))
    return runs


def _length(run: tuple[int, int]) -> int:
    return run[1] - run[0]


def _is_gutter(rows: list[list[_Glyph]], gutter: tuple[float, float], previous: float) -> bool:
    """Text on both sides, and more than bullets or list numbers on the left."""
    g0, g1 = gutter
    text_rows = marker_rows = right_rows = 0
    for row in rows:
        visible = _visible(row)
        if any(glyph.x0 < g1 and glyph.x1 > g0 for glyph in visible):
            continue  # a row crossing the gutter: a title, a page number
        before = "".join(g.text for g in visible if previous <= g.x0 and g.x1 <= g0)
        if before:
            if _is_marker_text(before):
                marker_rows += 1
            else:
                text_rows += 1
        if any(glyph.x0 >= g1 for glyph in visible):
            right_rows += 1
    return text_rows >= 3 and text_rows > marker_rows and right_rows >= 3


def _page_lines(page: int, glyphs: list[_Glyph]) -> list[_Line]:
    """A page's lines in reading order: column by column within each block of rows."""
    rows = [row for row in _rows(glyphs) if _visible(row)]
    if not rows:
        return []
    gutters = _gutters(rows)
    edges = [float("-inf"), *(g[1] for g in gutters)]
    lines: list[_Line] = []
    band = 0
    block: list[list[_Line]] = [[] for _ in edges]
    for row in rows:
        visible = _visible(row)
        if gutters and any(g.x0 < g1 and g.x1 > g0 for g in visible for g0, g1 in gutters):
            for column_lines in block:
                lines.extend(column_lines)
            block = [[] for _ in edges]
            band += 1
            lines.append(_line(row, (page, band, -1)))
            band += 1
            continue
        for column, edge in reversed(list(enumerate(edges))):
            part = [glyph for glyph in row if glyph.x0 >= edge]
            row = [glyph for glyph in row if glyph.x0 < edge]
            if _visible(part):
                block[column].append(_line(part, (page, band, column)))
    for column_lines in block:
        lines.extend(column_lines)
    return _without_page_numbers(lines)


def _without_page_numbers(lines: list[_Line]) -> list[_Line]:
    """A page number at the top or the bottom of the page is not part of the text."""
    if lines:
        top = max(lines, key=lambda line: line.y)
        bottom = min(lines, key=lambda line: line.y)
        lines = [
            line
            for line in lines
            if not ((line is top or line is bottom) and is_page_debris(line.marker + line.text))
        ]
    return lines


def _without_running_heads(lines: list[_Line]) -> list[_Line]:
    """Leave out a header or footer repeated at the top or bottom of most pages."""
    by_page: dict[int, list[_Line]] = {}
    for line in lines:
        by_page.setdefault(line.region[0], []).append(line)
    if len(by_page) < 2:
        return lines
    edges: dict[int, tuple[_Line, _Line]] = {
        page: (max(page_lines, key=lambda line: line.y), min(page_lines, key=lambda line: line.y))
        for page, page_lines in by_page.items()
    }
    counts = Counter(
        (_head_key(line), index)
        for top_bottom in edges.values()
        for index, line in enumerate(top_bottom)
    )
    repeated = {key for key, count in counts.items() if count >= max(2, len(by_page) / 2)}
    return [
        line
        for line in lines
        if not any(
            line is edge and (_head_key(edge), index) in repeated
            for index, edge in enumerate(edges[line.region[0]])
        )
    ]


def _head_key(line: _Line) -> str:
    return re.sub(r"\d+", "#", line.marker + line.text)


# --- Lines -----------------------------------------------------------------------------------


def _line(row: list[_Glyph], region: tuple[int, int, int]) -> _Line:
    visible = _visible(row)
    words: list[list[_Glyph]] = []
    for glyph in visible:
        if words and glyph.x0 - words[-1][-1].x1 <= _WORD_GAP * glyph.size:
            # Glyphs in between (an explicit space) separate words too.
            words[-1].append(glyph)
        else:
            words.append([glyph])
    words = _split_at_spaces(row, words)
    line = _Line(words=words, region=region)
    first = "".join(glyph.text for glyph in words[0])
    if len(words) > 1:
        gap = words[1][0].x0 - words[0][-1].x1
        if first in BULLET_GLYPHS or (
            gap >= _MARKER_GAP * words[1][0].size
            and (first in _DASHES or bool(_ENUMERATOR.match(first)))
        ):
            line.marker = "•" if (first in BULLET_GLYPHS or first in _DASHES) else first
            line.marker_x0 = words[0][0].x0
            words = words[1:]
    text_glyphs = [glyph for word in words for glyph in word]
    line.words = words
    line.x0 = words[0][0].x0
    if not line.marker:
        line.marker_x0 = line.x0
    line.x1 = max(glyph.x1 for glyph in text_glyphs)
    line.y = median(glyph.y for glyph in text_glyphs)
    line.size = median(glyph.size for glyph in text_glyphs)
    line.bold = all(_BOLD.search(glyph.font) for glyph in text_glyphs if glyph.text.isalnum())
    line.text = " ".join("".join(glyph.text for glyph in word) for word in words)
    line.first_word_width = words[0][-1].x1 - words[0][0].x0
    return line


def _split_at_spaces(row: list[_Glyph], words: list[list[_Glyph]]) -> list[list[_Glyph]]:
    """Split words where the PDF draws a space glyph between two touching glyphs."""
    spaces = [glyph for glyph in row if glyph.text.isspace()]
    if not spaces:
        return words
    result: list[list[_Glyph]] = []
    space_index = 0
    for word in words:
        current: list[_Glyph] = []
        for glyph in word:
            while space_index < len(spaces) and spaces[space_index].x1 <= glyph.x0 + 0.01:
                if current and spaces[space_index].x0 >= current[-1].x0:
                    result.append(current)
                    current = []
                space_index += 1
            current.append(glyph)
        result.append(current)
    return [word for word in result if word]


# --- Paragraphs ------------------------------------------------------------------------------


def _usual_pitches(regions: Iterable[_Region]) -> dict[float, float]:
    """The most common distance between the baselines of a paragraph's lines, by font size."""
    found: dict[float, Counter[float]] = {}
    for region in regions:
        for above, below in zip(region.lines, region.lines[1:], strict=False):
            if abs(above.size - below.size) < 0.05 * above.size and not below.marker:
                pitch = above.y - below.y
                if 0 < pitch < 2.5 * above.size:
                    found.setdefault(round(above.size, 1), Counter())[round(pitch * 2) / 2] += 1
    return {size: counts.most_common(1)[0][0] for size, counts in found.items()}


def _continues(
    paragraph: list[_Line],
    line: _Line,
    regions: dict[tuple[int, int, int], _Region],
    pitches: dict[float, float],
) -> bool:
    """Whether ``line`` goes on with ``paragraph`` rather than starting a paragraph of its own."""
    first, last = paragraph[0], paragraph[-1]
    if line.marker or abs(line.size - last.size) > 0.12 * last.size or line.bold != last.bold:
        return False
    tolerance = 0.35 * line.size
    same_region = line.region == last.region

    def offset(x: float, of: _Line) -> float:  # from the left edge of the line's column
        return x - regions[of.region].left

    # Where the text of a continuation starts: under the item's text (a hanging indent), under
    # its marker (a marker inside the list), or under the paragraph's body or first line.
    if first.marker:
        expected = [offset(first.x0, first), offset(first.marker_x0, first)]
    elif len(paragraph) > 1:
        expected = [offset(paragraph[1].x0, paragraph[1])]
    else:
        expected = [offset(first.x0, first)]
    is_aligned = any(abs(offset(line.x0, line) - x) <= tolerance for x in expected)
    if same_region:
        if len(paragraph) == 1 and not first.marker and 0 < first.x0 - line.x0 <= 3 * line.size:
            is_aligned = True  # under a first-line indent
        elif not is_aligned and not (
            abs((line.x0 + line.x1) - (last.x0 + last.x1)) <= 2 * tolerance
            and abs(last.x0 - line.x0) > tolerance
        ):
            return False  # neither aligned nor centred
        pitch = last.y - line.y
        usual = pitches.get(round(last.size, 1), 1.2 * last.size)
        if pitch <= 0 or pitch > 1.3 * usual:
            return False
    elif not is_aligned or line.region[2] < 0 or last.region[2] < 0:
        return False
    if last.text.endswith(("-", "\u2010", "\u00ad")):
        return True
    # The line above had room for this line's first word: it ended its paragraph there.
    room = regions[last.region].right - last.x1
    return room < 0.3 * line.size + line.first_word_width


def _paragraph_text(paragraph: list[_Line], words: set[str], marked: bool) -> str:
    text = WrappedText(words=words, marked=marked)
    for line in paragraph:
        text.add(line.text)
    marker = paragraph[0].marker
    if not marker:
        return str(text)
    return f"• {text}" if marker == "•" else f"{marker} {text}"
