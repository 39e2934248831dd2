"""Pictures: AVIF and WebP sources, srcset and sizes on every image, the first image of a page
fetched first and the rest lazily, renditions read in bounded queries and not rewritten to
Wagtail's renditions cache on every render."""

from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.db import connection
from PIL import Image, features
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from kabar.news import pictures
from kabar.news.models import HomeTopStory
from tests import builders

pytestmark = pytest.mark.django_db

COLUMN_SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"


class _Pictures(HTMLParser):
    """Every <img> of a page, each with the <source>s of its <picture>."""

    def __init__(self):
        super().__init__()
        self.images = []
        self._sources = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "picture":
            self._sources = []
        elif tag == "source" and self._sources is not None:
            self._sources.append(attrs)
        elif tag == "img":
            self.images.append({**attrs, "sources": self._sources or []})

    def handle_endtag(self, tag):
        if tag == "picture":
            self._sources = None


def images_in(html):
    parser = _Pictures()
    parser.feed(html)
    return parser.images


def make_image(title, size=(1600, 900), colour=(40, 90, 140)):
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=80)
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.jpg")
    )


def candidates(srcset):
    """[(url, width)] of a srcset."""
    pairs = [candidate.strip().rsplit(" ", 1) for candidate in srcset.split(",")]
    return [(url, int(width.rstrip("w"))) for url, width in pairs]


def stored_format(url):
    name = url.removeprefix("/media/")
    with default_storage.open(name) as file, Image.open(file) as image:
        return image.format


@pytest.fixture
def illustrated(section):
    lead = make_image("Banjir")
    inline = make_image("Pengungsi", colour=(150, 60, 30))
    body = [
        ("paragraph", "<p>Paragraf pertama.</p>"),
        ("image", {"image": inline, "caption": "Air naik", "credit": "Kabar"}),
    ]
    return builders.make_article(
        section, lead_image=lead, lead_image_caption="Tepi sungai", body=body
    )


def test_pillow_here_writes_avif_and_it_is_offered_first():
    """Debian's Pillow builds AVIF: a picture offers it before WebP; the check is a real
    encode, so a Pillow without it would leave the source out instead of breaking images."""
    assert features.check("avif")
    assert pictures.MODERN_FORMATS == ("avif", "webp")
    assert pictures._can_write("AVIF")
    assert not pictures._can_write("NO-SUCH-FORMAT")


def test_article_images_are_pictures_with_avif_and_webp_sources(client, illustrated):
    html = client.get(illustrated.url).content.decode()
    lead, inline = images_in(html)
    assert lead["alt"] == "Tepi sungai" and inline["alt"] == "Air naik"
    for image in (lead, inline):
        types = [source["type"] for source in image["sources"]]
        assert types == ["image/avif", "image/webp"]
        for source in image["sources"]:
            assert source["sizes"] == COLUMN_SIZES
            found = candidates(source["srcset"])
            assert [width for _url, width in found] == [320, 640, 960, 1200]
            extension = source["type"].removeprefix("image/")
            assert all(url.endswith(f".{extension}") for url, _width in found)
            assert stored_format(found[0][0]) == extension.upper()


def test_an_image_described_for_the_blind_has_that_description_as_alt(client, illustrated):
    # Wagtail's description field is an image's alt text (WordPress's, when imported): a
    # caption under the image is read out besides, so it makes a poor alt of its own.
    lead = illustrated.lead_image
    lead.description = "Genangan air setinggi lutut di depan rumah warga"
    lead.save()
    inline = illustrated.body[1].value["image"]
    inline.description = "Dua relawan mendorong perahu karet"
    inline.save()
    html = client.get(illustrated.url).content.decode()
    first, second = images_in(html)
    assert first["alt"] == lead.description and second["alt"] == inline.description
    assert f'<meta property="og:image:alt" content="{lead.description}">' in html


def test_article_images_have_a_jpeg_srcset_sizes_and_dimensions(client, illustrated):
    html = client.get(illustrated.url).content.decode()
    for image in images_in(html):
        found = candidates(image["srcset"])
        assert [width for _url, width in found] == [320, 640, 960, 1200]
        assert image["sizes"] == COLUMN_SIZES
        assert image["src"] == found[-1][0]
        assert (image["width"], image["height"]) == ("1200", "675")
        assert stored_format(image["src"]) == "JPEG"
    lead = illustrated.lead_image.get_rendition("width-1200")  # what ninjs links to
    assert images_in(html)[0]["src"] == lead.url


def test_the_lead_image_is_fetched_first_and_body_images_lazily(client, illustrated):
    lead, inline = images_in(client.get(illustrated.url).content.decode())
    assert lead["fetchpriority"] == "high" and "loading" not in lead
    assert inline["loading"] == "lazy" and inline["decoding"] == "async"
    assert "fetchpriority" not in inline


def test_a_small_original_is_not_listed_at_widths_it_does_not_have(client, section):
    small = get_image_model().objects.create(title="Kecil", file=get_test_image_file())
    article = builders.make_article(section, lead_image=small)
    (lead,) = images_in(client.get(article.url).content.decode())
    assert [width for _url, width in candidates(lead["srcset"])] == [320, 640]
    assert (lead["width"], lead["height"]) == ("640", "480")
    for source in lead["sources"]:
        assert [width for _url, width in candidates(source["srcset"])] == [320, 640]


