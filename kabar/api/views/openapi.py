"""The OpenAPI document, the same for everyone (kabar/api/openapi.py)."""

import functools
import json

from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from .. import openapi
from ..endpoint import endpoint

MAX_AGE = 60 * 60


@functools.cache
def _body():
    return json.dumps(openapi.document(), ensure_ascii=False, indent=1).encode()


@endpoint("GET")
def document(request):
    response = HttpResponse(_body(), content_type="application/json")
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
