# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Rerun's web viewer page without its internet fetches, on the port a person opens.

The `rerun` program's page (rerun-sdk 0.41) links Google's web fonts: every browser that opens
it asks fonts.googleapis.com. The program has no option to serve another page (the SDK's
assets-archive option binds 0.0.0.0), so it serves on a port of its own on 127.0.0.1, and this
server, on the page's port, answers with its index.html less the font links (the page falls
back to its own fonts) and a Content-Security-Policy that lets the page connect only to itself
and the data port (which stops its update check on GitHub and its analytics to rerun.io), and
passes every other file through unchanged. It is the standard library's threaded HTTP server: a
few GET requests per page load.
"""

from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import re
import shutil
import sys
import threading
import urllib.error
from urllib.parse import urlsplit
import urllib.request

# A <link> element that points at another origin (the fonts and their preconnects).
_OFF_ORIGIN_LINK = re.compile(r'<link\b[^>]*\bhref="(?:https?:)?//[^"]*"[^>]*>\s*', re.S)
PAGE_PATHS = ('/', '/index.html')
# Headers of the program's answers that the page reads (its loader's progress bar reads
# rerun-final-length: the wasm comes chunked, without a length).
PASSED_HEADERS = ('Content-Type', 'Content-Length', 'rerun-final-length')
FETCH_TIMEOUT_S = 30.0


def without_off_origin_links(html: str) -> str:
    """Return the page without <link> elements to other origins (fonts, preconnects)."""
    return _OFF_ORIGIN_LINK.sub('', html)


class PageServer(ThreadingHTTPServer):
    """Serves the page of the `rerun` program at `upstream` on (bind, port), in a thread."""

    daemon_threads = True

    def __init__(self, bind, port, upstream, data_port):
        """Read and rewrite the upstream page, then listen (OSError if the port is taken)."""
        self.upstream = upstream.rstrip('/')
        self.policy = f"connect-src 'self' http://*:{data_port}"
        with urllib.request.urlopen(self.upstream + '/', timeout=FETCH_TIMEOUT_S) as answer:
            self.page = without_off_origin_links(answer.read().decode()).encode()
        super().__init__((bind, port), _Handler)
        self._thread = threading.Thread(target=self.serve_forever, name='page', daemon=True)
        self._thread.start()

    def handle_error(self, request, client_address):
        """Pass over a browser that went away mid-answer (a closed tab); report anything else."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def close(self):
        """Stop serving and free the port."""
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5.0)


class _Handler(BaseHTTPRequestHandler):
    server: PageServer

    def do_GET(self):  # noqa: N802 (the standard library's name)
        path = urlsplit(self.path).path
        if path in PAGE_PATHS:
            self.send_response(HTTPStatus.OK)
            self.send_header('Content-Type', 'text/html; charset=utf-8')
            self.send_header('Content-Length', str(len(self.server.page)))
            self.send_header('Cache-Control', 'no-store')
            self.send_header('Content-Security-Policy', self.server.policy)
            self.end_headers()
            self.wfile.write(self.server.page)
            return
        try:
            answer = urllib.request.urlopen(
                self.server.upstream + self.path, timeout=FETCH_TIMEOUT_S
            )
        except urllib.error.HTTPError as error:
            self.send_error(error.code)
            return
        except OSError:
            self.send_error(HTTPStatus.BAD_GATEWAY)
            return
        with answer:
            self.send_response(answer.status)
            for name in PASSED_HEADERS:
                if answer.headers.get(name):
                    self.send_header(name, answer.headers[name])
            self.end_headers()
            shutil.copyfileobj(answer, self.wfile)

    def log_message(self, format, *args):  # noqa: A002 (the standard library's name)
        pass  # the program's own log says what matters; a line per file would bury it
