from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "kabar.discussion"
    label = "discussion"
    verbose_name = _("Reader discussion")

    def ready(self):
        from . import receivers, targets  # noqa: PLC0415 - models are ready only now
        from .models import ExternalThread  # noqa: PLC0415 - the same

        receivers.connect()
        # After the apps' own page models, registered as they were imported: a post is
        # looked up in the registered models in turn, and articles take most comments.
        targets.register(ExternalThread)
