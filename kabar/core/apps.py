from django.apps import AppConfig
from django.db.models import ForeignObject
from django.urls import register_converter

from .ids import IdConverter, RelatedExactInRange
from .segments import SegmentConverter


class CoreConfig(AppConfig):
    name = "kabar.core"
    label = "core"

    def ready(self):
        # Before any URLconf is read: the apps' patterns use <id:...> (kabar/core/ids.py)
        # and <segment:...> (kabar/core/segments.py).
        register_converter(IdConverter, "id")
        register_converter(SegmentConverter, "segment")
        # Before any query: a relation's `=` with a number out of range matches nothing.
        ForeignObject.register_lookup(RelatedExactInRange)
