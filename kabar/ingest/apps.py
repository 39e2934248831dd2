from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestConfig(AppConfig):
    name = "kabar.ingest"
    label = "ingest"
    verbose_name = _("Content in")
