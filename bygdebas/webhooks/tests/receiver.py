"""A real HTTP server on 127.0.0.1 that receives webhooks, for the delivery tests.

It can be down (nothing listens on its port: connection refused), answer with an error status
for a while, or be slow (the sender times out after the receiver acted: the case that makes a
duplicate). It keeps every request as (headers, body) in arrival order.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bygdebas.testing import free_port


class Receiver:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 204
        self.fail_next = 0  # answer this many requests with 500 before ``status``
        self.delay_next = 0.0  # sleep this long in the next request (once) before answering
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.requests.append(
                        ({k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    delay, receiver.delay_next = receiver.delay_next, 0.0
                    if receiver.fail_next:
                        receiver.fail_next -= 1
                        status = 500
                    else:
                        status = receiver.status
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                reply = b"ok" if status < 300 else b"receiver says no"
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def start(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Receiver:
        self.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.stop()
