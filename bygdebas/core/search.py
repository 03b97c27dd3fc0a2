"""Swedish full-text search over every app's content, behind one interface.

Apps register what they index (``register_searchable`` in ``AppConfig.ready()``) and call
``index_object(obj)`` / ``remove_object(obj)`` from their services; ``reindex`` (and the
``reindex_search`` command) rebuilds. Documents live in one table, ``core.SearchDocument``.
``search(query, network=..., user=...)`` answers with ranked results and highlighted snippets,
scoped to the network and to what the user may see.

- PostgreSQL: a generated ``tsvector`` column with the ``swedish`` configuration (title weighted
  A, body B), a GIN index, ``ts_rank`` and ``ts_headline``.
- SQLite: an FTS5 table holding the words stemmed here in Python with the same Snowball
  algorithm and the same stop words, ranked by ``bm25``; the snippet is built in Python.

Both read the user's text the same way: words are runs of letters and digits (anything else,
quotes, operators, ``*``, brackets, emoji, is a separator), stop words are dropped, and a
document matches when it has every remaining word in some inflection. Snowball's Swedish stemmer
keeps the definite singular ``-an`` (``byskolan`` stays whole while ``byskola`` becomes
``byskol``), so a stem ending in ``-an`` inside R1 is cut once more here, and on PostgreSQL each
query word also matches the ``-an`` form of its stem.
"""

from __future__ import annotations

import datetime
import functools
import html
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import snowballstemmer
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models.signals import post_delete
from django.utils.safestring import SafeString, mark_safe

from bygdebas.core.access import READ_ROLES
from bygdebas.core.models import Network
from bygdebas.core.models_search import SearchDocument
from bygdebas.core.search_stopwords import SWEDISH_STOP_WORDS
from bygdebas.core.tenancy import NetworkQuerySet, is_network_owned, network_path

Visibility = SearchDocument.Visibility

# A query's words beyond these are ignored: nobody types more, and each word costs a join.
MAX_QUERY_WORDS = 12
# Longer "words" are not words (hashes, base64); PostgreSQL ignores words over 2,047 bytes.
MAX_WORD_LENGTH = 60
# Text beyond this is not indexed (a tsvector holds at most 1 MB).
MAX_BODY_CHARS = 100_000
SNIPPET_WORDS = 30
FTS_TABLE = "core_searchdocument_fts"
# Markers ts_headline puts around matches; private-use characters, removed from indexed text,
# so that the snippet can be HTML-escaped first and the markers turned into <mark> after.
_START, _STOP = "\ue000", "\ue001"
_WORD = re.compile(r"[^\W_]+")
_VOWELS = frozenset("aeiouyäåö")


# --- Words: tokens, stop words and stems, the same for documents and queries ----------------


@dataclass(frozen=True)
class SearchDocumentData:
    """What an app says about one object: shown in results, searched, and who may see it."""

    title: str
    body: str = ""
    url: str = ""
    visibility: str = Visibility.PUBLIC
    published_at: datetime.datetime | None = None


def _clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    return text.replace(_START, " ").replace(_STOP, " ").replace("\x00", " ")


def _tokens(text: str) -> list[str]:
    return [match.group().lower() for match in _WORD.finditer(text)]


@functools.cache
def _snowball() -> Any:
    return snowballstemmer.stemmer("swedish")


