"""Brotli or gzip for the responses the page cache does not answer, as the client asks."""

import brotli
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

from .page_cache import BROTLI_QUALITY, accepted_codings, compressible


class CompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, answering in brotli when the client accepts it.

    Only text is compressed: images and other files are compressed already. Streamed text
    stays with gzip (Django compresses it as it streams). What the page cache answered or
    WhiteNoise served already carries its Content-Encoding and is left alone."""

    def process_response(self, request, response):
        if not compressible(response.get("Content-Type", "")):
            return response
        accepted = accepted_codings(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if "br" not in accepted or response.streaming:
            if "gzip" not in accepted:  # Django's would gzip for "gzip;q=0" too
                patch_vary_headers(response, ("Accept-Encoding",))
                return response
            return super().process_response(request, response)
        if len(response.content) < 200 or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        compressed = brotli.compress(response.content, quality=BROTLI_QUALITY)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        # The body differs byte for byte from the identity one: a strong validator may not
        # stay (the same reasoning as Django's gzip).
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "br"
        return response
