import json
from urllib.parse import unquote, urlencode

import pytest
from django.test import Client
from django.urls import reverse

from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.own import COMMENTER_COOKIE, PENDING_COOKIE
from kabar.discussion.targets import DiscussionState
from tests import builders

pytestmark = pytest.mark.django_db
POST_URL = reverse("discussion:post")
EMAIL = "rahasia.pembaca@example.org"


def post(client, article, **fields):
    data = {
        "page": article.pk,
        "body": "Analisis yang jernih, terima kasih.",
        "author_name": "Dewi",
        "author_email": EMAIL,
        "author_url": "",
        "form_token": builders.form_token(article),
        **fields,
    }
    return client.post(POST_URL, data)


def test_article_shows_reply_form_with_required_marks_and_privacy_notice(client, article):
    html = client.get(article.url).content.decode()
    assert "Tinggalkan Balasan" in html
    assert "Alamat email Anda tidak akan dipublikasikan." in html
    assert html.count('<span class="required" aria-hidden="true">*</span>') == 4  # notice + 3
    for field in ("id_body", "id_author_name", "id_author_email"):
        assert f'<label for="{field}">' in html
    assert '<label for="id_author_url">' in html
    assert 'name="author_url" autocomplete="url" size="30" id="id_author_url">' in html


def test_english_ui_when_reader_chooses_it(client, article):
    client.cookies["django_language"] = "en"
    html = client.get(article.url).content.decode()
    assert "Leave a Reply" in html
    assert "Your email address will not be published." in html
    assert "Save my name, email, and website in this browser for the next time I comment." in html


def test_accept_language_does_not_override_indonesian_default(client, article):
    html = client.get(article.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Tinggalkan Balasan" in html


def test_successful_post_redirects_to_the_comment_anchor(client, article):
    response = post(client, article)
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}#comment-{comment.pk}"
    assert comment.ip_address == "127.0.0.1"


def test_held_comment_is_shown_to_its_author_only(client, article):
    post(client, article, body="Komentar yang ditahan dulu.")
    own = client.get(article.url)
    own_html = own.content.decode()
    assert "Komentar yang ditahan dulu." in own_html
    assert "Komentar Anda sedang menunggu moderasi." in own_html
    assert "private" in own["Cache-Control"] and "no-store" in own["Cache-Control"]

    stranger = Client().get(article.url).content.decode()
    assert "Komentar yang ditahan dulu." not in stranger
    assert "menunggu moderasi" not in stranger


def test_tampered_pending_cookie_shows_nothing(client, article):
    post(client, article, body="Komentar yang ditahan dulu.")
    comment = Comment.objects.get()
    other = Client()
    other.cookies[PENDING_COOKIE] = f"{comment.pk}:forged"
    assert "Komentar yang ditahan dulu." not in other.get(article.url).content.decode()


def test_approved_comment_is_public(client, article):
    post(client, article, body="Nanti disetujui.")
    Comment.objects.update(status=CommentStatus.APPROVED)
    html = Client().get(article.url).content.decode()
    assert "Nanti disetujui." in html
    assert "1 komentar" in html


def test_missing_email_rerenders_form_with_message_and_keeps_text(client, article):
    body = "Teks panjang yang tidak boleh hilang 🙂 عربى"
    response = post(client, article, body=body, author_email="", author_url="contoh.org")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Masukkan alamat email Anda." in html
    assert body in html
    assert 'value="Dewi"' in html
    assert 'value="contoh.org"' in html
    assert Comment.objects.count() == 0


def test_over_long_comment_is_refused_with_message_and_kept_whole(client, article):
    body = "x" * 65526
    response = post(client, article, body=body)
    html = response.content.decode()
    assert response.status_code == 400
    assert "65525" in html.replace(".", "").replace(",", "")
    assert body in html
    assert Comment.objects.count() == 0


def test_nul_byte_gets_a_clear_error(client, article):
    response = post(client, article, body="a\x00b")
    assert response.status_code == 400
    assert Comment.objects.count() == 0
    assert "has-error" in response.content.decode()


def test_invalid_utf8_gets_a_clear_error_and_nothing_is_stored(client, article):
    raw = (
        urlencode({"page": article.pk, "author_name": "Dewi", "author_email": EMAIL})
        + "&body=caf%E9+rusak"
    )
    response = client.generic(
        "POST", POST_URL, raw, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "text",
    [
        "Emoji 🇮🇩🎉 dan 𝒻𝓇𝒶𝓀𝓉𝓊𝓇 𝟜-bita",
        "نص عربي من اليمين إلى اليسار",
        "Tanda gabung: e\u0301 a\u0308 \u0915\u094d\u0937",
        "Baris satu\nBaris dua\n\nParagraf kedua",
    ],
)
def test_text_survives_the_round_trip(client, article, text):
    post(client, article, body=text)
    assert Comment.objects.get().body == text


