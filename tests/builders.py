"""Small builders for a tiny page tree; tests do not load the demo content."""

import itertools
import time
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.utils import timezone
from wagtail.models import Page, Site
from wagtail.users.models import UserProfile

from kabar.discussion.models import Commenter, DiscussionSettings, ExternalSite
from kabar.discussion.services import CommentAuthor, comment_submit, comments_set_status
from kabar.discussion.spam import tokens
from kabar.discussion.trust import commenter_trust
from kabar.news.models import ArticleAuthor, ArticlePage, Author, HomePage, SectionPage

_seq = itertools.count(1)


def make_home():
    root = Page.objects.get(depth=1)
    home = root.add_child(instance=HomePage(title="Kabar", slug=f"beranda-{next(_seq)}"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Kabar"},
    )
    return home


def make_section(home, title="Kabar Internasional", slug=None):
    section = SectionPage(title=title, slug=slug or f"seksi-{next(_seq)}", show_in_menus=True)
    home.add_child(instance=section)
    section.save_revision().publish()
    return section


def make_author(name="Rina Hartono"):
    n = next(_seq)
    return Author.objects.create(name=name, slug=f"penulis-{n}")


def make_article(
    section, title="Gencatan senjata disepakati", *, authors=(), published=None, **fields
):
    n = next(_seq)
    article = ArticlePage(
        title=title,
        slug=fields.pop("slug", f"artikel-{n}"),
        standfirst=fields.pop("standfirst", "Ringkasan singkat berita ini."),
        body=fields.pop(
            "body", [("paragraph", "<p>Paragraf pertama berita yang ditulis untuk uji.</p>")]
        ),
        **fields,
    )
    section.add_child(instance=article)
    for order, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, sort_order=order)
    article.save_revision().publish()
    article.refresh_from_db()
    if published is not None:
        ArticlePage.objects.filter(pk=article.pk).update(
            first_published_at=published, last_published_at=published, published_at=published
        )
        article.refresh_from_db()
    return article


def make_articles(section, count, **fields):
    now = timezone.now()
    return [
        make_article(section, f"Berita nomor {i}", published=now - timedelta(hours=i), **fields)
        for i in range(count)
    ]


def make_external_site(
    origin="https://blog.example.org", slug="blog-teman", title="Blog Teman", **fields
):
    """A registered other site (kabar.discussion.sites), at the top of the page tree."""
    root = Page.objects.get(depth=1)
    site = ExternalSite(title=title, slug=slug, origin=origin, **fields)
    root.add_child(instance=site)
    return site


def form_token(article, age=60):
    """A genuine comment-form token for `article`, issued `age` seconds ago (older than
    the "too fast" minimum, so a post that carries it is judged on its content)."""
    return tokens.issue(article.pk, now=time.time() - age)


def submit(
    article,
    body="Komentar yang bermakna.",
    name="Budi",
    email="budi@example.org",
    parent=None,
    approve=False,
    **extra,
):
    comment = comment_submit(
        page=article,
        author=CommentAuthor(name=name, email=email, ip_address="203.0.113.9", **extra),
        body=body,
        parent=parent,
    )
    if approve:
        approve_now(comment)
    return comment


def approve_now(comment):
    """Approve `comment` as a moderator does, with what the approval's commit sets off run
    now (the author's counters among it: trust.py counts approved comments only once they
    say there are any), once: taken off the queue, so that a test capturing its own
    callbacks around this does not run them again."""
    queued = connection.run_on_commit
    before = len(queued)
    comments_set_status([comment.pk], "approved")
    after_commit = queued[before:]
    del queued[before:]
    for _savepoints, callback, _robust in after_commit:
        callback()
    comment.refresh_from_db()


def trusted_commenter(email="pelapor.tetap@example.org"):
    """A commenter moderators vouched for: a reader with a history, whose reports can hold
    a comment (services.comment_report)."""
    commenter, _created = Commenter.objects.get_or_create(email=email)
    return commenter_trust(commenter)


def in_english(user):
    """The admin in English for `user`: assertions read the English strings, whatever the
    translations say."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def admin_user_with(django_user_model, username, app_label, *codenames):
    """A user who may open the admin and holds `app_label`'s permissions `codenames`."""
    user = django_user_model.objects.create_user(username=username, password="x")
    group = Group.objects.create(name=f"group-{username}")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames),
    )
    user.groups.add(group)
    return in_english(user)


def work_database_queue():
    """Run every task of the "kabar" database queue that is due, as `kabar worker` does, and
    return (batch: it stops when none is left)."""
    from django_tasks_db.management.commands.db_worker import Worker  # noqa: PLC0415

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="kabar",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def discussion_settings(**values):
    """Set the default site's discussion settings (comments per page, order, …)."""
    stored = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in values.items():
        setattr(stored, name, value)
    stored.save()