def _r1(word: str) -> int:
    """Where Snowball's R1 region starts: after the first non-vowel that follows a vowel, at 3+."""
    for index in range(1, len(word)):
        if word[index] not in _VOWELS and word[index - 1] in _VOWELS:
            return max(index + 1, 3)
    return len(word)


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The search stem of a lower-case word (PostgreSQL's ``swedish`` plus the ``-an`` rule)."""
    if any(char.isdigit() for char in word):
        return word  # PostgreSQL indexes words with digits (e18, 2025) as they are
    stemmed: str = _snowball().stemWord(word)
    if stemmed.endswith("an") and len(stemmed) - 2 >= _r1(word):
        stemmed = stemmed[:-2]
    return stemmed


def _indexed(word: str) -> bool:
    return len(word) <= MAX_WORD_LENGTH and word not in SWEDISH_STOP_WORDS


def stemmed_text(text: str) -> str:
    """``text`` as the stems SQLite's FTS5 table holds, separated by spaces."""
    return " ".join(stem(word) for word in _tokens(_clean_text(text)) if _indexed(word))


@dataclass(frozen=True)
class QueryWord:
    word: str
    stem: str

    @property
    def lexemes(self) -> tuple[str, ...]:
        """What the word may be stored as in PostgreSQL's swedish tsvector."""
        plain = _snowball().stemWord(self.word) if self.stem != self.word else self.word
        return tuple(dict.fromkeys([self.stem, f"{self.stem}an", plain]))


def parse_query(text: str) -> list[QueryWord]:
    """The words of a user's query; never fails, whatever the text."""
    words: dict[str, QueryWord] = {}
    for word in _tokens(_clean_text(str(text or "")[:2000])):
        if not _indexed(word):
            continue
        parsed = QueryWord(word, stem(word))
        words.setdefault(parsed.stem, parsed)
        if len(words) == MAX_QUERY_WORDS:
            break
    return list(words.values())


# --- The registry -----------------------------------------------------------------------


@dataclass(frozen=True)
class Searchable:
    model: type[models.Model]
    kind: str
    label: Any
    document: Callable[[Any], SearchDocumentData | None]
    queryset: Callable[[], NetworkQuerySet[Any]] | None


_registry: dict[str, Searchable] = {}


def register_searchable(
    model: type[models.Model],
    *,
    kind: str,
    label: Any,
    document: Callable[[Any], SearchDocumentData | None],
    queryset: Callable[[], NetworkQuerySet[Any]] | None = None,
) -> None:
    """Index ``model``'s objects as ``kind``: ``document(obj)`` says what (None: not at all).

    ``model`` is network-owned (its manager is a ``NetworkQuerySet``; its declared
    ``network_path`` says where its network is); ``queryset`` gives the rows ``reindex`` walks
    (with the select_related ``document`` needs).
    """
    if not is_network_owned(model):
        raise TypeError(f"{model.__name__} is not network-owned (no NetworkQuerySet manager).")
    existing = _registry.get(kind)
    if existing is not None and existing.model is not model:
        raise ValueError(f"The search kind {kind!r} is already registered for {existing.model}.")
    _registry[kind] = Searchable(model, kind, label, document, queryset)
    # A deleted row (also by cascade) leaves search with it.
    post_delete.connect(_remove_deleted, sender=model, dispatch_uid=f"search:{kind}")


def unregister_searchable(kind: str) -> None:
    """Forget ``kind`` (for tests that register a kind of their own)."""
    entry = _registry.pop(kind, None)
    if entry is not None:
        post_delete.disconnect(sender=entry.model, dispatch_uid=f"search:{kind}")


def _remove_deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    remove_object(instance)


def registered_kinds() -> dict[str, Any]:
    """Kind -> label, for a filter's choices."""
    return {kind: entry.label for kind, entry in sorted(_registry.items())}


def _entry_for(obj: models.Model) -> Searchable:
    for entry in _registry.values():
        if isinstance(obj, entry.model):
            return entry
    raise LookupError(f"{type(obj).__name__} is not registered with register_searchable.")


def _network_id(obj: models.Model) -> int:
    *parents, last = network_path(type(obj)).split("__")
    target: Any = obj
    for name in parents:
        target = getattr(target, name)
    return int(getattr(target, f"{last}_id"))


def _row(entry: Searchable, obj: models.Model, data: SearchDocumentData) -> dict[str, Any]:
    return {
        "network_id": _network_id(obj),
        "kind": entry.kind,
        "title": _clean_text(data.title)[:500],
        "body": _clean_text(data.body)[:MAX_BODY_CHARS],
        "url": data.url[:500],
        "visibility": data.visibility,
        "published_at": data.published_at,
    }


# --- Keeping the index ------------------------------------------------------------------


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _scope(network_id: int, visibility: str) -> str:
    return f"n{network_id} v{visibility}"


def _fts_replace(documents: Sequence[SearchDocument]) -> None:
    """Put the documents' stems into SQLite's FTS table, replacing what was there."""
    if not documents:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(doc.pk,) for doc in documents]
        )
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, body, scope) VALUES (%s, %s, %s, %s)",
            [
                (
                    doc.pk,
                    stemmed_text(doc.title),
                    stemmed_text(doc.body),
                    _scope(doc.network_id, doc.visibility),
                )
                for doc in documents
            ],
        )


def _fts_delete(ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(pk,) for pk in ids])


