"""The "Leave a Reply" form: what a reader may send, with WordPress's limits."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX_LENGTH, EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, URL_MAX_LENGTH
from .spam import tokens

FORM_EXPIRED = _(
    "This form was open for more than a day, so we could not accept it as it was. Your "
    "comment is still here: please send it again."
)
FORM_INVALID = _(
    "This form could not be checked (it may be incomplete or altered). Your comment is "
    "still here: please send it again."
)


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
    notify_replies = forms.BooleanField(
        label=_("Notify me of follow-up comments by email."), required=False
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    # Signed article id and issue time (spam/tokens.py); nothing about the reader.
    form_token = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)
    # The honeypot: hidden from people (CSS and aria-hidden), filled by form-stuffing bots.
    # Its name is one browsers' autofill does not recognise.
    subject = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, page_id=None, **kwargs):
        """Bound to an article (`page_id`), the form carries a signed token and checks
        it when sent; the view always binds it."""
        super().__init__(*args, **kwargs)
        self.page_id = page_id
        self.form_age_seconds = None
        if page_id is not None and not self.is_bound:
            self.initial.setdefault("form_token", tokens.issue(page_id))

    @property
    def honeypot_filled(self):
        return bool(self.is_bound and self.data.get("subject"))

    def clean(self):
        cleaned = super().clean()
        if self.page_id is not None:
            try:
                self.form_age_seconds = tokens.age_of(self.data.get("form_token"), self.page_id)
            except tokens.TokenExpired:
                self.add_error(None, forms.ValidationError(FORM_EXPIRED, code="form_expired"))
                self.renew_token()
            except tokens.TokenInvalid:
                self.add_error(None, forms.ValidationError(FORM_INVALID, code="form_invalid"))
                self.renew_token()
        return cleaned

    def renew_token(self):
        """Give a sent-back form a fresh token (the reader's text stays as typed), so
        sending it again works."""
        self.data = self.data.copy()
        self.data["form_token"] = tokens.issue(self.page_id)

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
