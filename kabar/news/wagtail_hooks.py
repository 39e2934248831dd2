"""Authors in the admin: a snippet whose chooser (the byline's) can create one, slug optional;
live entries (live_admin.py); the help menu in the editor's language."""

from django import forms
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail.utils.version import get_main_version

from . import live_admin
from .models import Author

SLUG_HELP = _("Leave it empty to make it from the name.")


class OptionalSlugMixin:
    """The slug may be left empty: Author.clean() then makes a free one from the name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = SLUG_HELP


class AuthorForm(OptionalSlugMixin, WagtailAdminModelForm):
    pass


class AuthorCreationForm(OptionalSlugMixin, forms.ModelForm):
    """The "Create" tab of the byline's author chooser: what a byline needs, nothing more."""

    class Meta:
        model = Author
        fields = ["name", "slug", "job_title"]


class AuthorChooserViewSet(SnippetChooserViewSet):
    creation_form_class = AuthorCreationForm


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    chooser_viewset_class = AuthorChooserViewSet
    edit_handler = ObjectList(Author.panels, base_form_class=AuthorForm)


register_snippet(AuthorViewSet)


@hooks.register("register_admin_viewset")
def register_live_entries():
    return live_admin.live_entry_viewset


hooks.register("register_page_header_buttons", live_admin.page_header_buttons)


WHATS_NEW_PREFIX = "whats-new-in-wagtail-"


def _whats_new_label(version):
    return gettext("What's new in Wagtail %(version)s") % {"version": version}


@hooks.register("construct_help_menu")
def whats_new_in_the_readers_language(request, menu_items):
    """Wagtail builds its help menu once per process and formats the "What's new" label
    then, in whatever language the first admin request had: every later editor saw it in
    that language. Its label becomes lazy, formatted when each page renders."""
    for item in menu_items:
        if item.name.startswith(WHATS_NEW_PREFIX) and not isinstance(item.label, Promise):
            item.label = lazy(_whats_new_label, str)(get_main_version(include_patch=False))
