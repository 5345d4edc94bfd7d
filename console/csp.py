"""The Content-Security-Policy on every console response (issue 9). The pages run no script
and carry no inline style (the SVG charts colour with presentation attributes), so they need
nothing but their own origin. The one exception is the API docs page, FastAPI's Swagger UI,
which loads from the jsDelivr CDN and starts with one inline script: it gets exactly that,
the inline script allowed by its hash, never 'unsafe-inline'."""

from __future__ import annotations

import base64
import hashlib
import re

PAGES = ("default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
         "object-src 'none'")
SWAGGER_CDN = "https://cdn.jsdelivr.net"
SWAGGER_ICON = "https://fastapi.tiangolo.com"
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


def docs_policy(html: bytes) -> str:
    """The docs page's policy: the CDN for Swagger UI, and each of its inline scripts by hash."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'"
                      for s in _INLINE_SCRIPT.findall(html))
    return (f"default-src 'self'; script-src 'self' {SWAGGER_CDN} {hashes}; style-src 'self' {SWAGGER_CDN}; "
            f"img-src 'self' data: {SWAGGER_ICON}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
            f"object-src 'none'")