def _listed(section, count, **fields):
    return [
        builders.make_article(
            section, f"Berita bergambar {i}", lead_image=make_image(f"Foto {i}"), **fields
        )
        for i in range(count)
    ]


def _assert_first_card_first(images, sizes):
    assert len(images) >= 3
    first, *rest = images
    assert first["fetchpriority"] == "high" and "loading" not in first
    for image in rest:
        assert image["loading"] == "lazy" and image["decoding"] == "async"
        assert "fetchpriority" not in image
    for image in images:
        assert image["sizes"] == sizes and image["alt"] == ""
        assert [s["type"] for s in image["sources"]] == ["image/avif", "image/webp"]
        assert all(s["sizes"] == sizes for s in image["sources"])
        assert [width for _url, width in candidates(image["srcset"])] == [320, 640, 960]
        assert (image["width"], image["height"]) == ("960", "540")


LISTING_SIZES = "(min-width: 48rem) 14rem, calc(100vw - 2rem)"


def test_section_tag_and_author_pages_fetch_their_top_card_first(client, section, author):
    articles = _listed(section, 3, authors=[author])
    for article in articles:
        article.tags.add("banjir")
        article.save_revision().publish()
    for url in (section.url, "/topik/banjir/", author.get_absolute_url()):
        _assert_first_card_first(images_in(client.get(url).content.decode()), LISTING_SIZES)


def test_home_fetches_only_its_first_top_story_first(client, home, section):
    second = builders.make_section(home, "Ekonomi", slug="ekonomi")
    top = _listed(section, 2)
    _listed(second, 2)
    for order, article in enumerate(top):
        HomeTopStory.objects.create(home=home, article=article, sort_order=order)
    images = images_in(client.get("/").content.decode())
    assert len(images) == 4  # both top stories, then the other section's two
    first, *rest = images
    assert first["fetchpriority"] == "high" and "loading" not in first
    assert all(image["loading"] == "lazy" and "fetchpriority" not in image for image in rest)
    assert first["sizes"].startswith("(min-width: 72rem) 41rem")  # the wide lead card


def test_home_without_top_stories_fetches_the_first_section_lead_first(client, home, section):
    _listed(section, 2)
    first, *rest = images_in(client.get("/").content.decode())
    assert first["fetchpriority"] == "high"
    assert rest and all(image["loading"] == "lazy" for image in rest)


def test_an_author_photo_is_a_picture_loaded_at_once(client, author):
    author.photo = make_image("Wajah", size=(400, 400))
    author.save()
    (photo,) = images_in(client.get(author.get_absolute_url()).content.decode())
    assert photo["class"] == "author-photo" and photo["sizes"] == "96px"
    assert [width for _url, width in candidates(photo["srcset"])] == [96, 192, 288]
    assert "loading" not in photo and "fetchpriority" not in photo
    assert [s["type"] for s in photo["sources"]] == ["image/avif", "image/webp"]


def test_section_page_rendition_queries_do_not_grow_with_images(
    client, section, django_assert_max_num_queries
):
    """Renditions made, then read with an empty renditions cache (a restart, an eviction):
    one query for every card's renditions, not one per image."""
    cache = get_image_model().get_rendition_model().cache_backend
    _listed(section, 2)
    client.get(section.url)
    cache.clear()
    # Making renditions logs thousands of queries: Django keeps the last 9,000 only, and a
    # count taken across a full log reads 0.
    connection.queries_log.clear()
    with django_assert_max_num_queries(30) as few:
        client.get(section.url)
    bound = len(few.captured_queries)  # read from the log, before it is cleared again
    _listed(section, 10)
    client.get(section.url)
    cache.clear()
    connection.queries_log.clear()
    with django_assert_max_num_queries(bound):
        html = client.get(section.url).content.decode()
    assert len(images_in(html)) == 12


def test_a_render_does_not_write_renditions_it_found_in_the_cache(client, illustrated, monkeypatch):
    client.get(illustrated.url)  # renditions made and cached
    model = illustrated.lead_image.get_rendition_model()
    writes = []
    backend = model.cache_backend
    monkeypatch.setattr(backend, "set", lambda *args, **kwargs: writes.append(args))
    monkeypatch.setattr(backend, "set_many", lambda *args, **kwargs: writes.append(args))
    html = client.get(illustrated.url).content.decode()
    assert len(images_in(html)) == 2
    assert writes == []


def test_renditions_made_ahead_leave_nothing_to_make_for_the_first_reader(client, section):
    image = make_image("Dibuat dulu")
    pictures.make_renditions(image)
    renditions = image.renditions.count()
    slots = sum(len(pictures.slot_specs(slot)) for slot in pictures.SLOTS)
    assert renditions == slots + len(pictures.SHARING_SPECS)
    article = builders.make_article(section, lead_image=image)
    client.get(article.url)
    client.get(section.url)
    assert image.renditions.count() == renditions
