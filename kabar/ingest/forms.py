"""The admin's forms for moving a WordPress site in: the export upload and a run again."""

import codecs

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .tasks import UploadsFolderRefused, uploads_folder

DEFAULT_MAX_UPLOAD_SIZE = 2 * 1024**3
# What an XML file may start with, after a byte-order mark and blank space: its declaration,
# a comment, or WordPress's root element.
XML_STARTS = (b"<?xml", b"<!--", b"<rss")


def max_upload_size():
    return getattr(settings, "KABAR_IMPORT_MAX_UPLOAD_SIZE", DEFAULT_MAX_UPLOAD_SIZE)


def uploads_enabled():
    return bool(getattr(settings, "KABAR_IMPORT_UPLOADS_ROOT", None))


def looks_like_xml(upload):
    head = upload.read(1024)
    upload.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    return head.lstrip().startswith(XML_STARTS)


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
        if upload.size > max_upload_size():
            raise forms.ValidationError(
                _("The file is larger than %(size)s, the most this server takes.")
                % {"size": filesizeformat(max_upload_size())}
            )
        if not upload.name.lower().endswith(".xml") or not looks_like_xml(upload):
            raise forms.ValidationError(
                _(
                    "This is not a WordPress export. Choose the .xml file that WordPress "
                    "writes under Tools > Export."
                )
            )
        return upload


class RunAgainForm(UploadsFolderMixin, forms.Form):
    dry_run = forms.BooleanField(label=_("Dry run"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_uploads_field()
