"""The mailed confirmation link in a real browser: its page's button confirms the address
(the browser names our origin on that POST), and a page of another site posting the same
link is refused."""

from django.urls import reverse
from playwright.sync_api import expect

from kabar.discussion.models import Commenter
from kabar.discussion.trust import confirmation_token
from tests import builders


def test_the_confirm_button_works_and_another_site_cannot_press_it(
    live_server, new_context, transactional_db
):
    builders.make_article(builders.make_section(builders.make_home()))
    commenter = Commenter.objects.create(email="laras.e2e@example.net", name="Laras")
    link = live_server.url + reverse("discussion:confirm", args=[confirmation_token(commenter)])

    # Another site's page posting the link (a form it submits by itself): refused.
    context = new_context()
    forged = context.new_page()
    forged.route(
        "http://penipu.example/",
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<form method="post" action="{link}"><button>Hadiah</button></form>',
        ),
    )
    forged.goto("http://penipu.example/")
    forged.get_by_role("button", name="Hadiah").click()
    expect(forged.locator("h1")).to_have_text("Formulir tidak dapat diterima")
    commenter.refresh_from_db()
    assert commenter.verified_at is None
    assert not [c for c in context.cookies() if c["name"] == "kabar_trusted"]

    # The reader's own click on the page the link opens.
    page = new_context().new_page()
    page.goto(link)
    page.locator("#confirm-button").click()
    expect(page.locator("#confirm-page")).to_be_visible()
    commenter.refresh_from_db()
    assert commenter.verified_at is not None
    assert [c for c in page.context.cookies() if c["name"] == "kabar_trusted"]
