# Copyright 2026 franka-hil developers
# SPDX-License-Identifier: Apache-2.0
"""
Who may open the driving page: the rules checked on every HTTP request and WebSocket.

The page moves a robot, so a web site the person visits must not reach it: a request whose
Origin is another site is refused (no cross-site WebSocket), and so is one whose Host is a name
(DNS rebinding points a name at 127.0.0.1; the page is addressed by IP literal or localhost).
Off loopback, a secret token in the URL is required too, as Jupyter does.
"""

import hmac
import ipaddress
import secrets
from typing import Optional
from urllib.parse import parse_qs, urlsplit

# The `token` value that asks for a random token.
GENERATE = 'generate'
LOCAL_NAMES = ('localhost',)


def is_loopback(bind: str) -> bool:
    """Tell whether a bind address only listens on this machine."""
    if bind in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(bind).is_loopback
    except ValueError:
        return False


def resolve_token(bind: str, token: str) -> str:
    """
    Return the token to require ('' = none), generating one for `generate`.

    Raise ValueError for a non-loopback bind without a token: anyone on the network could drive.
    """
    if token == GENERATE:
        return secrets.token_urlsafe(24)
    if not token and not is_loopback(bind):
        raise ValueError(
            f'bind {bind!r} is reachable from other machines: set token:=<secret> '
            f'or token:={GENERATE} (or bind 127.0.0.1 and use ssh -L)'
        )
    return token


def _hostname(host: str) -> Optional[str]:
    """Return the name part of a Host header ('[::1]:8080' -> '::1'), None if malformed."""
    try:
        return urlsplit(f'//{host}').hostname
    except ValueError:
        return None


def host_allowed(host: Optional[str]) -> bool:
    """Accept a Host that is an IP literal or localhost, never a DNS name."""
    name = _hostname(host or '')
    if not name:
        return False
    if name in LOCAL_NAMES:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def origin_allowed(origin: Optional[str], host: Optional[str]) -> bool:
    """Accept no Origin (not a browser) or the page's own: http://<the Host header>."""
    if origin is None:
        return True
    return origin.lower() == f'http://{host}'.lower()


def token_ok(path: str, token: str) -> bool:
    """Tell whether a request path carries the token in ?token= (always, if none is needed)."""
    if not token:
        return True
    given = parse_qs(urlsplit(path).query).get('token', [''])[0]
    return hmac.compare_digest(given.encode(), token.encode())


def refusal(path: str, headers, token: str) -> Optional[str]:
    """Return why a request is refused (403), or None; `headers` maps header names to values."""
    host = headers.get('Host')
    if not host_allowed(host):
        return f'Host {host!r} refused: use the IP address or localhost'
    if not origin_allowed(headers.get('Origin'), host):
        return f'Origin {headers.get("Origin")!r} refused: not this page'
    if not token_ok(path, token):
        return 'missing or wrong token: open the address printed at start'
    return None