def test_script_and_html_are_escaped_and_links_are_nofollow_ugc(client, article):
    builders.submit(
        article,
        body='<script>alert("x")</script> lihat https://contoh.org/a?b=1 ya\n\nparagraf',
        name="<b>Tebal</b>",
        approve=True,
    )
    html = Client().get(article.url).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    link = '<a href="https://contoh.org/a?b=1" rel="nofollow ugc">https://contoh.org/a?b=1</a>'
    assert link in html
    assert "&lt;b&gt;Tebal&lt;/b&gt;" in html
    assert "<p>paragraf</p>" in html


def test_email_and_ip_never_appear_in_public_html(client, article):
    builders.submit(article, email=EMAIL, url="https://situs.example", approve=True)
    post(client, article, body="Ditahan.")
    for viewer in (Client(), client):
        html = viewer.get(article.url).content.decode()
        assert EMAIL not in html
        assert "rahasia.pembaca" not in html
        assert "203.0.113.9" not in html and "127.0.0.1" not in html
    for url in (article.get_parent().url, "/"):
        html = Client().get(url).content.decode()
        assert EMAIL not in html


def test_remember_box_sets_cookie_only_when_ticked(client, article):
    unticked = post(client, article)
    assert COMMENTER_COOKIE not in unticked.cookies or not unticked.cookies[COMMENTER_COOKIE].value

    ticked = post(client, article, body="Kedua kali.", remember="on", author_url="situs.example")
    saved = json.loads(unquote(ticked.cookies[COMMENTER_COOKIE].value))
    assert saved == {"name": "Dewi", "email": EMAIL, "url": "https://situs.example"}


def test_remembered_details_are_never_printed_by_the_server(client, article):
    post(client, article, remember="on")
    html = client.get(article.url).content.decode()
    assert EMAIL not in html


def test_reply_link_without_javascript_prepares_the_form(client, article):
    parent = builders.submit(article, name="Budi", approve=True)
    html = client.get(f"{article.url}?replytocom={parent.pk}").content.decode()
    assert f'name="parent" value="{parent.pk}"' in html
    assert "Balas ke Budi" in html


def test_a_refused_reply_names_its_parent_only_when_readers_may_see_it(client, article):
    shown = builders.submit(article, name="Budi", approve=True)
    refused = post(client, article, parent=shown.pk, body="")
    assert refused.status_code == 400
    assert "Balas ke Budi" in refused.content.decode()
    for status in (CommentStatus.PENDING, CommentStatus.SPAM, CommentStatus.TRASH):
        unseen = builders.submit(article, name="Nama Tersembunyi", body=f"Komentar {status}.")
        Comment.objects.filter(pk=unseen.pk).update(status=status)
        refused = post(client, article, parent=unseen.pk, body="")
        assert refused.status_code == 400
        assert "Nama Tersembunyi" not in refused.content.decode(), status


def test_reply_is_nested_under_its_parent(client, article):
    parent = builders.submit(article, name="Budi", approve=True)
    post(client, article, body="Setuju dengan Budi.", parent=parent.pk)
    reply = Comment.objects.get(parent=parent)
    html = client.get(article.url).content.decode()
    parent_at = html.index(f'id="comment-{parent.pk}"')
    children_at = html.index('<ol class="children">', parent_at)
    assert html.index(f'id="comment-{reply.pk}"') > children_at


def test_reply_to_a_held_comment_is_refused(client, article):
    held = builders.submit(article)
    response = post(client, article, parent=held.pk, body="Balasan.")
    assert response.status_code == 400
    assert Comment.objects.count() == 1
    assert "Balasan." in response.content.decode()


def test_closed_article_shows_no_form_and_refuses_posts(client, section):
    closed = builders.make_article(section, discussion=DiscussionState.CLOSED)
    html = client.get(closed.url).content.decode()
    assert 'id="commentform"' not in html
    assert "Komentar ditutup." in html
    response = post(client, closed, body="Masih mau komentar.")
    assert response.status_code == 403
    assert "Komentar ditutup pada artikel ini." in response.content.decode()
    assert Comment.objects.count() == 0


def test_cross_site_post_is_refused_with_the_text_kept(article):
    # The form carries no CSRF token (its page is cached for every reader); the Origin
    # check stands in for it, even with Django's CSRF checks enforced.
    client = Client(enforce_csrf_checks=True, HTTP_ORIGIN="https://evil.example")
    client.cookies["django_language"] = "en"
    response = post(client, article, body="Teks yang tidak boleh hilang.")
    assert response.status_code == 403
    assert "did not come from this site" in response.content.decode()
    assert "Teks yang tidak boleh hilang." in response.content.decode()
    assert Comment.objects.count() == 0


