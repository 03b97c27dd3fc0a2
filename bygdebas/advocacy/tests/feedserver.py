"""A real HTTP server on 127.0.0.1 serving feeds, good and nasty, for the fetcher's tests.

Never the internet: every test that fetches starts one of these (``FeedServer()`` as a context
manager) and watches its addresses.
"""

from __future__ import annotations

import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Self

LAST_MODIFIED = formatdate(1735689600, usegmt=True)  # 2025-01-01


def rss(items: list[tuple[str, str, str, str]], *, encoding: str = "utf-8") -> str:
    """An RSS 2.0 document of (guid, link, title, description) items."""
    body = "".join(
        f'<item><guid isPermaLink="false">{guid}</guid><link>{link}</link><title>{title}</title>'
        f"<description>{text}</description><pubDate>Wed, 05 Mar 2025 08:00:00 +0100</pubDate>"
        "</item>"
        for guid, link, title, text in items
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        "<title>Regeringen: remisser</title><link>http://127.0.0.1/</link>"
        f"<description>Remisser</description>{body}</channel></rss>"
    )


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Region Örebro län</title>
  <id>urn:uuid:region-orebro</id>
  <updated>2025-03-05T08:00:00Z</updated>
  <entry>
    <title>Landsbygdsprogrammet ute på remiss</title>
    <id>urn:uuid:atom-1</id>
    <link href="http://example.org/region/landsbygdsprogrammet"/>
    <updated>2025-03-05T08:00:00Z</updated>
    <summary type="html">&lt;p&gt;Regionen vill ha synpunkter på &lt;b&gt;landsbygdsprogrammet&lt;/b&gt;.&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>Nytt konstverk i Örebro</title>
    <id>urn:uuid:atom-2</id>
    <link href="http://example.org/region/konst"/>
    <updated>2025-03-04T08:00:00Z</updated>
    <summary>Ett konstverk invigs på Stortorget.</summary>
  </entry>
</feed>
"""

RSS_ITEMS = [
    (
        "rss-1",
        "http://example.org/remiss/kollektivtrafik",
        "Remiss: kollektivtrafiken i länet",
        "Trafikförsörjningsprogrammet för Örebro län.",
    ),
    ("rss-2", "http://example.org/remiss/jakt", "Jakttider för älg", "Nya jakttider."),
    (
        "rss-3",
        "http://example.org/remiss/bredband",
        "Bredbandsstöd till byar",
        "Stöd till bredbandsföreningar.",
    ),
]

CP1252_TITLE = "Remiss om vägarna i Hällefors – åäö ÅÄÖ é"
CP1252 = rss([("cp-1", "http://example.org/cp", CP1252_TITLE, "Väg 50 – förslag")]).encode("cp1252")
HTML = b"<!doctype html><html><head><title>Nyheter</title></head><body><p>Inte ett fl\xc3\xb6de</p></body></html>"
HUGE_BYTES = 20 * 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    server: FeedHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _send(
        self, body: bytes, *, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self.server.hits[self.path] = self.server.hits.get(self.path, 0) + 1
        path = self.path
        if path == "/rss":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.send_header("ETag", '"v1"')
                self.end_headers()
                return
            self._send(
                rss(RSS_ITEMS).encode(),
                content_type="application/rss+xml; charset=utf-8",
                headers={"ETag": '"v1"'},
            )
        elif path == "/atom":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self.send_response(304)
                self.end_headers()
                return
            self._send(
                ATOM.encode(),
                content_type="application/atom+xml",
                headers={"Last-Modified": LAST_MODIFIED},
            )
        elif path == "/cp1252":
            self._send(CP1252, content_type="application/rss+xml; charset=utf-8")
        elif path == "/html":
            self._send(HTML, content_type="text/html; charset=utf-8")
        elif path == "/huge":
            # No Content-Length: the limit must hold while reading, not only on the header.
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<!-- " + b"x" * (1024 * 1024 - 9) + b" -->"
            try:
                self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
                for _ in range(HUGE_BYTES // len(chunk) + 1):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(HUGE_BYTES))
            self.end_headers()
            self.close_connection = True
        elif path == "/loop-a":
            self._redirect("/loop-b")
        elif path == "/loop-b":
            self._redirect("/loop-a")
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            if n > 0:
                self._redirect(f"/hop/{n - 1}")
            else:
                self._send(rss(RSS_ITEMS[:1]).encode(), content_type="application/rss+xml")
        elif path == "/to-file":
            self._redirect("file:///etc/passwd")
        elif path == "/silent":
            # Accepts the connection, never answers within the timeout.
            time.sleep(self.server.stall_s)
            self.close_connection = True
        elif path == "/drip":
            # Answers at once, then a byte at a time: each read is quick, the whole is not.
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            try:
                for _ in range(int(self.server.stall_s * 10)):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif path == "/dupes":
            self._send(rss(self.server.dupes_items).encode(), content_type="application/rss+xml")
        elif path == "/error":
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


class FeedHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    hits: dict[str, int]
    stall_s: float
    dupes_items: list[tuple[str, str, str, str]]


class FeedServer:
    """``with FeedServer() as server: server.url("/rss")``."""

    paths: ClassVar = ("/rss", "/atom", "/cp1252", "/html", "/huge", "/loop-a", "/silent")

    def __init__(self, *, stall_s: float = 3.0) -> None:
        self.httpd = FeedHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.hits = {}
        self.httpd.stall_s = stall_s
        self.httpd.dupes_items = list(RSS_ITEMS[:2])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    @property
    def hits(self) -> dict[str, int]:
        return self.httpd.hits

    def set_dupes(self, items: list[tuple[str, str, str, str]]) -> None:
        self.httpd.dupes_items = items
