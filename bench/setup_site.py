"""Fill a benchmark site: the demo content, plus one article with N approved comments (a
realistic thread: replies, several commenters, a few sentences each), and with
--thread-origin a registered other site whose page has a thread of N approved comments
too (the JSON API's benchmark). Prints one line of JSON with the URLs the benchmarks use,
and the cookie of the browser each known commenter confirmed their address in. Run with
the benchmark site's environment (its SECRET_KEY is the server's, so the server accepts
the cookies signed here):

    python -m bench.setup_site --comments 50 [--no-demo] [--thread-origin http://host:port]
"""

import argparse
import json
import random

import django

ARTICLE_SLUG = "uji-beban-diskusi-pembaca"
SECTION_SLUG = "kabar-internasional"
# The commenters whose earlier comments were approved and who confirmed their address: a
# new comment from one of them, sent from the browser they confirmed it in (the
# kabar_trusted cookie, see trusted_browsers), is published at once; any other name and
# email, or theirs from another browser, is held for moderation.
KNOWN_COMMENTERS = [(f"Pembaca Tetap {i}", f"pembaca.tetap{i}@example.org") for i in range(1, 11)]
MODERATOR = ("moderator", "moderator@kabar.test")
# The registered other site of the API benchmark (its key, as `data-kabar-site` names it)
# and the page of it whose thread is measured.
EXTERNAL_SITE_KEY = "blog-uji-beban"
EXTERNAL_THREAD_PATH = "/catatan/uji-beban-diskusi-pembaca/"
EXTERNAL_THREAD_TITLE = "Warga bertahan di tepi sungai setelah banjir bandang"

SENTENCES = [
    "Terima kasih untuk liputan yang lengkap ini.",
    "Saya tinggal tidak jauh dari lokasi dan keadaannya memang seperti yang ditulis.",
    "Semoga pemerintah daerah segera menindaklanjuti temuan ini.",
    "Angka yang dikutip di paragraf ketiga menarik, apakah ada sumber datanya?",
    "Ini bukan pertama kalinya terjadi; tahun lalu kejadian serupa juga ada.",
    "Saya kurang setuju dengan kesimpulannya, tetapi datanya meyakinkan.",
    "Bagaimana nasib warga yang tidak punya akses internet untuk mendaftar?",
    "Liputan seperti ini yang membuat saya tetap membaca media independen.",
    "Mohon redaksi menulis lanjutan beritanya bulan depan.",
    "Ada kesalahan kecil: jembatan itu dibangun tahun 2009, bukan 2010.",
    "Di kampung kami, masalahnya justru air bersih, bukan listrik.",
    "Pendapat narasumber kedua perlu diuji dengan data yang lebih baru.",
]


def make_tree():
    """A minimal home and section for a site without the demo content."""
    from wagtail.models import Page, Site

    from kabar.news.models import HomePage, SectionPage

    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="Kabar", slug="beranda"))
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    section = SectionPage.objects.filter(slug=SECTION_SLUG).first()
    if section is None:
        section = SectionPage(title="Kabar Internasional", slug=SECTION_SLUG, show_in_menus=True)
        home.add_child(instance=section)
        section.save_revision().publish()
    return home, section


def make_article(section):
    """The benchmark article: a copy of the section's newest demo story (body, lead image,
    byline), so its page weighs what a real article weighs."""
    from kabar.news.models import ArticleAuthor, ArticlePage

    existing = ArticlePage.objects.filter(slug=ARTICLE_SLUG).first()
    if existing is not None:
        return existing
    model = ArticlePage.objects.child_of(section).live().order_by("-first_published_at").first()
    article = ArticlePage(
        title="Warga bertahan di tepi sungai setelah banjir bandang",
        slug=ARTICLE_SLUG,
        standfirst=model.standfirst if model else "Ringkasan berita untuk uji beban.",
        body=model.body.raw_data
        if model
        else [{"type": "paragraph", "value": "<p>" + " ".join(SENTENCES) + "</p>"}],
        lead_image=model.lead_image if model else None,
        lead_image_caption=model.lead_image_caption if model else "",
        dateline="Jakarta",
    )
    if model is not None:
        article.article_authors = [
            ArticleAuthor(author=credit.author, sort_order=credit.sort_order)
            for credit in model.article_authors.all()
        ]
        article.tags.add(*model.tags.all())
    section.add_child(instance=article)
    article.save_revision().publish()
    return article


