"""A partner's website for browser tests: another origin (a second port on loopback) serving one
page. tests/conftest.py imports the fixture, so every test can ask for it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@pytest.fixture
def partner_site():
    """set_page(html) serves html at the partner's origin and returns its URL."""
    body = {"html": b""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body["html"])))
            self.end_headers()
            self.wfile.write(body["html"])

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def set_page(html: str) -> str:
        body["html"] = html.encode()
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield set_page
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