@transaction.atomic
def index_object(obj: models.Model) -> SearchDocument | None:
    """Bring ``obj``'s search document up to date (removing it when it is not to be found)."""
    entry = _entry_for(obj)
    data = entry.document(obj)
    if data is None:
        remove_object(obj)
        return None
    document, _created = SearchDocument.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        defaults=_row(entry, obj, data),
    )
    if _is_sqlite():
        _fts_replace([document])
    return document


@transaction.atomic
def remove_object(obj: models.Model) -> None:
    """Take ``obj`` out of search (nothing happens if it was not there)."""
    documents = SearchDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    )
    if _is_sqlite():
        _fts_delete(documents.values_list("pk", flat=True))
    documents.delete()


def reindex(*, network: Network | None = None, kinds: Iterable[str] | None = None) -> int:
    """Rebuild the documents of the registered kinds (of one network); returns how many."""
    wanted = set(kinds) if kinds is not None else set(_registry)
    unknown = wanted - set(_registry)
    if unknown:
        raise LookupError(f"Unknown search kinds: {', '.join(sorted(unknown))}")
    total = 0
    for kind in sorted(wanted):
        entry = _registry[kind]
        with transaction.atomic():
            total += _reindex_kind(entry, network)
    if _is_sqlite() and network is None and kinds is None:
        with connection.cursor() as cursor:  # rows a cascade deleted behind our back
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM core_searchdocument)"
            )
    return total


def _reindex_kind(entry: Searchable, network: Network | None) -> int:
    content_type = ContentType.objects.get_for_model(entry.model)
    existing = SearchDocument.objects.filter(content_type=content_type)
    # Registered models are network-owned (checked by register_searchable).
    objects = (
        entry.queryset()
        if entry.queryset
        else cast("NetworkQuerySet[Any]", entry.model._default_manager.all())
    )
    if network is not None:
        existing = existing.for_network(network)
        objects = objects.for_network(network)
    if _is_sqlite():
        _fts_delete(existing.values_list("pk", flat=True))
    existing.delete()
    count = 0
    batch: list[SearchDocument] = []
    for obj in objects.iterator(chunk_size=2000):
        data = entry.document(obj)
        if data is None:
            continue
        batch.append(
            SearchDocument(
                content_type=content_type, object_id=str(obj.pk), **_row(entry, obj, data)
            )
        )
        if len(batch) >= 2000:
            count += _insert(batch)
            batch = []
    return count + _insert(batch)


def _insert(batch: list[SearchDocument]) -> int:
    if not batch:
        return 0
    created = SearchDocument.objects.bulk_create(batch)
    if _is_sqlite():
        _fts_replace(created)
    return len(created)


# --- Searching --------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    id: int
    kind: str
    kind_label: Any
    title: str
    url: str
    snippet: SafeString
    published_at: datetime.datetime | None
    rank: float
    content_type_id: int
    object_id: str


@dataclass
class SearchPage:
    query: str
    words: list[QueryWord]
    results: list[SearchResult] = field(default_factory=list)
    total: int = 0
    number: int = 1
    per_page: int = 20

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def visibilities_for(user: Any, network: Network) -> list[str]:
    """What ``user`` may find in ``network``: staff and board everything, other roles members'."""
    role = user.role_in(network) if user is not None and user.is_authenticated else None
    if role in READ_ROLES:
        return [Visibility.PUBLIC, Visibility.MEMBERS, Visibility.STAFF]
    if role:
        return [Visibility.PUBLIC, Visibility.MEMBERS]
    return [Visibility.PUBLIC]


def search(
    query: str,
    *,
    network: Network,
    user: Any = None,
    kinds: Iterable[str] | None = None,
    page: int | str | None = 1,
    per_page: int | None = None,
) -> SearchPage:
    """The page ``page`` of ``network``'s documents matching ``query`` that ``user`` may see."""
    per_page = per_page or settings.BYGDEBAS_SEARCH_PAGE_SIZE
    try:
        number = max(1, min(int(page or 1), 10_000))
    except (TypeError, ValueError):
        number = 1
    words = parse_query(query)
    result = SearchPage(query=query, words=words, number=number, per_page=per_page)
    kinds = [kind for kind in (kinds or []) if kind]
    if not words:
        return result
    visible = visibilities_for(user, network)
    filters = ["d.network_id = %s", f"d.visibility IN ({', '.join(['%s'] * len(visible))})"]
    params: list[Any] = [network.pk, *visible]
    if kinds:
        filters.append(f"d.kind IN ({', '.join(['%s'] * len(kinds))})")
        params.extend(kinds)
    offset = (number - 1) * per_page
    where = " AND ".join(filters)
    if connection.vendor == "postgresql":
        rows = _search_postgres(words, where, params, per_page, offset)
    else:
        match = _fts_match(words, network.pk, visible)
        rows = _search_sqlite(match, words, where, params, per_page, offset)
    labels = registered_kinds()
    result.total = rows[0]["total"] if rows else 0
    if not rows and number > 1:
        result.total = _count_only(words, where, params, network.pk, visible)
    result.results = [
        SearchResult(
            id=row["id"],
            kind=row["kind"],
            kind_label=labels.get(row["kind"], row["kind"]),
            title=row["title"],
            url=row["url"],
            snippet=row["snippet"],
            published_at=_aware(row["published_at"]),
            rank=row["rank"],
            content_type_id=row["content_type_id"],
            object_id=row["object_id"],
        )
        for row in rows
    ]
    return result


