"""The comment widget on another site, in real headless Chromium: a static blog page served
from another origin on 127.0.0.1 embeds /embed.js; a reader comments and replies and sees
both awaiting moderation (nobody else does), a moderator approves them in Kabar's desk, and
they appear on the blog page and in its count link; a reader edits and deletes their own
and reports another's in place; a page on an origin nobody registered is refused. axe-core
inside the widget in both languages; no layout shift as it loads."""

import functools
import re
import threading
import time
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect
from wagtail.models import Site

from kabar.discussion import sites
from kabar.discussion.models import Comment, CommentStatus, DiscussionSettings, Report
from kabar.discussion.own import trusted_proof
from kabar.discussion.reports import ReportReason
from kabar.discussion.services import CommentAuthor, comment_submit, comments_set_status
from kabar.discussion.targets import DiscussionState
from tests import builders

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "rahasia-widget-321"
EMAIL = "laras.widget@example.net"
FIRST = "Apakah kapal ke Suva masih berlayar minggu ini?"
TEXT = "Catatan yang jernih; saya ingin tahu kelanjutannya dari Suva. 🌊"
FERRY = "Kapal feri ke Suva berangkat pukul tujuh."
REPLY = "Masih, Wulan: jadwalnya diumumkan di pelabuhan setiap pagi."
TITLE = "Catatan dari Suva"
QUEUE = reverse("discussion_comments:list") + "?status=pending"
HOST_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>
  /* A host stylesheet that would wreck a widget drawn in the page itself. */
  body {{ font: 21px/1.1 Georgia, serif; color: #333; letter-spacing: .2em; margin: 0 2rem; }}
  h2, h3 {{ color: rgb(200, 0, 0); text-transform: uppercase; }}
  label, textarea, button, img {{ display: none; }}
  a {{ color: rgb(128, 0, 0); }}
  #kabar-komentar {{ min-height: {reserve}; }}
</style></head>
<body>
<header><p>Blog Teman · <a id="count" href="/post.html#kabar-komentar" data-kabar-count>Komentar</a>
  · <a id="other" href="/lain.html" data-kabar-count>Komentar</a></p></header>
<main><h1>{title}</h1><p>Pelabuhan pagi itu ramai oleh penumpang yang menunggu kapal.</p>
<div id="kabar-komentar"><a href="{thread}">Baca komentar di Kabar</a></div></main>
<footer id="footer"><p>Ditulis oleh teman-teman di Suva.</p></footer>
<script src="{kabar}/embed.js" data-kabar-site="blog-teman" async></script>
</body></html>"""


@dataclass
class StaticSite:
    origin: str
    root: Path

    def page(self, name, kabar, thread="", lang="id", reserve="0"):
        html = HOST_PAGE.format(lang=lang, title=TITLE, kabar=kabar, thread=thread, reserve=reserve)
        (self.root / name).write_text(html, encoding="utf-8")
        return f"{self.origin}/{name}"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def static_site(tmp_path):
    """start() serves a new folder of static pages on a port (an origin) of its own."""
    servers = []

    def start():
        root = tmp_path / f"site-{len(servers)}"
        root.mkdir()
        server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(QuietHandler, directory=root)
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return StaticSite(f"http://127.0.0.1:{server.server_port}", root)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def moderator(transactional_db, django_user_model):
    django_user_model.objects.create_superuser("penyunting", "penyunting@example.org", PASSWORD)
    return ("penyunting", PASSWORD)


def approved(thread, body, name="Wulan", n=7, parent=None):
    comment = comment_submit(
        page=thread,
        author=CommentAuthor(
            name=name, email=f"pembaca{n}@example.net", ip_address=f"198.51.100.{n}"
        ),
        body=body,
        parent=parent,
    )
    comments_set_status([comment.pk], CommentStatus.APPROVED)
    return comment


def registered_thread(blog):
    """The blog registered, its post's thread opened, and one approved comment in it."""
    builders.make_home()
    builders.make_external_site(origin=blog.origin)
    thread = sites.resolve(
        blog.origin + "/post.html", site_key="blog-teman", title=TITLE, create=True
    ).target
    return thread, approved(thread, FIRST)


def log_in(page, base_url, credentials):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", credentials[0])
    page.fill("#id_password", credentials[1])
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def in_language(lang, message):
    with translation.override(lang):
        return str(message)


def test_a_reader_comments_and_replies_from_another_site(
    live_server, new_context, static_site, moderator
):
    blog = static_site()
    thread, first = registered_thread(blog)
    url = blog.page("post.html", live_server.url, thread=live_server.url + thread.url)
    reader = new_context().new_page()
    reader.goto(url)
    widget = reader.locator("#kabar-komentar")
    expect(widget.locator("h2")).to_have_text("1 komentar")
    expect(widget.locator(f"#c{first.pk}")).to_contain_text(FIRST)

    # The form: Kabar's heading, notices and required marks, untouched by the host's CSS.
    form = widget.locator("form")
    expect(widget.locator("#kr")).to_contain_text("Tinggalkan Balasan")
    expect(form).to_contain_text("Alamat email Anda tidak akan dipublikasikan.")
    expect(form).to_contain_text("Ruas yang wajib ditandai *")
    for name in ("body", "author_name", "author_email"):
        expect(form.locator(f'label[for="f-{name}"] .req')).to_have_text("*")
        expect(form.locator(f"#f-{name}")).to_have_attribute("required", "")
    expect(form.locator('label[for="f-author_url"] .req')).to_have_count(0)
    expect(widget.get_by_role("textbox", name="Situs web", exact=True)).to_be_visible()
    expect(widget.get_by_role("button", name="Kirim Komentar")).to_be_visible()
    assert widget.locator("h2").evaluate("e => getComputedStyle(e).textTransform") == "none"
    # ... and the widget's CSS does not reach the host's links.
    assert reader.locator("#count").evaluate("e => getComputedStyle(e).color") == "rgb(128, 0, 0)"

    # No email: said at its field, focus there, the text still in the form.
    widget.get_by_role("textbox", name="Komentar", exact=True).fill(TEXT)
    widget.get_by_role("textbox", name="Nama", exact=True).fill("Laras")
    widget.get_by_role("button", name="Kirim Komentar").click()
    email = widget.get_by_role("textbox", name="Email", exact=True)
    expect(widget.locator("#f-author_email-err")).to_have_text(
        "Masukkan alamat email Anda. Alamat ini tidak akan dipublikasikan."
    )
    expect(email).to_be_focused()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", "f-author_email-err kn")
    expect(widget.get_by_role("textbox", name="Komentar", exact=True)).to_have_value(TEXT)

    # Sent: held for moderation, shown to its author, focus on it.
    email.fill(EMAIL)
    widget.get_by_role("checkbox", name=re.compile("^Simpan nama, email")).check()
    widget.get_by_role("button", name="Kirim Komentar").click()
    expect(widget.locator("li", has_text=TEXT)).to_contain_text(
        "Komentar Anda sedang menunggu moderasi."
    )
    comment = Comment.objects.get(author_email=EMAIL, parent=None)
    assert comment.status == CommentStatus.PENDING and comment.page_id == thread.pk
    expect(widget.locator(f"#c{comment.pk} > article")).to_be_focused()
    expect(widget.locator("[role=status]")).to_have_text("Komentar Anda sedang menunggu moderasi.")
    expect(widget.locator("#f-author_email-err")).to_have_count(0)
    expect(widget.get_by_role("textbox", name="Komentar", exact=True)).to_have_value("")

    # Reply: the form moves under the comment; cancelling brings it home and focus back.
    answer = widget.get_by_role("button", name="Balas ke Wulan")
    answer.click()
    expect(widget.locator(f"#c{first.pk} > #respond")).to_be_visible()
    expect(widget.locator("#kr")).to_contain_text("Balas ke Wulan")
    expect(widget.get_by_role("textbox", name="Komentar", exact=True)).to_be_focused()
    widget.get_by_role("button", name="Batalkan balasan").click()
    expect(widget.locator(f"#c{first.pk} > #respond")).to_have_count(0)
    expect(answer).to_be_focused()
    answer.click()
    widget.get_by_role("textbox", name="Komentar", exact=True).fill(REPLY)
    expect(widget.get_by_role("textbox", name="Nama", exact=True)).to_have_value("Laras")
    widget.get_by_role("button", name="Kirim Komentar").click()
    expect(widget.locator(f"#c{first.pk} > ol > li", has_text=REPLY)).to_contain_text(
        "Komentar Anda sedang menunggu moderasi."
    )
    reply = Comment.objects.get(author_email=EMAIL, parent=first.pk)
    assert reply.status == CommentStatus.PENDING

    # Back later: the author's own proof (local storage) still shows both held comments.
    reader.reload()
    expect(widget.locator(f"#c{comment.pk}")).to_contain_text("menunggu moderasi")
    expect(widget.locator(f"#c{first.pk} > ol > #c{reply.pk}")).to_contain_text("menunggu moderasi")
    assert EMAIL not in widget.evaluate("e => e.shadowRoot.innerHTML")
    # The details the reader asked this browser to keep, in the form again.
    expect(widget.get_by_role("textbox", name="Nama", exact=True)).to_have_value("Laras")
    expect(widget.get_by_role("textbox", name="Email", exact=True)).to_have_value(EMAIL)

    # Anyone else: neither.
    stranger = new_context().new_page()
    count_requests = []
    stranger.on("request", lambda r: "/api/v1/counts" in r.url and count_requests.append(r.url))
    stranger.goto(url)
    expect(stranger.locator("#kabar-komentar h2")).to_have_text("1 komentar")
    expect(stranger.locator("#kabar-komentar")).not_to_contain_text(TEXT)
    expect(stranger.locator("#kabar-komentar")).not_to_contain_text(REPLY)
    expect(stranger.locator("#count")).to_have_text("1 komentar")

    # A moderator approves both in Kabar's desk.
    desk = new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(desk, live_server.url, moderator)
    desk.goto(live_server.url + QUEUE)
    for held in (comment, reply):
        card = desk.locator(f'tr[data-comment-id="{held.pk}"]')
        expect(card).to_contain_text(thread.title)
        card.get_by_role("button", name="Setujui", exact=True).click()
        expect(card).to_have_count(0)
    pending = desk.locator('.comment-queues a[data-queue="pending"] [data-queue-count]')
    expect(pending).to_have_text("0")  # the desk's script heard back from the server
    assert {c.status for c in Comment.objects.filter(author_email=EMAIL)} == {"approved"}

    # On the blog page, for everyone, and in its counts (one request for both links).
    stranger.reload()
    shown = stranger.locator("#kabar-komentar")
    expect(shown.locator("h2")).to_have_text("3 komentar")
    expect(shown.locator(f"#c{comment.pk}")).to_contain_text(TEXT)
    expect(shown.locator(f"#c{first.pk} > ol > #c{reply.pk}")).to_contain_text(REPLY)
    expect(shown).not_to_contain_text("menunggu moderasi")
    expect(stranger.locator("#count")).to_have_text("3 komentar")
    expect(stranger.locator("#other")).to_have_text("0 komentar")
    assert len(count_requests) == 2  # one per load of the page
    assert EMAIL not in shown.evaluate("e => e.shadowRoot.innerHTML")


def test_an_unregistered_origin_is_refused(live_server, new_context, static_site):
    blog = static_site()
    thread, _first = registered_thread(blog)
    stray = static_site()  # the same page on another origin, which nobody registered
    url = stray.page("post.html", live_server.url, thread=live_server.url + thread.url)
    page = new_context().new_page()
    with page.expect_response(re.compile(r"/api/v1/threads\?")) as answer:
        page.goto(url)
    assert answer.value.status == 403
    widget = page.locator("#kabar-komentar")
    expect(widget.get_by_role("alert")).to_have_text(in_language("id", sites.UNKNOWN_SITE))
    # The host's own link to the thread on Kabar is still there to follow.
    expect(widget.get_by_role("link", name="Baca komentar di Kabar")).to_be_visible()
    expect(widget.locator("form")).to_have_count(0)
    expect(page.locator("#count")).to_have_text("Komentar")
    violations = axe_violations(page)
    assert violations == [], violations


def test_a_closed_thread_says_so_and_offers_no_form(live_server, new_context, static_site):
    blog = static_site()
    thread, first = registered_thread(blog)
    thread.discussion = DiscussionState.CLOSED
    thread.save_revision().publish()
    url = blog.page("post.html", live_server.url, thread=live_server.url + thread.url)
    page = new_context().new_page()
    page.goto(url)
    widget = page.locator("#kabar-komentar")
    expect(widget.locator(f"#c{first.pk}")).to_contain_text(FIRST)
    expect(widget).to_contain_text("Komentar ditutup")  # the server's reason
    expect(widget.get_by_role("navigation")).to_have_count(0)  # one page: no page links
    expect(widget.locator("form")).to_have_count(0)
    expect(widget.get_by_role("button", name="Balas ke Wulan")).to_have_count(0)


def trusted_reader(thread):
    """(commenter, proof): Laras, with an approved comment in `thread`, confirmed her
    address; the proof is what the confirmation page hands the widget."""
    trusted = approved(thread, FERRY, name="Laras", n=9)
    commenter = trusted.commenter
    commenter.verified_at = timezone.now()  # they opened the mailed link and confirmed
    commenter.save(update_fields=["verified_at"])
    # Judged on who they are: no wait for the "too fast" check.
    rules = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    rules.min_seconds_to_post = 0
    rules.save()
    return commenter, trusted_proof(HttpRequest(), commenter.email)


def test_a_confirmed_reader_coming_back_from_the_link_is_published_at_once(
    live_server, new_context, static_site
):
    """The confirmation page links back to the page with the trusted-browser proof in the
    fragment: the widget keeps it, clears it from the address bar and sends it with the
    reader's comments, which are then published as a trusted commenter's are."""
    blog = static_site()
    thread, _first = registered_thread(blog)
    commenter, proof = trusted_reader(thread)
    url = blog.page("post.html", live_server.url, thread=live_server.url + thread.url)
    reader = new_context().new_page()
    reader.goto(f"{url}#kabar-trust={proof}")
    widget = reader.locator("#kabar-komentar")
    expect(widget.locator("form")).to_be_visible()
    assert reader.evaluate("location.hash") == ""
    widget.get_by_role("textbox", name="Komentar", exact=True).fill(REPLY)
    widget.get_by_role("textbox", name="Nama", exact=True).fill("Laras")
    widget.get_by_role("textbox", name="Email", exact=True).fill(commenter.email)
    widget.get_by_role("button", name="Kirim Komentar").click()
    expect(widget.locator("[role=status]")).to_have_text("Komentar Anda sudah terbit.")
    assert Comment.objects.get(body=REPLY).status == CommentStatus.APPROVED


def send_as(widget, commenter, body):
    widget.get_by_role("textbox", name="Komentar", exact=True).fill(body)
    widget.get_by_role("textbox", name="Nama", exact=True).fill("Laras")
    widget.get_by_role("textbox", name="Email", exact=True).fill(commenter.email)
    widget.get_by_role("button", name="Kirim Komentar").click()
    expect(widget.locator("li", has_text=body)).to_be_visible()
    return Comment.objects.get(body=body)


def test_a_reader_edits_and_deletes_their_own_and_reports_another_in_place(
    live_server, new_context, static_site
):
    """Laras's trusted browser publishes her comments at once (and her edit too, its proof
    sent with it); the buttons to change them are hers alone, within the edit window."""
    blog = static_site()
    thread, first = registered_thread(blog)
    commenter, proof = trusted_reader(thread)
    url = blog.page("post.html", live_server.url, thread=live_server.url + thread.url)
    reader = new_context().new_page()
    reader.goto(f"{url}#kabar-trust={proof}")
    widget = reader.locator("#kabar-komentar")
    kept = send_as(widget, commenter, TEXT)
    dropped = send_as(widget, commenter, "Maaf, komentar ini terkirim dua kali.")
    expect(widget.locator("h2")).to_have_text("4 komentar")
    mine = widget.locator(f"#c{kept.pk}")
    # Laras's comment sent from elsewhere (no proof in this browser) and Wulan's: no buttons.
    for other in (first, Comment.objects.get(body=FERRY)):
        card = widget.locator(f"#c{other.pk}")
        expect(card.get_by_role("button", name="Laporkan komentar dari")).to_have_count(1)
        expect(card.get_by_role("button", name="Sunting", exact=True)).to_have_count(0)
        expect(card.get_by_role("button", name="Hapus", exact=True)).to_have_count(0)

    # Edit: the text as typed in a labelled textarea; cancel puts focus back on the button.
    edit = mine.get_by_role("button", name="Sunting", exact=True)
    edit.click()
    box = mine.get_by_role("textbox", name="Sunting komentar Anda")
    expect(box).to_be_focused()
    expect(box).to_have_value(TEXT)
    expect(mine).to_contain_text("Anda dapat mengubahnya hingga")
    violations = axe_violations(reader)
    assert violations == [], violations
    mine.get_by_role("button", name="Batal", exact=True).click()
    expect(box).to_have_count(0)
    expect(edit).to_be_focused()
    edit.click()
    box.fill(REPLY)
    mine.get_by_role("button", name="Simpan perubahan").click()
    expect(mine.locator(".t")).to_have_text(REPLY)
    expect(mine).to_contain_text("(disunting)")
    expect(mine).not_to_contain_text("menunggu moderasi")
    kept.refresh_from_db()
    assert kept.body == REPLY and kept.edited_at is not None
    assert kept.status == CommentStatus.APPROVED  # the browser's proof went with the edit

    # Delete, once confirmed: focus first on the choice that keeps it.
    gone = widget.locator(f"#c{dropped.pk}")
    gone.get_by_role("button", name="Hapus", exact=True).click()
    confirm = gone.get_by_role("form", name="Hapus komentar Anda?")
    expect(confirm.get_by_role("button", name="Jangan hapus")).to_be_focused()
    confirm.get_by_role("button", name="Hapus komentar", exact=True).click()
    expect(gone).to_have_count(0)
    expect(widget.locator("h2")).to_have_text("3 komentar")
    dropped.refresh_from_db()
    assert dropped.removed_at is not None and dropped.status == CommentStatus.TRASH

    # Report Wulan's comment through the API, without leaving the page.
    wulan = widget.locator(f"#c{first.pk}")
    wulan.get_by_role("button", name="Laporkan komentar dari Wulan").click()
    report = wulan.get_by_role("form", name="Laporkan komentar dari Wulan")
    report.get_by_role("button", name="Kirim laporan").click()
    expect(report.get_by_role("alert")).to_have_text("Pilih salah satu alasan.")
    report.get_by_role("radio", name=in_language("id", ReportReason.SPAM.label)).check()
    report.get_by_role("textbox", name=re.compile("^Hal yang perlu diketahui")).fill(
        "Tautan jualan."
    )
    violations = axe_violations(reader)
    assert violations == [], violations
    report.get_by_role("button", name="Kirim laporan").click()
    expect(wulan.get_by_role("status")).to_have_text("Laporan Anda telah dikirim ke moderator.")
    assert [r.reason for r in Report.objects.filter(comment=first)] == ["spam: Tautan jualan."]

    # Anyone else: the edited text, the deleted one gone, and no button to change either.
    stranger = new_context().new_page()
    stranger.goto(url)
    shown = stranger.locator("#kabar-komentar")
    expect(shown.locator("h2")).to_have_text("3 komentar")
    expect(shown.locator(f"#c{kept.pk}")).to_contain_text(REPLY)
    expect(shown.locator(f"#c{dropped.pk}")).to_have_count(0)
    expect(shown.get_by_role("button", name="Laporkan komentar dari Laras")).to_have_count(2)
    expect(shown.get_by_role("button", name="Sunting", exact=True)).to_have_count(0)
    expect(shown.get_by_role("button", name="Hapus", exact=True)).to_have_count(0)

    # Deleting a comment that has a reply: the reply stays, under the placeholder.
    answer = approved(thread, FERRY + " Terima kasih, Laras.", parent=kept)
    reader.reload()
    expect(widget.locator("h2")).to_have_text("4 komentar")
    mine.get_by_role("button", name="Hapus", exact=True).click()
    confirm = mine.get_by_role("form", name="Hapus komentar Anda?")
    expect(confirm).to_contain_text("balasan tersebut tetap ada")
    confirm.get_by_role("button", name="Hapus komentar", exact=True).click()
    expect(mine).to_contain_text("Komentar dihapus")
    expect(mine).not_to_contain_text(REPLY)
    expect(widget.locator(f"#c{answer.pk}")).to_contain_text("Terima kasih, Laras.")
    expect(widget.locator("h2")).to_have_text("3 komentar")
    kept.refresh_from_db()
    assert kept.removed_at is not None
    stranger.reload()
    expect(shown.locator(f"#c{kept.pk}")).to_contain_text("Komentar dihapus")
    expect(shown.locator(f"#c{answer.pk}")).to_contain_text("Terima kasih, Laras.")


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found["violations"]]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("id", ("1 komentar", "Balas ke Wulan", "Kirim Komentar", "Silakan tulis komentar Anda.")),
        ("en", ("1 comment", "Reply to Wulan", "Post Comment", "Please type your comment.")),
    ],
)
def test_the_widget_has_no_axe_violation(live_server, new_context, static_site, lang, words):
    blog = static_site()
    thread, first = registered_thread(blog)
    url = blog.page("post.html", live_server.url, thread=live_server.url + thread.url, lang=lang)
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(url)
    widget = page.locator("#kabar-komentar")
    heading, reply_to, post, body_required = words
    expect(widget.locator("h2")).to_have_text(heading)
    assert widget.locator("section").get_attribute("lang") == lang
    assert axe_violations(page) == []

    # A reply open under the comment, sent empty: the errors at their fields.
    widget.get_by_role("button", name=reply_to).click()
    widget.get_by_role("button", name=post).click()
    expect(widget.locator("#f-body-err")).to_have_text(body_required)
    violations = axe_violations(page)
    assert violations == [], violations


