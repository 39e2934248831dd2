"""The site every fuzz test meets: an article, a password-protected one, comments in
every state by commenters whose addresses and IPs are secrets, and a reader whose mailed
links and own-comments cookie are genuine. Built through the product's write functions."""

import uuid
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.test import Client, RequestFactory
from wagtail.models import PageViewRestriction

from kabar.discussion import privacy
from kabar.discussion.models import CommentStatus
from kabar.discussion.own import OWN_COOKIE, store_own_comments
from kabar.discussion.services import CommentAuthor, comment_submit, comments_set_status
from kabar.discussion.subscriptions import subscription_request, unsubscribe_token
from kabar.discussion.trust import confirmation_token
from tests import builders


@dataclass
class World:
    home: object
    section: object
    article: object
    restricted: object
    restriction: object
    comment_ids: list
    tokens: dict
    own_cookie: str
    author_slug: str
    secrets: list
    # One client for the whole test: each new one loads the middleware again.
    client: Client = field(default_factory=lambda: Client(raise_request_exception=False))

    def _repr_pretty_(self, printer, cycle):
        # Hypothesis prints a failing example's arguments: keep the world out of the way.
        printer.text("World(...)")


def _comment(article, author, body, *, status=None, parent=None):
    comment = comment_submit(page=article, author=author, body=body, parent=parent)
    if status:
        comments_set_status([comment.pk], status)
    return comment


def _own_cookie(comment):
    response = HttpResponse()
    store_own_comments(RequestFactory().get("/"), response, add=comment)
    return f"{OWN_COOKIE}={response.cookies[OWN_COOKIE].value}"


def build_world():
    """The world of one test, with the secrets no response may contain."""
    tag = uuid.uuid4().hex[:10]
    home = builders.make_home()
    section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    author = builders.make_author()
    article = builders.make_article(section, authors=[author])
    article.tags.add("iklim")
    article.save_revision().publish()
    restricted = builders.make_article(
        section, f"Terbatas {tag}", standfirst=f"Ringkasan terbatas {tag}."
    )
    restriction = PageViewRestriction.objects.create(
        page=restricted, restriction_type="password", password=uuid.uuid4().hex
    )

    # Five commenters whose addresses and IPs must never be shown to anyone.
    private = [
        CommentAuthor(
            name=f"Pembaca {n}",
            email=f"rahasia{tag}{n}@example.net",
            url="https://pembaca.example/",
            ip_address=ip,
        )
        for n, ip in enumerate(
            ["198.51.100.71", "2001:db8:7a7a::71", "198.51.100.72", "198.51.100.73", "192.0.2.74"]
        )
    ]
    approved = _comment(article, private[0], "Komentar yang disetujui.", status="approved")
    reply = _comment(
        article, private[1], "Balasan yang disetujui.", status="approved", parent=approved
    )
    held = _comment(article, private[2], f"Tertahan {tag} menunggu moderator.")
    assert held.status == CommentStatus.PENDING
    spam = _comment(article, private[3], f"Spam {tag} kasino.", status="spam")
    hidden = _comment(restricted, private[4], f"Di balik sandi {tag}.", status="approved")

    # A reader whose mailed links and own-comments cookie are genuine: what they show is
    # theirs to see, so their address is not among the secrets.
    owner = CommentAuthor(name="Pemilik", email=f"pemilik{tag}@example.org", ip_address="192.0.2.9")
    own = _comment(article, owner, "Komentar saya sendiri.", status="approved")
    subscription_request(own.commenter, article)
    subscription = own.commenter.subscriptions.get()
    tokens = {
        "confirm": [confirmation_token(own.commenter)],
        "unsubscribe": [unsubscribe_token(subscription)],
        "privacy": [
            privacy.privacy_link_make(own.commenter, privacy.PrivacyAction.EXPORT),
            privacy.privacy_link_make(own.commenter, privacy.PrivacyAction.ERASE),
        ],
        "form": [builders.form_token(article), builders.form_token(restricted)],
    }
    secrets = [f"{tag}{n}" for n in range(len(private))]  # every address's local part
    secrets += [a.email for a in private] + [a.ip_address for a in private]
    secrets += [f"Tertahan {tag}", f"Spam {tag}", f"Di balik sandi {tag}", f"terbatas {tag}"]
    return World(
        home=home,
        section=section,
        article=article,
        restricted=restricted,
        restriction=restriction,
        comment_ids=[c.pk for c in (approved, reply, held, spam, hidden, own)],
        tokens=tokens,
        own_cookie=_own_cookie(own),
        author_slug=author.slug,
        secrets=secrets,
    )
