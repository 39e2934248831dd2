"""The admin's forms for moving content in: a WordPress export or another comment system's
file uploaded, and a run again."""

import codecs

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from kabar.discussion.models import ExternalSite

from .comments.isso import SQLITE_HEADER
from .comments.source import GZIP_MAGIC
from .models import COMMENT_FORMATS, ImportFormat
from .tasks import UploadsFolderRefused, uploads_folder

DEFAULT_MAX_UPLOAD_SIZE = 2 * 1024**3
# What an XML file may start with, after a byte-order mark and blank space: its declaration,
# a comment, or WordPress's root element.
XML_STARTS = (b"<?xml", b"<!--", b"<rss")
DISQUS_STARTS = (b"<?xml", b"<!--", b"<disqus")


def max_upload_size():
    return getattr(settings, "KABAR_IMPORT_MAX_UPLOAD_SIZE", DEFAULT_MAX_UPLOAD_SIZE)


def uploads_enabled():
    return bool(getattr(settings, "KABAR_IMPORT_UPLOADS_ROOT", None))


def _head(upload):
    head = upload.read(1024)
    upload.seek(0)
    return head


def looks_like_xml(upload, starts=XML_STARTS):
    head = _head(upload)
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    return head.lstrip().startswith(starts)


def check_size(upload):
    if upload.size > max_upload_size():
        raise forms.ValidationError(
            _("The file is larger than %(size)s, the most this server takes.")
            % {"size": filesizeformat(max_upload_size())}
        )


class UploadsFolderMixin:
    """The optional uploads folder, shown only when the server names a root for it."""

    def add_uploads_field(self):
        if not uploads_enabled():
            return
        root = settings.KABAR_IMPORT_UPLOADS_ROOT
        self.fields["uploads"] = forms.CharField(
            label=_("Uploads folder on the server"),
            required=False,
            max_length=500,
            help_text=_(
                "Optional: a copy of the site's wp-content/uploads, inside %(root)s, for "
                "its images. Without it, posts come in without their images."
            )
            % {"root": root},
        )

    def clean_uploads(self):
        try:
            uploads_folder(self.cleaned_data["uploads"])
        except UploadsFolderRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        return self.cleaned_data["uploads"].strip()


class ImportUploadForm(UploadsFolderMixin, forms.Form):
    file = forms.FileField(
        label=_("WordPress export file"),
        help_text=_("The .xml file from WordPress's Tools > Export > All content."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        help_text=_("Count what the import would create or change, and write nothing."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_uploads_field()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_size(upload)
        if not upload.name.lower().endswith(".xml") or not looks_like_xml(upload):
            raise forms.ValidationError(
                _(
                    "This is not a WordPress export. Choose the .xml file that WordPress "
                    "writes under Tools > Export."
                )
            )
        return upload


class DryRunForm(forms.Form):
    dry_run = forms.BooleanField(label=_("Dry run"), required=False)


class RunAgainForm(UploadsFolderMixin, DryRunForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_uploads_field()


# A first look at a comment file, so that a wrong choice is told at once; the import reads
# the whole file before it writes anything, and its run says what else is wrong.
def _looks_like_disqus(upload):
    return _head(upload).startswith(GZIP_MAGIC) or looks_like_xml(upload, DISQUS_STARTS)


def _looks_like_isso(upload):
    return _head(upload).startswith(SQLITE_HEADER)


def _looks_like_remark42(upload):
    head = _head(upload)
    return head.startswith(GZIP_MAGIC) or head.lstrip().startswith(b"{")


COMMENT_FILES = {
    ImportFormat.DISQUS: (
        _looks_like_disqus,
        _(
            "This is not a Disqus export. Choose the XML file (or its .gz) that Disqus "
            "sends after Moderation > Export."
        ),
    ),
    ImportFormat.ISSO: (
        _looks_like_isso,
        _("This is not an Isso database. Choose Isso's SQLite file (comments.db)."),
    ),
    ImportFormat.REMARK42: (
        _looks_like_remark42,
        _("This is not a Remark42 backup. Choose a backup file Remark42 wrote (backup-….gz)."),
    ),
}


class CommentImportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Comment system"),
        choices=[(value, ImportFormat(value).label) for value in COMMENT_FORMATS],
        widget=forms.RadioSelect,
    )
    site = forms.ModelChoiceField(
        label=_("Registered site"),
        queryset=ExternalSite.objects.live().order_by("title"),
        required=False,
        help_text=_(
            "Where the comments' pages are. Needed for Isso, which keeps only paths; for "
            "Disqus and Remark42 it keeps every thread on this site."
        ),
    )
    file = forms.FileField(label=_("File"))
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        help_text=_("Count what the import would create or change, and write nothing."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_size(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        system, upload = cleaned.get("format"), cleaned.get("file")
        if system == ImportFormat.ISSO and not cleaned.get("site"):
            self.add_error(
                "site", _("Isso keeps only the pages' paths: choose the site they are on.")
            )
        if system and upload is not None:
            looks_right, refusal = COMMENT_FILES[system]
            if not looks_right(upload):
                self.add_error("file", refusal)
        return cleaned
