"""Comment feeds (RSS 2.0 and Atom), site-wide and per article: approved comments only,
newest first, limited, bounded queries, and nothing private in them."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from kabar.discussion.feeds import FEED_SIZE
from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.services import CommentAuthor, comment_submit, comments_set_status
from kabar.news.models import StandardPage
from tests import builders

pytestmark = pytest.mark.django_db

SITE_RSS = reverse("discussion:feed")
SITE_ATOM = reverse("discussion:feed_atom")
ATOM = "{http://www.w3.org/2005/Atom}"
EMAIL = "rahasia.pembaca@example.org"
IP = "198.51.100.23"
_n = iter(range(1, 10_000))


def article_rss(article):
    return reverse("discussion:article_feed", args=[article.pk])


def article_atom(article):
    return reverse("discussion:article_feed_atom", args=[article.pk])


def say(article, body=None, *, approve=True, parent=None, email=EMAIL, url=""):
    n = next(_n)
    comment = comment_submit(
        page=article,
        author=CommentAuthor(
            name=f"Pembaca {n}", email=email, url=url, ip_address=f"198.51.100.{n % 200 + 20}"
        ),
        body=body or f"Komentar umpan nomor {n}.",
        parent=parent,
    )
    if approve:
        comments_set_status([comment.pk], CommentStatus.APPROVED)
        comment.refresh_from_db()
    return comment


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).findall("./channel/item")  # noqa: S314 - our own feed


def atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"./{ATOM}entry")  # noqa: S314 - our own feed


def rss_links(items):
    return [item.findtext("link") for item in items]


def permalink(comment):
    return f"http://localhost{reverse('discussion:permalink', args=[comment.pk])}"


def test_site_feed_lists_approved_comments_newest_first(client, article):
    older = say(article)
    newer = say(article)
    Comment.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=1))
    items = rss_items(client, SITE_RSS)
    assert rss_links(items) == [permalink(newer), permalink(older)]
    assert article.title in items[0].findtext("title")
    assert newer.author_name in items[0].findtext("title")


@pytest.mark.parametrize(
    "status",
    [CommentStatus.PENDING, CommentStatus.REPORTED, CommentStatus.SPAM, CommentStatus.TRASH],
)
def test_feeds_carry_approved_comments_only(client, article, status):
    shown = say(article, body="Yang tayang.")
    hidden = say(article, body="Yang tidak boleh tampil.")
    Comment.objects.filter(pk=hidden.pk).update(status=status)
    for url in (SITE_RSS, article_rss(article)):
        body = client.get(url).content.decode()
        assert "Yang tayang." in body
        assert "Yang tidak boleh tampil." not in body
        assert permalink(shown) in body and permalink(hidden) not in body
    for url in (SITE_ATOM, article_atom(article)):
        body = client.get(url).content.decode()
        assert "Yang tidak boleh tampil." not in body


def test_feeds_leave_out_replies_under_a_hidden_comment(client, article):
    parent = say(article)
    reply = say(article, body="Balasan di bawah komentar yang disembunyikan.", parent=parent)
    comments_set_status([parent.pk], CommentStatus.SPAM)
    for url in (SITE_RSS, article_rss(article), SITE_ATOM):
        assert "Balasan di bawah" not in client.get(url).content.decode()
    assert reply.status == CommentStatus.APPROVED


def test_no_email_ip_or_website_in_any_feed(client, article):
    say(article, url="https://rahasia.example.net/")
    for url in (SITE_RSS, SITE_ATOM, article_rss(article), article_atom(article)):
        body = client.get(url).content.decode()
        assert EMAIL not in body
        assert "rahasia" not in body.lower()
        assert "198.51.100." not in body
        assert "author_email" not in body
        assert "<email>" not in body
        assert "@" not in body


def test_rss_items_name_the_author_without_an_address(client, article):
    comment = say(article)
    [item] = rss_items(client, article_rss(article))
    # RSS's <author> must be an email; Django puts a name-only author in dc:creator.
    assert item.find("author") is None
    creator = item.find("{http://purl.org/dc/elements/1.1/}creator")
    assert creator is not None and creator.text == comment.author_name


def test_atom_entries_name_the_author(client, article):
    comment = say(article)
    [entry] = atom_entries(client, article_atom(article))
    author = entry.find(f"{ATOM}author")
    assert author.findtext(f"{ATOM}name") == comment.author_name
    assert author.find(f"{ATOM}email") is None
    assert author.find(f"{ATOM}uri") is None
    assert entry.find(f"{ATOM}link").get("href") == permalink(comment)


def test_article_feed_has_only_that_articles_comments(client, section, article):
    mine = say(article)
    other_article = builders.make_article(section, "Berita lain")
    other = say(other_article)
    assert rss_links(rss_items(client, article_rss(article))) == [permalink(mine)]
    assert set(rss_links(rss_items(client, SITE_RSS))) == {permalink(mine), permalink(other)}


def test_feeds_are_limited(client, article):
    for _ in range(FEED_SIZE + 3):
        say(article)
    assert len(rss_items(client, SITE_RSS)) == FEED_SIZE
    assert len(atom_entries(client, article_atom(article))) == FEED_SIZE


def test_markup_in_a_comment_stays_text_in_the_feed(client, article):
    say(article, body='<script>alert("x")</script> <b>tebal</b>')
    [item] = rss_items(client, article_rss(article))
    description = item.findtext("description")
    assert "<script>" not in description
    assert "&lt;script&gt;" in description
    assert "<b>" not in description


def test_unpublished_or_private_articles_have_no_comment_feed(client, section):
    gone = builders.make_article(section, "Ditarik")
    say(gone, body="Komentar di artikel yang ditarik.")
    gone.unpublish()
    private = builders.make_article(section, "Khusus pelanggan")
    say(private, body="Komentar di artikel tertutup.")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert client.get(article_rss(gone)).status_code == 404
    assert client.get(article_rss(private)).status_code == 404
    site = client.get(SITE_RSS).content.decode()
    assert "ditarik" not in site and "tertutup" not in site


@pytest.mark.parametrize("page_id", ["999999"])
def test_unknown_article_feed_is_404(client, page_id):
    assert client.get(f"/comments/feed/article/{page_id}/").status_code == 404


def test_the_site_feed_leaves_out_comments_kept_on_pages_that_show_none(client, section, article):
    # An imported WordPress page's comments: stored on a standard page, which shows none.
    page = section.add_child(instance=StandardPage(title="Tentang kami", slug="tentang"))
    shown = say(article, body="Di artikel, tampil.")
    kept = Comment.objects.create(
        page=page, body="Di halaman biasa, tidak tampil.", author_name="Rudi",
        author_email="rudi@example.org", status=CommentStatus.APPROVED,
    )  # fmt: skip
    for url in (SITE_RSS, SITE_ATOM):
        body = client.get(url).content.decode()
        assert "Di artikel, tampil." in body and permalink(shown) in body
        assert "Di halaman biasa" not in body and permalink(kept) not in body
    assert client.get(permalink(kept)).status_code == 404


def test_a_page_that_is_not_an_article_has_no_comment_feed(client, section):
    assert client.get(article_rss(section)).status_code == 404


def test_article_page_links_its_comment_feeds(client, article):
    client.cookies["django_language"] = "en"
    html = client.get(article.url).content.decode()
    head = html[: html.index("</head>")]
    assert (
        f'<link rel="alternate" type="application/rss+xml" title="Comments on {article.title}" '
        f'href="{article_rss(article)}">'
    ) in head
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Comments on {article.title}" '
        f'href="{article_atom(article)}">'
    ) in head


@pytest.mark.parametrize("which", ["site", "article"])
def test_feed_queries_do_not_grow_with_comments(
    client, section, article, which, django_assert_max_num_queries
):
    url = SITE_RSS if which == "site" else article_rss(article)
    other = builders.make_article(section, "Berita lain")
    say(article)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for n in range(15):
        say(article if n % 2 else other)
        say(article, parent=Comment.objects.filter(page=article).first())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_replies_under_hidden_comments_do_not_crowd_visible_ones_out(article):
    from kabar.discussion.selectors import comments_for_feed

    older = [say(article, body=f"Lama {n}.") for n in range(2)]
    parent = say(article)
    replies = [say(article, body=f"Balasan {n}.", parent=parent) for n in range(6)]
    now = timezone.now()
    for n, comment in enumerate([*older, parent, *replies]):
        Comment.objects.filter(pk=comment.pk).update(created_at=now + timedelta(seconds=n))
    comments_set_status([parent.pk], CommentStatus.SPAM)
    assert [c.pk for c in comments_for_feed(limit=3)] == [older[1].pk, older[0].pk]


def test_each_comment_s_id_is_its_absolute_address(client, article):
    # An RSS <guid> with no isPermaLink="false" is a permalink (a full address), and an
    # Atom <id> an absolute IRI (RFC 4287, 4.2.6).
    comment = say(article)
    address = f"http://localhost{reverse('discussion:permalink', args=[comment.pk])}"
    assert [item.findtext("guid") for item in rss_items(client, SITE_RSS)] == [address]
    assert [entry.findtext(f"{ATOM}id") for entry in atom_entries(client, SITE_ATOM)] == [address]