def test_same_origin_post_needs_no_csrf_token(article):
    client = Client(enforce_csrf_checks=True, HTTP_ORIGIN="http://testserver")
    assert post(client, article).status_code == 302
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("page_value", ["", "abc", "999999"])
def test_post_to_unknown_article_is_a_clean_error(client, article, page_value):
    response = post(client, article, page=page_value)
    assert response.status_code in (400, 404)
    assert Comment.objects.count() == 0


def test_the_page_shown_after_a_refused_comment_links_to_its_article(client, article):
    # That page is served at the form's address: links relative to it (?cpage=2, the
    # language switch's way back) went to /comments/post/, a blank error in a browser.
    for n in range(3):
        builders.submit(article, body=f"Komentar nomor {n} di halaman.", approve=True)
    client.cookies["kabar_language"] = "id"
    builders.discussion_settings(comments_per_page=2)
    html = post(client, article, author_email="").content.decode()
    assert f'href="{article.url}?cpage=2#comments"' in html
    assert "?cpage=" not in html.replace(f'"{article.url}?cpage=', "")
    assert f'next={article.url}"' in html
    assert f"next={POST_URL}" not in html


def test_a_reply_link_followed_from_the_form_address_opens_the_reply_on_its_article(
    client, article
):
    parent = builders.submit(article, name="Budi", approve=True)
    response = client.get(POST_URL, {"replytocom": parent.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}?replytocom={parent.pk}#respond"
    assert "Balas ke Budi" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("query", [{}, {"replytocom": "x"}, {"replytocom": "999999"}, "held"])
def test_other_gets_of_the_form_address_go_to_the_front_page(client, article, query):
    if query == "held":
        query = {"replytocom": builders.submit(article).pk}  # not shown to readers
    response = client.get(POST_URL, query)
    assert response.status_code == 302 and response["Location"] == "/"


def test_comment_count_on_article_and_section_listing(client, article):
    builders.submit(article, approve=True)
    builders.submit(article, body="Dua", approve=True)
    builders.submit(article, body="Ditahan", name="Orang Baru", email="baru@example.org")
    assert "2 komentar" in client.get(article.url).content.decode()
    assert "2 komentar" in client.get(article.get_parent().url).content.decode()


@pytest.mark.parametrize("restriction_type", ["password", "login"])
def test_a_restricted_article_takes_no_comment_and_is_not_sent_back(
    client, article, restriction_type
):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=article, restriction_type=restriction_type, password="rahasia"
    )
    body_text = article.standfirst
    for fields in ({}, {"author_email": ""}):  # accepted, and refused with the form
        response = post(client, article, **fields)
        assert response.status_code == 404
        assert body_text not in response.content.decode()
    assert not Comment.objects.filter(page=article).exists()


@pytest.mark.parametrize("restriction_type", ["password", "login"])
def test_a_comment_permalink_does_not_reveal_a_restricted_article(article, restriction_type):
    from wagtail.models import PageViewRestriction

    comment = builders.submit(article, approve=True)
    permalink = reverse("discussion:permalink", args=[comment.pk])
    assert Client().get(permalink).status_code == 302
    PageViewRestriction.objects.create(
        page=article, restriction_type=restriction_type, password="rahasia"
    )
    response = Client().get(permalink)
    assert response.status_code == 404
    assert article.url not in response.get("Location", "")


def test_a_reader_past_the_password_may_comment(client, article):
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type="password", password="rahasia"
    )
    unlocked = client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, article.pk]),
        {"password": "rahasia", "return_url": article.url},
    )
    assert unlocked.status_code == 302
    # A reader with a session posts from the site's own pages (the same-origin check).
    client.defaults["HTTP_ORIGIN"] = "http://testserver"
    assert post(client, article).status_code == 302
    assert Comment.objects.filter(page=article).count() == 1


@pytest.mark.parametrize(
    "request_for",
    [
        lambda c, a: c.post(POST_URL, {"page": "²", "body": "x"}),
        lambda c, a: c.get(a.url + "?replytocom=%C2%B2"),
        lambda c, a: post(c, a, parent="²"),
        lambda c, a: c.get(a.url + "?cpage=%C2%B2"),
    ],
    ids=["page", "replytocom", "parent", "cpage"],
)
def test_digits_that_are_not_ascii_are_refused_cleanly(article, request_for):
    response = request_for(Client(raise_request_exception=False), article)
    assert response.status_code in (200, 302, 400)
