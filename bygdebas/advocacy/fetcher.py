"""Fetching one watched feed over HTTP, defensively, and reading its entries with feedparser.

Nothing here touches the database: ``fetch_feed`` takes the address and the validators of the
last fetch and returns a ``FetchResult`` (new entries, not modified, or an error with a clear
message). Every failure a remote server can cause ends in ``FetchError``, never a traceback:
a refused or dropped connection, no answer within the timeout, an answer larger than the limit,
too many redirects or a loop, an HTTP error, an answer that is not a feed.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import html
import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import feedparser
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

USER_AGENT = "Bygdebas-bevakning/1.0 (+https://bygdebas.se)"
CHUNK = 64 * 1024


def timeout_s() -> float:
    return float(getattr(settings, "BYGDEBAS_WATCH_TIMEOUT_S", 15))


def max_bytes() -> int:
    return int(getattr(settings, "BYGDEBAS_WATCH_MAX_BYTES", 5 * 1024 * 1024))


def max_redirects() -> int:
    return int(getattr(settings, "BYGDEBAS_WATCH_MAX_REDIRECTS", 5))


class FetchError(Exception):
    """A feed could not be fetched or read; the message says why, for staff."""


@dataclass(frozen=True)
class FeedEntry:
    guid: str
    link: str
    title: str
    summary: str
    published_at: datetime.datetime | None


@dataclass(frozen=True)
class FetchResult:
    not_modified: bool = False
    entries: list[FeedEntry] = field(default_factory=list)
    etag: str = ""
    last_modified: str = ""


def check_url(url: str) -> None:
    """FetchError unless ``url`` is an http(s) address with a host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(_("Only http and https addresses can be watched."))


def allows_private() -> bool:
    return bool(getattr(settings, "BYGDEBAS_WATCH_ALLOW_PRIVATE", False))


def check_destination(url: str) -> None:
    """FetchError unless ``url`` is http(s) and its host resolves to public addresses only.

    Staff type the addresses: without this, a source could make the server read its own
    loopback services or the cloud's metadata address. (A host that resolves differently between
    this check and the connection is not caught; the size and time limits still hold.)
    """
    check_url(url)
    if allows_private():
        return
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise FetchError(
            _("The server could not be reached: %(reason)s.") % {"reason": _("unknown host")}
        ) from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise FetchError(_("The address points into a private network and is not fetched."))


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_repeats = 1  # the same address twice is a loop

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        # A FetchError passes through urllib and download() unchanged, with its own message.
        check_destination(urllib.parse.urljoin(req.full_url, newurl))
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_limited(response: Any, *, limit: int, deadline: float) -> bytes:
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > limit:
        raise FetchError(_too_large(limit))
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(_("The server did not answer within %(s)s seconds.") % _secs())
        chunk = response.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise FetchError(_too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> str:
    return _("The answer is larger than %(mb)s MB.") % {"mb": round(limit / 1024 / 1024, 1)}


def _secs() -> dict[str, Any]:
    return {"s": f"{timeout_s():g}"}


def download(
    url: str, *, etag: str = "", last_modified: str = ""
) -> tuple[int, bytes, dict[str, str]]:
    """GET ``url`` with the conditional headers: (status, body, headers). FetchError on failure."""
    check_destination(url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": _ACCEPT})
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    # The limit is a class attribute in urllib; settings may change it (tests do).
    handler = type("_LimitedRedirects", (_Redirects,), {"max_redirections": max_redirects()})
    opener = urllib.request.build_opener(handler())
    deadline = time.monotonic() + timeout_s()
    try:
        with opener.open(request, timeout=timeout_s()) as response:
            body = _read_limited(response, limit=max_bytes(), deadline=deadline)
            return response.status, body, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return 304, b"", {k.lower(): v for k, v in (error.headers or {}).items()}
        if 300 <= error.code < 400 and "not allowed" in str(error.msg):
            # urllib refuses a redirect to another scheme (file:, ftp:) itself.
            raise FetchError(_("Only http and https addresses can be watched.")) from None
        if 300 <= error.code < 400:
            raise FetchError(
                _("Too many redirects, or a redirect loop (more than %(n)s).")
                % {"n": max_redirects()}
            ) from None
        raise FetchError(_("The server answered %(code)s.") % {"code": error.code}) from None
    except TimeoutError:
        raise FetchError(_("The server did not answer within %(s)s seconds.") % _secs()) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise FetchError(
                _("The server did not answer within %(s)s seconds.") % _secs()
            ) from None
        raise FetchError(
            _("The server could not be reached: %(reason)s.") % {"reason": error.reason}
        ) from None
    except (http.client.HTTPException, OSError, ValueError) as error:
        raise FetchError(
            _("The connection failed: %(reason)s.") % {"reason": str(error) or type(error).__name__}
        ) from None


_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)


def _text(value: str) -> str:
    return " ".join(html.unescape(strip_tags(value or "")).split())


def _when(entry: Any) -> datetime.datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return datetime.datetime.fromtimestamp(calendar.timegm(parsed), tz=datetime.UTC)
    except (OverflowError, ValueError):
        return None


def parse_feed(body: bytes, *, url: str, headers: dict[str, str] | None = None) -> list[FeedEntry]:
    """The entries of a feed document; FetchError when it is not an RSS or Atom feed."""
    response_headers = {"content-location": url}
    if headers and headers.get("content-type"):
        response_headers["content-type"] = headers["content-type"]
    parsed = feedparser.parse(body, response_headers=response_headers, sanitize_html=True)
    if not parsed.get("version"):
        raise FetchError(_("The answer is not an RSS or Atom feed."))
    entries = []
    for item in parsed.entries:
        link = str(item.get("link") or "")[:1000]
        title = _text(item.get("title", ""))[:500]
        summary = _text(item.get("summary", "") or item.get("description", ""))
        guid = str(item.get("id") or link)
        if not guid:
            guid = "sha1:" + hashlib.sha1((title + summary).encode()).hexdigest()
        if not (title or summary):
            continue
        entries.append(
            FeedEntry(
                guid=guid[:500],
                link=link if link.startswith(("http://", "https://")) else "",
                title=title or summary[:120],
                summary=summary,
                published_at=_when(item),
            )
        )
    return entries


def fetch_feed(url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
    """Fetch ``url`` conditionally and read its entries; FetchError with a clear message."""
    status, body, headers = download(url, etag=etag, last_modified=last_modified)
    if status == 304:
        return FetchResult(not_modified=True, etag=etag, last_modified=last_modified)
    return FetchResult(
        entries=parse_feed(body, url=url, headers=headers),
        etag=headers.get("etag", "")[:300],
        last_modified=headers.get("last-modified", "")[:100],
    )
