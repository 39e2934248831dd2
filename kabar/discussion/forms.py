"""The "Leave a Reply" form: what a reader may send, with WordPress's limits."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX_LENGTH, EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, URL_MAX_LENGTH


class NoMaxLengthAttr:
    """Keep the limit on the server only: a browser's maxlength silently cuts pasted text,
    and a reader's words are refused with a message, never truncated."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class BodyField(NoMaxLengthAttr, forms.CharField):
    pass


class NameField(NoMaxLengthAttr, forms.CharField):
    pass


class EmailField(NoMaxLengthAttr, forms.EmailField):
    pass


class WebsiteField(NoMaxLengthAttr, forms.URLField):
    pass


class CommentForm(forms.Form):
    body = BodyField(
        label=_("Comment"),
        max_length=BODY_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45, "dir": "auto"}),
        error_messages={"required": _("Please type your comment.")},
    )
    author_name = NameField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name", "size": 30, "dir": "auto"}),
        error_messages={"required": _("Please enter your name.")},
    )
    author_email = EmailField(
        label=_("Email"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "size": 30}),
        error_messages={
            "required": _("Please enter your email address. It will not be published."),
            "invalid": _("Please enter a valid email address."),
        },
    )
    author_url = WebsiteField(
        label=_("Website"),
        max_length=URL_MAX_LENGTH,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url", "size": 30}),
        error_messages={"invalid": _("Please enter a valid web address.")},
    )
    remember = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."),
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("Please type your comment."), code="required")
        return body

    def clean_author_name(self):
        name = self.cleaned_data["author_name"].strip()
        if not name:
            raise forms.ValidationError(_("Please enter your name."), code="required")
        return name