def make_comments(article, count, seed=4):
    """`count` approved comments: about half start a thread, the rest reply, up to depth 3."""
    from kabar.discussion.models import Comment, CommentStatus
    from kabar.discussion.services import CommentAuthor, comment_submit, comments_set_status

    have = Comment.objects.filter(page=article, status=CommentStatus.APPROVED).count()
    rng = random.Random(seed)
    made = []
    for i in range(have, count):
        name, email = KNOWN_COMMENTERS[i % len(KNOWN_COMMENTERS)]
        candidates = [c for c in made if c.depth < 3]
        parent = rng.choice(candidates) if candidates and rng.random() < 0.5 else None
        # Numbered, so no two bodies are the same (Kabar refuses a repeated comment).
        body = " ".join(rng.sample(SENTENCES, rng.randint(2, 4))) + f" (Catatan ke-{i + 1}.)"
        comment = comment_submit(
            page=article,
            author=CommentAuthor(name=name, email=email, ip_address="192.0.2.10"),
            body=body,
            parent=parent,
        )
        comments_set_status([comment.pk], CommentStatus.APPROVED)
        comment.refresh_from_db()
        made.append(comment)
    confirm_known_commenters()
    return Comment.objects.filter(page=article, status=CommentStatus.APPROVED).count()


def make_external_thread(origin, count):
    """A registered other site at `origin` and the thread of one of its pages, made as the
    widget's first visit makes it (sites.resolve with create), with `count` approved
    comments as make_comments writes them. (site key, page address, thread, approved)."""
    from wagtail.models import Page

    from kabar.discussion import sites
    from kabar.discussion.models import ExternalSite

    if not ExternalSite.objects.filter(slug=EXTERNAL_SITE_KEY).exists():
        site = ExternalSite(title="Blog Uji Beban", slug=EXTERNAL_SITE_KEY, origin=origin)
        Page.get_first_root_node().add_child(instance=site)
    url = origin.rstrip("/") + EXTERNAL_THREAD_PATH
    thread = sites.resolve(
        url, site_key=EXTERNAL_SITE_KEY, title=EXTERNAL_THREAD_TITLE, create=True
    ).target
    return EXTERNAL_SITE_KEY, url, thread, make_comments(thread, count)


def confirm_known_commenters():
    """The known commenters confirmed their email address, as through the mailed link: with
    approved comments, their next comments are published at once."""
    from kabar.discussion.models import Commenter
    from kabar.discussion.trust import commenter_confirm, confirmation_read, confirmation_token

    emails = [email for _name, email in KNOWN_COMMENTERS]
    for commenter in Commenter.objects.filter(email__in=emails, verified_at__isnull=True):
        commenter_confirm(confirmation_read(confirmation_token(commenter)))


def make_moderator():
    """The newsroom's moderator, with an email address: every held comment is to be told to
    them (the staff digest), as on a real site."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    if not user_model.objects.filter(username=MODERATOR[0]).exists():
        user_model.objects.create_superuser(MODERATOR[0], MODERATOR[1], password=None)


def drain_queue():
    """Run the jobs the setup itself queued (its comments' mail), as the site's worker would
    have by the time readers come: the benchmark's server starts with only its own work.
    Deferred ones (a staff digest's round) stay for their time."""
    from django.core.management import call_command

    call_command(
        "db_worker", "--backend", "kabar", "--queue-name", "*", "--batch", "--no-startup-delay"
    )


def trusted_browsers():
    """{email: the kabar_trusted cookie (name, value, path)} of each known commenter's own
    browser, as Kabar sets it when the owner confirms the address through the mailed link
    (views/email.py): made by the same function, signed with this site's SECRET_KEY."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from kabar.discussion.own import TRUSTED_COOKIE, store_trusted_browser

    cookies = {}
    for _name, email in KNOWN_COMMENTERS:
        response = HttpResponse()
        store_trusted_browser(RequestFactory().post("/"), response, email)
        morsel = response.cookies[TRUSTED_COOKIE]
        cookies[email] = {
            "name": TRUSTED_COOKIE,
            "value": morsel.coded_value,
            "path": morsel["path"] or "/",
        }
    return cookies


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=50)
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument(
        "--thread-origin", help="also register a site at this origin, with a page's thread"
    )
    args = parser.parse_args()
    django.setup()
    from django.core.management import call_command

    if not args.no_demo:
        call_command("load_demo", verbosity=0)
    home, section = make_tree()
    article = make_article(section)
    approved = make_comments(article, args.comments)
    info = {}
    if args.thread_origin:
        key, url, thread, count = make_external_thread(args.thread_origin, args.comments)
        info["thread"] = {"site": key, "url": url, "id": thread.pk, "approved_comments": count}
    make_moderator()
    drain_queue()
    print(
        json.dumps(
            {
                "article_url": article.url,
                "article_id": article.pk,
                "section_url": section.specific.url,
                "home_url": home.url,
                "approved_comments": approved,
                "known_commenters": KNOWN_COMMENTERS,
                "trusted_browsers": trusted_browsers(),
                **info,
            }
        )
    )


if __name__ == "__main__":
    main()
