"""/embed.js: the comment widget's script (static/api/embed.js) at the one address other
sites embed, which cannot carry a content hash the way /static/ files do."""

import functools
from pathlib import Path

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

SCRIPT = Path(__file__).resolve().parent / "static" / "api" / "embed.js"
# Short: a new release reaches the hosts' readers within the hour. The page cache keeps the
# gzip and brotli copies, so a fresh request costs no compression.
MAX_AGE = 60 * 60


@functools.cache
def script():
    return SCRIPT.read_bytes()


@require_safe
def embed_js(request):
    response = HttpResponse(script(), content_type="text/javascript; charset=utf-8")
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    # Any page may load it, with Subresource Integrity or under its own
    # Cross-Origin-Embedder-Policy too.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
