"""What may take reader comments: the interface a page model implements, and the registry
of the models that do. Discussion knows pages only through this; a model says what it is
by inheriting `Commentable` and registering itself (`@targets.register`)."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from kabar.core import generations
from kabar.core.generations import GEN_ALL
from kabar.core.memo import StampedMemo
from kabar.core.page_cache import config as page_cache_config
from kabar.core.purge import page_generation_key


class DiscussionState(models.TextChoices):
    OPEN = "open", _("Open: readers may comment")
    # Set by an editor, or by the burst guard when a story draws a flood of new commenters.
    PREMODERATED = "premoderated", _("Open, every comment held for moderation")
    CLOSED = "closed", _("Closed: existing comments stay, no new ones")


class Commentable(models.Model):
    """A page that takes reader comments. Its `discussion` field opens, holds or closes
    them; the methods below tell discussion the rest, and a model may override them."""

    discussion = models.CharField(
        _("discussion"),
        max_length=20,
        choices=DiscussionState.choices,
        default=DiscussionState.OPEN,
    )

    # What a comment post reads of the page (rules, open or closed, address, purge);
    # a model adds the fields its own overrides read ("section__slug" with "section" in
    # discussion_related).
    discussion_fields = (
        "id",
        "content_type",
        "path",
        "alias_of",
        "url_path",
        "live",
        "title",
        "first_published_at",
        "discussion",
    )
    discussion_related = ()

    class Meta:
        abstract = True

    @property
    def comments_open(self):
        return self.discussion != DiscussionState.CLOSED

    @property
    def discussion_premoderated(self):
        return self.discussion == DiscussionState.PREMODERATED

    def discussion_overrides(self):
        """The site's discussion rules this page changes: {rule name: value} (see
        kabar.discussion.policy.Rules), e.g. a section's own closing time."""
        return {}

    def discussion_opened_at(self):
        """When the discussion began (rules close it some days after)."""
        return self.first_published_at

    def discussion_title(self):
        """What mails, feeds and the moderators' desk call the thread."""
        return self.title

    def discussion_url(self, request=None):
        """Where readers find the thread (the page's address; links in feeds)."""
        return self.get_url(request)

    def discussion_view_restrictions(self):
        """The view restrictions a reader must pass to see and comment on the page."""
        return self.get_view_restrictions()

    @property
    def discussion_shown(self):
        """Whether the thread is shown at all, in its feed and the site's: not for a page
        whose content was taken back from the public while it stays live (a withdrawal)."""
        return True

    @classmethod
    def discussion_hidden(cls):
        """The pages of this model whose threads are not shown (discussion_shown), as a
        queryset, for listings of comments from many pages."""
        return cls.objects.none()

    @classmethod
    def discussion_queryset(cls):
        """Live pages of this model with what a comment post reads, in one query."""
        return (
            cls.objects.live().select_related(*cls.discussion_related).only(*cls.discussion_fields)
        )


_models = []


def register(model):
    """Class decorator: `model` (a Page model inheriting Commentable) takes comments."""
    if not (issubclass(model, Commentable) and issubclass(model, Page)):
        raise TypeError(f"{model.__name__} must be a Page model inheriting Commentable")
    if model not in _models:
        _models.append(model)
    return model


def registered():
    return tuple(_models)


def content_types():
    """The content types of the page models that take comments (Django's cache of them:
    no query after the first)."""
    return list(ContentType.objects.get_for_models(*registered()).values())


def is_target(page):
    """Whether `page` (a specific page instance) takes comments."""
    return isinstance(page, registered())


def as_target(page):
    """The specific page behind `page` if it takes comments, else None."""
    if page is None:
        return None
    if not is_target(page):
        page = page.specific
    return page if is_target(page) else None


# The pages comments were posted to recently, each under the generations that every change
# to it renews: its own (publish, unpublish, move, delete, a switch to pre-moderation) and
# the site-wide one (a section's overrides, a site, a view restriction).
_posted_to = StampedMemo(512)


def hidden_threads():
    """Querysets of page ids, one per registered model, whose threads are not shown."""
    return [model.discussion_hidden().values("pk") for model in registered()]


def live_target(page_id):
    """The live page with this id that takes comments, loaded with what a comment post
    reads (one query per registered model, nearly always one; none while the page and the
    site are unchanged and the page cache is on), or None. Each call gets its own copy."""
    if not page_cache_config().enabled:
        return _load_live_target(page_id)
    keys = [GEN_ALL, page_generation_key(page_id)]
    # Any id can be posted to: one that is no page must leave no key that lasts (a purge of
    # the page makes its key last).
    stamp = generations.read_safely(keys, provisional=keys[1:])
    if stamp is None:
        return _load_live_target(page_id)
    found = _posted_to.get(page_id, tuple(stamp[k] for k in keys), lambda: _kept(page_id))
    return _copy(found)


# Where a target kept for comment posts keeps its address.
KEPT_URL = "_discussion_kept_url"


def _kept(page_id):
    """The live target to keep under the generations (see live_target), with its address
    (page_url): a move, a change of slug or of the site renews one of them."""
    target = _load_live_target(page_id)
    if target is not None:
        target.__dict__[KEPT_URL] = target.url
    return target


def page_url(target):
    """The address of Kabar's page for `target` (its `url`), as kept with a target from
    live_target: worked out anew, from the site root paths in the shared cache, it was a
    twentieth of the CPU of a comment post."""
    kept = target.__dict__.get(KEPT_URL)
    return kept if kept is not None else target.url


def _copy(target):
    if target is None:
        return None
    target = _model_copy(target)
    for name in target.discussion_related:
        related = getattr(target, name)
        if related is not None:
            setattr(target, name, _model_copy(related))
    return target


def _model_copy(instance):
    """copy.copy(instance) as Django makes it (its attributes, and its state with the cache
    of related rows in containers of their own: Model.__getstate__), without the pickling
    round copy.copy takes for a model (Model.__reduce__, model_unpickle, the version check):
    most of the 45 us a comment post spent copying its page."""
    state = object.__new__(type(instance._state))
    state.__dict__.update(instance._state.__dict__)
    state.fields_cache = instance._state.fields_cache.copy()
    new = object.__new__(type(instance))
    new.__dict__.update(instance.__dict__)
    new._state = state
    return new


def _load_live_target(page_id):
    for model in registered():
        found = model.discussion_queryset().filter(pk=page_id).first()
        if found is not None:
            return found
    return None


def page_changed(target):
    """Renew what is kept of `target` itself (after a write that changes it in place)."""
    generations.renew([page_generation_key(target.pk)])
