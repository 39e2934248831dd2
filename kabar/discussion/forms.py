"""The "Leave a Reply" form: what a reader may send, with WordPress's limits."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from kabar.core.ids import parse_id

from . import validation
from .spam import tokens

FORM_EXPIRED = _(
    "This form was open for more than a day, so we could not accept it as it was. Your "
    "comment is still here: please send it again."
)
FORM_INVALID = _(
    "This form could not be checked (it may be incomplete or altered). Your comment is "
    "still here: please send it again."
)
REPLY_UNAVAILABLE = _("The comment you are replying to is not available.")


class RuledField:
    """A comment field checked by its rules in validation.py, the ones comment_submit
    applies to every other way in: limits included (no maxlength for a browser to cut
    pasted text with), and a NUL refused as any control character, in the field's words."""

    default_validators = []

    def __init__(self, *, rules, error_messages=None, **kwargs):
        messages = {"required": rules.required} if rules.required else {}
        super().__init__(
            required=bool(rules.required),
            max_length=None,
            validators=list(rules.validators),
            error_messages={**messages, **(error_messages or {})},
            **kwargs,
        )
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]


class TextField(RuledField, forms.CharField):
    pass


class EmailField(RuledField, forms.EmailField):
    pass


class WebsiteField(RuledField, forms.URLField):
    pass


def _copied(obj):
    """A shallow copy of a field or widget, as copy.copy makes it, without its protocol."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


class CheaplyCopiedFields(dict):
    """A form's declared fields, copied for each form exactly as Django's deepcopy does
    (Field.__deepcopy__ and Widget.__deepcopy__: the field and its widget copied, their
    attrs, messages and validators in new containers, anything else shared), but without
    the generic copy protocol, which made up about 7 % of a comment post's Python calls.
    Valid while no field or widget of the form defines a __deepcopy__ of its own (choices,
    say): tests/discussion/test_forms.py checks that."""

    def __deepcopy__(self, memo):
        fields = {}
        for name, field in self.items():
            new = fields[name] = _copied(field)
            new.widget = _copied(field.widget)
            new.widget.attrs = field.widget.attrs.copy()
            new.error_messages = field.error_messages.copy()
            new.validators = field.validators[:]
        return fields


class CommentForm(forms.Form):
    body = TextField(
        rules=validation.BODY,
        label=_("Comment"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45, "dir": "auto"}),
    )
    author_name = TextField(
        rules=validation.NAME,
        label=_("Name"),
        widget=forms.TextInput(attrs={"autocomplete": "name", "size": 30, "dir": "auto"}),
    )
    author_email = EmailField(
        rules=validation.EMAIL,
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "size": 30}),
    )
    author_url = WebsiteField(
        rules=validation.WEBSITE,
        label=_("Website"),
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url", "size": 30}),
        # Said before the rules run, of an address too malformed to complete with a scheme.
        error_messages={"invalid": validation.URL_INVALID},
    )
    remember = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."),
        required=False,
    )
    notify_replies = forms.BooleanField(
        label=_("Notify me of follow-up comments by email."), required=False
    )
    # Not an IntegerField: its errors would stay with the hidden field, unseen (clean_parent).
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
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

    def clean_parent(self):
        """The id of the comment replied to, or None; one that is not an id is unavailable,
        said where the reader sees it."""
        raw = self.cleaned_data["parent"]
        if not raw:
            return None
        parent_id = parse_id(raw)
        if parent_id is None:
            self.add_error(None, forms.ValidationError(REPLY_UNAVAILABLE, code="parent"))
        return parent_id


# Every comment post makes one: its fields are copied the cheap way.
CommentForm.base_fields = CheaplyCopiedFields(CommentForm.base_fields)