def test_a_long_name_and_word_stay_inside_a_phone_s_width(live_server, new_context, static_site):
    """A commenter's name of one long word, in the flexible row above the comment, widened
    the host page to 1,350 px on a 360 px phone; the checkboxes are as large to tap as the
    site's own form's."""
    blog = static_site()
    thread, _first = registered_thread(blog)
    approved(thread, "Setuju " + "panjang" * 30, name="Pembaca" + "Panjang" * 20, n=8)
    url = blog.page("post.html", live_server.url, thread=live_server.url + thread.url)
    page = new_context(viewport={"width": 360, "height": 640}, is_mobile=True).new_page()
    page.goto(url)
    widget = page.locator("#kabar-komentar")
    expect(widget.get_by_text("Pembaca" + "Panjang" * 20)).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    for box in widget.locator("input[type=checkbox]").all():
        size = box.bounding_box()
        assert size["width"] >= 23.5 and size["height"] >= 23.5


def test_a_big_thread_is_read_page_by_page_from_the_keyboard(live_server, new_context, static_site):
    blog = static_site()
    thread, _first = registered_thread(blog)
    rules = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    rules.comments_per_page = 5
    rules.save()
    for n in range(2, 12):  # eleven in all: three pages, the oldest first
        approved(thread, f"Komentar nomor {n}.", name=f"Pembaca {n}", n=n + 10)
    url = blog.page("post.html", live_server.url, thread=live_server.url + thread.url)
    page = new_context().new_page()
    page.goto(url)
    widget = page.locator("#kabar-komentar")
    top = widget.get_by_role("navigation", name="Halaman komentar", exact=True)
    bottom = widget.get_by_role("navigation", name="Halaman komentar (bawah)", exact=True)
    shown = widget.locator("section > ol > li")
    expect(widget.locator("h2")).to_have_text("11 komentar")
    expect(top.locator("[aria-current=page]")).to_have_text("1")
    expect(shown).to_have_count(5)
    expect(top.get_by_role("button", name="Komentar lebih lama")).to_have_count(0)

    top.get_by_role("button", name="Komentar lebih baru").focus()
    page.keyboard.press("Enter")
    expect(top.locator("[aria-current=page]")).to_have_text("2")
    expect(widget.locator("h2")).to_be_focused()
    expect(shown.first).to_contain_text("Komentar nomor 6.")

    bottom.get_by_role("button", name="3", exact=True).click()
    expect(bottom.locator("[aria-current=page]")).to_have_text("3")
    expect(shown).to_have_count(1)
    expect(shown).to_contain_text("Komentar nomor 11.")
    expect(bottom.get_by_role("button", name="Komentar lebih baru")).to_have_count(0)
    violations = axe_violations(page)
    assert violations == [], violations

    # A page that does not come (the connection dropped): said, and the reader's text stays.
    body = widget.get_by_role("textbox", name="Komentar", exact=True)
    body.fill("Kalimat yang belum selesai")
    page.route(re.compile(r"/api/v1/threads\?"), lambda route: route.abort())
    bottom.get_by_role("button", name="1", exact=True).click()
    expect(widget.get_by_role("alert")).to_have_text(
        "Komentar tidak dapat dimuat. Silakan coba lagi nanti."
    )
    expect(body).to_have_value("Kalimat yang belum selesai")
    expect(shown).to_contain_text("Komentar nomor 11.")


def test_the_widget_loads_without_moving_the_page(live_server, new_context, static_site):
    blog = static_site()
    thread, _first = registered_thread(blog)
    url = blog.page(
        "post.html", live_server.url, thread=live_server.url + thread.url, reserve="64rem"
    )
    page = new_context(viewport={"width": 1280, "height": 1400}).new_page()
    page.add_init_script(
        "window.kabarShift = 0; new PerformanceObserver((list) => { for (const e of"
        " list.getEntries()) if (!e.hadRecentInput) window.kabarShift += e.value; })"
        ".observe({type: 'layout-shift', buffered: true});"
    )

    def late(route):
        time.sleep(0.4)  # the loading state is drawn first, as on a slow connection
        route.continue_()

    page.route(re.compile(r"/api/v1/threads\?"), late)
    page.goto(url)
    footer_top = page.locator("#footer").bounding_box()["y"]
    assert footer_top < 1400  # in view: had anything pushed it, the shift would count
    expect(page.locator("#kabar-komentar form")).to_be_visible()
    page.wait_for_timeout(500)
    assert page.locator("#footer").bounding_box()["y"] == footer_top
    assert page.evaluate("window.kabarShift") < 0.01
