"""A browser that takes AVIF gets AVIF, and a phone gets a rendition sized for its screen:
in real headless Chromium, which accepts AVIF and WebP."""

from io import BytesIO

import pytest
from django.core.files.images import ImageFile
from PIL import Image, ImageDraw
from wagtail.images import get_image_model

from tests import builders

PHONE = {"width": 380, "height": 800}
LOADED = "img => img.complete && img.naturalWidth > 0"
FILE_WIDTH = """src => new Promise(done => {
  const file = new Image();
  file.onload = () => done(file.naturalWidth);
  file.src = src;
})"""


def make_image(title, colour):
    """A 1600×900 photograph-like image (a gradient with shapes), so every width is made."""
    picture = Image.linear_gradient("L").resize((1600, 900)).convert("RGB")
    draw = ImageDraw.Draw(picture)
    for i in range(12):
        draw.ellipse((i * 120, 100 + i * 40, i * 120 + 300, 400 + i * 40), fill=colour)
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title.lower()}.jpg")
    )


@pytest.fixture
def illustrated(transactional_db):
    home = builders.make_home()
    section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    inline = make_image("Pengungsi", (200, 80, 40))
    body = [("paragraph", "<p>Paragraf pertama.</p>" * 30)]
    body.append(("image", {"image": inline, "caption": "Balai desa", "credit": "Kabar"}))
    return builders.make_article(section, lead_image=make_image("Banjir", (30, 90, 160)), body=body)


def image_responses(page):
    """{url: content type} of every image the page fetches."""
    seen = {}
    page.on(
        "response",
        lambda response: (
            seen.__setitem__(response.url, response.headers.get("content-type"))
            if response.request.resource_type == "image"
            else None
        ),
    )
    return seen


def test_chromium_is_served_the_lead_image_as_avif(live_server, new_context, illustrated):
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    responses = image_responses(page)
    page.goto(live_server.url + illustrated.url)
    lead = page.locator(".article__lead img")
    page.wait_for_function(f"({LOADED})(document.querySelector('.article__lead img'))")
    current = lead.evaluate("img => img.currentSrc")
    assert current.endswith(".avif")
    assert responses[current] == "image/avif"
    assert not any(url.endswith((".jpg", ".webp")) for url in responses)  # no second copy


def test_a_phone_loads_a_small_rendition_of_the_body_image(live_server, new_context, illustrated):
    page = new_context(viewport=PHONE).new_page()
    responses = image_responses(page)
    page.goto(live_server.url + illustrated.url)
    inline = page.locator(".inline-image img")
    assert inline.get_attribute("loading") == "lazy"
    inline.scroll_into_view_if_needed()
    page.wait_for_function(f"({LOADED})(document.querySelector('.inline-image img'))")
    current = inline.evaluate("img => img.currentSrc")
    # naturalWidth of a srcset image is scaled to its slot: read the file's own width.
    width = page.evaluate(FILE_WIDTH, current)
    assert width <= 640  # not the 1,200 px fallback on a 380 px screen
    assert current.endswith(".avif") and responses[current] == "image/avif"
    assert not any("width-1200" in url or "width-960" in url for url in responses)
