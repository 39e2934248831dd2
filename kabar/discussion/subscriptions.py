"""Reader subscriptions to follow-up comments on an article, and their unsubscribe links.

Subscriptions ("Notify me of follow-up comments by email") are per article, as in
WordPress: a confirmed subscriber hears of every comment approved there afterwards, except
their own. A subscription is confirmed only by the link mailed to the address, even when
the address was confirmed before: anyone can type an address into the form, and only its
owner may decide that it receives mail. The same link confirms the address itself.
"""

from django.urls import reverse
from django.utils import timezone

from kabar.core import signing
from kabar.core.signing import LinkInvalid

from .mail import absolute_url
from .models import Subscription

# The purpose (salt) of links already mailed: changing it would break them.
UNSUBSCRIBE_SALT = "kabar.discussion.unsubscribe"


def unsubscribe_token(subscription):
    # No expiry: an unsubscribe link must work for as long as mail carrying it exists.
    return signing.make(UNSUBSCRIBE_SALT, {"s": subscription.pk})


def unsubscribe_url(subscription):
    return absolute_url(reverse("discussion:unsubscribe", args=[unsubscribe_token(subscription)]))


def unsubscribe_read(token):
    """The Subscription an unsubscribe token names; LinkInvalid if there is none."""
    data = signing.read(token, UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise LinkInvalid
    subscription = (
        Subscription.objects.select_related("page", "commenter").filter(pk=data["s"]).first()
    )
    if subscription is None:
        raise LinkInvalid
    return subscription


def subscription_request(commenter, page):
    """Record a reader's wish for follow-up mail on `page`; True if it awaits confirmation
    (a new wish, or one renewed after unsubscribing), False if already in force."""
    subscription, created = Subscription.objects.get_or_create(page_id=page.pk, commenter=commenter)
    if created:
        return True
    if subscription.confirmed_at and not subscription.unsubscribed_at:
        return False
    Subscription.objects.filter(pk=subscription.pk).update(
        created_at=timezone.now(), confirmed_at=None, unsubscribed_at=None
    )
    return True


def subscription_cancel(subscription, everything=False):
    """Stop follow-up mail for this subscription (or all of its commenter's); returns how
    many subscriptions were active."""
    targets = Subscription.objects.filter(unsubscribed_at__isnull=True)
    if everything:
        targets = targets.filter(commenter_id=subscription.commenter_id)
    else:
        targets = targets.filter(pk=subscription.pk)
    return targets.update(unsubscribed_at=timezone.now())
