from django.apps import AppConfig
from django.urls import register_converter

from .ids import IdConverter
from .segments import SegmentConverter


class CoreConfig(AppConfig):
    name = "kabar.core"
    label = "core"

    def ready(self):
        # Before any URLconf is read: the apps' patterns use <id:...> (kabar/core/ids.py)
        # and <segment:...> (kabar/core/segments.py).
        register_converter(IdConverter, "id")
        register_converter(SegmentConverter, "segment")