def matching_ids(
    query: str,
    *,
    network: Network,
    user: Any = None,
    kinds: Iterable[str] | None = None,
    limit: int = 500,
) -> list[str]:
    """The object ids of the best ``limit`` documents matching ``query``, best first.

    The same matching, ranking and scope as ``search()``, without snippets or a count: for an
    app that narrows the matches further by its own filters (one query).
    """
    words = parse_query(query)
    if not words:
        return []
    visible = visibilities_for(user, network)
    filters = ["d.network_id = %s", f"d.visibility IN ({', '.join(['%s'] * len(visible))})"]
    params: list[Any] = [network.pk, *visible]
    kinds = [kind for kind in (kinds or []) if kind]
    if kinds:
        filters.append(f"d.kind IN ({', '.join(['%s'] * len(kinds))})")
        params.extend(kinds)
    where = " AND ".join(filters)
    if connection.vendor == "postgresql":
        tsquery, query_params = _tsquery(words)
        sql = f"""
            WITH q AS (SELECT {tsquery} AS query)
            SELECT d.object_id FROM core_searchdocument d, q
            WHERE d.search_vector @@ q.query AND {where}
            ORDER BY ts_rank(d.search_vector, q.query, 1) DESC, d.id
            LIMIT %s
        """
        rows = _fetch(sql, [*query_params, *params, limit])
    else:
        sql = f"""
            WITH m AS MATERIALIZED (
                SELECT rowid AS id, bm25({FTS_TABLE}, 2.5, 1.0, 0.0) AS score
                FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s
            )
            SELECT d.object_id FROM m JOIN core_searchdocument d ON d.id = m.id
            WHERE {where}
            ORDER BY m.score, d.id
            LIMIT %s
        """
        rows = _fetch(sql, [_fts_match(words, network.pk, visible), *params, limit])
    return [row["object_id"] for row in rows]


