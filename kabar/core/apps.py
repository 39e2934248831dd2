from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models import ForeignObject, IntegerField
from django.urls import register_converter

from .content_type import read_content_types
from .ids import IdConverter, InInRange, RelatedExactInRange, RelatedInInRange
from .segments import SegmentConverter
from .sqlitefile import keep_private


class CoreConfig(AppConfig):
    name = "kabar.core"
    label = "core"

    def ready(self):
        # Before any URLconf is read: the apps' patterns use <id:...> (kabar/core/ids.py)
        # and <segment:...> (kabar/core/segments.py).
        register_converter(IdConverter, "id")
        register_converter(SegmentConverter, "segment")
        # A SQLite file (commenters' emails and addresses) not readable by other users.
        connection_created.connect(keep_private, dispatch_uid="kabar-sqlite-private")
        # Before any request is built: a Content-Type Django cannot read is no error
        # (content_type.py).
        read_content_types()
        # Before any query: a relation's `=`, and an integer column's or a relation's `in`,
        # with a number out of range matches nothing (kabar/core/ids.py).
        ForeignObject.register_lookup(RelatedExactInRange)
        ForeignObject.register_lookup(RelatedInInRange)
        IntegerField.register_lookup(InInRange)
        # Wagtail's admin widgets refusing posted data they cannot read (admin_forms.py).
        from .admin_forms import guard_admin_widgets  # noqa: PLC0415 - models are ready only now

        guard_admin_widgets()
        # Page, admin form and tag slugs in every script, vowel signs kept (slugs.py).
        from .slugs import use_script_slugs  # noqa: PLC0415 - as above

        use_script_slugs()