def _aware(value: Any) -> datetime.datetime | None:
    """A datetime read by a raw SQLite cursor (text, or naive UTC) as Django's ORM gives it."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


_COLUMNS = "d.id, d.kind, d.title, d.url, d.body, d.published_at, d.content_type_id, d.object_id"


def _fetch(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _tsquery(words: list[QueryWord]) -> tuple[str, list[Any]]:
    """A tsquery that holds each word (AND) in any of the forms it may be stored as (OR)."""
    parts, params = [], []
    for word in words:
        # PostgreSQL's own stem of the word, and ours (with the -an form), as lexemes; the
        # words are letters and digits only, so quoting them cannot break the tsquery syntax.
        parts.append("(plainto_tsquery('swedish', %s) || %s::tsquery)")
        params.extend([word.word, " | ".join(f"'{lexeme}'" for lexeme in word.lexemes)])
    return " && ".join(parts), params


def _search_postgres(
    words: list[QueryWord], where: str, params: list[Any], limit: int, offset: int
) -> list[dict[str, Any]]:
    tsquery, query_params = _tsquery(words)
    options = (
        f'StartSel="{_START}", StopSel="{_STOP}", MaxWords={SNIPPET_WORDS}, MinWords=12, '
        'ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
    )
    sql = f"""
        WITH q AS (SELECT {tsquery} AS query),
        hits AS (
            SELECT d.id, ts_rank(d.search_vector, q.query, 1) AS rank, count(*) OVER () AS total
            FROM core_searchdocument d, q
            WHERE d.search_vector @@ q.query AND {where}
            ORDER BY rank DESC, d.id
            LIMIT %s OFFSET %s
        )
        SELECT {_COLUMNS}, hits.rank, hits.total,
               ts_headline('swedish', d.body, q.query, %s) AS headline
        FROM hits JOIN core_searchdocument d ON d.id = hits.id, q
        ORDER BY hits.rank DESC, d.id
    """
    rows = _fetch(sql, [*query_params, *params, limit, offset, options])
    for row in rows:
        row["snippet"] = _marked(row.pop("headline") or "", row.pop("body"))
    return rows


def _marked(headline: str, body: str) -> SafeString:
    if not body.strip():
        return mark_safe("")
    escaped = html.escape(" ".join(headline.split()))
    return mark_safe(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # escaped above


def _fts_match(words: list[QueryWord], network_id: int, visible: list[str]) -> str:
    """An FTS5 query: every stem in title or body, within the network and visibilities."""
    # The stems are letters and digits only, so as FTS5 strings they need no escaping.
    stems = " AND ".join(f'"{word.stem}"' for word in words)
    scopes = " OR ".join(f'"v{visibility}"' for visibility in visible)
    return f'{{title body}} : ({stems}) AND scope : "n{network_id}" AND scope : ({scopes})'


def _search_sqlite(
    match: str, words: list[QueryWord], where: str, params: list[Any], limit: int, offset: int
) -> list[dict[str, Any]]:
    # bm25 is lower for better matches; the title counts as PostgreSQL's weight A against B.
    # bm25() works only in a query over the FTS table alone, so it is ranked in a materialised
    # step of its own before the join.
    sql = f"""
        WITH m AS MATERIALIZED (
            SELECT rowid AS id, bm25({FTS_TABLE}, 2.5, 1.0, 0.0) AS score
            FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s
        )
        SELECT {_COLUMNS}, -m.score AS rank, count(*) OVER () AS total
        FROM m JOIN core_searchdocument d ON d.id = m.id
        WHERE {where}
        ORDER BY m.score, d.id
        LIMIT %s OFFSET %s
    """
    rows = _fetch(sql, [match, *params, limit, offset])
    stems = {word.stem for word in words}
    for row in rows:
        row["snippet"] = python_snippet(row.pop("body"), stems)
    return rows


def _count_only(
    words: list[QueryWord], where: str, params: list[Any], network_id: int, visible: list[str]
) -> int:
    """The number of matches, for a page past the last one (which fetched no rows)."""
    if connection.vendor == "postgresql":
        tsquery, query_params = _tsquery(words)
        sql = f"""SELECT count(*) FROM core_searchdocument d
                  WHERE d.search_vector @@ ({tsquery}) AND {where}"""
        return int(_fetch(sql, [*query_params, *params])[0]["count"])
    sql = f"""SELECT count(*) AS n FROM {FTS_TABLE} f JOIN core_searchdocument d ON d.id = f.rowid
              WHERE {FTS_TABLE} MATCH %s AND {where}"""
    return int(_fetch(sql, [_fts_match(words, network_id, visible), *params])[0]["n"])


def python_snippet(body: str, stems: set[str], *, words: int = SNIPPET_WORDS) -> SafeString:
    """Up to ``words`` words of ``body`` around its first match, matches in ``<mark>``."""
    matches = list(_WORD.finditer(body or ""))
    if not matches:
        return mark_safe("")

    def is_hit(index: int) -> bool:
        word = matches[index].group().lower()
        return _indexed(word) and stem(word) in stems

    # Only as far as the first match, and then the window around it, is looked at.
    first_hit = next((index for index in range(len(matches)) if is_hit(index)), 0)
    first = max(0, first_hit - 5)
    last = min(len(matches), first + words) - 1
    hit_set = {index for index in range(first, last + 1) if is_hit(index)}
    pieces = []
    position = matches[first].start()
    for index in range(first, last + 1):
        match = matches[index]
        pieces.append(html.escape(body[position : match.start()]))
        text = html.escape(match.group())
        pieces.append(f"<mark>{text}</mark>" if index in hit_set else text)
        position = match.end()
    if last == len(matches) - 1:
        pieces.append(html.escape(body[position:]))  # the closing punctuation
    snippet = " ".join("".join(pieces).split())
    if first > 0:
        snippet = "… " + snippet
    if last < len(matches) - 1:
        snippet += " …"
    return mark_safe(snippet)  # every piece of the body was escaped above
